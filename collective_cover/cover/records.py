"""Turn database records into the engine's dataclasses.

Every loader reads whole sets in a fixed number of queries, so ranking a request costs the same
number of queries for a pool of 50 members as for a pool of 1,000.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import frappe
from frappe.query_builder import Criterion
from frappe.query_builder.functions import Cast, Count, IfNull
from frappe.utils import getdate, now_datetime
from pypika.terms import ExistsCriterion

from collective_cover.cover.handover import HANDED_OVER
from collective_cover.cover.ledger import load_burden
from collective_cover.engine.fairness import exposure
from collective_cover.engine.model import (
	Candidate,
	Caps,
	CoverRequest,
	Duty,
	DutyKind,
	Interval,
	Ladder,
	Member,
	MemberBurden,
	Membership,
	Policy,
	Pool,
	Role,
	UnitWeights,
	WorkHourLimits,
)
from collective_cover.kernel.availability import load_unavailability
from collective_cover.kernel.dates import aware, fairness_window, naive, site_tz, zone_or_site

# How far around a request we read schedules: the ACGME rules look back and ahead 4 weeks.
SCHEDULE_MARGIN = timedelta(days=28)


def level_number(level: str | None) -> int | None:
	return int(level.split("-")[1]) if level else None


def pool_members(pool: str):
	"""Every clinician with a membership row in the pool, as a subquery: whole-pool loads filter by it
	rather than by a list of a thousand names, which costs more to build than the query does to run."""
	member = frappe.qb.DocType("Jeopardy Pool Member")
	return (
		frappe.qb.from_(member)
		.select(member.clinician)
		.where((member.parent == pool) & (member.parenttype == "Jeopardy Pool"))
	)


def engine_weights(pool_doc) -> UnitWeights:
	"""What a duty in the pool counts for: all that units need of a pool, without its members."""
	weights = {row.duty_kind: row.units for row in pool_doc.unit_weights}
	return UnitWeights(
		day=weights.get(DutyKind.DAY.value, 1.0),
		night=weights.get(DutyKind.NIGHT.value, 1.0),
		clinic=weights.get(DutyKind.CLINIC.value, 0.5),
		call=weights.get(DutyKind.CALL.value, 2.0),
		weekend_multiplier=pool_doc.weekend_multiplier or 1.0,
		holiday_multiplier=pool_doc.holiday_multiplier or 1.0,
	)


def engine_pool(pool_doc) -> Pool:
	faculty_limit = pool_doc.faculty_weekly_hours_limit
	return Pool(
		name=pool_doc.name,
		policy=Policy(pool_doc.reciprocity_policy),
		memberships=tuple(
			Membership(
				row.clinician,
				getdate(row.joined_on),
				getdate(row.left_on) if row.left_on else None,
				row.fte or None,
			)
			for row in pool_doc.members
		),
		weights=engine_weights(pool_doc),
		caps=Caps(
			max_activations_per_block=pool_doc.max_activations_per_block or None,
			max_units_per_block=pool_doc.max_units_per_block or None,
			max_activations_per_window=pool_doc.max_activations_per_window or None,
			max_units_per_window=pool_doc.max_units_per_window or None,
			max_clinic_half_days_lost_per_window=pool_doc.max_clinic_half_days_lost or None,
			max_rota_days_per_block=pool_doc.max_rota_days_per_block or None,
			block_days=pool_doc.block_days or 28,
		),
		allowed_roles=frozenset(Role(row.role) for row in pool_doc.allowed_roles) or frozenset(Role),
		min_level_gap=pool_doc.min_level_gap or 0,
		faculty_limits=WorkHourLimits(weekly_average_hours=faculty_limit) if faculty_limit else None,
		ladder=Ladder(
			offer_top_n=pool_doc.offer_top_n or 3,
			offer_all_after=timedelta(minutes=pool_doc.offer_all_after_minutes or 0),
			assign_after=timedelta(minutes=pool_doc.assign_after_minutes or 0),
			near_start=timedelta(minutes=pool_doc.near_start_minutes or 0),
		),
		standby_credit=pool_doc.standby_credit or 0.0,
		overflow_pool=pool_doc.overflow_pool or None,
		time_zone=zone_or_site(pool_doc.get("time_zone")),
	)


def engine_duty(row, zone: ZoneInfo | None = None) -> Duty:
	"""A duty or shift row as an engine Duty; `zone`: the site's, looked up once by a caller with many."""
	zone = zone or site_tz()
	return Duty(
		aware(row.start, zone),
		aware(row.end, zone),
		kind=DutyKind(row.duty_kind),
		site=row.site or "",
		service=row.service or "",
		level=level_number(row.get("required_level")),
		holiday=bool(row.get("holiday")),
		in_house_call=bool(row.in_house_call) if row.get("in_house_call") is not None else None,
	)


def engine_request(doc) -> CoverRequest:
	return CoverRequest(
		id=doc.name,
		requester=doc.requester,
		pool=doc.pool,
		duties=tuple(engine_duty(row) for row in doc.duties),
		submitted_at=aware(doc.get("submitted_at") or doc.modified or now_datetime()),
	)


def load_clinic_half_days_lost(members, window_start: datetime) -> dict[str, int]:
	"""Own clinic half-days each member (names, or a `pool_members` subquery) gave up this window to
	cover for somebody (in any pool)."""
	shift = frappe.qb.DocType("Clinician Shift")
	rows = (
		frappe.qb.from_(shift)
		.select(shift.clinician, Count("*").as_("lost"))
		.where(
			shift.clinician.isin(members)
			& (shift.duty_kind == DutyKind.CLINIC.value)
			& shift.displaced_by.isnotnull()
			& (shift.start >= window_start)
		)
		.groupby(shift.clinician)
	).run(as_dict=True)
	return {row.clinician: int(row.lost) for row in rows}


def schedule_query(clinicians, lo: datetime, hi: datetime, times_as_text: bool = False):
	"""The shifts `clinicians` (names, or a `pool_members` subquery) work between `lo` and `hi` (naive,
	site zone): the one reading of a schedule, for the ranking's candidates and for the members re-read
	as committed under a lock. `times_as_text`: start and end as ISO text, for a caller reading so many
	rows that Frappe's datetime converter (strptime) costs more than the query."""
	shift = frappe.qb.DocType("Clinician Shift")
	start, end = (
		(Cast(shift.start, "CHAR").as_("start"), Cast(shift.end, "CHAR").as_("end"))
		if times_as_text
		else (shift.start, shift.end)
	)
	return (
		frappe.qb.from_(shift)
		.select(
			shift.name,
			shift.clinician,
			start,
			end,
			shift.duty_kind,
			shift.in_house_call,
			shift.site,
			shift.service,
		)
		.where(shift.clinician.isin(clinicians) & worked_between(shift, lo, hi))
	)


def worked_between(shift, lo: datetime, hi: datetime):
	"""SQL: the `shift` row (Clinician Shift) is worked between `lo` and `hi`."""
	return (
		(shift.end > lo)
		& (shift.start < hi)
		& shift.displaced_by.isnull()
		# A shift handed over to a coverer is the coverer's work now (their own Cover shift).
		& (IfNull(shift.handover_status, "") != HANDED_OVER)
	)


# Who works across a span: each member's shifts read by a range on their ends, the starts checked in
# the index, so their other weeks are not read (the Clinician Shift controller creates it).
SHIFT_SPAN_INDEX = "clinician_end_start_index"
SHIFT_SPAN_INDEX_COLUMNS = ("clinician", "end", "start")


def shifts_across(members, span: tuple[datetime, datetime]) -> dict[str, list[Duty]]:
	"""The shifts (not clinics) of `members` (names) that fall across `span`, by member: a part of each
	schedule, enough to see who works during a duty without reading the weeks around it."""
	shifts, zone = defaultdict(list), site_tz()
	query = schedule_query(members or [""], naive(span[0]), naive(span[1]), times_as_text=True)
	# MariaDB otherwise walks each member's every shift by the clinician index, or the whole table.
	for row in with_datetimes(query.force_index(SHIFT_SPAN_INDEX)):
		if row.duty_kind != DutyKind.CLINIC.value:
			shifts[row.clinician].append(engine_duty(row, zone))
	return shifts


def free_during(pool: str, duties) -> set[str]:
	"""The pool's members who work no shift (clinics aside) during any of `duties`, in one query that
	returns only them: who works during them is asked of the index, not read member by member."""
	member = frappe.qb.DocType("Jeopardy Pool Member").as_("member")
	shift = frappe.qb.DocType("Clinician Shift").as_("shift")
	lo, hi = naive(min(d.start for d in duties)), naive(max(d.end for d in duties))
	during = Criterion.any([(shift.start < naive(d.end)) & (shift.end > naive(d.start)) for d in duties])
	# Asked of each member's index entries, stopping at their first shift during a duty.
	works_during = (
		frappe.qb.from_(shift)
		.force_index(SHIFT_SPAN_INDEX)
		.select(shift.name)
		.where((shift.clinician == member.clinician) & worked_between(shift, lo, hi))
		.where((shift.duty_kind != DutyKind.CLINIC.value) & during)
	)
	return set(
		frappe.qb.from_(member)
		.select(member.clinician)
		.where((member.parent == pool) & (member.parenttype == "Jeopardy Pool"))
		.where(ExistsCriterion(works_during).negate())
		.run(pluck=True)
	)


def with_datetimes(query):
	"""The rows of a `schedule_query(..., times_as_text=True)`, start and end as datetimes again."""
	rows = query.run(as_dict=True)
	for row in rows:
		row.start, row.end = datetime.fromisoformat(row.start), datetime.fromisoformat(row.end)
	return rows


def load_schedules(members, span: tuple[datetime, datetime]):
	"""The shifts (`Duty`) and own clinic half-days (`Interval`) of `members` (names, or a
	`pool_members` subquery) within four weeks either side of `span`, by member."""
	lo, hi = naive(span[0] - SCHEDULE_MARGIN), naive(span[1] + SCHEDULE_MARGIN)
	shifts_of, clinics = defaultdict(list), defaultdict(list)
	zone = site_tz()
	for row in with_datetimes(schedule_query(members, lo, hi, times_as_text=True)):
		if row.duty_kind == DutyKind.CLINIC.value:
			clinics[row.clinician].append(Interval(aware(row.start, zone), aware(row.end, zone)))
		else:
			shifts_of[row.clinician].append(engine_duty(row, zone))
	return shifts_of, clinics


def with_schedules(candidates, members, span: tuple[datetime, datetime]):
	"""`candidates` with the schedules of `members` (names) read around `span` (`load_schedules`); the
	rest of what they carry is left as it was read."""
	wanted = set(members)
	shifts_of, clinics = load_schedules(sorted(wanted), span)
	return [
		replace(c, schedule=tuple(shifts_of[c.member.id]), clinic_sessions=tuple(clinics[c.member.id]))
		if c.member.id in wanted
		else c
		for c in candidates
	]


def load_candidates(
	pool_doc,
	pool: Pool,
	span: tuple[datetime, datetime],
	now: datetime | None = None,
	schedules: bool = True,
):
	"""Every member of the pool as an engine Candidate, with schedules around `span` (aware datetimes).
	Without `schedules` (a member's standing needs none) no shift is read and schedules are empty."""
	now = now or aware(now_datetime())
	ids = [m.member for m in pool.memberships]
	if not ids:
		return []
	# A subset (load_members) is named; the whole pool is filtered by its membership rows.
	whole_pool = len(ids) == len(pool_doc.members)
	members = pool_members(pool.name) if whole_pool else ids
	window = fairness_window(now.date())

	clin = frappe.qb.DocType("Clinician")
	clinicians = {
		row.name: row
		for row in (
			frappe.qb.from_(clin)
			.select(clin.name, clin.role, clin.training_level, clin.fte, clin.program)
			.where(clin.name.isin(members))
		).run(as_dict=True)
	}

	lo = naive(span[0] - SCHEDULE_MARGIN)
	shifts_of, clinics = (
		load_schedules(members, span) if schedules else (defaultdict(list), defaultdict(list))
	)

	window_lo = datetime.combine(window[0], datetime.min.time())
	absences = load_unavailability(members, min(lo, window_lo))

	burden = load_burden(pool.name, members, naive(now), window[0], pool.caps.block_days)
	lost = load_clinic_half_days_lost(members, window_lo)
	exposure_window = (window[0], min(window[1], now.astimezone(pool.zone).date()))

	candidates = []
	for membership in pool.memberships:
		row = clinicians.get(membership.member)
		if not row:
			continue
		member = Member(
			row.name, Role(row.role), level_number(row.training_level), row.fte or 1.0, row.program
		)
		member_burden = burden.get(row.name) or MemberBurden(row.name)
		if lost.get(row.name):  # most members lost none; a `replace` per member shows in a large pool
			member_burden = replace(member_burden, clinic_half_days_lost=lost[row.name])
		candidates.append(
			Candidate(
				member=member,
				membership=membership,
				burden=member_burden,
				exposure=exposure(member, membership, absences[row.name], exposure_window, pool.zone),
				schedule=tuple(shifts_of[row.name]),
				unavailability=tuple(absences[row.name]),
				clinic_sessions=tuple(clinics[row.name]),
			)
		)
	return candidates


def load_members(pool_doc, pool: Pool, members, span: tuple[datetime, datetime], now: datetime):
	"""`members` of the pool as Candidates, as `load_candidates` loads the whole pool."""
	wanted = set(members)
	only = replace(pool, memberships=tuple(m for m in pool.memberships if m.member in wanted))
	return load_candidates(pool_doc, only, span, now)


def with_candidates(candidates, fresh):
	"""`candidates` with those in `fresh` replaced by them, in the pool's order."""
	by_id = {c.member.id: c for c in fresh}
	return [by_id.get(c.member.id, c) for c in candidates]


def load_care_team(requester: str, day: date) -> frozenset[str]:
	"""The requester's care-team colleagues on `day`, whom the ranking prefers (continuity of care)."""
	member = frappe.qb.DocType("Care Team Member")
	team = frappe.qb.DocType("Care Team")
	teams = (
		frappe.qb.from_(member)
		.join(team)
		.on(team.name == member.parent)
		.select(member.parent)
		.where(
			(member.parenttype == "Care Team")
			& (member.clinician == requester)
			& (team.start_date <= day)
			& (team.end_date.isnull() | (team.end_date >= day))
		)
	)
	mates = (
		frappe.qb.from_(member)
		.select(member.clinician)
		.distinct()
		.where(member.parent.isin(teams) & (member.clinician != requester))
	).run(pluck=True)
	return frozenset(mates)
