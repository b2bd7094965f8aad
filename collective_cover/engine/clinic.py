"""Clinic half-days: weekly templates expanded into dates, their local times, and the overlap of two people.

A clinician's clinic is a set of concrete half-days (date × AM/PM × site). They come from weekly templates
— a weekday and half at a site, between effective dates, optionally only in one week of an n-week cycle
such as the clinic week of a 4+1 schedule — and from dated sessions imported from the schedule. Two
people's overlap is the half-days they share: same date, same half, same site (DOMAIN.md,
"Connectedness").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

HALF_DAYS = ("AM", "PM")
# Local clock times of each half-day; combined with a zoneinfo zone they carry the right UTC offset.
HALF_DAY_HOURS = {"AM": (time(8), time(12)), "PM": (time(13), time(17))}


def _check_half(half: str) -> None:
	if half not in HALF_DAYS:
		raise ValueError(f"half-day must be one of {', '.join(HALF_DAYS)}, got {half!r}")


def _monday_of(day: date) -> date:
	return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class ClinicTemplate:
	"""A weekly clinic half-day on a clinician's schedule.

	With `cycle_weeks` > 1 the clinic happens only in week `cycle_week` of each cycle; weeks run Monday to
	Sunday and are counted from the week containing `cycle_anchor`, which is week 1.
	"""

	weekday: int  # 0 = Monday … 6 = Sunday
	half: str  # "AM" or "PM"
	site: str
	effective_from: date
	effective_to: date | None = None  # inclusive; None = open-ended
	cycle_weeks: int = 1  # 1 = every week; 5 = a 5-week cycle such as 4+1
	cycle_week: int = 1  # which week of the cycle (1-based) the clinic happens in
	cycle_anchor: date | None = None  # a date in week 1 of the cycle; required when cycle_weeks > 1

	def __post_init__(self):
		if self.weekday not in range(7):
			raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday!r}")
		_check_half(self.half)
		if self.effective_to is not None and self.effective_to < self.effective_from:
			raise ValueError(
				f"clinic template ends ({self.effective_to}) before it takes effect ({self.effective_from})"
			)
		if self.cycle_weeks < 1:
			raise ValueError(f"a cycle must last at least 1 week, got {self.cycle_weeks}")
		if not 1 <= self.cycle_week <= self.cycle_weeks:
			raise ValueError(
				f"cycle week must be between 1 and {self.cycle_weeks} (the cycle's length), got {self.cycle_week}"
			)
		if self.cycle_weeks > 1 and self.cycle_anchor is None:
			raise ValueError(
				f"a {self.cycle_weeks}-week cycle needs an anchor date in its first week to know which week is which"
			)

	def dates(self, start: date, end: date) -> Iterable[date]:
		"""The dates in [start, end] on which this clinic happens."""
		first = max(start, self.effective_from)
		last = end if self.effective_to is None else min(end, self.effective_to)
		day = first + timedelta(days=(self.weekday - first.weekday()) % 7)
		week_one = _monday_of(self.cycle_anchor) if self.cycle_anchor is not None else None
		while day <= last:
			# Floor division keeps the cycle going backwards too: dates before the anchor still count.
			if week_one is None or ((day - week_one).days // 7) % self.cycle_weeks == self.cycle_week - 1:
				yield day
			day += timedelta(days=7)


@dataclass(frozen=True, order=True)
class HalfDay:
	day: date
	half: str
	site: str

	def __post_init__(self):
		_check_half(self.half)


def expand_clinic(
	templates: Iterable[ClinicTemplate],
	dated: Iterable[HalfDay],
	start: date,
	end: date,
	removed: Iterable[HalfDay] = (),
) -> frozenset[HalfDay]:
	"""Concrete clinic half-days in [start, end] (inclusive): from templates plus dated sessions, minus
	`removed` (e.g. a clinic displaced by a cover)."""
	if end < start:
		raise ValueError(f"window ends ({end}) before it starts ({start})")
	sessions = {HalfDay(day, t.half, t.site) for t in templates for day in t.dates(start, end)}
	sessions.update(h for h in dated if start <= h.day <= end)
	return frozenset(sessions.difference(removed))


def half_day_span(half_day: HalfDay, tz: tzinfo) -> tuple[datetime, datetime]:
	"""Aware local start and end of a half-day: AM 08:00–12:00, PM 13:00–17:00, with the offset in force
	on that date (so the Sunday DST ends still starts at 08:00 local)."""
	begins, ends = HALF_DAY_HOURS[half_day.half]
	return datetime.combine(half_day.day, begins, tz), datetime.combine(half_day.day, ends, tz)


def shared_half_days(a: Iterable[HalfDay], b: Iterable[HalfDay]) -> tuple[HalfDay, ...]:
	"""Half-days two people share — same date, half and site — in date order."""
	return tuple(sorted(set(a).intersection(b)))
