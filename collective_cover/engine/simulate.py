"""Policy simulator: one synthetic programme year, driven through the real engine under every policy.

The programme (seedable): residents PGY-1…3 with a mix of FTEs on a 4+1 schedule — four-week blocks
(ICU, wards, nights, in-house call, electives) each followed by an ambulatory week of clinic
half-days. Inpatient blocks are exempt from jeopardy (protected time, so they add no exposure); the
pool covers from electives and ambulatory weeks, where a cover displaces clinic half-days and the
ACGME rules still bind at times (rest after a 24 h call, a day off in seven, continuous hours, the
weekly average next to an inpatient block). Three vacation weeks each; call-outs from own
shifts at a rate that doubles towards mid-January; a day/night/weekend/24 h call mix.

Every call-out is a CoverRequest for one shift, decided at the ladder's assignment time (nobody
volunteered) by one of:
- the three reciprocity policies: `ranking.rank` (eligibility included), `ladder.next_step`, then
  `policies.cover_entries` into the ledger that `policies.aggregate_ledger` reads for the next request;
- two baselines shaped like Frappe's Assignment Rule, both skipping ineligible members
  (`eligibility.check_eligibility`) and writing plain cover rows: round robin over the fixed member
  list (the next eligible member after the last assignee) and load balancing (fewest assignments so
  far, blind to units and FTE; ties in list order).

Year-end figures come from `fairness.pool_fairness`: Gini of burden rate bᵢ/eᵢ, max |dᵢ|, and the
variance of the deviations dᵢ relative to round robin. Every cover is re-checked afterwards against the
coverer's final schedule with `work_hours.check_work_hours`; a hard finding is a violation. Caller
demotions: each request is ranked a second time with every member's payback debts removed (the only
trace a call-out leaves on the caller's ledger), counting members whose position is earlier with their
history than without it. The baselines never look at the ledger, so they demote nobody.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .blocks import block_of
from .duty_cover import DutySlot, cover_plan
from .eligibility import check_eligibility
from .fairness import academic_window, days, exposure, pool_fairness
from .ladder import LadderState, Stage, Step, next_step
from .model import (
	Candidate,
	Caps,
	CoverRequest,
	Duty,
	DutyKind,
	Interval,
	LedgerEntry,
	Member,
	MemberBurden,
	Membership,
	Policy,
	Pool,
	Role,
	Unavailability,
)
from .policies import aggregate_ledger, cover_entries
from .ranking import Ranking, rank
from .units import duty_units
from .work_hours import check_work_hours

DEFAULT_SEED = 2026
DEFAULT_MEMBERS = 30
TZ = ZoneInfo("America/New_York")
ACADEMIC_YEAR = academic_window(date(2026, 7, 1))
BLOCK_DAYS = 28
# The ACGME rules look at 4-week windows around a duty; schedules are handed to the engine this far out.
SCHEDULE_MARGIN = timedelta(days=29)

CALL_OUT_RATE = 0.03  # per own shift in midsummer
WINTER_RISE = 1.0  # extra call-out rate at the mid-January peak (1.0 = twice the summer rate)
VACATION_WEEKS = 3
FTE_MIX = ((1.0, 0.8), (0.8, 0.12), (0.5, 0.08))  # (FTE, share of members)
BLOCK_ROTATIONS = ("ICU", "Wards", "Nights", "Call", "Elective", "Elective")
AMBULATORY = "Ambulatory week"
# Blocks a programme exempts from jeopardy: protected time, so they add nothing to a member's exposure.
JEOPARDY_EXEMPT = ("ICU", "Wards", "Nights", "Call")
CYCLE_DAYS = BLOCK_DAYS + 7  # 4+1: a four-week block, then an ambulatory week

COLLECTIVE = Policy.COLLECTIVE.value
POOL_PAYBACK = Policy.POOL_PAYBACK.value
INDIVIDUAL_PAYBACK = Policy.INDIVIDUAL_PAYBACK.value
ROUND_ROBIN = "Round robin (baseline)"
LOAD_BALANCING = "Load balancing (baseline)"
POLICY_NAMES = (COLLECTIVE, POOL_PAYBACK, INDIVIDUAL_PAYBACK, ROUND_ROBIN, LOAD_BALANCING)

COLUMNS = (
	("gini_burden_rate", "Gini of burden rate", "{:.3f}"),
	("max_abs_deviation", "max |deviation| (units)", "{:.2f}"),
	("variance_vs_round_robin", "burden variance vs round robin", "{:.3f}"),
	("work_hour_violations", "work-hour violations", "{:d}"),
	("unfilled_requests", "unfilled requests", "{:d}"),
	("caller_demotions", "caller demotions", "{:d}"),
)


@dataclass(frozen=True)
class Programme:
	"""The synthetic year: identical input for every policy, so the policies alone explain differences."""

	seed: int
	pool: Pool
	members: tuple[Member, ...]
	schedules: Mapping[str, tuple[Duty, ...]]  # own shifts, sorted by start
	clinic_sessions: Mapping[str, tuple[Interval, ...]]  # own clinic half-days: a cover displaces them
	unavailability: Mapping[str, tuple[Unavailability, ...]]  # vacations and jeopardy-exempt blocks
	requests: tuple[CoverRequest, ...]  # in order of submission

	@property
	def units_requested(self) -> float:
		return sum(duty_units(r.duties[0], self.pool.weights, self.pool.zone) for r in self.requests)


@dataclass(frozen=True)
class PolicyOutcome:
	policy: str
	gini_burden_rate: float
	max_abs_deviation: float
	deviation_variance: float  # population variance of dᵢ = bᵢ − fᵢ over the pool, units²
	variance_vs_round_robin: float
	work_hour_violations: int
	unfilled_requests: int
	caller_demotions: int
	burden_rate: Mapping[str, float]  # units per 365 days of exposure (bᵢ / eᵢ · 365), for the plot

	def figures(self) -> dict[str, float | int]:
		return {key: getattr(self, key) for key, _, _ in COLUMNS}


# --- the synthetic programme -----------------------------------------------------------------------


def at_local(day: date, hour: int) -> datetime:
	"""`hour` o'clock on `day` in the programme's time zone (DST-aware wall clock)."""
	return datetime.combine(day, time(hour), TZ)


def _shift_pattern(rotation: str, day: date, block_day: int) -> tuple[int, int, DutyKind] | None:
	"""(start hour, wall-clock hours, kind) of the member's own shift starting on `day`, if any."""
	weekday, week = day.weekday(), block_day // 7
	if rotation == "ICU":  # 78 h a week: a cover in the same four weeks breaks the 80 h average
		return (7, 13, DutyKind.DAY) if weekday < 6 else None
	if rotation == "Wards":  # 60–72 h, alternate Saturdays
		return (7, 12, DutyKind.DAY) if weekday < 5 or (weekday == 5 and week % 2) else None
	if rotation == "Nights":  # Sunday to Thursday nights
		return (19, 12, DutyKind.NIGHT) if weekday in (6, 0, 1, 2, 3) else None
	if rotation == "Call":  # in-house call every 4th day, short days otherwise, post-call day off
		if block_day % 4 == 0:
			return (7, 24, DutyKind.CALL)
		return (7, 10, DutyKind.DAY) if block_day % 4 != 1 and weekday < 5 else None
	return None  # Elective and the ambulatory week: no shift, clinic half-days at most


def _works_on(fte: float, day: date, block_day: int) -> bool:
	"""Part-time pattern: 0.8 FTE has Fridays off, 0.5 FTE works the first two weeks of each block."""
	if fte <= 0.5:
		return block_day < 14
	if fte < 1.0:
		return day.weekday() != 4
	return True


def rotation_on(offset_weeks: int, rotation_offset: int, day: date) -> tuple[str, int]:
	"""(rotation, day within its block) in a 4+1 schedule: four weeks of a block rotation, then one
	ambulatory week; cohorts are staggered by `offset_weeks`, rotations by `rotation_offset`."""
	cycle_day = (day - ACADEMIC_YEAR[0]).days + 7 * offset_weeks
	cycle, day_in_cycle = divmod(cycle_day, CYCLE_DAYS)
	if day_in_cycle >= BLOCK_DAYS:
		return AMBULATORY, day_in_cycle
	return BLOCK_ROTATIONS[(cycle + rotation_offset) % len(BLOCK_ROTATIONS)], day_in_cycle


def own_work(member: Member, rotation: str, day: date, block_day: int) -> tuple[list[Duty], list[Interval]]:
	"""The member's own shift (if any) and clinic half-days starting on `day`."""
	if not _works_on(member.fte, day, block_day):
		return [], []
	if rotation == AMBULATORY:
		if day.weekday() >= 5:
			return [], []
		return [], [
			Interval(at_local(day, 8), at_local(day, 12)),
			Interval(at_local(day, 13), at_local(day, 17)),
		]
	pattern = _shift_pattern(rotation, day, block_day)
	if pattern is None:
		return [], []
	start_hour, hours, kind = pattern
	end = at_local(day + timedelta(days=(start_hour + hours) // 24), (start_hour + hours) % 24)
	# Seniors hold the night and call slots, so only PGY-2 and above may cover them.
	senior_slot = kind in (DutyKind.NIGHT, DutyKind.CALL) and (member.level or 0) >= 2
	return [
		Duty(at_local(day, start_hour), end, kind=kind, service=rotation, level=2 if senior_slot else None)
	], []


def _winter_factor(day: date) -> float:
	"""1 in midsummer, 1 + WINTER_RISE at the mid-January peak."""
	phase = 2 * math.pi * (day - date(day.year, 1, 15)).days / 365.25
	return 1 + WINTER_RISE * (1 + math.cos(phase)) / 2


def _vacation_weeks(rng: random.Random, first_monday: date, weeks: int) -> tuple[Unavailability, ...]:
	chosen = sorted(rng.sample(range(weeks), VACATION_WEEKS))
	return tuple(
		Unavailability(
			at_local(first_monday + timedelta(weeks=w), 0),
			at_local(first_monday + timedelta(weeks=w + 1), 0),
			"Vacation",
		)
		for w in chosen
	)


def _whole_days(local_days: Sequence[date], kind: str) -> tuple[Unavailability, ...]:
	"""Unavailability for each run of consecutive days, midnight to midnight."""
	runs: list[list[date]] = []
	for day in local_days:
		if runs and day - runs[-1][-1] == timedelta(days=1):
			runs[-1].append(day)
		else:
			runs.append([day])
	return tuple(
		Unavailability(at_local(run[0], 0), at_local(run[-1] + timedelta(days=1), 0), kind) for run in runs
	)


def synthetic_programme(seed: int = DEFAULT_SEED, member_count: int = DEFAULT_MEMBERS) -> Programme:
	if member_count < 2:
		raise ValueError("a pool needs at least two members to cover for each other")
	rng = random.Random(seed)
	start, end = ACADEMIC_YEAR
	ftes = rng.choices([f for f, _ in FTE_MIX], weights=[w for _, w in FTE_MIX], k=member_count)
	members = tuple(
		Member(f"R{i + 1:03d}", Role.RESIDENT, level=1 + i % 3, fte=fte, program="Internal Medicine")
		for i, fte in enumerate(ftes)
	)
	# A fifth of the pool is in its ambulatory week at any time, and the block rotations are spread too.
	cohorts = rng.sample(range(member_count), member_count)
	first_monday = start + timedelta(days=-start.weekday() % 7)
	schedules: dict[str, tuple[Duty, ...]] = {}
	sessions: dict[str, tuple[Interval, ...]] = {}
	unavailability: dict[str, tuple[Unavailability, ...]] = {}
	for member, cohort in zip(members, cohorts, strict=True):
		vacation = _vacation_weeks(rng, first_monday, (end - first_monday).days // 7)
		shifts: list[Duty] = []
		clinic: list[Interval] = []
		exempt_days: list[date] = []
		for day in days(start, end):
			rotation, block_day = rotation_on(cohort % 5, cohort // 5, day)
			duties, half_days = own_work(member, rotation, day, block_day)
			shifts += [d for d in duties if not any(a.overlaps(d) for a in vacation)]
			clinic += [s for s in half_days if not any(a.overlaps(s) for a in vacation)]
			if rotation in JEOPARDY_EXEMPT:
				exempt_days.append(day)
		schedules[member.id], sessions[member.id] = tuple(shifts), tuple(clinic)
		unavailability[member.id] = vacation + _whole_days(exempt_days, "Protected time")

	requests = []
	for member in members:
		for shift in schedules[member.id]:
			if rng.random() < CALL_OUT_RATE * _winter_factor(shift.start.date()):
				lead = timedelta(minutes=rng.randrange(3 * 60, 14 * 60))  # called out 3–14 h ahead
				requests.append((shift.start - lead, member.id, shift))
	requests.sort(key=lambda r: (r[0], r[1]))
	pool = Pool(
		"IM wards – residents",
		policy=Policy.COLLECTIVE,
		memberships=tuple(Membership(m.id, start) for m in members),
		caps=Caps(
			max_activations_per_block=4,
			max_units_per_block=6.0,
			max_clinic_half_days_lost_per_window=24,
			block_days=BLOCK_DAYS,
		),
		allowed_roles=frozenset({Role.RESIDENT}),
		time_zone=TZ.key,
	)
	return Programme(
		seed=seed,
		pool=pool,
		members=members,
		schedules=schedules,
		clinic_sessions=sessions,
		unavailability=unavailability,
		requests=tuple(
			CoverRequest(f"CR-{i + 1:04d}", requester, pool.name, (shift,), submitted)
			for i, (submitted, requester, shift) in enumerate(requests)
		),
	)


# --- choosing a coverer ------------------------------------------------------------------------------

# (request, pool, candidates in list order, coverers so far, now) → (coverer or None, caller demotions)
Chooser = Callable[[CoverRequest, Pool, Sequence[Candidate], Sequence[str], datetime], tuple[str | None, int]]


def without_call_out_history(candidate: Candidate) -> Candidate:
	"""The candidate as if they had never called out: payback debts are all a call-out writes for the caller."""
	return replace(candidate, burden=replace(candidate.burden, owed_to_pool=0.0, owed_to=()))


def caller_demotions(
	request: CoverRequest, pool: Pool, candidates: Sequence[Candidate], ranking: Ranking
) -> int:
	"""Members ranked earlier for `request` than they would be without their call-out history."""
	ranked = {r.member for r in ranking.ranked}
	if not any(c.burden.owed_to_pool or c.burden.owed_to for c in candidates if c.member.id in ranked):
		return 0  # nobody eligible carries a debt: the same inputs, so the same order
	# Eligibility never reads debts, so the excluded stay excluded; handing them their own clash with the
	# duty spares their costly work-hour check, while their burden and exposure still set every fair share.
	again = [
		without_call_out_history(c if c.member.id in ranked else replace(c, schedule=request.duties))
		for c in candidates
	]
	without = {r.member: r.position for r in rank(request, pool, again).ranked}
	return sum(1 for r in ranking.ranked if r.position < without[r.member])


def ranked_choice(request, pool, candidates, coverers, now) -> tuple[str | None, int]:
	"""The engine's way: rank, then let the ladder assign the top-ranked member (or mark Unfilled)."""
	ranking = rank(request, pool, candidates)
	state = LadderState(
		True, Stage.OFFERED_ALL, request.submitted_at, request.starts_at, frozenset(ranking.order)
	)
	step = next_step(state, pool.ladder, now, ranking.order)
	coverer = step.members[0] if step.step is Step.ASSIGN else None
	return coverer, caller_demotions(request, pool, candidates, ranking)


def _first_eligible(request, pool, ordered: Sequence[Candidate]) -> str | None:
	return next((c.member.id for c in ordered if check_eligibility(c, request, pool).eligible), None)


def round_robin_choice(request, pool, candidates, coverers, now) -> tuple[str | None, int]:
	"""Frappe's Round Robin: the next eligible member in list order after the last assignee."""
	ids = [c.member.id for c in candidates]
	after = ids.index(coverers[-1]) + 1 if coverers and coverers[-1] in ids else 0
	return _first_eligible(request, pool, [*candidates[after:], *candidates[:after]]), 0


def load_balancing_choice(request, pool, candidates, coverers, now) -> tuple[str | None, int]:
	"""Frappe's Load Balancing: fewest assignments so far (a count, blind to units and FTE)."""
	counts = Counter(coverers)
	return _first_eligible(request, pool, sorted(candidates, key=lambda c: counts[c.member.id])), 0


@dataclass(frozen=True)
class Strategy:
	name: str
	ledger_policy: Policy  # the reciprocity policy the pool runs (baselines write plain cover rows)
	choose: Chooser


STRATEGIES = (
	Strategy(COLLECTIVE, Policy.COLLECTIVE, ranked_choice),
	Strategy(POOL_PAYBACK, Policy.POOL_PAYBACK, ranked_choice),
	Strategy(INDIVIDUAL_PAYBACK, Policy.INDIVIDUAL_PAYBACK, ranked_choice),
	Strategy(ROUND_ROBIN, Policy.COLLECTIVE, round_robin_choice),
	Strategy(LOAD_BALANCING, Policy.COLLECTIVE, load_balancing_choice),
)


# --- running the year ------------------------------------------------------------------------------


def _starts(work: Interval) -> datetime:
	return work.start


def _near(work: list, first: datetime, last: datetime) -> tuple:
	"""Own shifts (or clinic half-days, sorted by start) within SCHEDULE_MARGIN of [first, last]: all that
	the work-hour rules can see."""
	lo = bisect_left(work, first - SCHEDULE_MARGIN, key=_starts)
	hi = bisect_right(work, last + SCHEDULE_MARGIN, key=_starts)
	return tuple(work[lo:hi])


def _breaks_work_hours(duty: Duty, schedule: list[Duty], sessions: list[Interval], pool: Pool) -> bool:
	"""Re-check a cover after the fact against the coverer's final work: does it break a hard ACGME rule?"""
	others = [d for d in _near(schedule, duty.start, duty.end) if d is not duty]
	others += [Duty(s.start, s.end, kind=DutyKind.CLINIC) for s in _near(sessions, duty.start, duty.end)]
	return any(f.hard for f in check_work_hours(others, (duty,), pool.trainee_limits, pool.zone))


def _block_start(now: datetime) -> datetime:
	return at_local(block_of(now.date(), ACADEMIC_YEAR[0], BLOCK_DAYS).first, 0)


def simulate_policy(programme: Programme, strategy: Strategy) -> tuple[PolicyOutcome, float]:
	"""Run the year under one strategy; returns its outcome (variance ratio still 1) and the raw variance."""
	pool = replace(programme.pool, policy=strategy.ledger_policy)
	window_start = at_local(ACADEMIC_YEAR[0], 0)
	schedules = {m: list(s) for m, s in programme.schedules.items()}
	sessions = {m: list(s) for m, s in programme.clinic_sessions.items()}
	away = {m: list(v) for m, v in programme.unavailability.items()}
	lost_half_days: Counter[str] = Counter()
	ledger: list[LedgerEntry] = []
	coverers: list[str] = []
	covered: list[tuple[str, Duty]] = []
	unfilled = demotions = 0

	for request in programme.requests:
		now = request.submitted_at + pool.ladder.assign_after  # nobody volunteered: the ladder assigns
		burdens = aggregate_ledger(
			ledger,
			now=now,
			window_start=window_start,
			block_start=_block_start(now),
			clinic_half_days_lost=lost_half_days,
		)
		to_date = (ACADEMIC_YEAR[0], now.date())
		candidates = [
			Candidate(
				member=member,
				membership=pool.membership_of(member.id),
				burden=burdens.get(member.id) or MemberBurden(member.id),
				exposure=exposure(member, pool.membership_of(member.id), away[member.id], to_date, pool.zone),
				schedule=_near(schedules[member.id], request.starts_at, request.ends_at),
				unavailability=tuple(away[member.id]),
				clinic_sessions=_near(sessions[member.id], request.starts_at, request.ends_at),
			)
			for member in programme.members
		]
		coverer, demoted = strategy.choose(request, pool, candidates, coverers, now)
		demotions += demoted
		duty = request.duties[0]
		# The caller is off sick for the shift whether or not anybody covers it.
		schedules[request.requester].remove(duty)
		away[request.requester].append(Unavailability(duty.start, duty.end, "Leave"))
		if coverer is None:
			unfilled += 1
			continue
		units = duty_units(duty, pool.weights, pool.zone)
		coverer_burden = burdens.get(coverer) or MemberBurden(coverer)
		ledger += cover_entries(
			pool.policy, request.id, request.requester, coverer, units, now, coverer_burden
		)
		insort(schedules[coverer], duty, key=_starts)
		displaced = [s for s in sessions[coverer] if s.overlaps(duty)]
		sessions[coverer] = [s for s in sessions[coverer] if not s.overlaps(duty)]
		lost_half_days[coverer] += len(displaced)
		coverers.append(coverer)
		covered.append((coverer, duty))

	violations = sum(
		_breaks_work_hours(duty, schedules[coverer], sessions[coverer], pool) for coverer, duty in covered
	)
	year_end = at_local(ACADEMIC_YEAR[1] + timedelta(days=1), 0)
	burdens = aggregate_ledger(
		ledger, now=year_end, window_start=window_start, block_start=_block_start(year_end)
	)
	burden = {m.id: burdens[m.id].burden if m.id in burdens else 0.0 for m in programme.members}
	exposures = {
		m.id: exposure(m, pool.membership_of(m.id), away[m.id], ACADEMIC_YEAR, pool.zone)
		for m in programme.members
	}
	fairness = pool_fairness(burden, exposures)
	variance = statistics.pvariance(fairness.deviation.values())
	outcome = PolicyOutcome(
		policy=strategy.name,
		gini_burden_rate=round(fairness.gini, 6),
		max_abs_deviation=round(fairness.max_abs_deviation, 6),
		deviation_variance=round(variance, 6),
		variance_vs_round_robin=1.0,
		work_hour_violations=violations,
		unfilled_requests=unfilled,
		caller_demotions=demotions,
		burden_rate={m: round(burden[m] / e * 365, 6) for m, e in exposures.items() if e > 0},
	)
	return outcome, variance


def simulate(
	programme: Programme, strategies: Sequence[Strategy] = STRATEGIES, *, processes: int | None = None
) -> list[PolicyOutcome]:
	"""Every strategy over the same programme; variance ratios are relative to round robin.

	The strategies share nothing, so they run in parallel processes (one per core unless `processes`
	says otherwise); the figures do not depend on it.
	"""
	workers = min(len(strategies), processes or os.cpu_count() or 1)
	if workers > 1:
		with ProcessPoolExecutor(workers) as executor:
			runs = list(executor.map(simulate_policy, [programme] * len(strategies), strategies))
	else:
		runs = [simulate_policy(programme, s) for s in strategies]
	baseline = next((variance for o, variance in runs if o.policy == ROUND_ROBIN), None)
	return [
		replace(o, variance_vs_round_robin=round(variance / baseline, 6) if baseline else math.nan)
		for o, variance in runs
	]


# --- multi-day absences: whole-request cover against per-duty cover ----------------------------------

ABSENCE_DUTIES = (3, 5)  # an absence takes this many consecutive own shifts, at least and at most
ABSENCES = 60


@dataclass(frozen=True)
class AbsenceOutcome:
	"""How multi-duty requests fare when one member must take them whole, and duty by duty with
	continuity (`duty_cover.cover_plan`)."""

	requests: int
	filled_whole: int  # somebody in the pool is eligible for every duty
	filled_per_duty: int  # every duty has a coverer in the continuity plan
	split_coverers: int  # distinct coverers, summed over the requests only per-duty cover fills

	@property
	def per_duty_only(self) -> int:
		"""Requests per-duty cover fills that whole-request cover leaves to overflow (or Unfilled)."""
		return self.filled_per_duty - self.filled_whole

	def figures(self) -> dict[str, int]:
		return {
			"requests": self.requests,
			"filled_whole": self.filled_whole,
			"filled_per_duty": self.filled_per_duty,
			"per_duty_only": self.per_duty_only,
			"split_coverers": self.split_coverers,
		}


def multi_day_absences(programme: Programme, count: int = ABSENCES) -> tuple[CoverRequest, ...]:
	"""`count` absences of 3–5 consecutive own shifts, drawn from the programme's schedules (seeded)."""
	rng = random.Random(programme.seed + 1)
	absences = []
	for i in range(count):
		member = rng.choice(programme.members)
		shifts = programme.schedules[member.id]
		length = rng.randint(*ABSENCE_DUTIES)
		if len(shifts) < length:
			continue
		first = rng.randrange(len(shifts) - length + 1)
		duties = shifts[first : first + length]
		submitted = duties[0].start - timedelta(hours=12)
		absences.append(CoverRequest(f"AB-{i + 1:03d}", member.id, programme.pool.name, duties, submitted))
	return tuple(absences)


def compare_absence_cover(programme: Programme, absences: Sequence[CoverRequest]) -> AbsenceOutcome:
	"""Each absence judged on the programme's own schedules, ledger empty: filled whole by one member
	(`ranking.rank`), or duty by duty (`duty_cover.cover_plan`)."""
	pool = programme.pool
	filled_whole = filled_per_duty = split_coverers = 0
	for request in absences:
		to_date = (ACADEMIC_YEAR[0], request.submitted_at.date())
		candidates = [
			Candidate(
				member=member,
				membership=pool.membership_of(member.id),
				burden=MemberBurden(member.id),
				exposure=exposure(
					member,
					pool.membership_of(member.id),
					programme.unavailability[member.id],
					to_date,
					pool.zone,
				),
				schedule=_near(list(programme.schedules[member.id]), request.starts_at, request.ends_at),
				unavailability=programme.unavailability[member.id],
				clinic_sessions=_near(
					list(programme.clinic_sessions[member.id]), request.starts_at, request.ends_at
				),
			)
			for member in programme.members
		]
		whole = bool(rank(request, pool, candidates).order)
		slots = [DutySlot(f"{request.id}-{i}", d) for i, d in enumerate(request.duties)]
		plan = cover_plan(request, slots, pool, candidates)
		filled_whole += whole
		if all(p.member for p in plan):
			filled_per_duty += 1
			if not whole:
				split_coverers += len({p.member for p in plan})
	return AbsenceOutcome(len(absences), filled_whole, filled_per_duty, split_coverers)


def describe_absences(outcome: AbsenceOutcome) -> str:
	split = (
		f", shared among {outcome.split_coverers / outcome.per_duty_only:.1f} coverers each"
		if outcome.per_duty_only
		else ""
	)
	return (
		f"Multi-day absences ({outcome.requests} requests of {ABSENCE_DUTIES[0]}–{ABSENCE_DUTIES[1]} own "
		f"shifts): whole-request cover fills {outcome.filled_whole}, per-duty cover with continuity fills "
		f"{outcome.filled_per_duty} ({outcome.per_duty_only} that whole-request cover leaves to overflow"
		f"{split})."
	)


# --- output ------------------------------------------------------------------------------------------


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
	"""A plain-text table: first column left-aligned, figures right-aligned, cells split by " | "."""
	widths = [max(len(r[i]) for r in (headers, *rows)) for i in range(len(headers))]

	def line(cells) -> str:
		return " | ".join(
			cell.ljust(width) if i == 0 else cell.rjust(width)
			for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
		)

	return "\n".join([line(headers), "-+-".join("-" * w for w in widths), *(line(r) for r in rows)])


def format_table(outcomes: Sequence[PolicyOutcome]) -> str:
	return text_table(
		("policy", *(title for _, title, _ in COLUMNS)),
		[(o.policy, *(fmt.format(getattr(o, key)) for key, _, fmt in COLUMNS)) for o in outcomes],
	)


def describe(programme: Programme) -> str:
	ftes = Counter(m.fte for m in programme.members)
	mix = ", ".join(f"{n} at {fte:g}" for fte, n in sorted(ftes.items(), reverse=True))
	return (
		f"Synthetic programme year {ACADEMIC_YEAR[0]:%Y}–{ACADEMIC_YEAR[1]:%y} (seed {programme.seed}): "
		f"{len(programme.members)} residents (FTE {mix}), {len(programme.requests)} cover requests, "
		f"{programme.units_requested:g} units."
	)


def as_json(programme: Programme, outcomes: Sequence[PolicyOutcome]) -> dict:
	return {
		"programme": {
			"seed": programme.seed,
			"members": len(programme.members),
			"requests": len(programme.requests),
			"units_requested": programme.units_requested,
		},
		"policies": {o.policy: o.figures() for o in outcomes},
	}


def pyplot():
	"""matplotlib's pyplot drawing to files only; a clear exit when the optional extra is missing."""
	try:
		import matplotlib
	except ImportError:
		raise SystemExit(
			"--plot needs matplotlib: pip install 'collective_cover[plot]' (or pip install matplotlib)"
		)
	matplotlib.use("Agg")  # a file, never a window
	from matplotlib import pyplot as plt

	return plt


def plot(outcomes: Sequence[PolicyOutcome], path: str) -> None:
	"""Burden-rate distribution per policy: a box per policy with every member as a dot."""
	plt = pyplot()
	figure, axes = plt.subplots(figsize=(11, 5))
	rates = [sorted(o.burden_rate.values()) for o in outcomes]
	axes.boxplot(rates, showfliers=False)
	jitter = random.Random(0)
	for i, values in enumerate(rates, start=1):
		axes.scatter([i + jitter.uniform(-0.15, 0.15) for _ in values], values, s=10, alpha=0.6)
	axes.set_xticks(range(1, len(outcomes) + 1), [o.policy for o in outcomes], rotation=10)
	axes.set_ylabel("burden rate (units per 365 days of exposure)")
	axes.set_title("Cover burden per member, by policy")
	figure.tight_layout()
	figure.savefig(path, dpi=120)
	plt.close(figure)


def main(argv: Sequence[str] | None = None) -> int:
	parser = argparse.ArgumentParser(
		prog="collective-cover-simulate",
		description="Simulate a synthetic programme year under each reciprocity policy and two "
		"Assignment-Rule baselines, and compare their fairness.",
	)
	parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed of the programme")
	parser.add_argument("--members", type=int, default=DEFAULT_MEMBERS, help="residents in the pool")
	parser.add_argument("--json", action="store_true", help="print the figures as JSON")
	parser.add_argument(
		"--plot", metavar="FILE.png", help="draw burden-rate distributions (needs matplotlib)"
	)
	args = parser.parse_args(argv)
	if args.members < 2:
		parser.error("--members must be at least 2")
	if args.plot:
		pyplot()  # fail before the run, not after it
	programme = synthetic_programme(args.seed, args.members)
	outcomes = simulate(programme)
	absences = compare_absence_cover(programme, multi_day_absences(programme))
	if args.json:
		print(
			json.dumps({**as_json(programme, outcomes), "multi_day_absences": absences.figures()}, indent=2)
		)
	else:
		print(describe(programme))
		print(format_table(outcomes))
		print(describe_absences(absences))
	if args.plot:
		plot(outcomes, args.plot)
	return 0


if __name__ == "__main__":
	sys.exit(main())
