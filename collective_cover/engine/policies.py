"""Reciprocity policies: which ledger rows a cover writes, and how the ledger aggregates per member.

- Collective: nobody owes anybody; a cover writes one row for the coverer and nothing for the caller.
- Pool payback: the caller owes the pool the covered units; any cover the caller gives settles it.
- Individual payback: the caller owes the coverer; covering for that coverer settles it.
A pool's policy applies from the day it changes: rows already written are never rewritten.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .model import EntryKind, LedgerEntry, MemberBurden, Policy

# The ranking's first tie-break counts activations over this trailing span (DOMAIN.md, "Fairness").
TRAILING_ACTIVATIONS = timedelta(days=28)


def cover_entries(
	policy: Policy,
	request: str,
	requester: str,
	coverer: str,
	units: float,
	at: datetime,
	coverer_burden: MemberBurden,
) -> list[LedgerEntry]:
	"""The rows to append when `coverer` covers `units` of `requester`'s request."""
	entries = [LedgerEntry(coverer, EntryKind.COVER, units, at, request=request)]
	if policy is Policy.POOL_PAYBACK:
		entries.append(LedgerEntry(requester, EntryKind.PAYBACK_OBLIGATION, units, at, request=request))
		settled = min(coverer_burden.owed_to_pool, units)
		if settled > 0:
			entries.append(LedgerEntry(coverer, EntryKind.SETTLEMENT, settled, at, request=request))
	elif policy is Policy.INDIVIDUAL_PAYBACK:
		entries.append(
			LedgerEntry(
				requester, EntryKind.PAYBACK_OBLIGATION, units, at, request=request, counterparty=coverer
			)
		)
		settled = min(coverer_burden.owes(requester), units)
		if settled > 0:
			entries.append(
				LedgerEntry(
					coverer, EntryKind.SETTLEMENT, settled, at, request=request, counterparty=requester
				)
			)
	return entries


def standby_credits(
	rostered: Iterable[tuple[str, str]],
	credit: Mapping[str, float],
	credited: Collection[tuple[str, str]],
	day_start: datetime,
) -> list[tuple[str, LedgerEntry]]:
	"""Who earns standby for a rota day (DOMAIN.md, "Standby credit"), as (pool, row) pairs.

	`rostered` holds the day's (pool, member) first back-ups, `credit` each pool's standby credit and
	`credited` the (pool, member) pairs already credited for the day. A member earns their pool's credit
	once per pool and day, whether or not they were activated; a pool without a credit gives none.
	"""
	earned = []
	seen = set(credited)
	for pool, member in rostered:
		if (pool, member) in seen or not credit.get(pool):
			continue
		seen.add((pool, member))
		earned.append((pool, LedgerEntry(member, EntryKind.STANDBY, credit[pool], day_start)))
	return earned


def reversal_entries(entries: Iterable[LedgerEntry], at: datetime) -> list[LedgerEntry]:
	"""Rows that undo `entries` (a cancelled cover): same member, negated units, pointing back."""
	return [
		LedgerEntry(
			e.member,
			EntryKind.REVERSAL,
			-e.units,
			at,
			request=e.request,
			counterparty=e.counterparty,
			reverses=e.id,
			reversed_kind=e.kind,
		)
		for e in entries
		if e.kind is not EntryKind.REVERSAL
	]


@dataclass
class _Totals:
	covered: float = 0.0
	standby: float = 0.0
	activations_28d: int = 0
	last_activation: datetime | None = None
	activations_in_block: int = 0
	units_in_block: float = 0.0
	activations_in_window: int = 0
	owed_to_pool: float = 0.0
	owed_to: dict[str, float] = field(default_factory=lambda: defaultdict(float))


def aggregate_ledger(
	entries: Iterable[LedgerEntry],
	*,
	now: datetime,
	window_start: datetime,
	block_start: datetime,
	clinic_half_days_lost: dict[str, int] | None = None,
) -> dict[str, MemberBurden]:
	"""Per-member burden from ledger rows, as the Frappe shell's SQL aggregate computes it.

	Burden counts rows dated in [window_start, now]; payback balances count every row ever written,
	because a debt outlives the window it was made in.
	"""
	totals: dict[str, _Totals] = defaultdict(_Totals)
	trailing_start = now - TRAILING_ACTIVATIONS
	for e in entries:
		t = totals[e.member]
		kind = e.reversed_kind if e.kind is EntryKind.REVERSAL else e.kind
		sign = -1 if e.kind is EntryKind.REVERSAL else 1
		if kind is EntryKind.PAYBACK_OBLIGATION:
			if e.counterparty:
				t.owed_to[e.counterparty] += e.units
			else:
				t.owed_to_pool += e.units
		elif kind is EntryKind.SETTLEMENT:
			if e.counterparty:
				t.owed_to[e.counterparty] -= e.units
			else:
				t.owed_to_pool -= e.units
		if not (window_start <= e.at <= now):
			continue
		if kind is EntryKind.STANDBY:
			t.standby += e.units
		elif kind is EntryKind.COVER:
			t.covered += e.units
			t.activations_in_window += sign
			if e.at >= block_start:
				t.activations_in_block += sign
				t.units_in_block += e.units
			if e.at >= trailing_start:
				t.activations_28d += sign
			if sign > 0 and (t.last_activation is None or e.at > t.last_activation):
				t.last_activation = e.at
	lost = clinic_half_days_lost or {}
	return {
		member: MemberBurden(
			member=member,
			covered_units=round(t.covered, 6),
			standby_units=round(t.standby, 6),
			activations_28d=t.activations_28d,
			last_activation=t.last_activation,
			activations_in_block=t.activations_in_block,
			units_in_block=round(t.units_in_block, 6),
			activations_in_window=t.activations_in_window,
			units_in_window=round(t.covered, 6),
			clinic_half_days_lost=lost.get(member, 0),
			owed_to_pool=round(max(t.owed_to_pool, 0.0), 6),
			owed_to=tuple(sorted((who, round(u, 6)) for who, u in t.owed_to.items() if u > 1e-9)),
		)
		for member, t in totals.items()
	}
