from datetime import date, timedelta

import pytest
from factories import TZ, at
from hypothesis import given
from hypothesis import strategies as st

from collective_cover.engine.fairness import (
	WHOLE_DAY_SLACK,
	academic_window,
	coefficient_of_variation,
	days,
	deviations,
	exposure,
	gini,
	pool_fairness,
	unavailable_dates,
	unavailable_days,
)
from collective_cover.engine.model import Member, Membership, Role, Unavailability

WINDOW = (date(2026, 7, 1), date(2027, 6, 30))


def test_academic_window_starts_on_first_of_july():
	assert academic_window(date(2026, 11, 22)) == WINDOW
	assert academic_window(date(2027, 3, 1)) == WINDOW
	assert academic_window(date(2026, 6, 30)) == (date(2025, 7, 1), date(2026, 6, 30))


def test_exposure_counts_fte_days_active_and_available():
	member = Member("a", Role.RESIDENT, 1, fte=0.5)
	full_year = Membership("a", date(2026, 7, 1))
	assert exposure(member, full_year, (), WINDOW, TZ) == 365 * 0.5
	# Joins mid-window on 1 January: 181 days to 30 June.
	assert exposure(member, Membership("a", date(2027, 1, 1)), (), WINDOW, TZ) == 181 * 0.5
	# Leaves on 31 July (inclusive): 31 days; a pool FTE overrides the member's.
	assert (
		exposure(member, Membership("a", date(2026, 7, 1), date(2026, 7, 31), fte=1.0), (), WINDOW, TZ) == 31
	)
	# One week of vacation (7 whole days) and a half-day of protected time (not a whole day).
	away = (
		Unavailability(at("2026-08-03"), at("2026-08-10"), kind="Vacation"),
		Unavailability(at("2026-09-01", 8), at("2026-09-01", 12), kind="Protected time"),
	)
	assert exposure(member, full_year, away, WINDOW, TZ) == (365 - 7) * 0.5
	assert exposure(member, None, (), WINDOW, TZ) == 0.0


def test_deviation_against_exposure_weighted_fair_share():
	burden = {"a": 6.0, "b": 2.0, "c": 0.0, "d": 0.0}
	exposures = {"a": 100.0, "b": 100.0, "c": 50.0, "d": 0.0}
	f = pool_fairness(burden, exposures)
	assert f.load == 8.0
	assert f.fair_share == {"a": 3.2, "b": 3.2, "c": 1.6, "d": 0.0}
	assert f.deviation == pytest.approx({"a": 2.8, "b": -1.2, "c": -1.6, "d": 0.0})
	assert f.max_abs_deviation == pytest.approx(2.8)
	# Rates 0.06, 0.02, 0.0 (d has no exposure and is left out of rate figures).
	assert f.gini == pytest.approx(gini([0.06, 0.02, 0.0]))
	assert f.gini == pytest.approx(0.5)
	assert f.coefficient_of_variation == pytest.approx(coefficient_of_variation([0.06, 0.02, 0.0]))


def test_gini_and_cv_reference_values():
	assert gini([1, 1, 1, 1]) == 0
	assert gini([0, 0, 0, 4]) == pytest.approx(0.75)
	assert gini([1, 2, 3, 4]) == pytest.approx(0.25)
	assert gini([]) == 0
	assert coefficient_of_variation([2, 4, 4, 4, 5, 5, 7, 9]) == pytest.approx(0.4)


def test_percentiles_are_anonymous_figures():
	f = pool_fairness({"a": 4.0, "b": 0.0}, {"a": 1.0, "b": 1.0})
	assert f.percentiles((0, 50, 100)) == {0: -2.0, 50: 0.0, 100: 2.0}


@given(
	st.dictionaries(
		st.text(min_size=1, max_size=3),
		st.tuples(st.floats(0, 50, allow_nan=False), st.floats(0.5, 365, allow_nan=False)),
		min_size=1,
		max_size=30,
	)
)
def test_deviations_sum_to_zero(members):
	burden = {m: b for m, (b, _) in members.items()}
	exposures = {m: e for m, (_, e) in members.items()}
	assert sum(deviations(burden, exposures).values()) == pytest.approx(0, abs=1e-6)


def test_a_vacation_typed_until_23_59_covers_its_last_day():
	away = [Unavailability(at("2026-12-01"), at("2026-12-03", 23, 59))]
	assert unavailable_dates(away, date(2026, 11, 1), date(2026, 12, 31), TZ) == {
		date(2026, 12, 1),
		date(2026, 12, 2),
		date(2026, 12, 3),
	}
	assert unavailable_days(away, date(2026, 11, 1), date(2026, 12, 31), TZ) == 3
	ends_at_noon = [Unavailability(at("2026-12-01"), at("2026-12-03", 12))]
	assert unavailable_days(ends_at_noon, date(2026, 11, 1), date(2026, 12, 31), TZ) == 2


def test_a_day_covered_by_two_records_together_is_a_day_away():
	member = Member("a", Role.RESIDENT, 1, fte=0.5)
	split_day = (
		Unavailability(at("2026-12-01"), at("2026-12-01", 12), kind="Leave"),
		Unavailability(at("2026-12-01", 12), at("2026-12-02"), kind="Vacation"),
	)
	assert unavailable_dates(split_day, date(2026, 11, 1), date(2026, 12, 31), TZ) == {date(2026, 12, 1)}
	assert exposure(member, Membership("a", date(2026, 7, 1)), split_day, WINDOW, TZ) == 364 * 0.5
	# Typed without seconds: until 11:59, then from 12:00.
	typed = (
		Unavailability(at("2026-12-01"), at("2026-12-01", 11, 59), kind="Leave"),
		Unavailability(at("2026-12-01", 12), at("2026-12-01", 23, 59), kind="Vacation"),
	)
	assert unavailable_days(typed, date(2026, 11, 1), date(2026, 12, 31), TZ) == 1
	# Three overlapping records from 2 December 20:00 to 6 December 00:00: the 3rd, 4th and 5th are away,
	# though only the 4th lies inside any one record.
	chain = (
		Unavailability(at("2026-12-03", 18), at("2026-12-05", 6), kind="Leave"),
		Unavailability(at("2026-12-05", 6), at("2026-12-06"), kind="Away rotation"),
		Unavailability(at("2026-12-02", 20), at("2026-12-03", 20), kind="Post-call"),
	)
	assert unavailable_days(chain, date(2026, 11, 1), date(2026, 12, 31), TZ) == 3
	# A gap of two minutes is a real gap: the day has a free moment.
	gap = (
		Unavailability(at("2026-12-01"), at("2026-12-01", 11, 58), kind="Leave"),
		Unavailability(at("2026-12-01", 12), at("2026-12-02"), kind="Vacation"),
	)
	assert unavailable_days(gap, date(2026, 11, 1), date(2026, 12, 31), TZ) == 0


def away_all_day(day: date, records) -> bool:
	"""Reference: walk from the day's midnight through any record (stretched by the slack) that holds
	the point reached, until none does; the day is away when the walk reaches the next midnight."""
	reach, end = at(day.isoformat()), at((day + timedelta(days=1)).isoformat())
	moved = True
	while reach < end and moved:
		moved = False
		for u in records:
			if u.start <= reach < u.end + WHOLE_DAY_SLACK:
				reach, moved = u.end + WHOLE_DAY_SLACK, True
	return reach >= end


@given(
	st.lists(
		st.tuples(
			st.integers(0, 60),
			st.integers(0, 23),
			st.integers(1, 72),
			st.sampled_from([0, 58, 59]),
		),
		max_size=8,
	)
)
def test_unavailable_days_agrees_with_the_day_by_day_definition(periods):
	away = [
		Unavailability(
			at("2026-07-01", hour) + timedelta(days=d),
			at("2026-07-01", hour, minute) + timedelta(days=d, hours=hours),
		)
		for d, hour, hours, minute in periods
	]
	start, end = date(2026, 7, 5), date(2026, 8, 20)
	expected = {day for day in days(start, end) if away_all_day(day, away)}
	assert unavailable_dates(away, start, end, TZ) == expected
	assert unavailable_days(away, start, end, TZ) == len(expected)
