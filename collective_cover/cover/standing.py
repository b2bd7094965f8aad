"""A pool's standing now: every member's burden, fair share, deviation and place in the pool's order,
and the pool's anonymised spread — what a member's "My standing" shows.

A member's deviation is measured against the whole pool, so computing a standing reads every member
(burden, absences, lost clinic half-days). It is computed by the engine and kept in Redis with the
version of what it was computed from; a reader recomputes it only when that version has changed, and
reads only the fields it shows (the pool's spread and its own place).
The version is read with aggregate queries that return one row whatever the pool's size, so looking
up one's place in a 1,000-member pool costs about what it costs in a 50-member one. Nothing is kept
in process memory: every web and worker process shares the cache and checks the version itself.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, astuple, dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, Concat_ws, Count, Sum
from frappe.utils import now_datetime
from pypika.terms import CustomFunction

from collective_cover.cover.ledger import ledger_table
from collective_cover.cover.records import engine_pool, load_candidates, pool_members
from collective_cover.engine.fairness import pool_fairness
from collective_cover.engine.model import DutyKind
from collective_cover.engine.policies import TRAILING_ACTIVATIONS
from collective_cover.engine.ranking import pool_order
from collective_cover.kernel.dates import aware, fairness_window, naive, zone_or_site

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
	the pool's name, modified and time_zone (its Document, or just those fields); the whole pool is
	loaded only to compute a standing anew.

	Kept in one Redis hash per pool: its version, the spread and one field per member, written
	together in one transaction, so a reader takes just the three fields it needs. Only a standing
	read from committed rows is cached."""
	now = now or aware(now_datetime())
	if frappe.db.transaction_writes:
		# Read beside this transaction's own writes, which may yet roll back: never cached.
		spread, places = compute_standing(pool_row.name, now)
		return spread, places.get(clinician)
	key = frappe.cache.make_key(f"collective_cover:standing:{pool_row.name}")
	version = hashlib.sha256(frappe.as_json(standing_version(pool_row, now)).encode()).hexdigest()
	stored, spread, mine = frappe.cache.hmget(key, ["version", "spread", clinician or "-"])
	if stored and stored.decode() == version and spread:
		return PoolSpread(**json.loads(spread)), MemberPlace(*json.loads(mine)) if mine else None
	spread, places = compute_standing(pool_row.name, now)
	fields = {member: json.dumps(astuple(place)) for member, place in places.items()}
	with frappe.cache.pipeline() as pipe:  # MULTI … EXEC: a reader sees all of it or none
		pipe.delete(key)
		pipe.hset(key, mapping={"version": version, "spread": json.dumps(asdict(spread)), **fields})
		pipe.expire(key, CACHE_SECONDS)
		pipe.execute()
	return spread, places.get(clinician)


def compute_standing(pool_name: str, now: datetime) -> tuple[PoolSpread, dict[str, MemberPlace]]:
	"""The engine's figures for every member (burden and exposure only: no schedule is read)."""
	pool_doc = frappe.get_cached_doc("Jeopardy Pool", pool_name)
	pool = engine_pool(pool_doc)
	candidates = load_candidates(pool_doc, pool, (now, now), now, schedules=False)
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


# A checksum of rows: the XOR of each row's CRC32 over the columns named changes when any row is added,
# removed or changed in one of them (MariaDB, which the app requires).
BitXor = CustomFunction("BIT_XOR", ["value"])
Crc32 = CustomFunction("CRC32", ["value"])


def checksum(*columns):
	return BitXor(Crc32(Concat_ws("|", *(Coalesce(column, "") for column in columns))))


def standing_version(pool_row, now: datetime) -> tuple:
	"""Everything a standing is computed from, summarised: the pool's record (members, policy, caps,
	zone; saved as a whole), its members' Clinician rows (FTE), their absences, the pool's ledger
	(insert-only: its rows, and those the trailing activation window and `now` cut), the clinic
	half-days they lost, and the calendar (today in the pool's zone, the fairness window). Each query
	returns one row whatever the pool's size."""
	members = pool_members(pool_row.name)
	window = fairness_window(now.date())
	window_start = datetime.combine(window[0], datetime.min.time())
	at = naive(now)

	clinician = frappe.qb.DocType("Clinician")
	away = frappe.qb.DocType("Clinician Unavailability")
	shift = frappe.qb.DocType("Clinician Shift")
	led = ledger_table()

	def one_row(table, condition, *aggregates) -> tuple:
		return tuple(frappe.qb.from_(table).select(Count("*"), *aggregates).where(condition).run()[0])

	def counted(condition):
		return Sum(Case().when(condition, 1).else_(0))

	return (
		str(pool_row.modified),
		now.astimezone(ZoneInfo(zone_or_site(pool_row.time_zone))).date(),
		window,
		one_row(
			clinician,
			clinician.name.isin(members),
			checksum(
				clinician.name, clinician.fte, clinician.role, clinician.training_level, clinician.program
			),
		),
		one_row(
			away,
			away.clinician.isin(members),
			checksum(away.name, away.clinician, away.from_datetime, away.to_datetime, away.kind),
		),
		one_row(
			led,
			led.pool == pool_row.name,
			checksum(led.name),
			counted(led.posting_datetime >= at - TRAILING_ACTIVATIONS),
			counted(led.posting_datetime > at),
		),
		one_row(
			shift,
			shift.clinician.isin(members)
			& (shift.duty_kind == DutyKind.CLINIC.value)
			& shift.displaced_by.isnotnull()
			& (shift.start >= window_start),
			checksum(shift.name, shift.start),
		),
	)
