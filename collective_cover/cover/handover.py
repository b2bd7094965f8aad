"""A shift called out of changes hands: the requester's Clinician Shift is marked, the coverer's schedule
gains it, and a cancelled cover gives it back.

A request filed from the schedule names the requester's own shifts it gives away
(`handed_over_by_request`, status "Called out"). When a duty is covered, lifecycle writes the coverer's
shift (source "Cover"); `hand_over` then links that shift to the one it takes over (`covers_shift`) and
marks the requester's shift "Handed over", which work hours, conflicts and exports stop counting as the
requester's. On cancel `give_back` clears the marks; lifecycle removes the coverer's shifts as before.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.query_builder.functions import IfNull
from frappe.utils import get_datetime, now_datetime

from collective_cover.engine.filing import ClaimRefusal, ScheduledShift, claim_refusal
from collective_cover.kernel.dates import aware

CALLED_OUT = "Called out"
HANDED_OVER = "Handed over"


class ShiftNotYoursError(frappe.ValidationError):
	pass


class ShiftAlreadyCalledOutError(frappe.ValidationError):
	pass


def claim_shifts(clinician: str, shifts: list[str]) -> list[dict]:
	"""The clinician's upcoming shifts `shifts`, locked, as duties of a new request: kind, service, site
	and times come from the schedule. A shift that is not theirs, has started, or is already in one of
	their requests is refused, so two filings at once cannot both give the same shift away."""
	if not shifts:
		return []
	if len(set(shifts)) != len(shifts):
		frappe.throw(_("Choose each shift once."), ShiftAlreadyCalledOutError, title=_("Shift twice"))
	table = frappe.qb.DocType("Clinician Shift")
	rows = {
		row.name: row
		for row in (
			frappe.qb.from_(table)
			.select(
				table.name,
				table.clinician,
				table.duty_kind,
				table.service,
				table.site,
				table.start,
				table.end,
				table.handed_over_by_request,
				table.displaced_by,
				table.source,
			)
			.where(table.name.isin(shifts))
			.for_update()
		).run(as_dict=True)
	}
	now = aware(now_datetime())
	duties = []
	for name in shifts:
		row = rows.get(name)
		refusal = claim_refusal(scheduled_shift(row) if row else None, clinician, now)
		if refusal:
			raise_claim_refusal(refusal, name, row)
		duties.append(
			{
				"duty_kind": row.duty_kind,
				"service": row.service,
				"site": row.site,
				"start": row.start,
				"end": row.end,
			}
		)
	return duties


def scheduled_shift(row) -> ScheduledShift:
	return ScheduledShift(
		clinician=row.clinician,
		start=aware(row.start),
		part_of_a_cover=row.source == "Cover" or bool(row.displaced_by),
		called_out_by=row.handed_over_by_request or None,
	)


def raise_claim_refusal(refusal: ClaimRefusal, name: str, row) -> None:
	if refusal is ClaimRefusal.NOT_YOURS:
		frappe.throw(
			_("Shift {0} is not one of your scheduled shifts.").format(name),
			ShiftNotYoursError,
			title=_("Not your shift"),
		)
	if refusal is ClaimRefusal.PART_OF_A_COVER:
		frappe.throw(
			_("Shift {0} belongs to a cover; ask your coordinator to reassign it.").format(name),
			ShiftNotYoursError,
			title=_("Part of a cover"),
		)
	if refusal is ClaimRefusal.STARTED:
		frappe.throw(
			_("Your shift {0} has started; call out only of shifts ahead.").format(name),
			ShiftNotYoursError,
			title=_("Started"),
		)
	frappe.throw(
		_("Your shift {0} is already in your cover request {1}.").format(name, row.handed_over_by_request),
		ShiftAlreadyCalledOutError,
		title=_("Already called out"),
	)


def call_out_of(request: str, shifts: list[str]) -> None:
	"""Mark the claimed shifts as given away by `request` (still the requester's until covered)."""
	if not shifts:
		return
	table = frappe.qb.DocType("Clinician Shift")
	(
		frappe.qb.update(table)
		.set(table.handed_over_by_request, request)
		.set(table.handover_status, CALLED_OUT)
		.where(table.name.isin(shifts))
	).run()


def link_picked_shifts(doc, method=None) -> None:
	"""doc_event `before_submit` on Cover Request: a duty at exactly the times of one of the requester's
	own shifts was picked from their schedule (Desk's "Pick from my schedule", or the web form), so that
	shift is the one given away. Shifts the phone page already claimed are linked to this request; one
	already in another request stays with it (the overlap check refuses that filing)."""
	table = frappe.qb.DocType("Clinician Shift")
	times = {(get_datetime(duty.start), get_datetime(duty.end)) for duty in doc.duties}
	if not times:
		return
	mine = (
		frappe.qb.from_(table)
		.select(table.name, table.start, table.end)
		.where(
			(table.clinician == doc.requester)
			& table.start.isin([start for start, _end in times])
			& table.handed_over_by_request.isnull()
			& table.displaced_by.isnull()
			& (IfNull(table.source, "") != "Cover")
		)
		.for_update()
	).run(as_dict=True)
	call_out_of(
		doc.name, [row.name for row in mine if (get_datetime(row.start), get_datetime(row.end)) in times]
	)


def hand_over(request: str, coverer: str) -> None:
	"""Called once the coverer's shifts of `request` are written: each given-away shift with a coverer's
	shift at the same times is handed over, and the coverer's shift says which one it covers."""
	table = frappe.qb.DocType("Clinician Shift")
	given = (
		frappe.qb.from_(table)
		.select(table.name, table.start, table.end)
		.where((table.handed_over_by_request == request) & (table.handover_status == CALLED_OUT))
	).run(as_dict=True)
	if not given:
		return
	covering = (
		frappe.qb.from_(table)
		.select(table.name, table.start, table.end)
		.where(
			(table.cover_request == request)
			& (table.clinician == coverer)
			& (table.source == "Cover")
			& table.covers_shift.isnull()
		)
	).run(as_dict=True)
	by_times = {(get_datetime(row.start), get_datetime(row.end)): row.name for row in covering}
	for shift in given:
		cover_shift = by_times.get((get_datetime(shift.start), get_datetime(shift.end)))
		if not cover_shift:
			continue  # that duty is not (yet) this coverer's
		frappe.qb.update(table).set(table.covers_shift, shift.name).where(table.name == cover_shift).run()
		frappe.qb.update(table).set(table.handover_status, HANDED_OVER).where(table.name == shift.name).run()


def give_back(request: str) -> None:
	"""The request is cancelled: its given-away shifts are the requester's again, free to call out of."""
	table = frappe.qb.DocType("Clinician Shift")
	(
		frappe.qb.update(table)
		.set(table.handed_over_by_request, None)
		.set(table.handover_status, None)
		.where(table.handed_over_by_request == request)
	).run()
