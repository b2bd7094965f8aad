"""A pool's roster: every member as the engine's Candidate without a schedule — their Clinician row,
membership, burden, exposure and absences — what filing ranks and a member's standing is computed
from.

A deviation is measured against the whole pool, so the roster reads every member: at 1,000 members
that reading is most of what filing costs. It is kept in Redis with the version of what it was
computed from, and read again only when that version has changed (a cover, an absence, an FTE, the
pool's record, the calendar day). The version is read fresh each time with aggregate queries that
return one row whatever the pool's size, so a 1,000-member pool's roster costs about what a 50-member
one does. Nothing is kept in process memory: every web and worker process shares the cache and
checks the version itself.

The version checksums the content of every row the roster reads, not only their names: a row written
by a transaction that rolled back (its naming-series number used again by another row) cannot pass
for the row that replaced it. A roster read beside this transaction's own writes is therefore kept
too: if they roll back, its version is one the database never shows again.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import fields
from datetime import datetime
from zoneinfo import ZoneInfo

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, Concat_ws, Count, Sum
from frappe.utils import now_datetime
from pypika.terms import CustomFunction

from collective_cover.cover.ledger import ledger_table
from collective_cover.cover.records import SCHEDULE_MARGIN, engine_pool, load_candidates, pool_members
from collective_cover.engine.model import (
	Candidate,
	DutyKind,
	Member,
	MemberBurden,
	Membership,
	Pool,
	Unavailability,
)
from collective_cover.engine.policies import TRAILING_ACTIVATIONS
from collective_cover.kernel.background import run_after_commit
from collective_cover.kernel.dates import aware, fairness_window, naive, zone_or_site

# A roster nobody has read in a day is dropped; its version would have moved on anyway.
CACHE_SECONDS = 24 * 60 * 60

# The shape of what is kept: a release that changes the engine's dataclasses reads no roster an
# earlier one pickled.
ROSTER_SHAPE = tuple(
	(model.__name__, tuple(field.name for field in fields(model)))
	for model in (Candidate, Member, Membership, MemberBurden, Unavailability)
)

# A checksum of rows: the XOR of each row's CRC32 over the columns named changes when any row is added,
# removed or changed in one of them (MariaDB, which the app requires).
BitXor = CustomFunction("BIT_XOR", ["value"])
Crc32 = CustomFunction("CRC32", ["value"])


def checksum(*columns):
	return BitXor(Crc32(Concat_ws("|", *(Coalesce(column, "") for column in columns))))


def roster_version(pool_row, now: datetime) -> str:
	"""A digest of everything a roster (and so a standing) is computed from: the pool's record
	(policy, caps, zone; saved as a whole) and its membership rows, its members' Clinician rows, their
	absences, the pool's ledger (with the rows the trailing activation window and `now` cut), the
	clinic half-days they lost, and the calendar (today in the site's zone, which dates the block, and
	in the pool's, which ends the exposure; the fairness window). Each query returns one row whatever
	the pool's size. `pool_row`: the pool's name, modified and time_zone (its Document, or just those
	fields)."""
	members = pool_members(pool_row.name)
	window = fairness_window(now.date())
	window_start = datetime.combine(window[0], datetime.min.time())
	at = naive(now)

	membership = frappe.qb.DocType("Jeopardy Pool Member")
	clinician = frappe.qb.DocType("Clinician")
	away = frappe.qb.DocType("Clinician Unavailability")
	shift = frappe.qb.DocType("Clinician Shift")
	led = ledger_table()

	def one_row(table, condition, *aggregates) -> tuple:
		return tuple(frappe.qb.from_(table).select(Count("*"), *aggregates).where(condition).run()[0])

	def counted(condition):
		return Sum(Case().when(condition, 1).else_(0))

	parts = (
		ROSTER_SHAPE,
		str(pool_row.modified),
		now.date(),
		now.astimezone(ZoneInfo(zone_or_site(pool_row.time_zone))).date(),
		window,
		one_row(
			membership,
			(membership.parent == pool_row.name) & (membership.parenttype == "Jeopardy Pool"),
			checksum(membership.clinician, membership.joined_on, membership.left_on, membership.fte),
		),
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
			checksum(
				led.name,
				led.clinician,
				led.entry_type,
				led.reversed_type,
				led.units,
				led.posting_datetime,
				led.counterparty,
			),
			counted(led.posting_datetime >= at - TRAILING_ACTIVATIONS),
			counted(led.posting_datetime > at),
		),
		one_row(
			shift,
			shift.clinician.isin(members)
			& (shift.duty_kind == DutyKind.CLINIC.value)
			& shift.displaced_by.isnotnull()
			& (shift.start >= window_start),
			checksum(shift.name, shift.clinician, shift.start),
		),
	)
	return hashlib.sha256(frappe.as_json(parts).encode()).hexdigest()


def roster_since(now: datetime) -> datetime:
	"""The roster holds the absences that end after this: those of the fairness window so far (the
	exposure) and of the four weeks before now."""
	window_start = datetime.combine(fairness_window(now.date())[0], datetime.min.time())
	return min(now - SCHEDULE_MARGIN, aware(window_start))


def roster_reaches(span: tuple[datetime, datetime], now: datetime) -> bool:
	"""Whether the roster holds every absence a request over `span` is judged on (those ending after
	four weeks before it starts, `records.load_candidates`). More absences change no verdict: one
	counts only where it overlaps a duty or the exposure window."""
	return span[0] - SCHEDULE_MARGIN >= roster_since(now)


def pool_roster(pool_doc, pool: Pool, now: datetime, version: str | None = None) -> list[Candidate]:
	"""Every member of the pool as a Candidate without a schedule, as of `now`; from the cache while
	`version` (`roster_version` of `pool_doc`, read now when not given) is the one it was kept with.

	Kept as one Redis hash per pool, its version and the pickled roster written together in one
	transaction, so a reader sees both or neither. Pickled like everything Frappe keeps in Redis: the
	cache is the site's own, written only by the site's processes."""
	version = version or roster_version(pool_doc, now)
	key = roster_key(pool.name)
	stored, roster = frappe.cache.hmget(key, ["version", "roster"])
	if stored and stored.decode() == version and roster:
		return pickle.loads(roster)
	candidates = load_candidates(pool_doc, pool, (now, now), now, schedules=False)
	with frappe.cache.pipeline() as pipe:  # MULTI … EXEC
		pipe.hset(key, mapping={"version": version, "roster": pickle.dumps(candidates)})
		pipe.expire(key, CACHE_SECONDS)
		pipe.execute()
	return candidates


def roster_key(pool: str) -> str:
	return frappe.cache.make_key(f"collective_cover:roster:{pool}")


def refresh_after_commit(pool: str) -> None:
	"""Once a cover has committed, read the pool's roster again in a worker, so the next call-out in
	the pool (often minutes later, on a busy morning) finds it current rather than reading every member
	itself. One job per pool at a time: a cover committed while one waits is read by it; one committed
	while it runs may be left to the next call-out, which then reads the pool itself (as without it)."""
	run_after_commit("collective_cover.cover.roster.refresh", f"roster:{pool}", pool=pool)


def refresh(pool: str) -> None:
	"""The job behind `refresh_after_commit`; a pool deleted since has no roster to read."""
	if not frappe.db.exists("Jeopardy Pool", pool):
		return
	pool_doc = frappe.get_cached_doc("Jeopardy Pool", pool)
	pool_roster(pool_doc, engine_pool(pool_doc), aware(now_datetime()))
