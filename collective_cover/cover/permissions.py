"""Row-level access: clinicians see their own requests and covers; staff are limited to their
programmes by User Permissions on Residency Program (Frappe's standard mechanism).

`has_permission` hooks can only deny; `permission_query_conditions` narrow lists, reports and REST.
"""

from __future__ import annotations

import frappe

from collective_cover.kernel.access import clinician_condition, clinician_of, is_staff


def _own(field_names: tuple[str, ...], doctype: str, user: str | None) -> str:
	return clinician_condition(
		user, lambda value: "(" + " or ".join(f"`tab{doctype}`.`{f}` = {value}" for f in field_names) + ")"
	)


def cover_request_query(user: str | None = None) -> str:
	"""Their own requests, and those they cover a duty of (a request split across coverers names only
	its first coverer in `covered_by`)."""
	return clinician_condition(
		user,
		lambda value: (
			f"(`tabCover Request`.`requester` = {value} or `tabCover Request`.`covered_by` = {value}"
			" or exists (select 1 from `tabCover Request Duty` duty"
			" where duty.`parent` = `tabCover Request`.`name` and duty.`parenttype` = 'Cover Request'"
			f" and duty.`covered_by` = {value}))"
		),
	)


def ledger_entry_query(user: str | None = None) -> str:
	return _own(("clinician",), "Cover Ledger Entry", user)


def shift_query(user: str | None = None) -> str:
	return _own(("clinician",), "Clinician Shift", user)


def rota_query(user: str | None = None) -> str:
	# A rota day's explanation speaks of its member's standing, which is theirs to see.
	return _own(("clinician",), "Jeopardy Rota", user)


def unavailability_query(user: str | None = None) -> str:
	return _own(("clinician",), "Clinician Unavailability", user)


def _is_own(doc, fields, user) -> bool | None:
	user = user or frappe.session.user
	if is_staff(user):
		return None  # defer to roles and User Permissions
	clinician = clinician_of(user)
	return bool(clinician) and any(doc.get(f) == clinician for f in fields)


def cover_request_permission(doc, ptype=None, user=None) -> bool | None:
	if ptype in ("create", "submit") and not doc.get("requester"):
		return None  # a clinician filing without naming the requester files for themselves
	if ptype in ("write", "submit", "cancel", "delete") and not is_staff(user or frappe.session.user):
		# Only the requester changes their own request; the coverer only reads it.
		return _is_own(doc, ("requester",), user)
	own = _is_own(doc, ("requester", "covered_by"), user)
	if own is False and doc.get("duties"):
		clinician = clinician_of(user or frappe.session.user)
		return bool(clinician) and any(row.covered_by == clinician for row in doc.duties)
	return own


def ledger_entry_permission(doc, ptype=None, user=None) -> bool | None:
	return _is_own(doc, ("clinician",), user)


def shift_permission(doc, ptype=None, user=None) -> bool | None:
	return _is_own(doc, ("clinician",), user)
