import itertools
from datetime import date, datetime, timedelta, timezone

import pytest
from factories import TZ, at
from hypothesis import given, settings
from hypothesis import strategies as st

from collective_cover.engine.clinic import ClinicTemplate, HalfDay, expand_clinic, half_day_span
from collective_cover.engine.meetings import (
	OVERDUE_AFTER_DAYS,
	SLOT_STEP,
	Booking,
	MeetingProposal,
	Pace,
	PairingToMeet,
	double_booking,
	meeting_pace,
	propose_for_pairings,
	propose_meetings,
)

YEAR = (date(2026, 7, 1), date(2027, 6, 30))
TUESDAY = 1
# The pair share a Tuesday morning clinic at Main every week of the year.
SHARED = tuple(sorted(expand_clinic([ClinicTemplate(TUESDAY, "AM", "Main", YEAR[0])], [], *YEAR)))
# Every Tuesday afternoon at Main, the clinic a coach shares with each of their residents.
TUESDAY_PM = tuple(sorted(expand_clinic([ClinicTemplate(TUESDAY, "PM", "Main", YEAR[0])], [], *YEAR)))


def propose(required=2, held=(), busy=(), today=YEAR[0], shared=SHARED, **kw):
	return propose_meetings(shared, required, YEAR, list(held), list(busy), TZ, today, **kw)


def days_of(proposals) -> list[date]:
	return [p.half_day.day for p in proposals]


def times_of(proposals) -> list[tuple[str, str]]:
	"""Each proposal as local (start, end), e.g. ("2026-07-07 13:00", "13:45")."""
	return [(f"{p.start:%Y-%m-%d %H:%M}", f"{p.end:%H:%M}") for p in proposals]


def test_two_meetings_four_months_apart_from_the_start_of_the_year():
	proposals = propose()
	assert days_of(proposals) == [date(2026, 7, 7), date(2026, 11, 10)]  # 7 July + 122 days is Friday 6 Nov
	first = proposals[0]
	assert first == MeetingProposal(
		HalfDay(date(2026, 7, 7), "AM", "Main"), at("2026-07-07", 8), at("2026-07-07", 8, 45)
	)
	# November is after DST ends: 08:00 local is 13:00 UTC.
	assert proposals[1].start.astimezone(timezone.utc) == datetime(2026, 11, 10, 13, tzinfo=timezone.utc)
	assert proposals[1].end.astimezone(timezone.utc) == datetime(2026, 11, 10, 13, 45, tzinfo=timezone.utc)


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


def test_busy_time_of_either_party_moves_the_slot_or_the_day():
	away = (at("2026-07-06"), at("2026-07-08"))  # 6–7 July, whole days: the first Tuesday is gone
	afternoon = (at("2026-07-14", 13), at("2026-07-14", 17))  # does not touch the morning clinic
	ends_at_eight = (at("2026-11-17", 6), at("2026-11-17", 8))  # half-open: free from 08:00
	assert times_of(propose(busy=[away, afternoon, ends_at_eight])) == [
		("2026-07-14 08:00", "08:45"),
		("2026-11-17 08:00", "08:45"),
	]
	# A busy interval given in UTC is compared in real time: 08:10–08:40 local pushes the slot to 08:45.
	morning_utc = (
		datetime(2026, 7, 7, 12, 10, tzinfo=timezone.utc),
		datetime(2026, 7, 7, 12, 40, tzinfo=timezone.utc),
	)
	assert times_of(propose(busy=[morning_utc]))[0] == ("2026-07-07 08:45", "09:30")


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


# Slots: one coach, several residents, each meeting a slot of the configured length.


def pairing(resident, coach="xavier", shared=TUESDAY_PM, required=2, held=()) -> PairingToMeet:
	return PairingToMeet(f"{resident}-{coach}", resident, coach, shared, required, held)


def plan(*pairings, busy=None, today=YEAR[0], **kw) -> dict[str, list[tuple[str, str]]]:
	proposed = propose_for_pairings(pairings, busy or {}, YEAR, TZ, today, **kw)
	return {key: times_of(proposals) for key, proposals in proposed.items()}


def test_two_residents_of_one_coach_get_consecutive_slots_not_the_same_afternoon():
	assert plan(pairing("ada"), pairing("ben")) == {
		"ada-xavier": [("2026-07-07 13:00", "13:45"), ("2026-11-10 13:00", "13:45")],
		"ben-xavier": [("2026-07-07 13:45", "14:30"), ("2026-11-10 13:45", "14:30")],
	}


def test_a_coachs_existing_meeting_pushes_the_slot_to_when_it_ends():
	other_meeting = (at("2026-07-07", 13), at("2026-07-07", 14))
	assert plan(pairing("ada"), busy={"xavier": [other_meeting]})["ada-xavier"][0] == (
		"2026-07-07 14:00",
		"14:45",
	)


def test_the_residents_busy_time_counts_too_and_slots_stay_on_the_quarter_hour():
	dentist = (at("2026-07-07", 13), at("2026-07-07", 13, 20))
	assert plan(pairing("ada"), busy={"ada": [dentist]})["ada-xavier"][0] == ("2026-07-07 13:30", "14:15")


def test_unavailability_over_the_whole_half_day_moves_to_the_next_shared_one():
	leave = (at("2026-07-07", 12), at("2026-07-07", 17))
	assert plan(pairing("ada"), busy={"xavier": [leave]})["ada-xavier"] == [
		("2026-07-14 13:00", "13:45"),
		("2026-11-17 13:00", "13:45"),  # four months from the meeting that fitted, not from the first idea
	]


def test_a_slot_must_fit_before_the_half_day_ends():
	leaves_at_half_past_four = (at("2026-07-07", 16, 30), at("2026-07-07", 17))
	booked_until_four = (at("2026-07-07", 13), at("2026-07-07", 16))
	busy = {"xavier": [booked_until_four, leaves_at_half_past_four]}
	assert plan(pairing("ada"), busy=busy)["ada-xavier"][0] == ("2026-07-14 13:00", "13:45")
	assert plan(pairing("ada"), busy=busy, minutes=30)["ada-xavier"][0] == ("2026-07-07 16:00", "16:30")


def test_thirty_and_sixty_minute_meetings():
	assert plan(pairing("ada"), pairing("ben"), minutes=30) == {
		"ada-xavier": [("2026-07-07 13:00", "13:30"), ("2026-11-10 13:00", "13:30")],
		"ben-xavier": [("2026-07-07 13:30", "14:00"), ("2026-11-10 13:30", "14:00")],
	}
	# Four hour-long meetings fill a coach's afternoon; the fifth resident meets the week after.
	hour_long = plan(*(pairing(r, required=1) for r in ("a", "b", "c", "d", "e")), minutes=60)
	assert hour_long == {
		"a-xavier": [("2026-07-07 13:00", "14:00")],
		"b-xavier": [("2026-07-07 14:00", "15:00")],
		"c-xavier": [("2026-07-07 15:00", "16:00")],
		"d-xavier": [("2026-07-07 16:00", "17:00")],
		"e-xavier": [("2026-07-14 13:00", "14:00")],
	}


def test_a_length_off_the_grid_starts_the_next_slot_on_the_next_quarter_hour():
	assert plan(pairing("ada", required=1), pairing("ben", required=1), minutes=50) == {
		"ada-xavier": [("2026-07-07 13:00", "13:50")],
		"ben-xavier": [("2026-07-07 14:00", "14:50")],
	}


def test_a_resident_with_two_coaches_in_one_run_is_not_double_booked_either():
	assert plan(pairing("ada", "xavier", required=1), pairing("ada", "yara", required=1)) == {
		"ada-xavier": [("2026-07-07 13:00", "13:45")],
		"ada-yara": [("2026-07-07 13:45", "14:30")],
	}


def test_a_slot_already_begun_or_past_today_is_not_proposed():
	after_two = at("2026-07-07", 14, 5)
	assert plan(pairing("ada"), today=date(2026, 7, 7), now=after_two)["ada-xavier"][0] == (
		"2026-07-07 14:15",
		"15:00",
	)
	after_clinic = at("2026-07-07", 16, 20)
	assert plan(pairing("ada"), today=date(2026, 7, 7), now=after_clinic)["ada-xavier"][0] == (
		"2026-07-14 13:00",
		"13:45",
	)


def test_one_pairings_own_proposals_never_overlap_even_at_two_shared_sites():
	two_sites = (HalfDay(date(2026, 7, 7), "PM", "Main"), HalfDay(date(2026, 7, 7), "PM", "North"))
	assert times_of(propose(shared=two_sites, min_gap_days=0)) == [
		("2026-07-07 13:00", "13:45"),
		("2026-07-07 13:45", "14:30"),
	]


def test_slots_on_the_day_daylight_saving_time_ends_last_real_minutes():
	# Sunday 1 November 2026: New York falls back at 02:00, the day has 25 hours.
	sunday_am = (HalfDay(date(2026, 11, 1), "AM", "Main"),)
	first = propose_for_pairings([pairing("ada", shared=sunday_am, required=1)], {}, YEAR, TZ, YEAR[0])
	(slot,) = first["ada-xavier"]
	assert (f"{slot.start:%H:%M %Z}", f"{slot.end:%H:%M %Z}") == ("08:00 EST", "08:45 EST")
	assert slot.start.astimezone(timezone.utc) == datetime(2026, 11, 1, 13, tzinfo=timezone.utc)
	assert slot.end - slot.start == timedelta(minutes=45)
	# The coach is busy 13:00–14:00 UTC, which that morning is 08:00–09:00 local (not 09:00–10:00).
	busy_utc = (
		datetime(2026, 11, 1, 13, tzinfo=timezone.utc),
		datetime(2026, 11, 1, 14, tzinfo=timezone.utc),
	)
	later = propose_for_pairings(
		[pairing("ada", shared=sunday_am, required=1)], {"xavier": [busy_utc]}, YEAR, TZ, YEAR[0]
	)
	assert times_of(later["ada-xavier"]) == [("2026-11-01 09:00", "09:45")]
	# Spring forward, Sunday 14 March 2027 (a 23-hour day): 08:00 local is 12:00 UTC.
	spring = (HalfDay(date(2027, 3, 14), "AM", "Main"),)
	(slot,) = propose_meetings(spring, 1, YEAR, [], [], TZ, YEAR[0], minutes=60)
	assert (slot.start.astimezone(timezone.utc).hour, slot.end.astimezone(timezone.utc).hour) == (12, 13)


@pytest.mark.parametrize("minutes", [0, 15, 29, 61, 90, -45, 45.0, "45", True, None])
def test_meeting_lengths_other_than_30_to_60_whole_minutes_are_refused(minutes):
	with pytest.raises(ValueError, match="a meeting lasts"):
		propose(minutes=minutes)
	with pytest.raises(ValueError, match="a meeting lasts"):
		propose_for_pairings([pairing("ada")], {}, YEAR, TZ, YEAR[0], minutes=minutes)


# Double booking: a meeting saved by hand must not take either person's time twice.


def booking(person, start, end):
	return Booking(person, at("2026-07-07", *start), at("2026-07-07", *end))


def test_a_meeting_overlapping_either_persons_other_meeting_is_a_double_booking():
	coach_at_one = booking("xavier", (13,), (13, 45))
	resident_at_three = booking("ada", (15,), (16,))
	someone_else = booking("ben", (14,), (15,))
	bookings = [resident_at_three, coach_at_one, someone_else]
	people = ("ada", "xavier")
	assert (
		double_booking(at("2026-07-07", 13, 30), at("2026-07-07", 15, 30), people, bookings) == coach_at_one
	)
	assert (
		double_booking(at("2026-07-07", 15, 30), at("2026-07-07", 16), people, bookings) == resident_at_three
	)
	# Back to back is fine, and other people's meetings are not theirs.
	assert double_booking(at("2026-07-07", 13, 45), at("2026-07-07", 15), people, bookings) is None


def test_double_booking_compares_instants_not_wall_clocks():
	in_utc = Booking(
		"xavier",
		datetime(2026, 11, 1, 13, tzinfo=timezone.utc),  # 08:00 EST on the day DST ends
		datetime(2026, 11, 1, 14, tzinfo=timezone.utc),
	)
	nine = datetime(2026, 11, 1, 9, tzinfo=TZ)
	assert double_booking(nine, nine + timedelta(hours=1), ["xavier"], [in_utc]) is None
	assert double_booking(nine - timedelta(minutes=1), nine, ["xavier"], [in_utc]) == in_utc
	with pytest.raises(ValueError, match="must end after it starts"):
		double_booking(nine, nine, ["xavier"], [])


# Properties: every proposal is a free slot of the configured length, and the greedy fits the most.


def free_slots(half_day, busy, minutes=45):
	"""Every slot of the half-day's quarter-hour grid that overlaps no busy interval."""
	start, end = half_day_span(half_day, TZ)
	length = timedelta(minutes=minutes)
	slots = []
	while start + length <= end:
		if not any(s < start + length and start < e for s, e in busy):
			slots.append((start, start + length))
		start += SLOT_STEP
	return slots


def most_meetings_by_brute_force(shared, owed, held, busy, today, gap) -> int:
	candidates = [
		h
		for h in sorted(set(shared))
		if max(YEAR[0], today) <= h.day <= YEAR[1]
		and all(abs((h.day - d).days) >= gap for d in held)
		and free_slots(h, busy)
	]
	for n in range(min(owed, len(candidates)), 0, -1):
		for chosen in itertools.combinations(candidates, n):
			if all((b.day - a.day).days >= gap for a, b in itertools.pairwise(chosen)):
				return n
	return 0


days = st.integers(-20, 380).map(lambda n: YEAR[0] + timedelta(days=n))
# One site per date, so two half-days never share a clock time.
half_days = st.builds(
	lambda day, half: HalfDay(day, half, "Main" if day.toordinal() % 2 else "North"),
	days,
	st.sampled_from(["AM", "PM"]),
)
busy_spans = st.tuples(st.integers(0, 365 * 24 * 4), st.integers(1, 4 * 24 * 20)).map(
	lambda t: (
		at("2026-07-01") + timedelta(minutes=15 * t[0] + 5),
		at("2026-07-01") + timedelta(minutes=15 * (t[0] + t[1])),
	)
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
		assert (p.start, p.end) == free_slots(p.half_day, busy)[0]  # the earliest free slot of its half-day
	for i, day in enumerate(chosen):
		assert all(abs((day - other).days) >= gap for other in [*chosen[i + 1 :], *held])
	assert len(proposals) == most_meetings_by_brute_force(shared, owed, held, busy, today, gap)


people = st.sampled_from(["ada", "ben", "cy"]), st.sampled_from(["xavier", "yara"])


@settings(max_examples=100, deadline=None)
@given(
	pairs=st.lists(st.tuples(*people), min_size=1, max_size=6),
	shared=st.lists(half_days, min_size=1, max_size=6),
	busy=st.dictionaries(
		st.sampled_from(["ada", "ben", "cy", "xavier", "yara"]), st.lists(busy_spans, max_size=3)
	),
	minutes=st.integers(30, 60),
)
def test_nobody_is_ever_double_booked_in_a_run(pairs, shared, busy, minutes):
	pairings = [
		PairingToMeet(f"P{i}", resident, coach, shared, 2, ()) for i, (resident, coach) in enumerate(pairs)
	]
	proposed = propose_for_pairings(pairings, busy, YEAR, TZ, YEAR[0], minutes=minutes, min_gap_days=0)
	taken = [
		Booking(person, p.start, p.end)
		for pairing in pairings
		for p in proposed[pairing.pairing]
		for person in (pairing.resident, pairing.coach)
	]
	for mine in taken:
		assert mine.end - mine.start == timedelta(minutes=minutes)
		others = [b for b in taken if b is not mine]
		assert double_booking(mine.start, mine.end, [mine.person], others) is None
		assert not any(s < mine.end and mine.start < e for s, e in busy.get(mine.person, ()))


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
