"""Scheduled jobs (wired in hooks.py). Each commits per request so one slow request never holds
locks on the others, and each is safe to run in two workers at once."""

from __future__ import annotations

import frappe
from frappe.utils import add_days, getdate, now_datetime

from collective_cover.cover import ledger, lifecycle, notify
from collective_cover.engine.ladder import Stage
from collective_cover.kernel.dates import aware


def escalate_due_requests() -> None:
	"""Every minute: apply the ladder to open requests whose next rung is due, and to those whose last
	duty has ended (they become Unfilled); then send the deliveries whose own job was lost."""
	request = frappe.qb.DocType("Cover Request")
	now = now_datetime()
	due = (
		frappe.qb.from_(request)
		.select(request.name)
		.where(
			(request.docstatus == 1)
			& request.status.isin(lifecycle.LADDER_STATUSES)  # a partly covered request climbs on
			# A partly covered request whose ladder is done (its other duties nobody could take) is
			# left alone, also once it has ended: it was settled and its coordinators told.
			& (request.ladder_stage.isnull() | (request.ladder_stage != Stage.DONE.value))
			& ((request.next_escalation_at <= now) | (request.ends_at <= now))
		)
		.orderby(request.next_escalation_at)
	).run(pluck=True)
	# Each pool's members are loaded once for every due request of this run, not once per request.
	run = lifecycle.LadderRun(due, aware(now))
	for name in due:
		try:
			lifecycle.escalate(name, run=run)
			if not frappe.flags.in_test:
				frappe.db.commit()  # release this request's lock before the next one
			run.reload_assigned()
		except Exception:
			if frappe.flags.in_test:
				raise
			frappe.db.rollback()
			run.forget_assigned()
			frappe.log_error(
				title=f"Escalation failed for {name}", reference_doctype="Cover Request", reference_name=name
			)
	send_overdue_deliveries()


def send_overdue_deliveries() -> None:
	"""What a request still owes a minute after it was written lost its RQ job (Redis restarted or was
	flushed, or no worker ran): send it now, each request's event in a transaction of its own."""
	for name, event, occasion in notify.overdue_deliveries():
		try:
			notify.send_owed(name, event, occasion)
			if not frappe.flags.in_test:
				frappe.db.commit()  # release these delivery rows before the next ones
		except Exception:
			if frappe.flags.in_test:
				raise
			frappe.db.rollback()
			notify.count_failed_attempt(name, event, occasion)
			frappe.db.commit()  # the attempt is counted although the sending was rolled back
			frappe.log_error(
				title=f"Delivery of {event} failed for {name}",
				reference_doctype="Cover Request",
				reference_name=name,
			)


def complete_finished_covers() -> None:
	"""Hourly: covered requests whose last duty has ended become Completed."""
	req = frappe.qb.DocType("Cover Request")
	(
		frappe.qb.update(req)
		.set(req.status, "Completed")
		.where((req.docstatus == 1) & (req.status == "Covered") & (req.ends_at <= now_datetime()))
	).run()


def credit_standby(on=None) -> None:
	"""Daily: yesterday's first back-ups earn the pool's standby credit, once (cover/ledger.py)."""
	ledger.credit_standby(getdate(on) if on else add_days(getdate(), -1))
