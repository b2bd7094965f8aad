"""Scheduled jobs (wired in hooks.py). Each commits per request so one slow request never holds
locks on the others, and each is safe to run in two workers at once."""

from __future__ import annotations

import frappe
from frappe.utils import add_days, getdate, now_datetime

from collective_cover.cover import lifecycle
from collective_cover.engine.model import EntryKind, LedgerEntry
from collective_cover.kernel.dates import aware


def escalate_due_requests() -> None:
	"""Every minute: apply the ladder to open requests whose next rung is due, and to those whose last
	duty has ended (they become Unfilled)."""
	request = frappe.qb.DocType("Cover Request")
	now = now_datetime()
	due = (
		frappe.qb.from_(request)
		.select(request.name)
		.where(
			(request.docstatus == 1)
			& request.status.isin(lifecycle.LADDER_STATUSES)  # a partly covered request climbs on
			& ((request.next_escalation_at <= now) | (request.ends_at <= now))
		)
		.orderby(request.next_escalation_at)
	).run(pluck=True)
	for name in due:
		try:
			lifecycle.escalate(name)
			if not frappe.flags.in_test:
				frappe.db.commit()  # release this request's lock before the next one
		except Exception:
			if frappe.flags.in_test:
				raise
			frappe.db.rollback()
			frappe.log_error(
				title=f"Escalation failed for {name}", reference_doctype="Cover Request", reference_name=name
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
	"""Daily: yesterday's first back-ups earn the pool's standby credit, once. The ledger's unique key
	on (pool, clinician, standby_day) is what makes it once: a second worker's insert is refused."""
	day = getdate(on) if on else add_days(getdate(), -1)
	rota = frappe.get_all(
		"Jeopardy Rota",
		filters={"rota_date": day, "clinician": ("is", "set")},
		fields=["pool", "clinician"],
	)
	credited = {
		(r.pool, r.clinician)
		for r in frappe.get_all(
			"Cover Ledger Entry", filters={"standby_day": day}, fields=["pool", "clinician"]
		)
	}
	for row in rota:
		if (row.pool, row.clinician) in credited:
			continue
		pool_doc = frappe.get_cached_doc("Jeopardy Pool", row.pool)
		if not pool_doc.standby_credit:
			continue
		entry = LedgerEntry(row.clinician, EntryKind.STANDBY, pool_doc.standby_credit, aware(day))
		try:
			lifecycle.insert_ledger_entry(entry, pool_doc)
		except frappe.UniqueValidationError:
			continue  # another worker credited this member after `credited` was read
		if not frappe.flags.in_test:
			frappe.db.commit()  # each credit on its own, like the other jobs: no long-held locks
