"""Ledger totals per member, aggregated in SQL for the reports: never a Python loop over ledger rows.

A reversal carries the kind of the row it undoes (`reversed_type`), so one GROUP BY nets covers and their
reversals without a self-join — the reading `cover.records.load_burden` gives the ranking. The reports
need any window and no payback balances, and load_burden scans the pool's ledger a second time for
those, so a report built on it would cost twice the aggregate it needs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, Sum

from collective_cover.engine.model import EntryKind
from collective_cover.reports.scope import day_after, day_start

LEDGER = "Cover Ledger Entry"


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


def entry_kind(led):
	"""SQL: the kind a row counts as; a reversal counts against the kind it reverses."""
	return Coalesce(led.reversed_type, led.entry_type)


def _totals_query(led, start: date, end: date):
	"""Units covered, activations and standby credit per clinician for rows dated in [start, end]."""
	cover = entry_kind(led) == EntryKind.COVER.value
	standby = entry_kind(led) == EntryKind.STANDBY.value
	# A reversal of a cover takes its activation back.
	activation = Case().when(led.units < 0, -1).else_(1)
	return (
		frappe.qb.from_(led)
		.select(
			led.clinician,
			Sum(Case().when(cover, led.units).else_(0)).as_("covered"),
			Sum(Case().when(cover, activation).else_(0)).as_("activations"),
			Sum(Case().when(standby, led.units).else_(0)).as_("standby"),
		)
		.where((led.posting_datetime >= day_start(start)) & (led.posting_datetime < day_after(end)))
		.groupby(led.clinician)
	)


def member_totals(pool: str, start: date, end: date) -> dict[str, MemberTotals]:
	"""{clinician: totals} of `pool` over [start, end]."""
	led = frappe.qb.DocType(LEDGER)
	rows = _totals_query(led, start, end).where(led.pool == pool).run(as_dict=True)
	return {row.clinician: MemberTotals.of(row) for row in rows}


def block_index(led, blocks: Sequence[tuple[date, date]]):
	"""SQL: the index in `blocks` (contiguous, in order) of the block a row is dated in."""
	index = Case()
	for i in range(len(blocks) - 1, -1, -1):
		index = index.when(led.posting_datetime >= day_start(blocks[i][0]), i)
	return index


def block_totals(pool: str, blocks: Sequence[tuple[date, date]]) -> dict[int, dict[str, MemberTotals]]:
	"""{block index: {clinician: totals}} of `pool`, in one query."""
	led = frappe.qb.DocType(LEDGER)
	block = block_index(led, blocks)
	query = _totals_query(led, blocks[0][0], blocks[-1][1]).select(block.as_("block_no")).groupby(block)
	totals = defaultdict(dict)
	for row in query.where(led.pool == pool).run(as_dict=True):
		totals[row.block_no][row.clinician] = MemberTotals.of(row)
	return totals


def block_cover_units(pool: str, blocks: Sequence[tuple[date, date]]) -> dict[int, list[float]]:
	"""{block index: [net units of each cover given in the block]}; a cover reversed in the same block
	is gone, one reversed later still counts where it was given."""
	led = frappe.qb.DocType(LEDGER)
	block = block_index(led, blocks)
	units = Sum(led.units)
	rows = (
		frappe.qb.from_(led)
		.select(block.as_("block_no"), units.as_("units"))
		.where(
			(led.pool == pool)
			& (entry_kind(led) == EntryKind.COVER.value)
			& (led.posting_datetime >= day_start(blocks[0][0]))
			& (led.posting_datetime < day_after(blocks[-1][1]))
		)
		.groupby(block, led.cover_request)
		.having(units > 0)
	).run(as_dict=True)
	covers = defaultdict(list)
	for row in rows:
		covers[row.block_no].append(float(row.units))
	return covers
