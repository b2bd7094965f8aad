"""Coach pairings: their connectedness figures, and the pairing tool's suggestions."""

from __future__ import annotations

from datetime import date

import frappe
from frappe import _
from frappe.utils import getdate

from collective_cover.coaching.meetings import propose_meetings_for
from collective_cover.coaching.schedule import clinic_half_days
from collective_cover.engine.clinic import shared_half_days
from collective_cover.engine.meetings import meeting_pace
from collective_cover.engine.model import TRAINEE_ROLES
from collective_cover.engine.pairing import PairingPlan, suggest_pairings
from collective_cover.kernel.dates import fairness_window
from collective_cover.kernel.validators import parse_date, refuse

ACTIVE = "Active"


def held_meeting_dates(pairing: str) -> list[date]:
	"""Every held meeting of the pairing, earlier years included: the last one decides "overdue"."""
	return [
		getdate(start)
		for start in frappe.get_all(
			"Coaching Meeting",
			filters={"pairing": pairing, "status": "Held"},
			pluck="starts_at",
			order_by="starts_at asc",
		)
	]


def connectedness(pairing_doc, today: date | None = None) -> dict:
	"""This academic year's shared half-days, meetings held and pace of one pairing."""
	today = today or getdate()
	year = fairness_window(today)
	clinics = clinic_half_days([pairing_doc.resident, pairing_doc.coach], *year)
	held = held_meeting_dates(pairing_doc.name) if not pairing_doc.is_new() else []
	pace = meeting_pace(
		held, pairing_doc.meetings_required or 0, year, today, getdate(pairing_doc.start_date)
	)
	return {
		"shared_half_days": len(shared_half_days(clinics[pairing_doc.resident], clinics[pairing_doc.coach])),
		"meetings_held": pace.held,
		"last_meeting": pace.last_meeting,
		"pace": "Overdue" if pace.overdue else "Behind" if pace.behind else "On pace",
	}


def suggest_for_program(program: str, from_date, to_date) -> tuple[PairingPlan, dict[str, str]]:
	"""The engine's optimal pairings of the programme's unpaired residents, with everyone's names."""
	from_date, to_date = parse_date(from_date, _("From date")), parse_date(to_date, _("To date"))
	if to_date < from_date:
		refuse(_("The period ends ({0}) before it starts ({1}).").format(to_date, from_date))
	people = frappe.get_all(
		"Clinician",
		filters={"program": program, "status": "Active"},
		fields=["name", "full_name", "role", "coach_capacity"],
	)
	names = {p.name: p.full_name for p in people}
	residents = [p.name for p in people if p.role in TRAINEE_ROLES]
	coaches = {p.name: p.coach_capacity or 0 for p in people if p.role == "Faculty"}
	active = dict(
		frappe.get_all(
			"Coach Pairing",
			filters={"resident": ("in", residents or [""]), "status": ACTIVE},
			fields=["resident", "coach"],
			as_list=True,
		)
	)
	unpaired = [r for r in residents if r not in active]
	clinics = clinic_half_days(unpaired + list(coaches), from_date, to_date)
	overlap = {
		(r, c): len(shared_half_days(clinics[r], clinics[c]))
		for r in unpaired
		for c in coaches
		if clinics[r] and clinics[c]
	}
	return suggest_pairings(unpaired, coaches, overlap, active), names


def create_pairings(plan: PairingPlan, start_date) -> list[str]:
	"""Create the plan's pairings, then propose all their meetings in one run, so the residents of one
	coach get separate slots of the coach's time."""
	created = []
	for pairing in plan.pairings:
		doc = frappe.get_doc(
			{
				"doctype": "Coach Pairing",
				"resident": pairing.resident,
				"coach": pairing.coach,
				"start_date": start_date,
			}
		)
		doc.flags.meetings_proposed_by_caller = True
		created.append(doc.insert())
	propose_meetings_for([doc for doc in created if doc.status == ACTIVE])
	return [doc.name for doc in created]
