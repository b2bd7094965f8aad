"""Row-level access: clinicians see their own requests and covers; staff are limited to their
programmes by User Permissions on Residency Program (Frappe's standard mechanism).

`has_permission` hooks can only deny; `permission_query_conditions` narrow lists, reports and REST.
"""

from __future__ import annotations

from collections.abc import Callable

import frappe

STAFF_ROLES = ("Cover Coordinator", "Program Director", "System Manager")


def is_staff(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or bool(set(frappe.get_roles(user)) & set(STAFF_ROLES))


def clinician_of(user: str) -> str | None:
	return frappe.db.get_value("Clinician", {"user": user}, "name")


def coordinator_users(program: str) -> list[str]:
	"""Enabled Cover Coordinators whose User Permissions allow `program` (or who have none)."""
	has_role = frappe.qb.DocType("Has Role")
	user = frappe.qb.DocType("User")
	coordinators = (
		frappe.qb.from_(has_role)
		.join(user)
		.on(user.name == has_role.parent)
		.select(user.name)
		.distinct()
		.where((has_role.role == "Cover Coordinator") & (has_role.parenttype == "User") & (user.enabled == 1))
	).run(pluck=True)
	restricted = frappe.get_all(
		"User Permission",
		filters={"user": ("in", coordinators or [""]), "allow": "Residency Program"},
		fields=["user", "for_value"],
	)
	allowed = {}
	for row in restricted:
		allowed.setdefault(row.user, set()).add(row.for_value)
	return [u for u in coordinators if u not in allowed or program in allowed[u]]


def clinician_condition(user: str | None, condition_for: Callable[[str], str]) -> str:
	"""A permission query condition: none for staff (roles and User Permissions decide), nothing for
	users who are no clinician, else `condition_for(the escaped clinician name)`."""
	user = user or frappe.session.user
	if is_staff(user):
		return ""
	clinician = clinician_of(user)
	if not clinician:
		return "1=0"
	return condition_for(frappe.db.escape(clinician))


def _own(field_names: tuple[str, ...], doctype: str, user: str | None) -> str:
	return clinician_condition(
		user, lambda value: "(" + " or ".join(f"`tab{doctype}`.`{f}` = {value}" for f in field_names) + ")"
	)


def cover_request_query(user: str | None = None) -> str:
	return _own(("requester", "covered_by"), "Cover Request", user)


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
	return _is_own(doc, ("requester", "covered_by"), user)


def ledger_entry_permission(doc, ptype=None, user=None) -> bool | None:
	return _is_own(doc, ("clinician",), user)


def shift_permission(doc, ptype=None, user=None) -> bool | None:
	return _is_own(doc, ("clinician",), user)
