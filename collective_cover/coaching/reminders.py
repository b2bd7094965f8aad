"""Keeping coaching on pace: a daily nudge to pairs who fall behind, a weekly digest to coordinators."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import get_url, getdate

from collective_cover.coaching.pairings import connectedness
from collective_cover.kernel.access import coordinator_users
from collective_cover.kernel.messaging import deliver, users_of

NEEDS_ATTENTION = ("Behind", "Overdue")


def refresh_active_pairings() -> list:
	"""Recompute every active pairing's figures; return those that need attention."""
	behind = []
	for name in frappe.get_all("Coach Pairing", filters={"status": "Active"}, pluck="name"):
		doc = frappe.get_doc("Coach Pairing", name)
		figures = connectedness(doc)
		doc.db_set(figures, update_modified=False)
		if figures["pace"] in NEEDS_ATTENTION:
			behind.append(doc)
	return behind


def remind_pairs_behind_pace() -> None:
	"""Daily: both people of a pairing behind pace, or without a meeting for 6 months, hear about it."""
	for doc in refresh_active_pairings():
		subject = (
			_("No coaching meeting for 6 months: {0} and {1}")
			if doc.pace == "Overdue"
			else _("Coaching is behind pace: {0} and {1} have met {2} of {3} times this year")
		).format(doc.resident_name, doc.coach_name, doc.meetings_held, doc.meetings_required)
		link = f"/app/coach-pairing/{doc.name}"
		deliver(
			list(users_of([doc.resident, doc.coach]).values()),
			subject,
			"coaching_message",
			{"subject": subject, "link": get_url(link)},
			"coaching_reminder",
			link,
			reference=("Coach Pairing", doc.name),
		)


def send_coordinator_digest() -> None:
	"""Weekly: each programme's coordinators get the list of pairings that need attention."""
	by_program = {}
	for doc in refresh_active_pairings():
		by_program.setdefault(doc.program, []).append(doc)
	for program, pairings in by_program.items():
		lines = [
			_("{0} and {1}: {2}, {3} of {4} meetings").format(
				d.resident_name, d.coach_name, _(d.pace), d.meetings_held, d.meetings_required
			)
			for d in pairings
		]
		subject = _("Coaching digest for {0}, week of {1}: {2} pairings need attention").format(
			program, getdate(), len(pairings)
		)
		link = "/app/coach-pairing?pace=" + "%2C".join(NEEDS_ATTENTION)
		deliver(
			coordinator_users(program),
			subject,
			"coaching_message",
			{"subject": subject + "\n" + "\n".join(lines), "link": get_url(link)},
			"coaching_digest",
			link,
			reference=("Residency Program", program),
		)
