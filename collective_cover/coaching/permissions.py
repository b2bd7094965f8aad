"""Coaching is between a resident and their coach: each sees their own pairings, meetings and notes;
directors read everything in their programmes; coordinators manage pairings and meetings of their
programmes (User Permissions on Residency Program) but never read the notes.

Each role grants only what that role may see: a coordinator who is also a coach reads the notes of
their own pairings, as a coach, and no others."""

from __future__ import annotations

import frappe

from collective_cover.kernel.access import clinician_condition, clinician_of, is_staff


def _pair_condition(table: str, user: str | None) -> str:
	column = "name" if table == "Coach Pairing" else "pairing"
	return clinician_condition(
		user,
		lambda value: f"`tab{table}`.`{column}` in "
		f"(select name from `tabCoach Pairing` where resident = {value} or coach = {value})",
	)


def coach_pairing_query(user: str | None = None) -> str:
	return _pair_condition("Coach Pairing", user)


def coaching_meeting_query(user: str | None = None) -> str:
	return _pair_condition("Coaching Meeting", user)


# The roles whose permission on Coaching Note reaches every note of their programmes.
NOTE_READERS = ("Program Director", "System Manager")


def reads_every_note(user: str) -> bool:
	return user == "Administrator" or bool(set(frappe.get_roles(user)) & set(NOTE_READERS))


def coaching_note_query(user: str | None = None) -> str:
	user = user or frappe.session.user
	if reads_every_note(user):
		return ""
	clinician = clinician_of(user)
	if not clinician:
		return "1=0"
	value = frappe.db.escape(clinician)
	return (
		"`tabCoaching Note`.`pairing` in "
		f"(select name from `tabCoach Pairing` where resident = {value} or coach = {value})"
	)


def in_pair(pairing: str | None, user: str | None = None) -> bool:
	clinician = clinician_of(user or frappe.session.user)
	if not (clinician and pairing):
		return False
	resident, coach = frappe.db.get_value("Coach Pairing", pairing, ["resident", "coach"]) or (None, None)
	return clinician in (resident, coach)


def coach_pairing_permission(doc, ptype=None, user=None) -> bool | None:
	if is_staff(user or frappe.session.user):
		return None
	return in_pair(doc.name, user)


def coaching_meeting_permission(doc, ptype=None, user=None) -> bool | None:
	if is_staff(user or frappe.session.user):
		return None
	return in_pair(doc.pairing, user)


def coaching_note_permission(doc, ptype=None, user=None) -> bool | None:
	# Coordinators hold no role permission on notes at all; directors read them through their role.
	if reads_every_note(user or frappe.session.user):
		return None
	return in_pair(doc.pairing or frappe.db.get_value("Coaching Meeting", doc.meeting, "pairing"), user)


def care_team_query(user: str | None = None) -> str:
	return clinician_condition(
		user,
		lambda value: "`tabCare Team`.`name` in "
		f"(select parent from `tabCare Team Member` where clinician = {value})",
	)


def care_team_permission(doc, ptype=None, user=None) -> bool | None:
	if is_staff(user or frappe.session.user):
		return None
	clinician = clinician_of(user or frappe.session.user)
	return bool(clinician) and ptype == "read" and any(m.clinician == clinician for m in doc.members)
