"""Shared by the app's dashboard chart sources: who may read them and which programmes they cover.

The sources are not wrapped in Frappe's `cache_source`: it caches one result per chart for every
user, and each user's figures here are limited to their own programmes.
"""

import frappe
from frappe import _

from collective_cover.kernel.access import is_staff
from collective_cover.reports import scope


def readable_programs(filters) -> list[str]:
	"""Staff only; the programmes the user's User Permissions allow, narrowed by a programme filter."""
	# Not frappe.only_for, which lets everybody through while tests run.
	if not is_staff():
		raise frappe.PermissionError(_("Only coordinators and programme directors can read this chart."))
	return scope.readable_programs(frappe._dict(frappe.parse_json(filters or "{}"))) or [""]
