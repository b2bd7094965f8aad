"""Fairness over a window: exposure, fair share, deviation, and the pool's summary figures.

Definitions (DOMAIN.md, "Fairness"):
- exposure eᵢ = Σ FTEᵢ over the days member i is active in the pool and not unavailable;
  a day is unavailable when the member's records together cover it whole (the union of the records);
- fair share fᵢ = L · eᵢ / Σⱼ eⱼ; burden bᵢ = units covered + standby credits; deviation dᵢ = bᵢ − fᵢ.
The load L is the burden carried by all members (units covered plus standby credits), so the
deviations of a pool always sum to zero: nobody's credit is conjured out of thin air.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from .model import Member, Membership, Unavailability


def academic_window(day: date, start_month: int = 7, start_day: int = 1) -> tuple[date, date]:
	"""The window (default academic year from 1 July) containing `day`, as inclusive dates."""
	start = date(day.year, start_month, start_day)
	if day < start:
		start = date(day.year - 1, start_month, start_day)
	end = date(start.year + 1, start_month, start_day) - timedelta(days=1)
	return start, end


def days(start: date, end: date) -> Iterable[date]:
	"""Inclusive range of dates."""
	for offset in range((end - start).days + 1):
		yield start + timedelta(days=offset)


# Desk's datetime picker has no seconds, so a vacation typed "until 23:59" means the whole day, and one
# typed until 11:59 runs on into another from 12:00.
WHOLE_DAY_SLACK = timedelta(minutes=1)


def _away_spans(unavailability: Iterable[Unavailability]) -> list[tuple[datetime, datetime]]:
	"""The union of a member's unavailability as disjoint UTC spans in time order, each record's end
	stretched by WHOLE_DAY_SLACK (DOMAIN.md: "Unavailability is the union of a member's records: a day
	covered by two records together is a day away")."""
	spans: list[tuple[datetime, datetime]] = []
	for start, end in sorted(
		(u.start.astimezone(timezone.utc), u.end.astimezone(timezone.utc) + WHOLE_DAY_SLACK)
		for u in unavailability
	):
		if spans and start <= spans[-1][1]:
			spans[-1] = (spans[-1][0], max(spans[-1][1], end))
		else:
			spans.append((start, end))
	return spans


def _away_day_runs(
	unavailability: Iterable[Unavailability], start: date, end: date, tz: tzinfo
) -> list[tuple[date, date]]:
	"""Runs (first, last) of the local days in [start, end] that the union covers whole. The spans are
	disjoint, so no day is in two runs: a whole day lies inside one span or none."""
	runs = []
	for span_start, span_end in _away_spans(unavailability):
		local_start, local_end = span_start.astimezone(tz), span_end.astimezone(tz)
		# First whole day begins at or after the start; last whole day ends at or before the end.
		first = local_start.date() if local_start.time() == time() else local_start.date() + timedelta(days=1)
		first, last = max(first, start), min(local_end.date() - timedelta(days=1), end)
		if first <= last:
			runs.append((first, last))
	return runs


def unavailable_dates(
	unavailability: Iterable[Unavailability], start: date, end: date, tz: tzinfo
) -> set[date]:
	"""The local days in [start, end] that the member's unavailability, taken together, covers whole (to
	the minute: an end at 23:59 covers the day)."""
	return {
		day for first, last in _away_day_runs(unavailability, start, end, tz) for day in days(first, last)
	}


def unavailable_days(unavailability: Iterable[Unavailability], start: date, end: date, tz: tzinfo) -> int:
	"""How many of `unavailable_dates` there are — O(periods), not O(days)."""
	return sum((last - first).days + 1 for first, last in _away_day_runs(unavailability, start, end, tz))


def exposure(
	member: Member,
	membership: Membership | None,
	unavailability: Iterable[Unavailability],
	window: tuple[date, date],
	tz: tzinfo,
) -> float:
	"""Σ FTE over the window's local days in `tz` (the pool's zone) on which the member is active in the
	pool and not unavailable."""
	if membership is None:
		return 0.0
	fte = membership.fte if membership.fte is not None else member.fte
	start = max(window[0], membership.joined)
	end = window[1] if membership.left is None else min(window[1], membership.left)
	if start > end:
		return 0.0
	return fte * ((end - start).days + 1 - unavailable_days(unavailability, start, end, tz))


def fair_shares(burden: Mapping[str, float], exposures: Mapping[str, float]) -> dict[str, float]:
	total_exposure = sum(exposures.values())
	load = sum(burden.get(m, 0.0) for m in exposures)
	if total_exposure <= 0:
		return {m: 0.0 for m in exposures}
	return {m: load * e / total_exposure for m, e in exposures.items()}


def deviations(burden: Mapping[str, float], exposures: Mapping[str, float]) -> dict[str, float]:
	"""dᵢ = bᵢ − fᵢ for every member with an exposure entry (they sum to zero)."""
	shares = fair_shares(burden, exposures)
	return {m: burden.get(m, 0.0) - shares[m] for m in exposures}


def gini(values: Sequence[float]) -> float:
	"""Gini coefficient of non-negative values (0 = perfectly equal)."""
	xs = sorted(values)
	n = len(xs)
	total = sum(xs)
	if n == 0 or total <= 0:
		return 0.0
	# Sorted form of Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² μ).
	weighted = sum((2 * (i + 1) - n - 1) * x for i, x in enumerate(xs))
	return weighted / (n * total)


def coefficient_of_variation(values: Sequence[float]) -> float:
	n = len(values)
	if n == 0:
		return 0.0
	mean = sum(values) / n
	if mean == 0:
		return 0.0
	return math.sqrt(sum((v - mean) ** 2 for v in values) / n) / mean


@dataclass(frozen=True)
class PoolFairness:
	load: float
	fair_share: Mapping[str, float]
	deviation: Mapping[str, float]
	max_abs_deviation: float
	gini: float  # of burden rate bᵢ / eᵢ, over members with exposure
	coefficient_of_variation: float

	def percentiles(self, qs: Sequence[float] = (10, 25, 50, 75, 90)) -> dict[float, float]:
		"""Anonymised distribution of deviations, for members' transparency view."""
		return {q: percentile(sorted(self.deviation.values()), q) for q in qs}


def percentile(sorted_values: Sequence[float], q: float) -> float:
	"""Linear-interpolation percentile (numpy's default) of already sorted values."""
	if not sorted_values:
		return 0.0
	pos = (len(sorted_values) - 1) * q / 100
	lo = math.floor(pos)
	hi = min(lo + 1, len(sorted_values) - 1)
	return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def pool_fairness(burden: Mapping[str, float], exposures: Mapping[str, float]) -> PoolFairness:
	shares = fair_shares(burden, exposures)
	devs = {m: burden.get(m, 0.0) - shares[m] for m in exposures}
	rates = [burden.get(m, 0.0) / e for m, e in exposures.items() if e > 0]
	return PoolFairness(
		load=sum(burden.get(m, 0.0) for m in exposures),
		fair_share=shares,
		deviation=devs,
		max_abs_deviation=max((abs(d) for d in devs.values()), default=0.0),
		gini=gini(rates),
		coefficient_of_variation=coefficient_of_variation(rates),
	)
