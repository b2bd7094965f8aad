"""Races run for real: calls released together in threads of their own, and scheduler jobs run in
threads that each hold their own database connection, as two workers do."""

from __future__ import annotations

import threading
from collections.abc import Callable

import frappe

# A racer that fails before the barrier must not leave the others waiting for ever.
BARRIER_TIMEOUT = 120


def at_once(*calls: Callable) -> list:
	"""Runs every call in its own thread, all released by one barrier. Returns their results in order;
	a call that raised gives its exception."""
	start = threading.Barrier(len(calls), timeout=BARRIER_TIMEOUT)
	results = [None] * len(calls)

	def run(i, call):
		try:
			start.wait()
			results[i] = call()
		except Exception as e:
			results[i] = e

	threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	return results


def in_two_workers(job: Callable, *args) -> list[Exception]:
	"""Runs job(*args) in two threads at once, each connected to the site on its own, and commits as
	Frappe's job runner does. Returns what the workers raised."""
	site, sites_path = frappe.local.site, frappe.local.sites_path
	connected = threading.Barrier(2, timeout=BARRIER_TIMEOUT)

	def worker():
		try:
			frappe.init(site=site, sites_path=sites_path)
			frappe.connect()
			connected.wait()  # both connected: the jobs themselves race
			job(*args)
			frappe.db.commit()
		finally:
			frappe.destroy()

	return [result for result in at_once(worker, worker) if isinstance(result, Exception)]
