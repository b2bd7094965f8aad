"""Members' standing in a pool over any window: burden, exposure, fair share and deviation.

The engine decides (exposure and fairness in engine/fairness.py); this module loads a pool's people in a
fixed number of queries and pairs them with ledger totals SQL has already aggregated per member.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import frappe
from frappe.utils import getdate

from collective_cover.cover.ledger import MemberTotals
from collective_cover.cover.records import engine_pool, level_number
from collective_cover.engine.fairness import PoolFairness, exposure, pool_fairness
from collective_cover.engine.model import Member, Pool, Role, Unavailability
from collective_cover.kernel.availability import load_unavailability
from collective_cover.reports.scope import day_after, day_start


@dataclass(frozen=True)
class PoolPeople:
	"""A pool's memberships and caps (the engine's Pool), its members and their unavailability."""

	pool: Pool
	members: Mapping[str, Member]
	names: Mapping[str, str]
	unavailability: Mapping[str, tuple[Unavailability, ...]]

	def exposures(self, window: tuple[date, date]) -> dict[str, float]:
		"""Σ FTE-days of every member over `window`, days counted in the pool's time zone (as the engine
		counts them); days after today are not exposure yet."""
		span = (window[0], min(window[1], getdate()))
		return {
			m.member: exposure(
				self.members[m.member], m, self.unavailability.get(m.member, ()), span, self.pool.zone
			)
			for m in self.pool.memberships
			if m.member in self.members
		}


def load_pool_people(pool_doc, window: tuple[date, date]) -> PoolPeople:
	"""The pool's people, with the unavailability that overlaps `window`, in two queries."""
	pool = engine_pool(pool_doc)
	ids = [m.member for m in pool.memberships]
	clin = frappe.qb.DocType("Clinician")
	rows = (
		frappe.qb.from_(clin)
		.select(clin.name, clin.full_name, clin.role, clin.training_level, clin.fte, clin.program)
		.where(clin.name.isin(ids or [""]))
	).run(as_dict=True)
	unavailability = load_unavailability(ids, day_start(window[0]), day_after(window[1]))
	return PoolPeople(
		pool=pool,
		members={
			r.name: Member(r.name, Role(r.role), level_number(r.training_level), r.fte or 1.0, r.program)
			for r in rows
		},
		names={r.name: r.full_name for r in rows},
		unavailability={member: tuple(periods) for member, periods in unavailability.items()},
	)


@dataclass(frozen=True)
class MemberStanding:
	clinician: str
	full_name: str
	role: str
	covered: float
	activations: int
	standby: float
	exposure: float
	fair_share: float
	deviation: float

	@property
	def burden(self) -> float:
		return self.covered + self.standby


def pool_standing(
	people: PoolPeople, totals: Mapping[str, MemberTotals], window: tuple[date, date]
) -> tuple[list[MemberStanding], PoolFairness]:
	"""Every member's standing over `window` from their ledger `totals`, most above fair share first."""
	exposures = people.exposures(window)
	ledger = {member: totals.get(member) or MemberTotals() for member in exposures}
	fairness = pool_fairness({member: t.burden for member, t in ledger.items()}, exposures)
	standings = [
		MemberStanding(
			clinician=member,
			full_name=people.names[member],
			role=people.members[member].role.value,
			covered=t.covered,
			activations=t.activations,
			standby=t.standby,
			exposure=exposures[member],
			fair_share=fairness.fair_share[member],
			deviation=fairness.deviation[member],
		)
		for member, t in ledger.items()
	]
	return sorted(standings, key=lambda s: -s.deviation), fairness
