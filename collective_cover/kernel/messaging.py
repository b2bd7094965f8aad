"""How the app tells people things: one RQ job per event, after commit, and one delivery through every
channel — bell notification, email through the Email Queue, realtime to the user, SMS when configured."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import frappe
from frappe.desk.doctype.notification_log.notification_log import make_notification_logs
from frappe.email.doctype.email_account.email_account import EmailAccount
from frappe.utils import get_url

from collective_cover.kernel.background import run_after_commit


@contextmanager
def silenced() -> Iterator[None]:
	"""Inside, nobody is told anything — no message is queued and no wellness to-do assigned — while
	every record is written as ever: the demo replays a year that never was."""
	before = frappe.flags.cover_messages_silenced
	frappe.flags.cover_messages_silenced = True
	try:
		yield
	finally:
		frappe.flags.cover_messages_silenced = before


def is_silenced() -> bool:
	return bool(frappe.flags.cover_messages_silenced)


def enqueue(method, job_key: str, **kwargs) -> None:
	"""A message's job, after commit; none while messages are silenced."""
	if is_silenced():
		return
	run_after_commit(method, job_key, **kwargs)


def users_of(clinicians) -> dict[str, str]:
	"""Clinician → enabled user, for those that have one."""
	rows = frappe.get_all(
		"Clinician",
		filters={"name": ("in", list(clinicians)), "user": ("is", "set")},
		fields=["name", "user"],
	)
	return {row.name: row.user for row in rows}


def deliver(
	users,
	subject: str,
	template: str,
	payload: dict,
	event: str,
	link: str,
	reference: tuple[str, str] | None = None,
) -> None:
	"""One message to each user: bell notification, email (through the Email Queue), realtime, SMS.
	`reference` is the (doctype, name) the email is filed under; a cover request's by default."""
	reference_doctype, reference_name = reference or ("Cover Request", payload["request"])
	if not users:
		return
	make_notification_logs(
		{"subject": subject, "type": "Alert", "link": link, "from_user": "Administrator"}, users
	)
	settings = frappe.get_cached_doc("Collective Cover Settings")
	# A site without an outgoing email account still notifies in Desk, by realtime and by SMS.
	if settings.notify_by_email and EmailAccount.find_outgoing():
		frappe.sendmail(
			recipients=list(users),
			subject=subject,
			template=template,
			args=payload,
			reference_doctype=reference_doctype,
			reference_name=reference_name,
		)
	for user in users:
		frappe.publish_realtime(event, payload, user=user, after_commit=True)
	if settings.notify_by_sms and frappe.db.get_single_value("SMS Settings", "sms_gateway_url"):
		from frappe.core.doctype.sms_settings.sms_settings import send_sms

		numbers = frappe.get_all(
			"User", filters={"name": ("in", list(users)), "mobile_no": ("is", "set")}, pluck="mobile_no"
		)
		if numbers:
			try:
				send_sms(numbers, f"{subject} {get_url(link)}", success_msg=False)
			except ImportError:
				# Frappe 15 keeps the SMS Log doctype record but not its module (ERPNext ships it), so
				# send_sms fails only when it logs, after the gateway has taken every message.
				pass
