"""Who may cover a request: every rule of DOMAIN.md "Eligibility", each with a reason code and a sentence.

A member is eligible when no hard reason holds. Members that fail only "should" rules stay eligible
but rank after everyone who passes every rule. Days and the times in every sentence are local to the
pool's time zone, whatever zone the records were given in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from .fairness import days
from .model import Candidate, CoverRequest, Duty, DutyKind, Pool
from .units import request_units
from .work_hours import check_work_hours

REQUESTER = "requester"
NOT_IN_POOL = "not_in_pool"
UNAVAILABLE = "unavailable"
SHIFT_CONFLICT = "shift_conflict"
ROLE_NOT_ALLOWED = "role_not_allowed"
LEVEL_TOO_LOW = "level_too_low"
CAP_ACTIVATIONS_BLOCK = "cap_activations_block"
CAP_UNITS_BLOCK = "cap_units_block"
CAP_ACTIVATIONS_WINDOW = "cap_activations_window"
CAP_UNITS_WINDOW = "cap_units_window"
CAP_CLINIC_HALF_DAYS = "cap_clinic_half_days"


@dataclass(frozen=True)
class Reason:
	code: str
	message: str
	hard: bool = True
	figures: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Eligibility:
	member: str
	reasons: tuple[Reason, ...]

	@property
	def eligible(self) -> bool:
		return not any(r.hard for r in self.reasons)

	@property
	def soft_only(self) -> bool:
		"""Eligible, but fails a "should" rule."""
		return self.eligible and bool(self.reasons)


def _fmt(dt: datetime, tz: tzinfo) -> str:
	return dt.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _membership_reasons(candidate: Candidate, request: CoverRequest, pool: Pool) -> list[Reason]:
	membership = candidate.membership
	if membership is None:
		return [Reason(NOT_IN_POOL, "not a member of the pool")]
	for duty in request.duties:
		for day in days(*duty.day_span(pool.zone)):
			if not membership.active_on(day):
				return [Reason(NOT_IN_POOL, f"not active in the pool on {day.isoformat()}")]
	return []


def _availability_reasons(candidate: Candidate, request: CoverRequest, pool: Pool) -> list[Reason]:
	for duty in request.duties:
		for away in candidate.unavailability:
			if away.overlaps(duty):
				span = f"{_fmt(away.start, pool.zone)} → {_fmt(away.end, pool.zone)}"
				return [Reason(UNAVAILABLE, f"unavailable ({away.kind}) {span}")]
	return []


def _shift_conflict_reasons(candidate: Candidate, request: CoverRequest, pool: Pool) -> list[Reason]:
	for duty in request.duties:
		for shift in candidate.schedule:
			if shift.overlaps(duty):
				span = f"{_fmt(shift.start, pool.zone)} → {_fmt(shift.end, pool.zone)}"
				return [Reason(SHIFT_CONFLICT, f"has their own {shift.kind.value.lower()} shift {span}")]
	return []


def _role_level_reasons(candidate: Candidate, request: CoverRequest, pool: Pool) -> list[Reason]:
	member = candidate.member
	if member.role not in pool.allowed_roles:
		allowed = ", ".join(sorted(r.value for r in pool.allowed_roles))
		return [Reason(ROLE_NOT_ALLOWED, f"role {member.role.value} may not cover in this pool ({allowed})")]
	if not member.role.is_trainee:
		return []
	for duty in request.duties:
		if duty.level is None:
			continue
		needed = duty.level + pool.min_level_gap
		if (member.level or 0) < needed:
			return [
				Reason(
					LEVEL_TOO_LOW,
					f"PGY-{member.level or 0} may not cover a duty that needs PGY-{needed} or above",
					figures=(("level", float(member.level or 0)), ("needed", float(needed))),
				)
			]
	return []


def _cap_reasons(candidate: Candidate, request: CoverRequest, pool: Pool) -> list[Reason]:
	caps, burden = pool.caps, candidate.burden
	units = request_units(request.duties, pool.weights, pool.zone)
	lost_clinic = sum(
		1 for duty in request.duties for session in candidate.clinic_sessions if session.overlaps(duty)
	)
	checks = (
		(
			CAP_ACTIVATIONS_BLOCK,
			caps.max_activations_per_block,
			burden.activations_in_block + 1,
			"activations this block",
		),
		(CAP_UNITS_BLOCK, caps.max_units_per_block, burden.units_in_block + units, "units this block"),
		(
			CAP_ACTIVATIONS_WINDOW,
			caps.max_activations_per_window,
			burden.activations_in_window + 1,
			"activations this year",
		),
		(CAP_UNITS_WINDOW, caps.max_units_per_window, burden.units_in_window + units, "units this year"),
		(
			CAP_CLINIC_HALF_DAYS,
			caps.max_clinic_half_days_lost_per_window if lost_clinic else None,
			burden.clinic_half_days_lost + lost_clinic,
			"own clinic half-days lost this year",
		),
	)
	return [
		Reason(
			code,
			f"would reach {after:g} {what} (cap {cap:g})",
			figures=(("after", float(after)), ("cap", float(cap))),
		)
		for code, cap, after, what in checks
		if cap is not None and after > cap
	]


def _work_hour_reasons(candidate: Candidate, request: CoverRequest, pool: Pool) -> list[Reason]:
	limits = pool.trainee_limits if candidate.member.role.is_trainee else pool.faculty_limits
	if limits is None:
		return []
	# Clinic half-days count as work, except those the cover would displace (they are lost instead).
	kept_clinic = tuple(
		s for s in candidate.clinic_sessions if not any(s.overlaps(d) for d in request.duties)
	)
	schedule = candidate.schedule + tuple(Duty(s.start, s.end, kind=DutyKind.CLINIC) for s in kept_clinic)
	return [
		Reason(f.rule, f.message, hard=f.hard, figures=f.figures)
		for f in check_work_hours(schedule, request.duties, limits, pool.zone)
	]


def check_eligibility(candidate: Candidate, request: CoverRequest, pool: Pool) -> Eligibility:
	"""Every reason `candidate` may not (or should not) cover `request`, cheapest checks first."""
	if candidate.member.id == request.requester:
		return Eligibility(candidate.member.id, (Reason(REQUESTER, "is the requester"),))
	reasons = (
		_membership_reasons(candidate, request, pool)
		+ _availability_reasons(candidate, request, pool)
		+ _shift_conflict_reasons(candidate, request, pool)
		+ _role_level_reasons(candidate, request, pool)
		+ _cap_reasons(candidate, request, pool)
	)
	# Work hours are the costliest rule and meaningless next to an overlapping own shift.
	if not any(r.code == SHIFT_CONFLICT for r in reasons):
		reasons += _work_hour_reasons(candidate, request, pool)
	return Eligibility(candidate.member.id, tuple(reasons))
