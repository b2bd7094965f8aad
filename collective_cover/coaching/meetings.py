"""Coaching meetings: proposals in shared clinic half-days, and the messages that go with them."""

from __future__ import annotations

from datetime import datetime, time

import frappe
from frappe import _
from frappe.utils import format_datetime, get_url, getdate

from collective_cover.coaching.schedule import clinic_half_days
from collective_cover.engine.clinic import shared_half_days
from collective_cover.engine.meetings import propose_meetings
from collective_cover.kernel.availability import load_unavailability
from collective_cover.kernel.dates import fairness_window, naive, site_tz
from collective_cover.kernel.messaging import deliver, enqueue, users_of

PLANNED = ("Proposed", "Confirmed", "Held")


def busy_intervals(clinicians: list[str], since: datetime) -> list[tuple[datetime, datetime]]:
	away = load_unavailability(clinicians, since)
	return [(period.start, period.end) for periods in away.values() for period in periods]


def propose_for_pairing(pairing_doc) -> list[str]:
	"""Create the meetings the pairing still needs this academic year, as Proposed, and tell both."""
	today = getdate()
	year = fairness_window(today)
	people = [pairing_doc.resident, pairing_doc.coach]
	clinics = clinic_half_days(people, *year)
	planned = [
		getdate(start)
		for start in frappe.get_all(
			"Coaching Meeting",
			filters={
				"pairing": pairing_doc.name,
				"status": ("in", PLANNED),
				"starts_at": ("between", year),
			},
			pluck="starts_at",
		)
	]
	proposals = propose_meetings(
		shared_half_days(clinics[pairing_doc.resident], clinics[pairing_doc.coach]),
		pairing_doc.meetings_required or 0,
		year,
		planned,
		busy_intervals(people, datetime.combine(today, time())),
		site_tz(),
		today,
	)
	created = []
	for proposal in proposals:
		meeting = frappe.get_doc(
			{
				"doctype": "Coaching Meeting",
				"pairing": pairing_doc.name,
				"status": "Proposed",
				"starts_at": naive(proposal.start),
				"ends_at": naive(proposal.end),
				"site": proposal.half_day.site,
			}
		).insert(ignore_permissions=True)
		created.append(meeting.name)
	if created:
		enqueue(send_proposals, f"coaching-proposals:{pairing_doc.name}:{created[0]}", meetings=created)
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
			format_datetime(meeting.starts_at, "EEE d MMM HH:mm"),
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
