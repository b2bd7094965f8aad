"""Coaching Continuity: each pairing's shared clinic half-days, meetings held against required, last
meeting and pace, grouped under its coach with the coach's load (pairings against capacity, how many
are behind or overdue).

The figures are the pairing's own, kept current whenever a meeting changes and by the daily refresh
(coaching/reminders.py); days without a meeting are counted here, to today. Pairings are listed with
`frappe.get_list`, so User Permissions on Residency Program apply.
"""

from itertools import groupby

import frappe
from frappe import _
from frappe.utils import date_diff, getdate

from collective_cover.reports.words import counted, in_words

PAIRING_FIELDS = (
	"name",
	"resident",
	"resident_name",
	"coach",
	"coach_name",
	"program",
	"status",
	"start_date",
	"shared_half_days",
	"meetings_held",
	"meetings_required",
	"last_meeting",
	"pace",
)


def execute(filters=None):
	filters = frappe._dict(filters or {})
	conditions = {key: filters[key] for key in ("program", "coach", "status", "pace") if filters.get(key)}
	# A date range keeps the pairings that ran during it.
	if filters.to_date:
		conditions["start_date"] = ("<=", filters.to_date)
	ran_until = (
		[["planned_end", "is", "not set"], ["planned_end", ">=", filters.from_date]]
		if filters.from_date
		else None
	)
	pairings = frappe.get_list(
		"Coach Pairing",
		filters=conditions,
		or_filters=ran_until,
		fields=PAIRING_FIELDS,
		order_by="coach_name asc, coach asc, resident_name asc",
	)
	capacity = dict(
		frappe.get_all(
			"Clinician",
			filters={"name": ("in", list({p.coach for p in pairings}) or [""])},
			fields=["name", "coach_capacity"],
			as_list=True,
		)
	)
	data = []
	for coach, rows in groupby(pairings, key=lambda p: p.coach):
		rows = list(rows)
		data.append(coach_row(coach, rows, capacity.get(coach)))
		data.extend(pairing_row(p) for p in rows)
	return get_columns(), data, in_words(summary_sentences(pairings)), None, get_summary(pairings)


def coach_row(coach: str, pairings: list, capacity: int | None) -> dict:
	return {
		"indent": 0,
		"person": pairings[0].coach_name,
		"clinician": coach,
		"pairings": len(pairings),
		"capacity": capacity,
		"shared_half_days": sum(p.shared_half_days or 0 for p in pairings),
		"meetings_held": sum(p.meetings_held or 0 for p in pairings),
		"meetings_required": sum(p.meetings_required or 0 for p in pairings),
		"last_meeting": max((p.last_meeting for p in pairings if p.last_meeting), default=None),
		"behind": sum(p.pace == "Behind" for p in pairings),
		"overdue": sum(p.pace == "Overdue" for p in pairings),
	}


def pairing_row(pairing) -> dict:
	# A pairing's start counts as its first contact, as for "overdue" (engine/meetings.py).
	last_contact = pairing.last_meeting or pairing.start_date
	return {
		"indent": 1,
		"person": pairing.resident_name,
		"clinician": pairing.resident,
		"pairing": pairing.name,
		"program": pairing.program,
		"status": pairing.status,
		"start_date": pairing.start_date,
		"shared_half_days": pairing.shared_half_days,
		"meetings_held": pairing.meetings_held,
		"meetings_required": pairing.meetings_required,
		"last_meeting": pairing.last_meeting,
		"days_without_meeting": max(date_diff(getdate(), last_contact), 0) if last_contact else None,
		"pace": pairing.pace,
	}


def get_columns() -> list[dict]:
	def count(fieldname, label, width=110):
		return {"fieldname": fieldname, "label": label, "fieldtype": "Int", "width": width}

	return [
		{"fieldname": "person", "label": _("Coach / Resident"), "fieldtype": "Data", "width": 220},
		{"fieldname": "clinician", "label": _("Clinician"), "fieldtype": "Link", "options": "Clinician", "width": 110},
		{"fieldname": "pairing", "label": _("Pairing"), "fieldtype": "Link", "options": "Coach Pairing", "width": 100},
		{"fieldname": "program", "label": _("Residency Program"), "fieldtype": "Link", "options": "Residency Program", "width": 160},
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 80},
		{"fieldname": "start_date", "label": _("Start Date"), "fieldtype": "Date", "width": 100},
		count("pairings", _("Pairings"), 90),
		count("capacity", _("Capacity"), 90),
		count("shared_half_days", _("Shared Half-days"), 130),
		count("meetings_held", _("Meetings Held"), 120),
		count("meetings_required", _("Meetings Required"), 140),
		{"fieldname": "last_meeting", "label": _("Last Meeting"), "fieldtype": "Date", "width": 110},
		count("days_without_meeting", _("Days Without a Meeting"), 170),
		{"fieldname": "pace", "label": _("Pace"), "fieldtype": "Data", "width": 90},
		count("behind", _("Pairings Behind"), 130),
		count("overdue", _("Pairings Overdue"), 130),
	]  # fmt: skip


def summary_sentences(pairings: list) -> list[str]:
	"""How the pairings are keeping up with their meetings, in words."""
	if not pairings:
		return [_("No pairings match these filters.")]
	behind = sum(p.pace == "Behind" for p in pairings)
	overdue = sum(p.pace == "Overdue" for p in pairings)
	sentences = [
		_("{0} of {1} pairings ({2} coaches) are keeping up with their meetings.").format(
			len(pairings) - behind - overdue, len(pairings), len({p.coach for p in pairings})
		)
	]
	if behind:
		sentences.append(
			counted(
				behind,
				_("1 pairing is behind the pace of its meetings."),
				_("{0} pairings are behind the pace of their meetings."),
			)
		)
	if overdue:
		sentences.append(
			counted(
				overdue,
				_("1 pairing has gone six months without a meeting."),
				_("{0} pairings have gone six months without a meeting."),
			)
		)
	return sentences


def get_summary(pairings: list) -> list[dict]:
	return [
		{"label": _("Pairings"), "value": len(pairings), "datatype": "Int"},
		{"label": _("Coaches"), "value": len({p.coach for p in pairings}), "datatype": "Int"},
		{
			"label": _("Behind Pace"),
			"value": sum(p.pace == "Behind" for p in pairings),
			"datatype": "Int",
			"indicator": "Orange",
		},
		{
			"label": _("Overdue"),
			"value": sum(p.pace == "Overdue" for p in pairings),
			"datatype": "Int",
			"indicator": "Red",
		},
	]
