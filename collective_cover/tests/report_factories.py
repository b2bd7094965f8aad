"""Records for the report tests: pools with dated memberships, ledger rows at chosen times, absences and
programme restrictions, so every figure a report shows can be worked out by hand."""

from __future__ import annotations

from datetime import date, datetime, time

import frappe

from collective_cover.cover.lifecycle import insert_ledger_entry
from collective_cover.engine.model import EntryKind, LedgerEntry
from collective_cover.kernel.dates import aware
from collective_cover.tests.factories import PROGRAM, make_request


def make_dated_pool(name: str, memberships, program: str = PROGRAM, **fields) -> str:
	"""A pool whose members join (and leave) on given dates: [(clinician, joined_on, left_on, fte)]."""
	return (
		frappe.get_doc(
			{
				"doctype": "Jeopardy Pool",
				"pool_name": name,
				"program": program,
				"members": [
					{"clinician": c, "joined_on": joined, "left_on": left, "fte": fte}
					for c, joined, left, fte in memberships
				],
				**fields,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def post(
	pool: str,
	clinician: str,
	kind: EntryKind,
	units: float,
	at: datetime,
	request: str | None = None,
	reversed_kind: EntryKind | None = None,
) -> str:
	"""One ledger row, written the way the app writes it (the ledger refuses rows typed by hand)."""
	entry = LedgerEntry(clinician, kind, units, aware(at), request=request, reversed_kind=reversed_kind)
	return insert_ledger_entry(entry, frappe.get_doc("Jeopardy Pool", pool))


def cover_and_reversal(
	pool: str,
	clinician: str,
	units: float,
	covered: datetime,
	reversed_at: datetime,
	request: str | None = None,
) -> None:
	"""A cover that was later cancelled: the cover row and its reversal."""
	post(pool, clinician, EntryKind.COVER, units, covered, request=request)
	post(
		pool,
		clinician,
		EntryKind.REVERSAL,
		-units,
		reversed_at,
		request=request,
		reversed_kind=EntryKind.COVER,
	)


def filed_request(
	requester: str,
	pool: str,
	submitted_at: datetime,
	status: str,
	covered_at: datetime | None = None,
	cover_method: str | None = None,
	docstatus: int = 1,
	**fields,
) -> str:
	"""A request as the lifecycle leaves it, filed and answered at chosen times (the ladder, which runs
	on the real clock, is not replayed). Each request's duty lies a day after the last one's, so a
	requester's requests never overlap."""
	hours_from_now = 48 + 24 * frappe.db.count("Cover Request", {"requester": requester})
	name = make_request(requester, pool, hours_from_now=hours_from_now, submit=False, **fields).name
	frappe.db.set_value(
		"Cover Request",
		name,
		{
			"docstatus": docstatus,
			"status": status,
			"submitted_at": submitted_at,
			"covered_at": covered_at,
			"cover_method": cover_method,
		},
	)
	return name


def make_absence(clinician: str, first_day: date, last_day: date, kind: str = "Vacation") -> str:
	"""Whole days away, typed the way Desk's picker allows: first day 00:00 to last day 23:59."""
	return (
		frappe.get_doc(
			{
				"doctype": "Clinician Unavailability",
				"clinician": clinician,
				"kind": kind,
				"from_datetime": datetime.combine(first_day, time()),
				"to_datetime": datetime.combine(last_day, time(23, 59)),
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def restrict_to_program(user: str, program: str) -> None:
	"""Limit a coordinator or director to one programme, Frappe's standard way."""
	frappe.get_doc(
		{"doctype": "User Permission", "user": user, "allow": "Residency Program", "for_value": program}
	).insert(ignore_permissions=True)
