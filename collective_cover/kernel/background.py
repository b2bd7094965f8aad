"""Background work: one RQ job per key, queued once the transaction commits."""

from __future__ import annotations

import frappe


def run_after_commit(method, job_key: str, **kwargs) -> None:
	"""Run `method` on RQ once the transaction commits (never for a rolled-back change); one job per
	key, so a retried transaction never queues it twice. Tests run it at once."""
	frappe.enqueue(
		method,
		queue="short",
		job_id=f"collective_cover:{job_key}",
		deduplicate=True,
		enqueue_after_commit=True,
		now=frappe.flags.in_test,
		**kwargs,
	)
