"""Who is who: staff roles, a user's clinician record, the coordinators of a programme, and the row
condition every clinician-facing permission query shares. Staff are limited to their programmes by User
Permissions on Residency Program (Frappe's standard mechanism)."""

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
