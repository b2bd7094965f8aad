"""Who hears about a cover request, through which channel, and with which words.

Every message a state change owes is first written as a Cover Delivery row (the outbox) in the
transaction of the change itself, so it exists exactly when the change does. An RQ job queued after
commit sends it at once; should Redis lose that job (a restart, a flush, a worker that never comes),
the every-minute ladder job sends whatever is still owed after a minute. Whoever sends locks the rows
it sends (SKIP LOCKED, so a second deliverer passes them by) and marks them Delivered in the
transaction that queues the email and writes the bell notification: each recipient hears once.

What is said is built in one place (`offer_payload`) and never includes the reason, nor does a
delivery row; the requester's name goes only to the coverer and to coordinators.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.utils import format_datetime, get_url, now_datetime

from collective_cover.kernel.access import coordinator_users
from collective_cover.kernel.dates import aware, pool_zone, when
from collective_cover.kernel.messaging import deliver, enqueue, is_silenced, users_of

# A delivery still owed this long after it was written lost its RQ job; the ladder job sends it.
OVERDUE_AFTER = timedelta(minutes=1)
# A delivery whose sending failed this often is left for a person to look at (Error Log has why).
MAX_ATTEMPTS = 5


def offered(doc, clinicians, stage: str) -> None:
	owe(doc, "Offer", stage, "Clinician", list(users_of(clinicians)))


def covered(doc, coverer: str, duty: str) -> None:
	"""`coverer` took duties of `doc`, `duty` the first of them: they and the requester hear it, once for
	each cover given (a request split across members confirms each member's part)."""
	owe(doc, "Covered", duty, "Clinician", list(users_of([doc.requester, coverer])))


def unfilled(doc, ended: bool = False) -> None:
	owe(doc, "Ended" if ended else "Unfilled", "", "User", coordinator_users(doc.program))


def owe(doc, event: str, occasion: str, recipient_type: str, recipients: list[str]) -> None:
	"""Write the deliveries `doc` owes in the current transaction, in one INSERT whatever their number,
	and queue their sending for after commit. A delivery owed already is not owed again (unique key)."""
	if is_silenced() or not recipients:
		return
	now = now_datetime()
	frappe.db.bulk_insert(
		"Cover Delivery",
		[
			"name",
			"cover_request",
			"program",
			"event",
			"occasion",
			"recipient_type",
			"recipient",
			"status",
			"attempts",
			"owner",
			"modified_by",
			"creation",
			"modified",
		],
		[
			(
				frappe.generate_hash(length=10),
				doc.name,
				doc.program,
				event,
				occasion,
				recipient_type,
				recipient,
				"Owed",
				0,
				"Administrator",
				"Administrator",
				now,
				now,
			)
			for recipient in dict.fromkeys(recipients)
		],
		ignore_duplicates=True,
	)
	enqueue(
		send_owed,
		f"deliver:{doc.name}:{event}:{occasion}",
		request=doc.name,
		delivery_event=event,
		occasion=occasion,
	)


def send_owed(request: str, delivery_event: str, occasion: str = "") -> None:
	"""Send what `request` still owes for `delivery_event` and `occasion`, and mark it sent, in one
	transaction (the argument is not called `event`: frappe.enqueue takes that name for itself).
	Rows another deliverer holds are skipped, not waited for: that deliverer sends them."""
	delivery = frappe.qb.DocType("Cover Delivery")
	owed = (
		frappe.qb.from_(delivery)
		.select(delivery.name, delivery.recipient)
		.where(
			(delivery.cover_request == request)
			& (delivery.event == delivery_event)
			& (delivery.occasion == occasion)
			& (delivery.status == "Owed")
		)
		.for_update(skip_locked=True)
	).run(as_dict=True)
	if not owed:
		return
	doc = frappe.get_doc("Cover Request", request)
	sent = SENDERS[delivery_event](doc, [row.recipient for row in owed], occasion)
	update = (
		frappe.qb.update(delivery)
		.set(delivery.status, "Delivered" if sent else "Withdrawn")
		.set(delivery.attempts, delivery.attempts + 1)
		.set(delivery.modified, now_datetime())
		.where(delivery.name.isin([row.name for row in owed]))
	)
	if sent:
		update = update.set(delivery.delivered_at, now_datetime())
	update.run()


def overdue_deliveries() -> list[tuple[str, str, str]]:
	"""(request, event, occasion) of deliveries still owed a minute after they were written."""
	delivery = frappe.qb.DocType("Cover Delivery")
	return (
		frappe.qb.from_(delivery)
		.select(delivery.cover_request, delivery.event, delivery.occasion)
		.distinct()
		.where(
			(delivery.status == "Owed")
			& (delivery.creation <= now_datetime() - OVERDUE_AFTER)
			& (delivery.attempts < MAX_ATTEMPTS)
		)
	).run()


def count_failed_attempt(request: str, event: str, occasion: str) -> None:
	"""A sending that raised was rolled back with everything it wrote; count the attempt on its own."""
	delivery = frappe.qb.DocType("Cover Delivery")
	(
		frappe.qb.update(delivery)
		.set(delivery.attempts, delivery.attempts + 1)
		.where(
			(delivery.cover_request == request)
			& (delivery.event == event)
			& (delivery.occasion == occasion)
			& (delivery.status == "Owed")
		)
	).run()


def offer_payload(doc, duties=None) -> dict:
	"""The public face of a request, or of some of its `duties` (those still open, or a cover of part
	of it): duty, service, time in the pool's zone (named), units and where to accept. Nothing else."""
	if not duties:
		duties, starts, ends, units = doc.duties, doc.starts_at, doc.ends_at, doc.total_units
	else:
		starts, ends = min(d.start for d in duties), max(d.end for d in duties)
		units = round(sum(d.units or 0 for d in duties), 2)
	first = sorted(duties, key=lambda d: d.start)[0]
	zone = ZoneInfo(pool_zone(doc.pool))
	starts_local, ends_local = (aware(m).astimezone(zone).replace(tzinfo=None) for m in (starts, ends))
	return {
		"request": doc.name,
		"pool": doc.pool,
		"duty_kind": first.duty_kind,
		"service": first.service or "",
		"duties": len(duties),
		"starts_at": format_datetime(starts_local, "EEE d MMM HH:mm"),
		"ends_at": format_datetime(ends_local, "EEE d MMM HH:mm"),
		"when": when(starts, ends, zone.key),
		"units": units,
		"accept_url": get_url(f"/cover-offers?request={doc.name}"),
	}


def send_offers(doc, clinicians: list[str], stage: str) -> bool:
	"""An offer is news only while the request can be taken; once covered or cancelled it is withdrawn.
	Of a partly covered request, only the duties still open are offered."""
	if doc.status not in ("Open", "Partially covered", "Unfilled"):
		return False
	payload = offer_payload(doc, [row for row in doc.duties if not row.covered_by])
	subject = _("Cover needed: {0} {1}, {2}").format(
		payload["duty_kind"], payload["service"], payload["starts_at"]
	)
	deliver(
		list(users_of(clinicians).values()),
		subject,
		"cover_offer",
		payload,
		"cover_offer",
		payload["accept_url"],
	)
	return True


def send_covered(doc, clinicians: list[str], duty: str) -> bool:
	"""The coverer and the requester each hear who covers which duties; a cover cancelled meanwhile
	tells nobody. `duty` (the delivery's occasion) is the first duty of the cover given."""
	coverer = next((row.covered_by for row in doc.duties if row.name == duty), None)
	if not coverer or doc.status not in ("Partially covered", "Covered", "Completed"):
		return False
	payload = offer_payload(doc, [row for row in doc.duties if row.covered_by == coverer])
	users = users_of(set(clinicians) & {doc.requester, coverer})
	names = dict(
		frappe.get_all(
			"Clinician",
			filters={"name": ("in", [doc.requester, coverer])},
			fields=["name", "full_name"],
			as_list=True,
		)
	)
	link = f"/app/cover-request/{doc.name}"
	if coverer in users:
		subject = _("You are covering {0} for {1}, {2}").format(
			payload["duty_kind"], names.get(doc.requester), payload["starts_at"]
		)
		deliver(
			[users[coverer]],
			subject,
			"cover_confirmed",
			{**payload, "requester_name": names.get(doc.requester)},
			"cover_confirmed",
			link,
		)
	if doc.requester in users:
		subject = _("Your {0} on {1} is covered by {2}").format(
			payload["duty_kind"], payload["starts_at"], names.get(coverer)
		)
		deliver(
			[users[doc.requester]],
			subject,
			"cover_confirmed",
			{**payload, "coverer_name": names.get(coverer)},
			"cover_confirmed",
			link,
		)
	return True


def send_unfilled(doc, coordinators: list[str], occasion: str = "", ended: bool = False) -> bool:
	"""Coordinators hear of a request nobody is left to cover while it still is Unfilled."""
	if doc.status != "Unfilled":
		return False
	payload = offer_payload(doc)
	if ended:
		subject = _("Ended uncovered: {0} {1}, {2} — nobody took it before it ended").format(
			payload["duty_kind"], payload["service"], payload["starts_at"]
		)
	else:
		subject = _("Unfilled: {0} {1}, {2} — nobody eligible is left; assign with an override").format(
			payload["duty_kind"], payload["service"], payload["starts_at"]
		)
	deliver(
		coordinators,
		subject,
		"cover_unfilled",
		payload,
		"cover_unfilled",
		f"/app/cover-request/{doc.name}",
	)
	return True


def send_ended(doc, coordinators: list[str], occasion: str = "") -> bool:
	return send_unfilled(doc, coordinators, occasion, ended=True)


# What sends each event: called with the request, the recipients still owed (under their row locks) and
# the delivery's occasion (an offer's stage, a cover's first duty); returns False when the message is no longer news (it is then marked Withdrawn, not sent).
SENDERS = {
	"Offer": send_offers,
	"Covered": send_covered,
	"Unfilled": send_unfilled,
	"Ended": send_ended,
}
