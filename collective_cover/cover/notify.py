"""Who hears about a cover request, through which channel, and with which words.

Messages go out from RQ jobs queued after the transaction commits, one job id per request and event,
so a retried transaction never doubles a message. What is said is built in one place
(`offer_payload`) and never includes the reason; the requester's name goes only to the coverer and
to coordinators.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import format_datetime, get_url

from collective_cover.kernel.access import coordinator_users
from collective_cover.kernel.messaging import deliver, enqueue, users_of


def offered(doc, clinicians, stage: str) -> None:
	if clinicians:
		enqueue(send_offers, f"offer:{doc.name}:{stage}", request=doc.name, clinicians=list(clinicians))


def covered(doc) -> None:
	enqueue(send_covered, f"covered:{doc.name}", request=doc.name)


def unfilled(doc, ended: bool = False) -> None:
	enqueue(send_unfilled, f"unfilled:{doc.name}", request=doc.name, ended=ended)


def offer_payload(doc) -> dict:
	"""The public face of a request: duty, service, time, units and where to accept. Nothing else."""
	first = sorted(doc.duties, key=lambda d: d.start)[0]
	return {
		"request": doc.name,
		"pool": doc.pool,
		"duty_kind": first.duty_kind,
		"service": first.service or "",
		"duties": len(doc.duties),
		"starts_at": format_datetime(doc.starts_at, "EEE d MMM HH:mm"),
		"ends_at": format_datetime(doc.ends_at, "EEE d MMM HH:mm"),
		"units": doc.total_units,
		"accept_url": get_url(f"/cover-offers?request={doc.name}"),
	}


def send_offers(request: str, clinicians: list[str]) -> None:
	doc = frappe.get_doc("Cover Request", request)
	if doc.status not in ("Open", "Unfilled"):
		return
	payload = offer_payload(doc)
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


def send_covered(request: str) -> None:
	doc = frappe.get_doc("Cover Request", request)
	payload = offer_payload(doc)
	users = users_of([doc.requester, doc.covered_by])
	names = dict(
		frappe.get_all(
			"Clinician",
			filters={"name": ("in", [doc.requester, doc.covered_by])},
			fields=["name", "full_name"],
			as_list=True,
		)
	)
	link = f"/app/cover-request/{doc.name}"
	if doc.covered_by in users:
		subject = _("You are covering {0} for {1}, {2}").format(
			payload["duty_kind"], names.get(doc.requester), payload["starts_at"]
		)
		deliver(
			[users[doc.covered_by]],
			subject,
			"cover_confirmed",
			{**payload, "requester_name": names.get(doc.requester)},
			"cover_confirmed",
			link,
		)
	if doc.requester in users:
		subject = _("Your {0} on {1} is covered by {2}").format(
			payload["duty_kind"], payload["starts_at"], names.get(doc.covered_by)
		)
		deliver(
			[users[doc.requester]],
			subject,
			"cover_confirmed",
			{**payload, "coverer_name": names.get(doc.covered_by)},
			"cover_confirmed",
			link,
		)


def send_unfilled(request: str, ended: bool = False) -> None:
	doc = frappe.get_doc("Cover Request", request)
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
		coordinator_users(doc.program),
		subject,
		"cover_unfilled",
		payload,
		"cover_unfilled",
		f"/app/cover-request/{doc.name}",
	)
