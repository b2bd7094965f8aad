"""How much the Jeopardy Burden report costs over the bare SQL aggregate it needs, on a large ledger.

    bench --site <site> execute collective_cover.devtools.benchmarks.burden_report.run

Builds a programme, a pool of MEMBERS members and LEDGER_ROWS ledger rows over this academic year inside
one transaction, times the report's `execute` against the GROUP BY it cannot do without, and rolls the
transaction back: nothing it writes survives, whether it finishes or fails. Prints ratios, not times
(target: the report within 1.5× the aggregate). The ranking's loader, `load_burden`, is timed as well,
to show why the report does not reuse it: it reads the pool's ledger a second time for payback debts.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import datetime, timedelta

import frappe
from frappe.utils import getdate, now_datetime

from collective_cover.collective_cover.report.jeopardy_burden.jeopardy_burden import execute
from collective_cover.cover.ledger import load_burden
from collective_cover.engine.model import EntryKind
from collective_cover.kernel.dates import fairness_window
from collective_cover.reports.scope import day_after, day_start

LEDGER_ROWS = 200_000
MEMBERS = 200
REPEATS = 7
TARGET = 1.5
PROGRAM = "Benchmark Residency (rolled back)"

BARE_AGGREGATE = """
	select clinician,
		sum(case when coalesce(reversed_type, entry_type) = 'Cover' then units else 0 end) as covered,
		sum(case when coalesce(reversed_type, entry_type) = 'Cover'
			then case when units < 0 then -1 else 1 end else 0 end) as activations,
		sum(case when coalesce(reversed_type, entry_type) = 'Standby credit' then units else 0 end) as standby
	from `tabCover Ledger Entry`
	where pool = %(pool)s and posting_datetime >= %(start)s and posting_datetime < %(end)s
	group by clinician
"""


def run(rows: int = LEDGER_ROWS, members: int = MEMBERS, repeats: int = REPEATS, seed: int = 2026) -> None:
	frappe.set_user("Administrator")
	try:
		pool, window = build(int(rows), int(members), int(seed))
		print(ratio_table(pool, window, int(rows), int(members), int(repeats)))
	finally:
		frappe.db.rollback()


def build(rows: int, members: int, seed: int) -> tuple[str, tuple]:
	"""A programme, `members` clinicians in one pool, some vacations and `rows` ledger rows, uncommitted."""
	rng = random.Random(seed)
	start = fairness_window()[0]
	window = (start, getdate())
	frappe.get_doc({"doctype": "Residency Program", "program_name": PROGRAM}).insert()
	clinicians = [
		frappe.get_doc(
			{
				"doctype": "Clinician",
				"full_name": f"Benchmark Member {i}",
				"role": "Resident",
				"training_level": "PGY-2",
				"program": PROGRAM,
				"fte": rng.choice((1.0, 1.0, 1.0, 0.8, 0.5)),
			}
		)
		.insert()
		.name
		for i in range(members)
	]
	pool = (
		frappe.get_doc(
			{
				"doctype": "Jeopardy Pool",
				"pool_name": "Benchmark Pool (rolled back)",
				"program": PROGRAM,
				"members": [{"clinician": c, "joined_on": start} for c in clinicians],
			}
		)
		.insert()
		.name
	)
	days = max((window[1] - window[0]).days, 1)
	for clinician in rng.sample(clinicians, members // 4):
		first = datetime.combine(start + timedelta(days=rng.randrange(days)), datetime.min.time())
		frappe.get_doc(
			{
				"doctype": "Clinician Unavailability",
				"clinician": clinician,
				"kind": "Vacation",
				"from_datetime": first,
				"to_datetime": first + timedelta(days=7, minutes=-1),
			}
		).insert()

	stamp = now_datetime()
	fields = ["name", "creation", "modified", "owner", "modified_by", "docstatus", "clinician", "pool"]
	fields += ["program", "entry_type", "units", "posting_datetime", "reversed_type"]

	def entry(i: int):
		kind, units, reversed_type = EntryKind.COVER.value, rng.choice((0.5, 1.0, 1.0, 2.0)), None
		if i % 10 == 0:
			kind, units = EntryKind.STANDBY.value, 0.1
		elif i % 25 == 0:
			kind, units, reversed_type = EntryKind.REVERSAL.value, -units, EntryKind.COVER.value
		posted = day_start(start) + timedelta(minutes=rng.randrange(days * 24 * 60))
		return (f"BENCH-{i:07d}", stamp, stamp, "Administrator", "Administrator", 0, rng.choice(clinicians),
			pool, PROGRAM, kind, units, posted, reversed_type)  # fmt: skip

	frappe.db.bulk_insert("Cover Ledger Entry", fields, (entry(i) for i in range(rows)), chunk_size=10_000)
	return pool, window


def median_time(work, repeats: int) -> float:
	work()  # warm the buffer pool and the caches first
	times = []
	for _ in range(repeats):
		started = time.perf_counter()
		work()
		times.append(time.perf_counter() - started)
	return statistics.median(times)


def ratio_table(pool: str, window: tuple, rows: int, members: int, repeats: int) -> str:
	bounds = {"pool": pool, "start": day_start(window[0]), "end": day_after(window[1])}
	filters = {"pool": pool, "from_date": window[0], "to_date": window[1]}
	clinicians = frappe.get_all("Jeopardy Pool Member", filters={"parent": pool}, pluck="clinician")
	bare = median_time(lambda: frappe.db.sql(BARE_AGGREGATE, bounds), repeats)
	report = median_time(lambda: execute(filters), repeats)
	ranking_loader = median_time(lambda: load_burden(pool, clinicians, bounds["end"], window[0], 28), repeats)
	lines = [
		f"Jeopardy Burden on {rows:,} ledger rows ({members} members, one pool), "
		f"median of {repeats} runs, time relative to the bare SQL aggregate",
		"query                                             | time ratio",
		"--------------------------------------------------+-----------",
		f"bare SQL aggregate (one GROUP BY clinician)       | {1:10.2f}",
		f"Jeopardy Burden report (execute)                  | {report / bare:10.2f}",
		f"ranking's load_burden, for comparison (not used)  | {ranking_loader / bare:10.2f}",
		"",
		f"target: the report within {TARGET}× the bare aggregate — "
		+ ("met" if report / bare <= TARGET else "NOT met"),
		"(all rows were written in one transaction and rolled back)",
	]
	return "\n".join(lines)
