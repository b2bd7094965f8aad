"""The cover ledger: the one path that writes its rows and the one SQL aggregate every reader sums it with.

Readers: the ranking (`load_burden`), the Jeopardy Burden and Pool Health reports (`member_totals`,
`block_totals`, `block_cover_units`), the Burden Distribution chart (`member_totals` over programmes) and
the members' own standing (through the ranking). Each builds its sums with `aggregate`, where a reversal
counts against the kind it reverses (`reversed_type`), so one GROUP BY nets covers and their reversals
without a self-join. The engine's `policies.aggregate_ledger` is the reference for what the sums compute;
test_ledger_consistency feeds both the same rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, Max, Sum
from pypika.terms import Criterion, Term

from collective_cover.engine.blocks import Block, block_of
from collective_cover.engine.model import EntryKind, LedgerEntry, MemberBurden
from collective_cover.engine.policies import TRAILING_ACTIVATIONS, standby_credits
from collective_cover.kernel.dates import aware, naive

LEDGER = "Cover Ledger Entry"


def write_entry(entry: LedgerEntry, pool_doc, reverses: str | None = None) -> str:
	"""Append `entry` to `pool_doc`'s ledger; returns the row's name. The only insert of a ledger row."""
	row = frappe.get_doc(
		{
			"doctype": LEDGER,
			"clinician": entry.member,
			"pool": pool_doc.name,
			"program": pool_doc.program,
			"entry_type": entry.kind.value,
			"units": entry.units,
			"posting_datetime": naive(entry.at),
			"cover_request": entry.request,
			"cover_request_duty": entry.duty,
			"counterparty": entry.counterparty,
			"reverses": reverses,
			"reversed_type": entry.reversed_kind.value if entry.reversed_kind else None,
		}
	)
	row.flags.written_by_app = True
	row.insert(ignore_permissions=True)
	return row.name


def credit_standby(day: date) -> None:
	"""`day`'s first back-ups earn their pool's standby credit, once (the engine's `standby_credits`
	decides who). The ledger's unique key on (pool, clinician, standby_day) is what makes it once: a
	second worker's insert is refused."""
	rota = frappe.get_all(
		"Jeopardy Rota",
		filters={"rota_date": day, "clinician": ("is", "set")},
		fields=["pool", "clinician"],
		order_by="pool asc",
	)
	credited = {
		(row.pool, row.clinician)
		for row in frappe.get_all(LEDGER, filters={"standby_day": day}, fields=["pool", "clinician"])
	}
	pools = {name: frappe.get_cached_doc("Jeopardy Pool", name) for name in {row.pool for row in rota}}
	earned = standby_credits(
		[(row.pool, row.clinician) for row in rota],
		{name: pool_doc.standby_credit for name, pool_doc in pools.items()},
		credited,
		aware(day),
	)
	for pool, entry in earned:
		try:
			write_entry(entry, pools[pool])
		except frappe.UniqueValidationError:
			continue  # another worker credited this member after `credited` was read
		if not frappe.flags.in_test:
			frappe.db.commit()  # each credit on its own, like the other jobs: no long-held locks


# The aggregate builder.


def ledger_table():
	return frappe.qb.DocType(LEDGER)


def counts_as(kind: EntryKind) -> Criterion:
	"""SQL: the row counts as `kind`; a reversal counts against the kind it reverses."""
	led = ledger_table()
	return Coalesce(led.reversed_type, led.entry_type) == kind.value


def dated(start: datetime, end: datetime) -> Criterion:
	"""SQL: the row is dated in [start, end)."""
	led = ledger_table()
	return (led.posting_datetime >= start) & (led.posting_datetime < end)


def on_days(first: date, last: date) -> Criterion:
	"""SQL: the row is dated on one of the days first…last (inclusive)."""
	return dated(datetime.combine(first, time()), datetime.combine(last + timedelta(days=1), time()))


def units(condition: Criterion) -> Term:
	"""SQL: Σ units of the rows that meet `condition` (reversals are negative)."""
	return Sum(Case().when(condition, ledger_table().units).else_(0))


def activations(condition: Criterion) -> Term:
	"""SQL: covers given among the rows that meet `condition`: a reversal of a cover takes one back."""
	sign = Case().when(ledger_table().units < 0, -1).else_(1)
	return Sum(Case().when(condition, sign).else_(0))


def aggregate(where: Criterion, by: Sequence[Term] | None = None, **columns: Term):
	"""SELECT by…, each column … FROM the ledger WHERE `where` GROUP BY by (default: the clinician)."""
	led = ledger_table()
	by = list(by or [led.clinician])
	return (
		frappe.qb.from_(led)
		.select(*by, *(term.as_(name) for name, term in columns.items()))
		.where(where)
		.groupby(*by)
	)


# The readers.


@dataclass(frozen=True)
class MemberTotals:
	covered: float = 0.0  # units covered, net of reversals
	activations: int = 0  # covers given, net of reversals
	standby: float = 0.0  # standby credit

	@property
	def burden(self) -> float:
		return self.covered + self.standby

	@classmethod
	def of(cls, row) -> MemberTotals:
		return cls(float(row.covered or 0), int(row.activations or 0), float(row.standby or 0))


def _totals(where: Criterion, by: Sequence[Term] | None = None):
	cover = counts_as(EntryKind.COVER)
	return aggregate(
		where,
		by,
		covered=units(cover),
		activations=activations(cover),
		standby=units(counts_as(EntryKind.STANDBY)),
	)


def member_totals(
	first: date, last: date, pool: str | None = None, programs: Sequence[str] | None = None
) -> dict[str, MemberTotals]:
	"""{clinician: totals} over the days first…last, of `pool` or of every pool of `programs`."""
	led = ledger_table()
	where = on_days(first, last)
	if pool:
		where &= led.pool == pool
	if programs is not None:
		where &= led.program.isin(list(programs) or [""])
	return {row.clinician: MemberTotals.of(row) for row in _totals(where).run(as_dict=True)}


def block_index(blocks: Sequence[Block]) -> Term:
	"""SQL: the index in `blocks` (contiguous, in order) of the block a row is dated in."""
	posted = ledger_table().posting_datetime
	index = Case()
	for i in range(len(blocks) - 1, -1, -1):
		index = index.when(posted >= datetime.combine(blocks[i].first, time()), i)
	return index


def block_totals(pool: str, blocks: Sequence[Block]) -> dict[int, dict[str, MemberTotals]]:
	"""{block index: {clinician: totals}} of `pool`, in one query."""
	led = ledger_table()
	block = block_index(blocks)
	where = (led.pool == pool) & on_days(blocks[0].first, blocks[-1].last)
	totals = defaultdict(dict)
	for row in _totals(where, [led.clinician, block.as_("block_no")]).run(as_dict=True):
		totals[row.block_no][row.clinician] = MemberTotals.of(row)
	return totals


def block_cover_units(pool: str, blocks: Sequence[Block]) -> dict[int, list[float]]:
	"""{block index: [net units of each cover given in the block]}; a cover reversed in the same block
	is gone, one reversed later still counts where it was given."""
	led = ledger_table()
	block = block_index(blocks)
	net = Sum(led.units)
	where = (led.pool == pool) & counts_as(EntryKind.COVER) & on_days(blocks[0].first, blocks[-1].last)
	rows = (aggregate(where, [block.as_("block_no"), led.cover_request], units=net).having(net > 0)).run(
		as_dict=True
	)
	covers = defaultdict(list)
	for row in rows:
		covers[row.block_no].append(float(row.units))
	return covers


def load_burden(
	pool: str, members, now: datetime, window_start: date, block_days: int
) -> dict[str, MemberBurden]:
	"""The ranking's per-member burden (naive `now`, in the site's time zone), in two GROUP BY queries;
	`members`: names, or a subquery of them (records.pool_members).

	Burden counts rows dated in [window start, now]; payback balances count every row ever written,
	because a debt outlives the window it was made in.
	"""
	if not members:
		return {}
	led = ledger_table()
	block = datetime.combine(block_of(now.date(), window_start, block_days).first, time())
	in_window = (led.posting_datetime >= datetime.combine(window_start, time())) & (
		led.posting_datetime <= now
	)
	cover = in_window & counts_as(EntryKind.COVER)
	in_block = cover & (led.posting_datetime >= block)
	to_pool = led.counterparty.isnull()
	mine = (led.pool == pool) & led.clinician.isin(members)
	rows = (
		aggregate(
			mine,
			covered=units(cover),
			standby=units(in_window & counts_as(EntryKind.STANDBY)),
			activations_28d=activations(cover & (led.posting_datetime >= now - TRAILING_ACTIVATIONS)),
			activations_in_block=activations(in_block),
			units_in_block=units(in_block),
			activations_in_window=activations(cover),
			obligations=units(counts_as(EntryKind.PAYBACK_OBLIGATION) & to_pool),
			settlements=units(counts_as(EntryKind.SETTLEMENT) & to_pool),
		).select(Max(Case().when(cover & (led.units > 0), led.posting_datetime)).as_("last_activation"))
	).run(as_dict=True)

	debts = defaultdict(dict)
	owed = units(counts_as(EntryKind.PAYBACK_OBLIGATION)) - units(counts_as(EntryKind.SETTLEMENT))
	for row in aggregate(
		mine & led.counterparty.isnotnull(), [led.clinician, led.counterparty], owed=owed
	).run(as_dict=True):
		if row.owed and row.owed > 1e-9:
			debts[row.clinician][row.counterparty] = float(row.owed)

	return {
		row.clinician: MemberBurden(
			member=row.clinician,
			covered_units=float(row.covered or 0),
			standby_units=float(row.standby or 0),
			activations_28d=int(row.activations_28d or 0),
			last_activation=aware(row.last_activation) if row.last_activation else None,
			activations_in_block=int(row.activations_in_block or 0),
			units_in_block=float(row.units_in_block or 0),
			activations_in_window=int(row.activations_in_window or 0),
			units_in_window=float(row.covered or 0),
			owed_to_pool=max(float((row.obligations or 0) - (row.settlements or 0)), 0.0),
			owed_to=tuple(sorted(debts.get(row.clinician, {}).items())),
		)
		for row in rows
	}
