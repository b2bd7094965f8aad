"""Frappe's standard automation on the app's records, run with the authority of the administrator who
set it up rather than of whoever saved the record.

An Assignment Rule on Cover Request assigns each new request and, when the assignee cannot read it,
shares it with them. Frappe runs the rule as the session user, and sharing needs the share right, so a
clinician filing a request was refused ("No permission to share Cover Request") and could not file at
all. Giving clinicians the share right would be far wider than the rule needs: they could then share,
over REST and at any time, any request they can read with any user. Instead the app runs the site's
rules for its own doctypes as Administrator, just before Frappe's own handler (Frappe calls a doctype's
handlers before the "*" ones); Frappe's handler then finds the assignment made and shares nothing. The
session user gains no right, and the rule does exactly what its administrator configured.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import frappe
from frappe.automation.doctype.assignment_rule.assignment_rule import apply


@contextmanager
def as_administrator() -> Iterator[None]:
	"""Permission checks inside pass as Administrator's. Only the session's user changes: frappe.set_user
	would also reset the live request's form_dict and session id."""
	session = frappe.local.session
	user = session.user
	session.user = "Administrator"
	try:
		yield
	finally:
		session.user = user


def apply_assignment_rules(doc, method=None) -> None:
	"""doc_event on the events Frappe applies Assignment Rules on (on_update, on_update_after_submit,
	on_cancel)."""
	if frappe.session.user == "Administrator":
		return  # Frappe's own handler runs as Administrator already
	with as_administrator():
		apply(doc, method)
