"""State changes of a cover request: rank, offer, accept, assign, escalate, cancel.

Every change that can race (two members accepting, two scheduler workers escalating) first locks the
request row with SELECT … FOR UPDATE, then re-reads the state and re-checks eligibility under the
lock. Nothing is kept in process memory: web and worker processes on many machines share only the
database.

Lock order. Every transaction takes its row locks in this order and commits promptly, so no two wait
on each other in a cycle (a deadlock answers HTTP 500):

1. a filing only: the "CR-" naming series row (Frappe names the request on insert), then its own new
   request and the site's Assignment Rule row, when a rule applies (Frappe writes its last user);
2. the request row (`lock`, SELECT … FOR UPDATE): accept, decline, assign, escalate, cancel;
3. the Clinician rows the change checks, in one locking read by primary key (`kernel/locks.py`):
   the covering members' for accept and assign, the resident's and coach's for coaching saves;
4. the "CLE-" naming series row (ledger entries: covers, reversals, standby credits);
5. the coverer's Clinician Shift rows (cover shifts written, clinic half-days displaced);
6. rows only this request has: offers, ranking snapshot, Cover Delivery rows owed.

Deliveries are sent after commit in transactions of their own, which lock only their delivery rows
(SKIP LOCKED); the ladder job commits after each request. collective_cover/tests/test_parallel_pools.py
files, accepts, assigns and escalates in three pools at once beside an Assignment Rule: no server error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import TypeVar

import frappe
from frappe import _
from frappe.query_builder.functions import Max, Min
from frappe.utils import format_datetime, get_datetime, now_datetime

from collective_cover.cover import handover, ledger, notify
from collective_cover.cover.records import (
	SCHEDULE_MARGIN,
	engine_duty,
	engine_pool,
	engine_request,
	free_during,
	load_candidates,
	load_care_team,
	load_members,
	schedule_query,
	shifts_across,
	with_candidates,
	with_schedules,
)
from collective_cover.cover.roster import pool_roster, refresh_after_commit, roster_reaches
from collective_cover.cover.titles import refresh_title
from collective_cover.engine.duty_cover import (
	DutySlot,
	RequestState,
	cover_plan,
	duty_ledger_entries,
	duty_orders,
	eligible_duties,
	in_order,
	ladder_order,
	offer_order,
	one_coverer,
	request_state,
)
from collective_cover.engine.ladder import LadderState, Stage, Step, next_step, places_needed
from collective_cover.engine.model import DutyKind, EntryKind, Interval, MemberBurden, Unavailability
from collective_cover.engine.policies import reversal_entries
from collective_cover.engine.ranking import Ranking, ScheduleUnread, StandingOrder, rank
from collective_cover.engine.units import duty_units
from collective_cover.kernel.background import run_after_commit
from collective_cover.kernel.committed import committed_rows
from collective_cover.kernel.dates import aware, naive, site_tz
from collective_cover.kernel.locks import lock_clinicians

T = TypeVar("T")  # what an engine call judged on the schedules read answers

# Planning an absence reads the shifts across it of this many first in line (four times the first
# batch of schedules read for three offers, `RequestContext.judged_as_loaded`): whoever of them works
# during a duty is passed over without their weeks read.
ACROSS_AHEAD = 80


class NotAClinicianError(frappe.PermissionError):
	pass


class AlreadyCoveredError(frappe.ValidationError):
	pass


class NotEligibleError(frappe.ValidationError):
	pass


class OverrideReasonRequiredError(frappe.ValidationError):
	pass


class RequestEndedError(frappe.ValidationError):
	pass


class NotOfferedError(frappe.PermissionError):
	pass


ACCEPTING_STATUSES = ("Open", "Partially covered", "Unfilled")
# The ladder works on a request until every duty is covered.
LADDER_STATUSES = ("Open", "Partially covered")
COVERED_STATUSES = ("Covered", "Completed")


class UnknownDutyError(frappe.ValidationError):
	pass


def current_clinician() -> str:
	"""The session user's active Clinician record, or a clear error."""
	clinician = frappe.db.get_value("Clinician", {"user": frappe.session.user, "status": "Active"}, "name")
	if not clinician:
		frappe.throw(
			_("Your user {0} is not linked to an active Clinician.").format(frappe.session.user),
			NotAClinicianError,
			title=_("Not a clinician"),
		)
	return clinician


class PoolMembers:
	"""A pool's record, its engine view, and every member as a Candidate with the schedules around
	`span`: what ranking a request in the pool needs, loaded in a fixed number of queries."""

	def __init__(self, pool_name: str, span: tuple[datetime, datetime], now: datetime):
		# Cached (Frappe clears it when the pool is saved, again after commit): building a 1,000-member
		# pool's Document from the database costs more than ranking the pool.
		self.pool_doc = frappe.get_cached_doc("Jeopardy Pool", pool_name)
		self.pool = engine_pool(self.pool_doc)
		self.span = span
		self.now = now
		self.candidates = load_candidates(self.pool_doc, self.pool, span, now)

	def covers(self, span: tuple[datetime, datetime]) -> bool:
		return self.span[0] <= span[0] and span[1] <= self.span[1]

	def reload(self, members) -> None:
		"""The members' burden, schedules and absences read again (after a cover they took: its ledger
		rows are posted after the run began, so their burden is read up to now)."""
		ids = {c.member.id for c in self.candidates} & set(members)
		if ids:
			fresh = load_members(self.pool_doc, self.pool, ids, self.span, aware(now_datetime()))
			self.candidates = with_candidates(self.candidates, fresh)


class LadderRun:
	"""One run of the ladder job over many due requests: each pool (and overflow pool) is loaded once,
	with the schedules around every due request of the run, and each request is judged against it.

	Two things keep a request's judgement as fresh as a load of its own would be. The members an
	assignment is planned for are loaded again under the request's lock, and their schedules re-read
	as committed (`RequestContext.lock_coverers`), so a cover or cap another worker reached meanwhile
	is seen. And the members a request of this run assigned are loaded again once it has committed
	(`reload_assigned`), so the next request ranks them with that cover."""

	def __init__(self, due: list[str], now: datetime | None = None):
		self.now = now or aware(now_datetime())
		request = frappe.qb.DocType("Cover Request")
		self.spans = {
			row.pool: (aware(row.starts_at), aware(row.ends_at))
			for row in (
				frappe.qb.from_(request)
				.select(
					request.pool, Min(request.starts_at).as_("starts_at"), Max(request.ends_at).as_("ends_at")
				)
				.where(request.name.isin(due or [""]))
				.groupby(request.pool)
			).run(as_dict=True)
		}
		self.pools: dict[str, PoolMembers] = {}
		self.assigned: set[str] = set()

	def members(self, pool_name: str, span: tuple[datetime, datetime]) -> PoolMembers:
		loaded = self.pools.get(pool_name)
		if loaded is None or not loaded.covers(span):
			# An overflow pool, or a request filed into the pool since the run began: the span widens.
			spans = [span, self.spans.get(pool_name, span), *([loaded.span] if loaded else [])]
			wide = (min(s[0] for s in spans), max(s[1] for s in spans))
			loaded = self.pools[pool_name] = PoolMembers(pool_name, wide, self.now)
		return loaded

	def reload_assigned(self) -> None:
		"""After a request's commit: the members it assigned, in every pool loaded, as they are now."""
		for loaded in self.pools.values():
			loaded.reload(self.assigned)
		self.assigned.clear()

	def forget_assigned(self) -> None:
		"""After a request's rollback: what it assigned was never written."""
		self.assigned.clear()


class RequestContext:
	"""A request's pool, candidates and ranking, loaded once per state change.

	`coverers` names the members about to cover (accept, assign): their Clinician rows are locked and
	their schedules and absences read as committed by now, so a cover another transaction gave them
	while this one waited for the locks is seen (`lock_coverers`). `run`: the ladder job's run, whose
	pools are loaded once for all its requests."""

	def __init__(
		self,
		doc,
		pool_name: str | None = None,
		now: datetime | None = None,
		coverers: tuple[str, ...] = (),
		only: str | None = None,
		run: LadderRun | None = None,
		lazy_schedules: bool = False,
	):
		"""`only`: load that member alone (accept, assign judge just them; nothing is ranked, so the
		time under the request's lock does not grow with the pool). `lazy_schedules` (filing): the
		members come from the pool's roster (cached while nothing it depends on changes) and their
		shifts are read only as far as the ranking judges them; `candidates` reads the rest the first
		time anything needs the whole pool."""
		self.doc = doc
		self.now = now or aware(now_datetime())
		self.run = run
		self.request = engine_request(doc)
		self.span = (self.request.starts_at, self.request.ends_at)
		self.unscheduled: set[str] = set()  # members whose shifts are not all read
		self.free_for_all: set[str] | None = None  # free during every open duty (`read_for_plan`)
		if run:
			members = run.members(pool_name or doc.pool, self.span)
			self.pool_doc, self.pool, self.candidates = members.pool_doc, members.pool, members.candidates
		else:
			self.pool_doc = frappe.get_cached_doc("Jeopardy Pool", pool_name or doc.pool)  # as in PoolMembers
			self.pool = engine_pool(self.pool_doc)
			if only:
				self.candidates = load_members(self.pool_doc, self.pool, (only,), self.span, self.now)
			elif lazy_schedules and roster_reaches(self.span, self.now):
				self.candidates = pool_roster(self.pool_doc, self.pool, self.now)
				self.unscheduled = {c.member.id for c in self._candidates}
			else:
				self.candidates = load_candidates(
					self.pool_doc, self.pool, self.span, self.now, schedules=not lazy_schedules
				)
				if lazy_schedules:
					self.unscheduled = {c.member.id for c in self._candidates}
		self.locked: set[str] = set()
		self.lock_coverers(coverers)
		self.care_team = load_care_team(doc.requester, self.request.starts_at.astimezone(site_tz()).date())

	@property
	def candidates(self):
		"""Every member as a Candidate, schedules included (read now for those still without)."""
		self.load_schedules(self.unscheduled)
		return self._candidates

	@candidates.setter
	def candidates(self, candidates) -> None:
		self._candidates = candidates
		self._standing_order = None

	def standing_order(self) -> StandingOrder:
		"""The members' standing for this request, sorted once: reading their schedules changes none of
		what it is sorted by (a 1,000-member pool's sort costs more than judging the first few)."""
		if self._standing_order is None:
			self._standing_order = StandingOrder(self.request, self.pool, self._candidates, self.care_team)
		return self._standing_order

	def load_schedules(self, members) -> None:
		"""The shifts of `members` not yet read."""
		new = set(members) & self.unscheduled
		if new:
			self._candidates = with_schedules(self._candidates, new, self.span)
			self.unscheduled -= new

	def read_for_plan(self, slots: list[DutySlot]) -> None:
		"""Before planning `slots`: the shifts of the covered duties' coverers (continuity judges them
		first); who in the pool is free during every open duty (`free_for_all`), in one query that
		returns only them; and, for the first members in line whose shifts are not read, those across
		the request's span. Whoever works during a duty is then excluded without reading the weeks
		around it (more shifts never make a member eligible, `rank`), so a plan that finds nobody able
		to take every duty reads neither the whole pool's schedules nor its shifts to know it."""
		self.load_schedules({s.covered_by for s in slots if s.covered_by})
		if not self.unscheduled or self.free_for_all is not None:
			return
		self.free_for_all = free_during(self.pool.name, [s.duty for s in slots if not s.covered_by])
		ahead = [m for m in self.standing_order().judging_order[:ACROSS_AHEAD] if m in self.unscheduled]
		across = shifts_across(ahead, self.span)
		self._candidates = [
			replace(c, schedule=tuple(across[c.member.id])) if c.member.id in across else c
			for c in self._candidates
		]

	def coverer_of_all(self, slots: list[DutySlot], declined: frozenset[str], places: int | None):
		"""`one_coverer` of `slots`, its shifts read as for the plan (`read_for_plan`), judging only
		those free during every open duty: whoever works during one cannot take them all. Asked once
		per plan: the answer stands as more shifts are read."""
		self.read_for_plan(slots)

		def may_take_all(candidates):
			if self.free_for_all is None:
				return candidates
			return [c for c in candidates if c.member.id in self.free_for_all]

		return self.judged_as_loaded(
			lambda candidates, judgeable: one_coverer(
				self.request,
				slots,
				self.pool,
				may_take_all(candidates),
				care_team=self.care_team,
				declined=declined,
				judgeable=judgeable,
				order=self.standing_order(),
			),
			places,
		)

	@cached_property
	def ranking(self) -> Ranking:
		return rank(
			self.request, self.pool, self.candidates, care_team=self.care_team, order=self.standing_order()
		)

	def ranking_head(self, places: int) -> Ranking:
		"""The ranking's first `places` places (at least), judging no more members than that needs and
		reading the shifts of no more members than it judges (in batches along the judging order)."""
		if "ranking" in self.__dict__:
			return self.ranking
		return self.judge_head(places)

	def judge_head(self, places: int) -> Ranking:
		"""`ranking_head` judged now, on the candidates as they stand (after a lock, say)."""
		return self.judged_as_loaded(
			lambda candidates, judgeable: rank(
				self.request,
				self.pool,
				candidates,
				care_team=self.care_team,
				head=places,
				judgeable=judgeable,
				order=self.standing_order(),
			),
			places,
		)

	def judged_as_loaded(self, judge: Callable[[list, set[str] | None], T], places: int | None) -> T:
		"""`judge(candidates, judgeable)`, an engine call that raises `ScheduleUnread` when it finds a
		member eligible on part of their shifts (`judgeable`: those whose are all read), asked again
		after reading that member's shifts and the next few along the judging order, until it answers.
		`places`: how far down the order the answer reads (None: all of it)."""
		first_batch = 4 * places + 8 if places is not None else len(self._candidates)
		batch, reach = first_batch, None  # reach: where the furthest batch read ends, in the order
		while True:
			judgeable = (
				{c.member.id for c in self._candidates} - self.unscheduled if self.unscheduled else None
			)
			try:
				return judge(self._candidates, judgeable)
			except ScheduleUnread as unread:
				order = self.standing_order().judging_order
				# Those before them in the order were judged on what is read (and most excluded): read on
				# from them. Each round reads at least them, so the rounds end.
				start = order.index(unread.member)
				# Judging walked past all that was read (a run of busy members): read four times as many,
				# so a long run takes few rounds. Asked for someone nearer the front (the first free
				# member of another duty of an absence), a first batch will do.
				batch = batch * 4 if reach is not None and start >= reach else first_batch
				self.load_schedules(order[start : start + batch])
				reach = max(reach or 0, start + batch)

	def lock_coverers(self, clinicians) -> None:
		"""Lock the members' rows (those not yet locked) and judge them on what is committed by now."""
		new = sorted(set(clinicians) - self.locked)
		if not new:
			return
		# One member accepting two overlapping requests at once (each locking only its own request) is
		# judged one cover after the other.
		lock_clinicians(new)
		self.locked.update(new)
		self._standing_order = None  # their burden may be read again
		if self.run:
			# Loaded when the run began: their burden (caps) as of this request's lock.
			fresh = load_members(self.pool_doc, self.pool, new, self.span, self.now)
			self._candidates = with_candidates(self._candidates, fresh)
		# Their shifts and absences, as committed (whether or not this context had read them).
		self._candidates = with_committed_schedules(self._candidates, new, self.span)
		self.unscheduled -= set(new)

	def candidate(self, clinician: str):
		self.load_schedules([clinician])
		return next((c for c in self._candidates if c.member.id == clinician), None)

	def burden_of(self, clinician: str) -> MemberBurden:
		candidate = self.candidate(clinician)
		return candidate.burden if candidate else MemberBurden(clinician)


def lock(name: str):
	"""The request, re-read under a row lock held until the transaction ends."""
	return frappe.get_doc("Cover Request", name, for_update=True)


def with_committed_schedules(candidates, clinicians: list[str], span: tuple[datetime, datetime]):
	"""`candidates` with the shifts, covers and absences of `clinicians` as committed by now.

	Under REPEATABLE READ this transaction's reads come from the snapshot of its first read, taken
	before it waited for the members' rows: the cover a parallel accept committed meanwhile is not in
	it. The rows are read again on a connection of their own (kernel.committed); rows only this
	transaction has written (its own uncommitted covers) are kept as it has them."""
	lo, hi = naive(span[0] - SCHEDULE_MARGIN), naive(span[1] + SCHEDULE_MARGIN)
	shift, away = frappe.qb.DocType("Clinician Shift"), frappe.qb.DocType("Clinician Unavailability")
	shifts = schedule_query(clinicians, lo, hi)
	absences = (
		frappe.qb.from_(away)
		.select(away.name, away.clinician, away.from_datetime, away.to_datetime, away.kind)
		.where(away.clinician.isin(clinicians) & (away.to_datetime > lo) & (away.from_datetime < hi))
	)
	own_shifts = {row.name: row for row in shifts.run(as_dict=True)}
	own_absences = {row.name: row for row in absences.run(as_dict=True)}
	committed_shifts, stored_shifts, committed_absences, stored_absences = committed_rows(
		shifts,
		frappe.qb.from_(shift).select(shift.name).where(shift.name.isin(list(own_shifts) or [""])),
		absences,
		frappe.qb.from_(away).select(away.name).where(away.name.isin(list(own_absences) or [""])),
	)

	def merged(own, committed, stored, clinician):
		stored = {row.name for row in stored}
		rows = [*(row for name, row in own.items() if name not in stored), *committed]
		return [row for row in rows if row.clinician == clinician]

	def refreshed(c):
		shift_rows = merged(own_shifts, committed_shifts, stored_shifts, c.member.id)
		return replace(
			c,
			schedule=tuple(engine_duty(row) for row in shift_rows if row.duty_kind != DutyKind.CLINIC.value),
			clinic_sessions=tuple(
				Interval(aware(row.start), aware(row.end))
				for row in shift_rows
				if row.duty_kind == DutyKind.CLINIC.value
			),
			unavailability=tuple(
				Unavailability(aware(row.from_datetime), aware(row.to_datetime), kind=row.kind)
				for row in merged(own_absences, committed_absences, stored_absences, c.member.id)
			),
		)

	return [refreshed(c) if c.member.id in clinicians else c for c in candidates]


def write_ranking_snapshot(ctx: RequestContext, label: str, stamp: str | None = None) -> None:
	"""Append the ranking to the request's coordinator-only snapshot in one INSERT, whatever the pool's
	size."""
	stamp = stamp or snapshot_stamp(label, ctx.now)
	rows = [
		(r.member, r.position, 1, r.deviation, r.explanation, reason_codes(r.reasons))
		for r in ctx.ranking.ranked
	] + [
		(e.member, 0, 0, 0.0, "; ".join(r.message for r in e.reasons), reason_codes(e.reasons))
		for e in ctx.ranking.excluded
	]
	insert_app_rows(
		ctx.doc,
		"Cover Request Ranking",
		("clinician", "rank", "eligible", "deviation", "reasons", "reason_codes", "snapshot"),
		[(*row, stamp) for row in rows],
		ctx.now,
	)


def cover_label(method: str) -> str:
	return _("At cover ({0})").format(_(method))


def after_cover(ctx: RequestContext, cover_method: str) -> None:
	"""What a cover leaves to jobs once it has committed: the pool's ranking at this cover, for "why
	this ranking" (accept and assign judge only their member under the request's lock), and the pool's
	roster read again for the next call-out."""
	refresh_after_commit(ctx.pool.name)
	run_after_commit(
		"collective_cover.cover.lifecycle.write_cover_snapshot",
		f"ranking:{ctx.doc.name}:{naive(ctx.now):%Y%m%d%H%M%S}",
		request=ctx.doc.name,
		cover_method=cover_method,
		at=naive(ctx.now).isoformat(),
	)


def write_cover_snapshot(request: str, cover_method: str, at: str) -> None:
	"""The job behind `after_cover`: the pool as it stood just before the cover (its ledger rows,
	posted at `at`, left out)."""
	write_snapshot_as_of(
		request, cover_label(cover_method), aware(get_datetime(at)) - timedelta(microseconds=1)
	)


def schedule_submission_snapshot(ctx: RequestContext) -> None:
	"""The pool's ranking at filing, for "why this ranking", written by a job once the filing has
	committed: filing ranks only as far as its first offers need."""
	run_after_commit(
		"collective_cover.cover.lifecycle.write_submission_snapshot",
		f"ranking:{ctx.doc.name}:submission",
		request=ctx.doc.name,
		at=naive(ctx.now).isoformat(),
	)


def write_submission_snapshot(request: str, at: str) -> None:
	"""The job behind `schedule_submission_snapshot`."""
	write_snapshot_as_of(request, _("At submission"), aware(get_datetime(at)))


def write_snapshot_as_of(request: str, label: str, now: datetime) -> None:
	"""The request's ranking as of `now`, once: idempotent, so a retried or doubled job writes the
	snapshot once (the request's lock serialises two workers; the second finds the first's rows). The
	request's own cover shifts are left out of the schedules: they came after."""
	doc = lock(request)
	stamp = snapshot_stamp(label, now)
	if frappe.db.exists("Cover Request Ranking", {"cover_request": request, "snapshot": stamp}):
		return
	ctx = RequestContext(doc, now=now)
	ctx.candidates = without_covers_of(ctx.candidates, doc)
	write_ranking_snapshot(ctx, label, stamp=stamp)


def without_covers_of(candidates, doc):
	"""`candidates` without the duties of `doc` they cover on their schedules (the request's own cover
	shifts; a colleague's own shift at the same hours stays)."""
	covered = {(row.covered_by, aware(row.start), aware(row.end)) for row in doc.duties if row.covered_by}
	return [
		replace(c, schedule=tuple(d for d in c.schedule if (c.member.id, d.start, d.end) not in covered))
		for c in candidates
	]


def snapshot_stamp(label: str, now: datetime) -> str:
	return f"{label} {naive(now):%Y-%m-%d %H:%M}"


def reason_codes(reasons) -> str:
	"""The engine's reason codes, hard ones first, so the form can group excluded members by reason."""
	return ",".join(r.code for r in sorted(reasons, key=lambda r: not r.hard))


def insert_app_rows(doc, doctype: str, columns, rows, now) -> None:
	"""Rows of a record only the app writes (offers, ranking) for `doc`, in one INSERT, numbered on
	from the rows it has: a pool of 1,000 costs the same queries as a pool of 50."""
	if not rows:
		return
	stamp = naive(now)
	start = frappe.db.count(doctype, {"cover_request": doc.name})
	fields = [
		"name",
		"idx",
		"cover_request",
		"program",
		*columns,
		"owner",
		"modified_by",
		"creation",
		"modified",
	]
	values = [
		(
			frappe.generate_hash(length=10),
			start + i,
			doc.name,
			doc.program,
			*row,
			"Administrator",
			"Administrator",
			stamp,
			stamp,
		)
		for i, row in enumerate(rows, start=1)
	]
	frappe.db.bulk_insert(doctype, fields, values)


def offers_of(name: str) -> list[dict]:
	return frappe.get_all(
		"Cover Request Offer",
		filters={"cover_request": name},
		fields=["name", "clinician", "offered_at", "stage", "declined_at", "decline_note"],
		order_by="idx asc",
	)


def write_duty_ledger(ctx: RequestContext, coverer: str, slots: list[DutySlot]) -> None:
	"""One cover row (and its payback rows) per duty `coverer` takes, each with that duty's units."""
	units = [(slot.id, duty_units(slot.duty, ctx.pool.weights, ctx.pool.zone)) for slot in slots]
	entries = duty_ledger_entries(
		ctx.pool.policy,
		ctx.doc.name,
		ctx.doc.requester,
		coverer,
		units,
		ctx.now,
		ctx.burden_of(coverer),
	)
	for entry in entries:
		ledger.write_entry(entry, ctx.pool_doc)


def write_cover_shifts(ctx: RequestContext, coverer: str, slots: list[DutySlot]) -> None:
	"""The covered duties join the coverer's schedule; own clinic half-days they overlap are given up."""
	rows = {row.name: row for row in ctx.doc.duties}
	for slot in slots:
		duty = rows[slot.id]
		frappe.get_doc(
			{
				"doctype": "Clinician Shift",
				"clinician": coverer,
				"start": duty.start,
				"end": duty.end,
				"duty_kind": duty.duty_kind,
				"in_house_call": duty.duty_kind == "24h call",
				"service": duty.service,
				"site": duty.site,
				"source": "Cover",
				"cover_request": ctx.doc.name,
			}
		).insert(ignore_permissions=True)
		shift = frappe.qb.DocType("Clinician Shift")
		(
			frappe.qb.update(shift)
			.set(shift.displaced_by, ctx.doc.name)
			.where(
				(shift.clinician == coverer)
				& (shift.duty_kind == "Clinic half-day")
				& shift.displaced_by.isnull()
				& (shift.start < duty.end)
				& (shift.end > duty.start)
			)
		).run()


def duty_slots(doc) -> list[DutySlot]:
	"""The request's duties as the engine sees them, each with its coverer."""
	return [DutySlot(row.name, engine_duty(row), row.covered_by or None) for row in doc.duties]


def cover_duties(
	ctx: RequestContext,
	coverer: str,
	slots: list[DutySlot],
	method: str,
	override_reason: str | None = None,
) -> None:
	"""`coverer` takes `slots`: ledger rows and cover shifts per duty, the duty rows name them, and the
	request is Partially covered or, once every duty is, Covered. The caller writes the ranking
	snapshot (after commit for accept and assign, see `after_cover`)."""
	write_duty_ledger(ctx, coverer, slots)
	write_cover_shifts(ctx, coverer, slots)
	handover.hand_over(ctx.doc.name, coverer)
	stamp = naive(ctx.now)
	taken = {slot.id for slot in slots}
	for row in ctx.doc.duties:
		if row.name in taken:
			row.update({"covered_by": coverer, "covered_at": stamp, "cover_method": method})
			row.db_update()
	state = request_state(duty_slots(ctx.doc))
	first_coverer = next(row.covered_by for row in in_request_order(ctx.doc) if row.covered_by)
	changes = {"status": state.value, "covered_by": first_coverer}
	if state is RequestState.COVERED:
		changes.update(
			{
				"covered_at": stamp,
				"cover_method": method,
				"ladder_stage": Stage.DONE.value,
				"next_escalation_at": None,
			}
		)
	ctx.doc.db_set(changes)
	if override_reason:
		# Kept with the reason: it may speak of colleagues, so only coordinators and directors read it.
		frappe.db.set_value("Cover Request Reason", ctx.doc.name, "override_reason", override_reason)
	refresh_title(ctx.doc)
	notify.covered(ctx.doc, coverer, next(row.name for row in in_request_order(ctx.doc) if row.name in taken))


def in_request_order(doc):
	return sorted(doc.duties, key=lambda row: (aware(row.start), row.idx))


def wanted_duties(doc, duties) -> set[str] | None:
	"""The duty rows a member asked for (None: every duty still uncovered), as row names, one or a
	list (or a JSON list); anything else, or a row of another request, is refused in words."""
	if duties in (None, "", []):
		return None
	if isinstance(duties, str):
		try:
			duties = frappe.parse_json(duties) if duties.lstrip().startswith("[") else [duties]
		except ValueError:
			duties = None
	names = {row.name for row in doc.duties}
	if not isinstance(duties, list) or not all(isinstance(d, str) for d in duties):
		frappe.throw(
			_("Name the duties to cover by their row names, as a list."),
			UnknownDutyError,
			title=_("Unknown duty"),
		)
	if any(d not in names for d in duties):
		# The caller's text is not repeated: it may be anything.
		frappe.throw(
			_("A duty you chose is not a duty of cover request {0}.").format(doc.name),
			UnknownDutyError,
			title=_("Unknown duty"),
		)
	return set(duties)


def choose_duties(ctx: RequestContext, clinician: str, wanted: set[str] | None):
	"""The duties `clinician` may take now of those asked for (named: all of them, or none when one is
	gone or refused; otherwise every uncovered duty they are eligible for), or why not: (duties, None)
	or ((), (label, reasons))."""
	slots = duty_slots(ctx.doc)
	asked = [s for s in slots if wanted is None or s.id in wanted]
	if not any(not s.covered_by for s in asked):
		raise_not_open(ctx.doc, clinician, wanted)
	ended = [s for s in asked if not s.covered_by and s.duty.end <= ctx.now]
	if wanted is not None and ended:
		frappe.throw(
			_("{0} ended at {1}; it can no longer be covered.").format(
				duty_label(ctx.doc, ended[0].id), format_datetime(naive(ended[0].duty.end))
			),
			RequestEndedError,
			title=_("Ended"),
		)
	open_wanted = {s.id for s in asked if not s.covered_by and s.duty.end > ctx.now}
	if not open_wanted:
		frappe.throw(
			_(
				"Every duty of cover request {0} still uncovered has ended; it can no longer be covered."
			).format(ctx.doc.name),
			RequestEndedError,
			title=_("Ended"),
		)
	gone = [s for s in asked if s.covered_by and s.covered_by != clinician]
	if wanted is not None and gone:
		# First accept wins per duty: a run of duties partly taken meanwhile is not taken in part.
		frappe.throw(
			_("{0} is already covered; choose among the duties still open.").format(
				duty_label(ctx.doc, gone[0].id)
			),
			AlreadyCoveredError,
			title=_("Already covered"),
		)
	candidate = ctx.candidate(clinician)
	if candidate is None:
		return (), (ctx.doc.name, _("not a member of pool {0}").format(ctx.pool.name))
	taken, refused = eligible_duties(candidate, ctx.request, slots, ctx.pool, open_wanted)
	if refused and (wanted is not None or not taken):
		verdict = refused[0]
		reasons = "; ".join(r.message for r in verdict.eligibility.reasons if r.hard)
		return (), (duty_label(ctx.doc, verdict.slot.id), reasons)
	return list(taken), None


def duty_label(doc, duty: str) -> str:
	"""The request itself for a one-duty request (as before per-duty cover), else the duty's time."""
	if len(doc.duties) == 1:
		return doc.name
	row = next(row for row in doc.duties if row.name == duty)
	return _("{0} ({1} {2})").format(
		doc.name, _(row.duty_kind), format_datetime(row.start, "EEE d MMM HH:mm")
	)


def accept(name: str, now: datetime | None = None, duties=None) -> None:
	"""A member volunteers for `duties` (names of the request's duty rows; default: every uncovered duty
	they are eligible for). First accept wins, duty by duty; eligibility is re-checked under the lock.
	`now` is for replaying history (the demo); it defaults to the present."""
	clinician = current_clinician()
	doc = lock(name)
	if doc.docstatus != 1 or doc.status not in ACCEPTING_STATUSES:
		raise_not_open(doc, clinician)
	wanted = wanted_duties(doc, duties)
	now = now or aware(now_datetime())
	refuse_if_ended(doc, now)
	ctx = RequestContext(doc, now=now, coverers=(clinician,), only=clinician)
	taken, refusal = choose_duties(ctx, clinician, wanted)
	if refusal:
		frappe.throw(
			_("You cannot cover {0}: {1}").format(*refusal), NotEligibleError, title=_("Not eligible")
		)
	cover_duties(ctx, clinician, taken, "Volunteered")
	after_cover(ctx, "Volunteered")


def raise_not_open(doc, clinician: str | None = None, wanted: set[str] | None = None) -> None:
	"""Nothing left to take: the duties asked for (or all) are covered, or the request is closed."""
	rows = [row for row in doc.duties if wanted is None or row.name in wanted]
	covered = doc.status in COVERED_STATUSES or (
		doc.status in ACCEPTING_STATUSES and all(row.covered_by for row in rows)
	)
	if covered and clinician and all(row.covered_by == clinician for row in rows):
		message = _("You are covering {0}.").format(doc.name)
	elif covered:
		message = _("Cover request {0} is already covered.").format(doc.name)
	else:
		message = _("Cover request {0} is {1} and cannot be covered.").format(doc.name, _(doc.status))
	frappe.throw(message, AlreadyCoveredError, title=_("Already covered"))


def refuse_if_ended(doc, now: datetime) -> None:
	if aware(doc.ends_at) <= now:
		frappe.throw(
			_("Cover request {0} ended at {1}; it can no longer be covered.").format(
				doc.name, format_datetime(doc.ends_at)
			),
			RequestEndedError,
			title=_("Ended"),
		)


def decline(name: str, note: str | None = None, now: datetime | None = None) -> None:
	"""An offered member or a member of the pool says they cannot: asked last from now on. `now` is for
	replaying history (the demo); it defaults to the present."""
	clinician = current_clinician()
	doc = lock(name)
	if doc.docstatus != 1 or doc.status not in ACCEPTING_STATUSES:
		raise_not_open(doc, clinician)
	now = now or aware(now_datetime())
	refuse_if_ended(doc, now)
	offers = offers_of(name)
	offered = next((row for row in offers if row.clinician == clinician), None)
	members = {row.clinician for row in frappe.get_cached_doc("Jeopardy Pool", doc.pool).members}
	if clinician == doc.requester or not (offered or clinician in members):
		frappe.throw(
			_("Only members of pool {0} can answer cover request {1}.").format(doc.pool, doc.name),
			NotOfferedError,
			title=_("Not offered"),
		)
	offer = frappe.qb.DocType("Cover Request Offer")
	if offered:
		(
			frappe.qb.update(offer)
			.set(offer.declined_at, naive(now))
			.set(offer.decline_note, note)
			.where(offer.name == offered.name)
		).run()
	else:
		insert_app_rows(
			doc,
			"Cover Request Offer",
			("clinician", "declined_at", "decline_note"),
			[(clinician, naive(now), note)],
			now,
		)


def assign(name: str, clinician: str, override_reason: str | None = None, duties=None) -> None:
	"""A coordinator assigns a member `duties` (default: every uncovered duty); anyone ineligible only
	with an override reason, which is kept."""
	doc = lock(name)
	doc.check_permission("write")
	if doc.docstatus != 1 or doc.status not in ACCEPTING_STATUSES:
		raise_not_open(doc)
	wanted = wanted_duties(doc, duties)
	if clinician == doc.requester:
		frappe.throw(
			_("{0} filed {1}; assign somebody else.").format(
				frappe.db.get_value("Clinician", clinician, "full_name") or clinician, doc.name
			),
			NotEligibleError,
			title=_("The requester"),
		)
	ctx = RequestContext(doc, coverers=(clinician,), only=clinician)
	taken, refusal = choose_duties(ctx, clinician, wanted)
	if refusal is None:
		cover_duties(ctx, clinician, taken, "Assigned", override_reason)
		after_cover(ctx, "Assigned")
		return
	if not (override_reason or "").strip():
		frappe.throw(
			_("{0} is not eligible for {1} ({2}). Give an override reason to assign them anyway.").format(
				frappe.db.get_value("Clinician", clinician, "full_name") or clinician, *refusal
			),
			OverrideReasonRequiredError,
			title=_("Override reason required"),
		)
	slots = [s for s in duty_slots(doc) if not s.covered_by and (wanted is None or s.id in wanted)]
	cover_duties(ctx, clinician, slots, "Coordinator override", override_reason)
	after_cover(ctx, "Coordinator override")


def escalate(name: str, now: datetime | None = None, run: LadderRun | None = None) -> Step:
	"""Apply the pool's ladder to one request. Safe to run from several workers at once: the row lock
	serialises them and the second sees the first one's stage. `run`: the ladder job's run, whose pools
	are loaded once for all its due requests."""
	doc = lock(name)
	if doc.docstatus != 1 or doc.status not in LADDER_STATUSES:
		return Step.NOTHING
	return run_ladder(RequestContext(doc, now=now, run=run))


def run_ladder(ctx: RequestContext) -> Step:
	"""One rung of the ladder for the request's uncovered duties: offers go to the continuity plan's
	coverers first, then to everyone eligible for some duty; an assignment follows the plan, duty by
	duty (the same coverer for consecutive duties whenever eligible), the overflow pool's plan taking
	the duties nobody in the pool can."""
	doc = ctx.doc
	offers = offers_of(doc.name)
	declined = frozenset(row.clinician for row in offers if row.declined_at)
	slots = coverable_slots(ctx)
	open_slots = [s for s in in_order(slots) if not s.covered_by]
	if not open_slots:
		# Every duty left uncovered has ended: nothing more can be offered.
		mark_unfilled(ctx)
		return Step.MARK_UNFILLED
	state = LadderState(
		open=True,
		stage=Stage(doc.ladder_stage or Stage.NEW.value),
		submitted_at=aware(doc.submitted_at),
		starts_at=min(s.duty.start for s in open_slots),
		ends_at=max(s.duty.end for s in open_slots),
		offered=frozenset(row.clinician for row in offers),  # a decliner is not asked again
		declined=declined,
	)
	places = places_needed(state, ctx.pool.ladder, ctx.now)
	# A one-duty request's plan is its first eligible member who has not declined, so its ranking's
	# first places are the order the ladder reads (unless nobody is eligible: the overflow pool's turn).
	head = None
	if places is not None and len(slots) == 1:
		head = ctx.ranking_head(places).order if places else ()
	if head or places == 0:
		ranked, overflow_ctx, overflow_ranked = head or (), None, None
	else:
		ranked, overflow_ctx, overflow_ranked = full_order(ctx, slots, declined, places)
	step = next_step(state, ctx.pool.ladder, ctx.now, ranked, overflow_ranked)
	if step.step is Step.OFFER:
		record_offers(doc, step.members, step.next_stage, ctx.now)
		doc.db_set({"ladder_stage": step.next_stage.value, "next_escalation_at": naive(step.wake_at)})
		notify.offered(doc, step.members, step.next_stage.value)
	elif step.step is Step.WAIT:
		doc.db_set("next_escalation_at", naive(step.wake_at))
	elif step.step in (Step.ASSIGN, Step.ASSIGN_FROM_OVERFLOW):
		if not (head and assign_first_ranked(ctx, step.members[0], open_slots, places, declined)):
			if head:  # the first ranked no longer ranks first under their lock: the pool is planned
				_ranked, overflow_ctx, _overflow_ranked = full_order(ctx, slots, declined, places)
			assign_by_plan(ctx, overflow_ctx)
	elif step.step is Step.MARK_UNFILLED:
		mark_unfilled(ctx)
	return step.step


def full_order(ctx: RequestContext, slots: list[DutySlot], declined: frozenset[str], places: int | None):
	"""The pool's offer order from its continuity plan (its first `places`, or all of it: None), and the
	overflow pool's context and order when the plan leaves a duty to nobody. Only the shifts of the
	members the answer depends on are read."""
	coverer_of_all = ctx.coverer_of_all(slots, declined, places)
	asked = {"care_team": ctx.care_team, "declined": declined, "order": ctx.standing_order()}
	plan, ranked = ctx.judged_as_loaded(
		lambda candidates, judgeable: ladder_order(
			ctx.request,
			slots,
			ctx.pool,
			candidates,
			places=places,
			judgeable=judgeable,
			coverer_of_all=coverer_of_all,
			**asked,
		),
		places,
	)
	overflow_ctx = overflow_ranked = None
	if ctx.pool.overflow_pool and any(p.member is None for p in plan):
		overflow_ctx = RequestContext(ctx.doc, pool_name=ctx.pool.overflow_pool, now=ctx.now, run=ctx.run)
		orders = duty_orders(
			overflow_ctx.request,
			slots,
			overflow_ctx.pool,
			overflow_ctx.candidates,
			care_team=overflow_ctx.care_team,
		)
		overflow_ranked = offer_order(overflow_plan(overflow_ctx, plan), orders)
	return ranked, overflow_ctx, overflow_ranked


def assign_first_ranked(
	ctx: RequestContext, member: str, open_slots: list[DutySlot], places: int, declined: frozenset[str]
) -> bool:
	"""Assign a one-duty request to `member`, its first ranked who has not declined, once their row is
	locked and their schedule re-read as committed, if they still rank first; False (nothing written)
	when they no longer do. The pool's ranking snapshot is written after commit, as for an accept."""
	ctx.lock_coverers([member])
	order = ctx.judge_head(places).order
	if next((m for m in order if m not in declined), None) != member:
		return False
	cover_duties(ctx, member, open_slots, "Assigned")
	if ctx.run:
		ctx.run.assigned.add(member)
	after_cover(ctx, "Assigned")
	return True


def coverable_slots(ctx: RequestContext) -> list[DutySlot]:
	"""The request's duties less those that ended uncovered: no ladder can cover them any more."""
	return [s for s in duty_slots(ctx.doc) if s.covered_by or s.duty.end > ctx.now]


def overflow_plan(overflow_ctx: RequestContext, plan):
	"""The overflow pool's plan for the duties the pool's own plan leaves to nobody."""
	planned = {p.slot.id: p.member for p in plan if p.member}
	slots = [DutySlot(s.id, s.duty, s.covered_by or planned.get(s.id)) for s in coverable_slots(overflow_ctx)]
	return cover_plan(overflow_ctx.request, slots, overflow_ctx.pool, overflow_ctx.candidates)


def assign_by_plan(ctx: RequestContext, overflow_ctx: RequestContext | None) -> None:
	"""Assign every uncovered duty as the continuity plan says, the planned members' rows locked and
	their schedules re-read as committed first; duties nobody can take leave the request Partially
	covered (or Unfilled when none is covered) and the coordinators are alerted."""
	for pool_ctx, method in ((ctx, "Assigned"), (overflow_ctx, "Assigned from overflow")):
		if pool_ctx is None:
			continue
		pool_ctx.lock_coverers([p.member for p in planned_here(pool_ctx) if p.member])
		# Planned again on what the locked members have committed meanwhile.
		assigned = by_member(planned_here(pool_ctx))
		for member, slots in assigned.items():
			cover_duties(pool_ctx, member, slots, method)
		if pool_ctx.run:
			pool_ctx.run.assigned.update(assigned)
		if assigned:
			# The ladder has ranked the pool anyway: its snapshot is written here, once.
			write_ranking_snapshot(pool_ctx, cover_label(method))
	if any(not s.covered_by for s in duty_slots(ctx.doc)):
		mark_unfilled(ctx)


def planned_here(pool_ctx: RequestContext):
	slots = coverable_slots(pool_ctx)
	offers = offers_of(pool_ctx.doc.name)
	declined = frozenset(row.clinician for row in offers if row.declined_at)
	places = 1 + len(declined)
	coverer_of_all = pool_ctx.coverer_of_all(slots, declined, places)
	return pool_ctx.judged_as_loaded(
		lambda candidates, judgeable: cover_plan(
			pool_ctx.request,
			slots,
			pool_ctx.pool,
			candidates,
			care_team=pool_ctx.care_team,
			declined=declined,
			judgeable=judgeable,
			order=pool_ctx.standing_order(),
			coverer_of_all=coverer_of_all,
		),
		places,
	)


def by_member(plan) -> dict[str, list[DutySlot]]:
	members: dict[str, list[DutySlot]] = {}
	for cover in plan:
		if cover.member:
			members.setdefault(cover.member, []).append(cover.slot)
	return members


def mark_unfilled(ctx: RequestContext) -> None:
	"""The ladder is done with duties nobody can take: Unfilled when no duty is covered, else the
	request stays Partially covered; the coordinators are alerted either way."""
	doc = ctx.doc
	partly = any(row.covered_by for row in doc.duties)
	doc.db_set(
		{
			"status": RequestState.PARTIALLY_COVERED.value if partly else "Unfilled",
			"ladder_stage": Stage.DONE.value,
			"next_escalation_at": None,
		}
	)
	notify.unfilled(doc, ended=ctx.now >= ctx.request.ends_at)


def record_offers(doc, members, stage: Stage, now: datetime) -> None:
	stamp = naive(now)
	insert_app_rows(
		doc,
		"Cover Request Offer",
		("clinician", "offered_at", "stage"),
		[(m, stamp, stage.value) for m in members],
		now,
	)


def reverse_cover(doc, method=None) -> None:
	"""doc_event on Cover Request cancel: every ledger row of the request gets a reversal, duty by duty;
	the cover shifts go away and displaced clinic half-days come back."""
	handover.give_back(doc.name)
	if not doc.covered_by:
		return
	led = frappe.qb.DocType("Cover Ledger Entry")
	rows = (
		frappe.qb.from_(led)
		.select("*")
		.where((led.cover_request == doc.name) & (led.entry_type != EntryKind.REVERSAL.value))
		.where(led.name.notin(frappe.qb.from_(led).select(led.reverses).where(led.reverses.isnotnull())))
	).run(as_dict=True)
	if rows:
		from collective_cover.engine.model import LedgerEntry

		pools = {}
		now = aware(now_datetime())
		originals = [
			LedgerEntry(
				r.clinician,
				EntryKind(r.entry_type),
				r.units,
				aware(r.posting_datetime),
				request=r.cover_request,
				counterparty=r.counterparty,
				id=r.name,
			)  # fmt: skip
			for r in rows
		]
		original = {r.name: r for r in rows}
		for reversal in reversal_entries(originals, now):
			row = original[reversal.reverses]
			pools.setdefault(row.pool, frappe.get_cached_doc("Jeopardy Pool", row.pool))
			# Each duty's rows are reversed as that duty's.
			reversal = replace(reversal, duty=row.cover_request_duty)
			ledger.write_entry(reversal, pools[row.pool], reverses=reversal.reverses)
	frappe.db.delete("Clinician Shift", {"cover_request": doc.name, "source": "Cover"})
	shift = frappe.qb.DocType("Clinician Shift")
	frappe.qb.update(shift).set(shift.displaced_by, None).where(shift.displaced_by == doc.name).run()
