"""The events of one member's calendar feed, read from their records; the engine renders them.

- **Covers** are the member's *Clinician Shift* rows of source "Cover": one per covered duty, with that
  duty's own start and end, written when the cover is given and deleted when it is cancelled. (A Cover
  Request's own start and end span all its duties, gaps included, and stay on a cancelled request.)
  They show duty kind, service, site and times; the requester's reason lives elsewhere and is never
  read here.
- **First back-up days** are the member's *Jeopardy Rota* rows, as all-day events shown as free time
  (standby adds no work until it is activated). The day's explanation is not shown.
- **Coaching meetings** of pairings where the member is the resident or the coach, with the other
  person's name, the site and the mode; a proposed meeting is tentative. Notes are never read here.

Stored datetimes are naive in the site's time zone; they become instants here (`records.aware`), so
the feed carries UTC times and every client shows them in its viewer's zone. Events that ended more
than `HISTORY` ago are left out. UIDs are "<doctype>-<name>@<site>": the same record keeps its UID
across fetches, rotations of the token and edits.
"""

from __future__ import annotations

from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import now_datetime

from collective_cover.engine.ical import Event, EventStatus, all_day_event, render_calendar
from collective_cover.kernel.access import clinician_of
from collective_cover.kernel.dates import aware

HISTORY = timedelta(days=365)
# The meeting statuses the feed shows and how sure each is; any other status stays out of it.
MEETING_STATUS = {
	"Proposed": EventStatus.TENTATIVE,
	"Confirmed": EventStatus.CONFIRMED,
	"Held": EventStatus.CONFIRMED,
	"Missed": EventStatus.CONFIRMED,
	"Cancelled": EventStatus.CANCELLED,
}


def uid(doctype: str, name: str) -> str:
	return f"{frappe.scrub(doctype).replace('_', '-')}-{name}@{frappe.local.site}"


def calendar_of(user: str) -> str:
	"""The iCalendar document of `user`'s feed."""
	clinician = clinician_of(user)
	if not clinician:
		return render_calendar([], _("Collective Cover: {0}").format(user))
	since = now_datetime() - HISTORY
	events = [
		*cover_events(clinician, since),
		*rota_events(clinician, since),
		*meeting_events(clinician, since),
	]
	full_name = frappe.db.get_value("Clinician", clinician, "full_name")
	return render_calendar(events, _("Collective Cover: {0}").format(full_name))


def cover_events(clinician: str, since) -> list[Event]:
	shift = frappe.qb.DocType("Clinician Shift")
	rows = (
		frappe.qb.from_(shift)
		.select(
			shift.name,
			shift.start,
			shift.end,
			shift.duty_kind,
			shift.service,
			shift.site,
			shift.cover_request,
			shift.modified,
		)
		.where((shift.clinician == clinician) & (shift.source == "Cover") & (shift.end >= since))
		.orderby(shift.start)
		.orderby(shift.name)
	).run(as_dict=True)
	return [
		Event(
			uid=uid("Clinician Shift", row.name),
			summary=" · ".join(filter(None, (_("Cover: {0}").format(_(row.duty_kind)), row.service))),
			start=aware(row.start),
			end=aware(row.end),
			revised=aware(row.modified),
			location=row.site or "",
			description=_("Cover request {0}").format(row.cover_request) if row.cover_request else "",
			status=EventStatus.CONFIRMED,
		)
		for row in rows
	]


def rota_events(clinician: str, since) -> list[Event]:
	rota = frappe.qb.DocType("Jeopardy Rota")
	rows = (
		frappe.qb.from_(rota)
		.select(rota.name, rota.pool, rota.rota_date, rota.modified)
		.where((rota.clinician == clinician) & (rota.rota_date >= since.date()))
		.orderby(rota.rota_date)
		.orderby(rota.name)
	).run(as_dict=True)
	return [
		all_day_event(
			uid("Jeopardy Rota", row.name),
			_("First back-up: {0}").format(row.pool),
			row.rota_date,
			aware(row.modified),
			status=EventStatus.CONFIRMED,
			busy=False,
		)
		for row in rows
	]


def meeting_events(clinician: str, since) -> list[Event]:
	meeting = frappe.qb.DocType("Coaching Meeting")
	pairing = frappe.qb.DocType("Coach Pairing")
	rows = (
		frappe.qb.from_(meeting)
		.join(pairing)
		.on(pairing.name == meeting.pairing)
		.select(
			meeting.name,
			meeting.status,
			meeting.starts_at,
			meeting.ends_at,
			meeting.mode,
			meeting.site,
			meeting.modified,
			pairing.resident,
			pairing.resident_name,
			pairing.coach_name,
		)
		.where(
			((pairing.resident == clinician) | (pairing.coach == clinician))
			& meeting.status.isin(list(MEETING_STATUS))
			& (meeting.ends_at >= since)
		)
		.orderby(meeting.starts_at)
		.orderby(meeting.name)
	).run(as_dict=True)
	return [
		Event(
			uid=uid("Coaching Meeting", row.name),
			summary=_("Coaching meeting with {0}").format(
				row.coach_name if row.resident == clinician else row.resident_name
			),
			start=aware(row.starts_at),
			end=aware(row.ends_at),
			revised=aware(row.modified),
			location=row.site or "",
			description=_(row.mode) if row.mode else "",
			status=MEETING_STATUS[row.status],
		)
		for row in rows
	]
