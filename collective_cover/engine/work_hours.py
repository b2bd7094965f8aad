"""ACGME clinical and educational work-hour rules (common programme requirements VI.F) for added duties.

`check_work_hours` answers: if a member took on `added` on top of `schedule`, which rules would be broken,
and by how much? Only the windows and work periods that contain an added duty are judged, so an old
violation the new duties do not touch is not held against the member.

Every sum is real elapsed time (through UTC), so a DST night counts its 23 or 25 hours; calendar days and
the averaging windows are local days of the pool's time zone, whatever zone the duties are given in.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from itertools import pairwise

from .model import Duty, WorkHourLimits

WEEKLY_HOURS = "weekly_hours"
CONTINUOUS_HOURS = "continuous_hours"
REST_BETWEEN = "rest_between_shifts"
REST_AFTER_CALL = "rest_after_call"
DAYS_OFF = "days_off"
CALL_FREQUENCY = "call_frequency"

_ZERO = timedelta()
_DAY = timedelta(hours=24)  # a day off is 24 real hours, even across a DST change


@dataclass(frozen=True)
class WorkHourFinding:
	"""One broken rule with its worst figures; `hard` is False for "should" rules (minimum rest)."""

	rule: str
	hard: bool
	message: str
	figures: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class _Period:
	"""A continuous stretch of work in UTC: overlapping or touching duties merged."""

	start: datetime
	end: datetime
	added: bool  # contains an added duty, so the rules that look at periods judge it
	duties: frozenset[tuple[datetime, datetime]]  # the merged duties' spans (one duty listed twice is one)

	@property
	def hours(self) -> float:
		return _hours(self.end - self.start)

	@property
	def one_duty(self) -> bool:
		"""A single duty spans the whole period (any other lies inside it)."""
		return (self.start, self.end) in self.duties


def _hours(span: timedelta) -> float:
	return span.total_seconds() / 3600


# Figures are shown to one decimal, rounded against the member so a message never contradicts its rule
# ("exceeds 80 h (80.0 h)"); the inner round() absorbs float noise before ceil/floor.
def _up(x: float) -> float:
	return math.ceil(round(x * 10, 6)) / 10


def _down(x: float) -> float:
	return math.floor(round(x * 10, 6)) / 10


def _utc(dt: datetime) -> datetime:
	return dt.astimezone(timezone.utc)


def _plural(n: float, word: str) -> str:
	return f"{n:g} {word}" + ("" if n == 1 else "s")


def _ordinal(n: int) -> str:
	suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
	return f"{n}{suffix}"


class _Calendar:
	"""Local days of one zone, with their midnights in UTC (a DST day is 23 or 25 h long)."""

	def __init__(self, tz: tzinfo):
		self.tz = tz
		self._midnights: dict[date, datetime] = {}

	def midnight(self, day: date) -> datetime:
		if day not in self._midnights:
			self._midnights[day] = _utc(datetime.combine(day, time(), self.tz))
		return self._midnights[day]

	def window_starts(self, duties: Iterable[Duty], days: int) -> list[date]:
		"""First days of every `days`-long window that shares at least one local day with a duty."""
		starts: set[date] = set()
		for d in duties:
			first, last = d.day_span(self.tz)
			first -= timedelta(days=days - 1)
			starts.update(first + timedelta(days=i) for i in range((last - first).days + 1))
		return sorted(starts)


def _merge(schedule: Sequence[Duty], added: Sequence[Duty]) -> list[_Period]:
	spans = sorted(
		[(_utc(d.start), _utc(d.end), False) for d in schedule]
		+ [(_utc(d.start), _utc(d.end), True) for d in added]
	)
	periods: list[_Period] = []
	for start, end, is_added in spans:
		if periods and start <= periods[-1].end:
			last = periods[-1]
			periods[-1] = _Period(
				last.start, max(last.end, end), last.added or is_added, last.duties | {(start, end)}
			)
		else:
			periods.append(_Period(start, end, is_added, frozenset({(start, end)})))
	return periods


def _weekly(periods, windows, cal: _Calendar, limits: WorkHourLimits) -> WorkHourFinding | None:
	weeks, days = limits.averaging_weeks, limits.averaging_weeks * 7
	worst = None
	for first in windows:
		lo, hi = cal.midnight(first), cal.midnight(first + timedelta(days=days))
		total = sum(
			(min(p.end, hi) - max(p.start, lo) for p in periods if p.start < hi and p.end > lo), _ZERO
		)
		average = _hours(total) / weeks
		worst = average if worst is None else max(worst, average)
	if worst is None or worst <= limits.weekly_average_hours:
		return None
	shown, limit = _up(worst), limits.weekly_average_hours
	return WorkHourFinding(
		WEEKLY_HOURS,
		True,
		f"would exceed {limit:g} h/week averaged over {_plural(weeks, 'week')} ({shown:.1f} h)",
		(("average_hours", shown), ("limit", float(limit))),
	)


def _continuous(periods, limits: WorkHourLimits) -> WorkHourFinding | None:
	"""At most `continuous_hours` (24 h) of continuous scheduled work; one duty may run up to
	`transition_hours` (4 h) longer for its own transitions, as a 24 + 4 h call does. Those hours allow no
	new patient care (DOMAIN.md: "no cover duty may start inside those 4 h"), so a period of several
	duties may not pass 24 h at all: past it, one of them starts or runs on in the transition hours."""
	hours, transitions = limits.continuous_hours, limits.transition_hours
	too_long = [p for p in periods if p.added and p.hours > hours + (transitions if p.one_duty else 0.0)]
	if not too_long:
		return None
	worst = max(too_long, key=lambda p: p.hours)
	shown = _up(worst.hours)
	if worst.one_duty:
		limit = hours + transitions
		message = (
			f"would make {shown:.1f} h of continuous work (limit {hours:g} h + {transitions:g} h transitions)"
		)
	else:
		limit = hours
		message = (
			f"would make {shown:.1f} h of continuous work over {len(worst.duties)} duties (limit {hours:g} h: "
			f"the {transitions:g} h of transitions after it allow no new patient care)"
		)
	return WorkHourFinding(CONTINUOUS_HOURS, True, message, (("hours", shown), ("limit", float(limit))))


def _rests(periods, limits: WorkHourLimits) -> list[WorkHourFinding]:
	"""Each gap next to an added period is judged once: after a call by the hard 14 h rule, else by 8 h."""
	after_call: tuple[float, float] | None = None  # (gap, call length) of the shortest post-call rest
	between: float | None = None
	for before, after in pairwise(periods):
		if not (before.added or after.added):
			continue
		gap = _hours(after.start - before.end)
		# Any period of call length counts as call, in-house or not (an in-house call that long is one too).
		if before.hours >= limits.call_rest_threshold_hours and gap < limits.min_rest_after_call_hours:
			if after_call is None or gap < after_call[0]:
				after_call = (gap, before.hours)
		elif gap < limits.min_rest_hours:
			between = gap if between is None else min(between, gap)
	findings = []
	if after_call is not None:
		gap, call = _down(after_call[0]), round(after_call[1], 1)
		findings.append(
			WorkHourFinding(
				REST_AFTER_CALL,
				True,
				f"only {gap:.1f} h free after {call:g} h call (needs ≥ {limits.min_rest_after_call_hours:g} h)",
				(
					("rest_hours", gap),
					("call_hours", call),
					("minimum", float(limits.min_rest_after_call_hours)),
				),
			)
		)
	if between is not None:
		gap = _down(between)
		findings.append(
			WorkHourFinding(
				REST_BETWEEN,
				False,
				f"only {gap:.1f} h free between shifts (should be ≥ {limits.min_rest_hours:g} h)",
				(("rest_hours", gap), ("minimum", float(limits.min_rest_hours))),
			)
		)
	return findings


def _days_off(periods, windows, cal: _Calendar, limits: WorkHourLimits) -> WorkHourFinding | None:
	"""DOMAIN.md: "≥ 1 day in 7 free of work, averaged over 4 weeks (a day off is one continuous 24-hour
	period free of all clinical and educational work, not a calendar day)".

	A free gap of g hours holds floor(g / 24) days off. They are laid end to end in the middle of the gap,
	and a window counts those whose middle lies inside it. So a day off cut by a window's edge counts in
	the window holding most of it, once in any run of back-to-back windows, and a weekly pattern
	counts the same in every 4-week window wherever it starts (clipping gaps to the window would split a
	free weekend at the edge and count neither half). Before the first and after the last period of work
	the gap runs to the edge of the windows judged, where the schedule handed in stops.
	"""
	weeks, days = limits.averaging_weeks, limits.averaging_weeks * 7
	required = limits.days_off_per_week * weeks
	lo, hi = cal.midnight(windows[0]), cal.midnight(windows[-1] + timedelta(days=days))
	# Sentinels at the edges; a gap that would run backwards (work across an edge) is no gap.
	edges = [(lo, lo), *((p.start, p.end) for p in periods), (hi, hi)]
	middles: list[datetime] = []
	for (_, free_from), (free_until, _) in pairwise(edges):
		if free_until <= free_from:
			continue
		gap = free_until - free_from
		count = gap // _DAY
		first_middle = free_from + (gap - count * _DAY) / 2 + _DAY / 2
		middles.extend(first_middle + i * _DAY for i in range(count))
	fewest = min(
		bisect_left(middles, cal.midnight(first + timedelta(days=days)))
		- bisect_left(middles, cal.midnight(first))
		for first in windows
	)
	if fewest >= required:
		return None
	return WorkHourFinding(
		DAYS_OFF,
		True,
		f"only {_plural(fewest, 'day')} free of work in {_plural(weeks, 'week')} (needs ≥ {required:g})",
		(("days_off", float(fewest)), ("required", float(required))),
	)


def _call_frequency(schedule, added, cal: _Calendar, limits: WorkHourLimits) -> WorkHourFinding | None:
	nth, weeks, days = (
		limits.in_house_call_every_nth_night,
		limits.averaging_weeks,
		limits.averaging_weeks * 7,
	)
	added_calls = [d for d in added if d.is_in_house_call]
	if nth < 1 or not added_calls:
		return None
	allowed = days // nth
	# The same call listed twice (schedule and added) is still one night on call.
	starts = sorted({(_utc(d.start), _utc(d.end)) for d in (*schedule, *added) if d.is_in_house_call})
	starts_only = [s for s, _ in starts]
	most = 0
	for first in cal.window_starts(added_calls, days):
		lo, hi = cal.midnight(first), cal.midnight(first + timedelta(days=days))
		most = max(most, bisect_left(starts_only, hi) - bisect_left(starts_only, lo))
	if most <= allowed:
		return None
	return WorkHourFinding(
		CALL_FREQUENCY,
		True,
		f"would make {most} in-house calls in {_plural(weeks, 'week')} "
		f"(no more often than every {_ordinal(nth)} night: max {allowed})",
		(("calls", float(most)), ("limit", float(allowed))),
	)


def check_work_hours(
	schedule: Sequence[Duty], added: Sequence[Duty], limits: WorkHourLimits, tz: tzinfo
) -> list[WorkHourFinding]:
	"""Findings, at most one per rule with its worst figures, that hold once `added` joins `schedule`.

	Averaging windows are `averaging_weeks` × 7 local days of `tz` (the pool's zone), midnight to
	midnight, and are judged only when they share a day with an added duty; rest and continuity only for
	work periods containing one.
	"""
	if not added:
		return []
	cal = _Calendar(tz)
	periods = _merge(schedule, added)
	windows = cal.window_starts(added, limits.averaging_weeks * 7)
	findings = [
		_weekly(periods, windows, cal, limits),
		_continuous(periods, limits),
		*_rests(periods, limits),
		_days_off(periods, windows, cal, limits),
		_call_frequency(schedule, added, cal, limits),
	]
	return [f for f in findings if f is not None]
