"""Coaching meetings: proposals in shared clinic half-days, double-booking checks, and their messages."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time

import frappe
from frappe import _
from frappe.utils import format_datetime, get_url, getdate, now_datetime

from collective_cover.coaching.schedule import clinic_half_days
from collective_cover.engine.clinic import shared_half_days
from collective_cover.engine.meetings import (
	DEFAULT_MEETING_MINUTES,
	Booking,
	Interval,
	PairingToMeet,
	propose_for_pairings,
)
from collective_cover.kernel.availability import load_unavailability
from collective_cover.kernel.committed import committed_rows
from collective_cover.kernel.dates import aware, fairness_window, naive, site_tz
from collective_cover.kernel.messaging import deliver, enqueue, users_of

# Statuses whose meetings take the people's time. A missed or cancelled meeting did not happen: its
# time is free.
PLANNED = ("Proposed", "Confirmed", "Held")


def meeting_minutes() -> int:
	return frappe.get_cached_doc("Collective Cover Settings").meeting_minutes or DEFAULT_MEETING_MINUTES


def meeting_bookings(
	clinicians: list[str],
	since: datetime,
	until: datetime | None = None,
	leave_out: str | None = None,
	committed: bool = False,
) -> list[Booking]:
	"""The planned meetings of `clinicians` in any of their pairings, as resident or coach, that end after
	`since` (and start before `until`; both naive, as stored), each as time taken from each of them in
	the list, in one query. `leave_out` names a meeting not to count (the one being saved). With
	`committed` (for a save that holds its people's rows), two more queries on a connection of their
	own add what other transactions committed after this one's snapshot: a meeting committed
	elsewhere counts as committed, one only this transaction knows of as this transaction has it."""
	meeting, pairing = frappe.qb.DocType("Coaching Meeting"), frappe.qb.DocType("Coach Pairing")
	condition = (
		meeting.status.isin(PLANNED)
		& (pairing.resident.isin(clinicians) | pairing.coach.isin(clinicians))
		& (meeting.ends_at > since)
	)
	if until:
		condition &= meeting.starts_at < until
	if leave_out:
		condition &= meeting.name != leave_out
	query = (
		frappe.qb.from_(meeting)
		.join(pairing)
		.on(meeting.pairing == pairing.name)
		.select(meeting.name, pairing.resident, pairing.coach, meeting.starts_at, meeting.ends_at)
		.where(condition)
	)
	rows = {row.name: row for row in query.run(as_dict=True)}
	if committed:
		# A meeting committed elsewhere is taken as committed (moved, cancelled or new); one only this
		# transaction knows of (just inserted here) as this transaction has it.
		committed_now, stored = committed_rows(
			query, frappe.qb.from_(meeting).select(meeting.name).where(meeting.name.isin(list(rows) or [""]))
		)
		stored = {row.name for row in stored}
		rows = {
			**{name: row for name, row in rows.items() if name not in stored},
			**{row.name: row for row in committed_now},
		}
	return [
		Booking(person, aware(row.starts_at), aware(row.ends_at))
		for row in rows.values()
		for person in (row.resident, row.coach)
		if person in clinicians
	]


def busy_intervals(clinicians: list[str], since: datetime) -> dict[str, list[Interval]]:
	"""Each clinician's busy time from `since` (naive, as stored): unavailability and planned meetings, in
	two queries whatever their number."""
	busy = defaultdict(list)
	for clinician, periods in load_unavailability(clinicians, since).items():
		busy[clinician].extend((period.start, period.end) for period in periods)
	for booking in meeting_bookings(clinicians, since):
		busy[booking.person].append((booking.start, booking.end))
	return busy


def planned_meeting_days(pairings: list[str], year: tuple[date, date]) -> dict[str, list[date]]:
	"""Each pairing's planned meeting dates in the academic year: they count and keep proposals apart."""
	meeting = frappe.qb.DocType("Coaching Meeting")
	days = defaultdict(list)
	for row in (
		frappe.qb.from_(meeting)
		.select(meeting.pairing, meeting.starts_at)
		.where(
			meeting.pairing.isin(pairings)
			& meeting.status.isin(PLANNED)
			& (meeting.starts_at >= datetime.combine(year[0], time()))
			& (meeting.starts_at <= datetime.combine(year[1], time.max))
		)
	).run(as_dict=True):
		days[row.pairing].append(getdate(row.starts_at))
	return days


def propose_meetings_for(pairing_docs) -> list[str]:
	"""Create the meetings the pairings still need this academic year, as Proposed, and tell both people
	of each pairing. The pairings are planned together, so residents sharing a coach get separate slots;
	every person's other meetings, in any pairing, are read once for all of them."""
	if not pairing_docs:
		return []
	today = getdate()
	year = fairness_window(today)
	people = sorted({person for doc in pairing_docs for person in (doc.resident, doc.coach)})
	clinics = clinic_half_days(people, *year)
	held = planned_meeting_days([doc.name for doc in pairing_docs], year)
	proposed = propose_for_pairings(
		[
			PairingToMeet(
				doc.name,
				doc.resident,
				doc.coach,
				shared_half_days(clinics[doc.resident], clinics[doc.coach]),
				doc.meetings_required or 0,
				held[doc.name],
			)
			for doc in pairing_docs
		],
		busy_intervals(people, datetime.combine(today, time())),
		year,
		site_tz(),
		today,
		minutes=meeting_minutes(),
		now=aware(now_datetime()),
	)
	created = []
	for pairing, proposals in proposed.items():
		names = [
			frappe.get_doc(
				{
					"doctype": "Coaching Meeting",
					"pairing": pairing,
					"status": "Proposed",
					"starts_at": naive(proposal.start),
					"ends_at": naive(proposal.end),
					"site": proposal.half_day.site,
				}
			)
			.insert(ignore_permissions=True)
			.name
			for proposal in proposals
		]
		if names:
			enqueue(send_proposals, f"coaching-proposals:{pairing}:{names[0]}", meetings=names)
		created.extend(names)
	return created


def rescheduled(meeting) -> None:
	enqueue(
		send_proposals,
		f"coaching-rescheduled:{meeting.name}:{meeting.starts_at}",
		meetings=[meeting.name],
		rescheduled=True,
	)


def send_proposals(meetings: list[str], rescheduled: bool = False) -> None:
	for name in meetings:
		meeting = frappe.get_doc("Coaching Meeting", name)
		pairing = frappe.get_doc("Coach Pairing", meeting.pairing)
		text = (
			_("Coaching meeting moved: {0} and {1}, now {2} at {3}")
			if rescheduled
			else _("Coaching meeting proposed: {0} and {1}, {2} at {3}")
		)
		subject = text.format(
			pairing.resident_name,
			pairing.coach_name,
			meeting_time(meeting.starts_at, meeting.ends_at),
			meeting.site or _("your shared clinic"),
		)
		deliver(
			list(users_of([pairing.resident, pairing.coach]).values()),
			subject,
			"coaching_message",
			{"subject": subject, "link": get_url(f"/app/coaching-meeting/{meeting.name}")},
			"coaching_meeting",
			f"/app/coaching-meeting/{meeting.name}",
			reference=("Coaching Meeting", meeting.name),
		)


def meeting_time(starts_at, ends_at) -> str:
	"""'Tue 7 Jul 13:00–13:45', or both dates in full when a meeting runs past midnight."""
	starts = format_datetime(starts_at, "EEE d MMM HH:mm")
	same_day = getdate(starts_at) == getdate(ends_at)
	return f"{starts}–{format_datetime(ends_at, 'HH:mm' if same_day else 'EEE d MMM HH:mm')}"
