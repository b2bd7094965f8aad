"""Shared by the app's dashboard chart sources: who may read them, which filters they take and which
programmes they cover.

The sources are not wrapped in Frappe's `cache_source`: it caches one result per chart for every
user, and each user's figures here are limited to their own programmes.
"""

import json

import frappe
from frappe import _

from collective_cover.kernel.access import is_staff
from collective_cover.reports import scope


class ChartFilterError(frappe.ValidationError):
	pass


def chart_scope(filters, accepted: tuple[str, ...] = ("program", "pool")) -> tuple[list[str], frappe._dict]:
	"""Staff only: the programmes the chart may count (the user's User Permissions, narrowed by a
	programme filter) and its filters, which must be a JSON object naming only the chart's own
	filters, with a pool the user may read."""
	# Not frappe.only_for, which lets everybody through while tests run.
	if not is_staff():
		raise frappe.PermissionError(_("Only coordinators and programme directors can read this chart."))
	filters = parsed_filters(filters)
	unknown = sorted(set(filters) - set(accepted))
	if unknown:
		frappe.throw(
			_("This chart has no filter {0}; it can be filtered by: {1}.").format(
				frappe.bold(str(unknown[0])[:60]), ", ".join(accepted)
			),
			ChartFilterError,
			title=_("Chart filters"),
		)
	for key, value in filters.items():
		if value is not None and not isinstance(value, str | int | float):
			frappe.throw(
				_("The chart filter {0} must be a single value.").format(key),
				ChartFilterError,
				_("Chart filters"),
			)
	if filters.get("pool") and not scope.readable_pools(frappe._dict(pool=filters.pool)):
		raise frappe.PermissionError(_("You cannot read pool {0}.").format(str(filters.pool)[:140]))
	return scope.readable_programs(filters) or [""], filters


def parsed_filters(filters) -> frappe._dict:
	if filters is None or filters == "":
		return frappe._dict()
	if isinstance(filters, str):
		try:
			filters = json.loads(filters)
		except ValueError:
			filters = None
	if not isinstance(filters, dict):
		frappe.throw(
			_("Chart filters must be a JSON object of filter names and values."),
			ChartFilterError,
			title=_("Chart filters"),
		)
	return frappe._dict(filters)
