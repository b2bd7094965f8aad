"""A pool's standing now: every member's burden, fair share, deviation and place in the pool's order,
and the pool's anonymised spread — what a member's "My standing" shows.

It is computed by the engine from the pool's roster (`cover/roster.py`, every member's burden and
absences) and kept in Redis with the roster's version; a reader recomputes it only when that version
has changed, and reads only the fields it shows (the pool's spread and its own place). Looking up
one's place in a 1,000-member pool thus costs about what it costs in a 50-member one.
"""

from __future__ import annotations

import json
from dataclasses import asdict, astuple, dataclass
from datetime import datetime

import frappe
from frappe.utils import now_datetime

from collective_cover.cover.records import engine_pool
from collective_cover.cover.roster import pool_roster, roster_version
from collective_cover.engine.fairness import pool_fairness
from collective_cover.engine.ranking import pool_order
from collective_cover.kernel.dates import aware

# A standing nobody has asked for in a day is dropped; its version would have moved on anyway.
CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class MemberPlace:
	burden: float
	fair_share: float
	deviation: float
	position: int  # 1-based, in the pool's standing order


@dataclass(frozen=True)
class PoolSpread:
	"""The pool's anonymised figures: how many, how unequal, how far from fair share."""

	pool: str
	members: int
	gini: float
	max_abs_deviation: float
	deviation_percentiles: dict[str, float]


def standing_of(pool_row, clinician: str | None, now: datetime | None = None):
	"""The pool's spread and `clinician`'s place in it (None when not a member), as of now. `pool_row`:
	the pool's name, modified and time_zone (its Document, or just those fields); the pool's Document
	is read only to compute a standing anew.

	Kept in one Redis hash per pool: its version, the spread and one field per member, written
	together in one transaction, so a reader takes just the three fields it needs."""
	now = now or aware(now_datetime())
	key = frappe.cache.make_key(f"collective_cover:standing:{pool_row.name}")
	version = roster_version(pool_row, now)
	stored, spread, mine = frappe.cache.hmget(key, ["version", "spread", clinician or "-"])
	if stored and stored.decode() == version and spread:
		return PoolSpread(**json.loads(spread)), MemberPlace(*json.loads(mine)) if mine else None
	pool_doc = frappe.get_cached_doc("Jeopardy Pool", pool_row.name)
	if str(pool_doc.modified) != str(pool_row.modified):
		# Frappe's cached pool lags the row read a moment ago: kept under the version it was read at.
		version = roster_version(pool_doc, now)
	spread, places = compute_standing(pool_doc, now, version)
	fields = {member: json.dumps(astuple(place)) for member, place in places.items()}
	with frappe.cache.pipeline() as pipe:  # MULTI … EXEC: a reader sees all of it or none
		pipe.delete(key)
		pipe.hset(key, mapping={"version": version, "spread": json.dumps(asdict(spread)), **fields})
		pipe.expire(key, CACHE_SECONDS)
		pipe.execute()
	return spread, places.get(clinician)


def compute_standing(
	pool_doc, now: datetime, version: str | None = None
) -> tuple[PoolSpread, dict[str, MemberPlace]]:
	"""The engine's figures for every member (burden and exposure only: no schedule is read), from the
	pool's roster (`version`: its `roster_version`, when the caller has read it)."""
	pool = engine_pool(pool_doc)
	candidates = pool_roster(pool_doc, pool, now, version)
	burden = {c.member.id: c.burden.burden for c in candidates}
	fairness = pool_fairness(burden, {c.member.id: c.exposure for c in candidates})
	places = {
		member: MemberPlace(
			burden=round(burden[member], 2),
			fair_share=round(fairness.fair_share[member], 2),
			deviation=round(fairness.deviation[member], 2),
			position=position,
		)
		for position, member in enumerate(pool_order(pool, candidates), start=1)
	}
	spread = PoolSpread(
		pool=pool_doc.name,
		members=len(places),
		gini=round(fairness.gini, 4),
		max_abs_deviation=round(fairness.max_abs_deviation, 2),
		deviation_percentiles={str(q): round(v, 2) for q, v in fairness.percentiles().items()},
	)
	return spread, places
