import itertools
from datetime import date, datetime, timedelta, timezone

import pytest
from factories import TZ, at
from hypothesis import given, settings
from hypothesis import strategies as st

from collective_cover.engine.clinic import ClinicTemplate, HalfDay, expand_clinic, half_day_span
from collective_cover.engine.meetings import (
	OVERDUE_AFTER_DAYS,
	MeetingProposal,
	Pace,
	meeting_pace,
	propose_meetings,
)

YEAR = (date(2026, 7, 1), date(2027, 6, 30))
TUESDAY = 1
# The pair share a Tuesday morning clinic at Main every week of the year.
SHARED = tuple(sorted(expand_clinic([ClinicTemplate(TUESDAY, "AM", "Main", YEAR[0])], [], *YEAR)))


def propose(required=2, held=(), busy=(), today=YEAR[0], shared=SHARED, **kw):
	return propose_meetings(shared, required, YEAR, list(held), list(busy), TZ, today, **kw)


def days_of(proposals) -> list[date]:
	return [p.half_day.day for p in proposals]


def test_two_meetings_four_months_apart_from_the_start_of_the_year():
	proposals = propose()
	assert days_of(proposals) == [date(2026, 7, 7), date(2026, 11, 10)]  # 7 July + 122 days is Friday 6 Nov
	first = proposals[0]
	assert first == MeetingProposal(
		HalfDay(date(2026, 7, 7), "AM", "Main"), at("2026-07-07", 8), at("2026-07-07", 12)
	)
	# November is after DST ends: 08:00 local is 13:00 UTC.
	assert proposals[1].start.astimezone(timezone.utc) == datetime(2026, 11, 10, 13, tzinfo=timezone.utc)


def test_a_third_meeting_follows_the_same_spacing():
	assert days_of(propose(required=3)) == [date(2026, 7, 7), date(2026, 11, 10), date(2027, 3, 16)]


def test_held_meetings_count_and_keep_proposals_away():
	# One held in August: one more is owed, no earlier than 122 days later (Tuesday 15 December).
	assert days_of(propose(held=[date(2026, 8, 15)])) == [date(2026, 12, 15)]
	# Held last June: it owes nothing to this year, but still spaces the first proposal (10 October +).
	assert days_of(propose(held=[date(2026, 6, 10)])) == [date(2026, 10, 13), date(2027, 2, 16)]


def test_nothing_is_proposed_once_the_year_is_covered():
	assert propose(held=[date(2026, 8, 1), date(2026, 12, 5)]) == ()
	assert propose(required=0) == ()


def test_proposals_start_today_or_later():
	assert days_of(propose(today=date(2026, 9, 1))) == [date(2026, 9, 1), date(2027, 1, 5)]


def test_fewer_proposals_when_the_year_runs_out():
	assert days_of(propose(today=date(2027, 4, 1))) == [date(2027, 4, 6)]
	assert propose(today=date(2027, 7, 1)) == ()


def test_busy_time_of_either_party_is_skipped():
	away = (at("2026-07-06"), at("2026-07-08"))  # 6–7 July, whole days
	afternoon = (at("2026-07-14", 13), at("2026-07-14", 17))  # does not touch the morning clinic
	ends_at_eight = (at("2026-07-21", 6), at("2026-07-21", 8))  # half-open: free from 08:00
	starts_at_noon = (at("2026-11-10", 12), at("2026-11-10", 18))
	proposals = propose(busy=[away, afternoon, ends_at_eight, starts_at_noon])
	assert days_of(proposals) == [date(2026, 7, 14), date(2026, 11, 17)]
	# A busy interval given in UTC is compared in real time.
	morning_utc = (
		datetime(2026, 7, 7, 15, tzinfo=timezone.utc),
		datetime(2026, 7, 7, 15, 30, tzinfo=timezone.utc),
	)
	assert days_of(propose(busy=[morning_utc]))[0] == date(2026, 7, 14)


def test_without_shared_clinic_there_is_nothing_to_propose():
	assert propose(shared=()) == ()


def test_a_smaller_gap_can_be_configured():
	assert days_of(propose(required=3, min_gap_days=28)) == [
		date(2026, 7, 7),
		date(2026, 8, 4),
		date(2026, 9, 1),
	]


def test_bad_figures_are_refused():
	with pytest.raises(ValueError, match="meetings required must not be negative"):
		propose(required=-1)
	with pytest.raises(ValueError, match="minimum gap"):
		propose(min_gap_days=-1)
	with pytest.raises(ValueError, match="academic year ends"):
		propose_meetings(SHARED, 2, (YEAR[1], YEAR[0]), [], [], TZ, YEAR[0])


def most_meetings_by_brute_force(shared, owed, held, busy, today, gap) -> int:
	candidates = [
		h
		for h in sorted(set(shared))
		if max(YEAR[0], today) <= h.day <= YEAR[1]
		and all(abs((h.day - d).days) >= gap for d in held)
		and not any(s < half_day_span(h, TZ)[1] and half_day_span(h, TZ)[0] < e for s, e in busy)
	]
	for n in range(min(owed, len(candidates)), 0, -1):
		for chosen in itertools.combinations(candidates, n):
			if all((b.day - a.day).days >= gap for a, b in itertools.pairwise(chosen)):
				return n
	return 0


half_days = st.builds(
	HalfDay,
	st.integers(-20, 380).map(lambda n: YEAR[0] + timedelta(days=n)),
	st.sampled_from(["AM", "PM"]),
	st.sampled_from(["Main", "North"]),
)
busy_spans = st.tuples(st.integers(0, 365 * 24), st.integers(1, 24 * 20)).map(
	lambda t: (at("2026-07-01") + timedelta(hours=t[0]), at("2026-07-01") + timedelta(hours=t[0] + t[1]))
)


@settings(max_examples=200, deadline=None)
@given(
	shared=st.lists(half_days, max_size=9),
	required=st.integers(0, 4),
	held=st.lists(st.integers(-60, 380).map(lambda n: YEAR[0] + timedelta(days=n)), max_size=2),
	busy=st.lists(busy_spans, max_size=4),
	today=st.integers(-10, 300).map(lambda n: YEAR[0] + timedelta(days=n)),
	gap=st.sampled_from([0, 30, 122]),
)
def test_proposals_respect_every_rule_and_fit_the_most_meetings(shared, required, held, busy, today, gap):
	proposals = propose_meetings(shared, required, YEAR, held, busy, TZ, today, min_gap_days=gap)
	owed = max(0, required - sum(1 for d in held if YEAR[0] <= d <= YEAR[1]))
	chosen = days_of(proposals)
	assert len(proposals) <= owed
	assert chosen == sorted(chosen)
	for p in proposals:
		assert p.half_day in shared
		assert max(YEAR[0], today) <= p.half_day.day <= YEAR[1]
		assert (p.start, p.end) == half_day_span(p.half_day, TZ)
		assert not any(s < p.end and p.start < e for s, e in busy)
	for i, day in enumerate(chosen):
		assert all(abs((day - other).days) >= gap for other in [*chosen[i + 1 :], *held])
	assert len(proposals) == most_meetings_by_brute_force(shared, owed, held, busy, today, gap)


# Meeting pace over the 365-day academic year 2026–27, two meetings required.


def pace(held=(), today=date(2027, 1, 15), paired_since=YEAR[0], required=2) -> Pace:
	return meeting_pace(list(held), required, YEAR, today, paired_since)


def test_pace_on_track():
	assert pace(held=[date(2026, 9, 15)]) == Pace(
		held=1,
		required=2,
		expected_by_now=1,  # 199 of 365 days gone: floor(2 × 199 / 365) = 1
		behind=False,
		overdue=False,  # 122 days since the meeting
		last_meeting=date(2026, 9, 15),
	)


def test_expected_meetings_follow_an_even_spread():
	assert pace(today=date(2026, 12, 29)).expected_by_now == 0  # 182 days: 364 / 365
	assert pace(today=date(2026, 12, 30)).expected_by_now == 1  # 183 days: 366 / 365
	assert pace(today=date(2027, 6, 30)).expected_by_now == 2
	assert pace(today=date(2027, 8, 1)).expected_by_now == 2  # after the year: all of them
	assert pace(today=date(2026, 6, 1)).expected_by_now == 0  # before it: none
	assert pace(today=date(2026, 12, 30), required=4).expected_by_now == 2


def test_behind_and_overdue_without_any_meeting():
	result = pace(today=date(2027, 1, 1))  # 184 days since the pairing began
	assert (result.held, result.expected_by_now, result.behind, result.overdue) == (0, 1, True, True)
	assert result.last_meeting is None


def test_overdue_only_after_six_months():
	assert OVERDUE_AFTER_DAYS == 183
	assert not pace(today=date(2026, 12, 31)).overdue  # exactly 183 days: still within six months
	assert pace(today=date(2027, 1, 1)).overdue
	assert not pace(today=date(2027, 1, 1), paired_since=date(2026, 9, 1)).overdue  # new pairing
	assert not pace(today=date(2026, 8, 1), paired_since=date(2026, 9, 1)).overdue  # not started yet


def test_a_meeting_last_year_counts_for_overdue_but_not_for_this_years_tally():
	second_year = date(2025, 9, 1)
	result = pace(held=[date(2026, 6, 20)], today=date(2026, 12, 1), paired_since=second_year)
	assert (result.held, result.last_meeting, result.overdue) == (0, date(2026, 6, 20), False)
	assert pace(held=[date(2026, 6, 20)], today=date(2026, 12, 21), paired_since=second_year).overdue
	# The pairing's start counts as contact, like a meeting.
	assert not pace(held=[date(2026, 6, 20)], today=date(2026, 12, 21)).overdue


def test_future_meetings_are_not_held_yet():
	result = pace(held=[date(2026, 8, 1), date(2027, 2, 1)], today=date(2026, 12, 31))
	assert (result.held, result.last_meeting, result.behind) == (1, date(2026, 8, 1), False)


def test_behind_but_not_overdue():
	# Paired in late August with a meeting a month ago: not overdue, but the year expects two by June.
	result = pace(held=[date(2027, 5, 1)], today=date(2027, 6, 1), paired_since=date(2026, 8, 20))
	assert (result.held, result.expected_by_now, result.behind, result.overdue) == (1, 1, False, False)
	result = pace(held=[date(2027, 5, 1)], today=date(2027, 6, 30), paired_since=date(2026, 8, 20))
	assert (result.expected_by_now, result.behind, result.overdue) == (2, True, False)


def test_pace_refuses_bad_figures():
	with pytest.raises(ValueError, match="meetings required must not be negative"):
		pace(required=-2)
	with pytest.raises(ValueError, match="academic year ends"):
		meeting_pace([], 2, (YEAR[1], YEAR[0]), YEAR[0], YEAR[0])
