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
3. the Clinician rows the change checks, by primary key;
4. the "CLE-" naming series row (ledger entries: covers, reversals, standby credits);
5. the coverer's Clinician Shift rows (cover shifts written, clinic half-days displaced);
6. rows only this request has: offers, ranking snapshot, Cover Delivery rows owed.

Deliveries are sent after commit in transactions of their own, which lock only their delivery rows
(SKIP LOCKED); the ladder job commits after each request. collective_cover/tests/test_parallel_pools.py
files, accepts, assigns and escalates in three pools at once beside an Assignment Rule: no server error.
"""

from __future__ import annotations

from datetime import datetime

import frappe
from frappe import _
from frappe.utils import format_datetime, now_datetime

from collective_cover.cover import handover, notify
from collective_cover.cover.records import engine_pool, engine_request, load_candidates, load_care_team
from collective_cover.cover.titles import refresh_title
from collective_cover.engine.ladder import LadderState, Stage, Step, next_step
from collective_cover.engine.model import EntryKind, MemberBurden
from collective_cover.engine.policies import cover_entries, reversal_entries
from collective_cover.engine.ranking import Ranking, rank
from collective_cover.engine.units import duty_units
from collective_cover.kernel.dates import aware, naive, site_tz


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


ACCEPTING_STATUSES = ("Open", "Unfilled")


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


class RequestContext:
	"""A request's pool, candidates and ranking, loaded once per state change."""

	def __init__(self, doc, pool_name: str | None = None, now: datetime | None = None):
		self.doc = doc
		self.now = now or aware(now_datetime())
		self.pool_doc = frappe.get_doc("Jeopardy Pool", pool_name or doc.pool)
		self.pool = engine_pool(self.pool_doc)
		self.request = engine_request(doc)
		self.candidates = load_candidates(
			self.pool_doc, self.pool, (self.request.starts_at, self.request.ends_at), self.now
		)
		care_team = load_care_team(doc.requester, self.request.starts_at.astimezone(site_tz()).date())
		self.ranking: Ranking = rank(self.request, self.pool, self.candidates, care_team=care_team)

	def burden_of(self, clinician: str) -> MemberBurden:
		return next((c.burden for c in self.candidates if c.member.id == clinician), MemberBurden(clinician))

	def exclusion_of(self, clinician: str) -> str:
		verdict = next((e for e in self.ranking.excluded if e.member == clinician), None)
		if verdict is None:
			return _("not a member of pool {0}").format(self.pool.name)
		return "; ".join(r.message for r in verdict.reasons if r.hard)


def lock(name: str):
	"""The request, re-read under a row lock held until the transaction ends."""
	return frappe.get_doc("Cover Request", name, for_update=True)


def write_ranking_snapshot(ctx: RequestContext, label: str) -> None:
	"""Append the ranking to the request's coordinator-only snapshot in one INSERT, whatever the pool's
	size."""
	stamp = f"{label} {naive(ctx.now):%Y-%m-%d %H:%M}"
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


def write_ledger(ctx: RequestContext, coverer: str) -> None:
	units = sum(duty_units(d, ctx.pool.weights, ctx.pool.zone) for d in ctx.request.duties)
	entries = cover_entries(
		ctx.pool.policy,
		ctx.doc.name,
		ctx.doc.requester,
		coverer,
		round(units, 4),
		ctx.now,
		ctx.burden_of(coverer),
	)
	for entry in entries:
		insert_ledger_entry(entry, ctx.pool_doc)


def insert_ledger_entry(entry, pool_doc, reverses: str | None = None) -> str:
	row = frappe.get_doc(
		{
			"doctype": "Cover Ledger Entry",
			"clinician": entry.member,
			"pool": pool_doc.name,
			"program": pool_doc.program,
			"entry_type": entry.kind.value,
			"units": entry.units,
			"posting_datetime": naive(entry.at),
			"cover_request": entry.request,
			"counterparty": entry.counterparty,
			"reverses": reverses,
			"reversed_type": entry.reversed_kind.value if entry.reversed_kind else None,
		}
	)
	row.flags.written_by_app = True
	row.insert(ignore_permissions=True)
	return row.name


def write_cover_shifts(ctx: RequestContext, coverer: str) -> None:
	"""The covered duties join the coverer's schedule; own clinic half-days they overlap are given up."""
	for duty in ctx.doc.duties:
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


def complete_cover(
	ctx: RequestContext, coverer: str, method: str, override_reason: str | None = None
) -> None:
	write_ledger(ctx, coverer)
	write_cover_shifts(ctx, coverer)
	handover.hand_over(ctx.doc.name, coverer)
	ctx.doc.db_set(
		{
			"status": "Covered",
			"covered_by": coverer,
			"covered_at": naive(ctx.now),
			"cover_method": method,
			"ladder_stage": Stage.DONE.value,
			"next_escalation_at": None,
		}
	)
	if override_reason:
		# Kept with the reason: it may speak of colleagues, so only coordinators and directors read it.
		frappe.db.set_value("Cover Request Reason", ctx.doc.name, "override_reason", override_reason)
	refresh_title(ctx.doc)
	write_ranking_snapshot(ctx, _("At cover ({0})").format(_(method)))
	notify.covered(ctx.doc)


def accept(name: str, now: datetime | None = None) -> None:
	"""A member volunteers: first accept wins; eligibility is re-checked under the lock. `now` is for
	replaying history (the demo); it defaults to the present."""
	clinician = current_clinician()
	doc = lock(name)
	if doc.docstatus != 1 or doc.status not in ACCEPTING_STATUSES:
		raise_not_open(doc, clinician)
	now = now or aware(now_datetime())
	refuse_if_ended(doc, now)
	ctx = RequestContext(doc, now=now)
	if clinician not in ctx.ranking.order:
		frappe.throw(
			_("You cannot cover {0}: {1}").format(doc.name, ctx.exclusion_of(clinician)),
			NotEligibleError,
			title=_("Not eligible"),
		)
	complete_cover(ctx, clinician, "Volunteered")


def raise_not_open(doc, clinician: str | None = None) -> None:
	if doc.status in ("Covered", "Completed") and clinician and doc.covered_by == clinician:
		message = _("You are covering {0}.").format(doc.name)
	elif doc.status in ("Covered", "Completed"):
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


def assign(name: str, clinician: str, override_reason: str | None = None) -> None:
	"""A coordinator assigns a member; anyone ineligible only with an override reason, which is kept."""
	doc = lock(name)
	doc.check_permission("write")
	if doc.docstatus != 1 or doc.status not in ACCEPTING_STATUSES:
		raise_not_open(doc)
	if clinician == doc.requester:
		frappe.throw(
			_("{0} filed {1}; assign somebody else.").format(
				frappe.db.get_value("Clinician", clinician, "full_name") or clinician, doc.name
			),
			NotEligibleError,
			title=_("The requester"),
		)
	ctx = RequestContext(doc)
	if clinician in ctx.ranking.order:
		complete_cover(ctx, clinician, "Assigned", override_reason)
		return
	if not (override_reason or "").strip():
		frappe.throw(
			_("{0} is not eligible ({1}). Give an override reason to assign them anyway.").format(
				frappe.db.get_value("Clinician", clinician, "full_name") or clinician,
				ctx.exclusion_of(clinician),
			),
			OverrideReasonRequiredError,
			title=_("Override reason required"),
		)
	complete_cover(ctx, clinician, "Coordinator override", override_reason)


def escalate(name: str, now: datetime | None = None) -> Step:
	"""Apply the pool's ladder to one request. Safe to run from several workers at once: the row lock
	serialises them and the second sees the first one's stage."""
	doc = lock(name)
	if doc.docstatus != 1 or doc.status != "Open":
		return Step.NOTHING
	return run_ladder(RequestContext(doc, now=now))


def run_ladder(ctx: RequestContext) -> Step:
	doc = ctx.doc
	offers = offers_of(doc.name)
	overflow_ctx = None
	ranked = ctx.ranking.order
	if not ranked and ctx.pool.overflow_pool:
		overflow_ctx = RequestContext(doc, pool_name=ctx.pool.overflow_pool, now=ctx.now)
	state = LadderState(
		open=True,
		stage=Stage(doc.ladder_stage or Stage.NEW.value),
		submitted_at=aware(doc.submitted_at),
		starts_at=ctx.request.starts_at,
		ends_at=ctx.request.ends_at,
		offered=frozenset(row.clinician for row in offers),  # a decliner is not asked again
		declined=frozenset(row.clinician for row in offers if row.declined_at),
	)
	step = next_step(
		state, ctx.pool.ladder, ctx.now, ranked, overflow_ctx.ranking.order if overflow_ctx else None
	)
	if step.step is Step.OFFER:
		record_offers(doc, step.members, step.next_stage, ctx.now)
		doc.db_set({"ladder_stage": step.next_stage.value, "next_escalation_at": naive(step.wake_at)})
		notify.offered(doc, step.members, step.next_stage.value)
	elif step.step is Step.WAIT:
		doc.db_set("next_escalation_at", naive(step.wake_at))
	elif step.step is Step.ASSIGN:
		complete_cover(ctx, step.members[0], "Assigned")
	elif step.step is Step.ASSIGN_FROM_OVERFLOW:
		complete_cover(overflow_ctx, step.members[0], "Assigned from overflow")
	elif step.step is Step.MARK_UNFILLED:
		doc.db_set({"status": "Unfilled", "ladder_stage": Stage.DONE.value, "next_escalation_at": None})
		notify.unfilled(doc, ended=ctx.now >= ctx.request.ends_at)
	return step.step


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
	"""doc_event on Cover Request cancel: every ledger row of the request gets a reversal; the cover
	shifts go away and displaced clinic half-days come back."""
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
		pool_of = {r.name: r.pool for r in rows}
		for reversal in reversal_entries(originals, now):
			pool = pool_of[reversal.reverses]
			pools.setdefault(pool, frappe.get_doc("Jeopardy Pool", pool))
			insert_ledger_entry(reversal, pools[pool], reverses=reversal.reverses)
	frappe.db.delete("Clinician Shift", {"cover_request": doc.name, "source": "Cover"})
	shift = frappe.qb.DocType("Clinician Shift")
	frappe.qb.update(shift).set(shift.displaced_by, None).where(shift.displaced_by == doc.name).run()
