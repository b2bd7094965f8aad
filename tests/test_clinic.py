from datetime import date, datetime, timedelta, timezone

import pytest
from factories import TZ
from hypothesis import given
from hypothesis import strategies as st

from collective_cover.engine.clinic import (
	HALF_DAYS,
	ClinicTemplate,
	HalfDay,
	expand_clinic,
	half_day_span,
	shared_half_days,
)
from collective_cover.engine.model import elapsed_hours

JULY_1 = date(2026, 7, 1)  # a Wednesday; its week starts Monday 29 June
TUESDAY = 1
THURSDAY = 3


def tuesdays(*days: str, half: str = "AM", site: str = "Main") -> frozenset[HalfDay]:
	return frozenset(HalfDay(date.fromisoformat(d), half, site) for d in days)


def clinic_week_of_four_plus_one(**kw) -> ClinicTemplate:
	"""Tuesday AM clinic in week 5 of a 5-week cycle whose week 1 contains 1 July 2026."""
	return ClinicTemplate(
		TUESDAY, "AM", "Main", JULY_1, cycle_weeks=5, cycle_week=5, cycle_anchor=JULY_1, **kw
	)


def test_weekly_template_gives_every_matching_weekday_in_the_window():
	template = ClinicTemplate(TUESDAY, "AM", "Main", JULY_1)
	assert expand_clinic([template], [], JULY_1, date(2026, 7, 31)) == tuesdays(
		"2026-07-07", "2026-07-14", "2026-07-21", "2026-07-28"
	)


def test_effective_dates_are_inclusive_and_clip_the_window():
	template = ClinicTemplate(TUESDAY, "PM", "North", date(2026, 7, 14), effective_to=date(2026, 7, 21))
	assert expand_clinic([template], [], JULY_1, date(2026, 8, 31)) == tuesdays(
		"2026-07-14", "2026-07-21", half="PM", site="North"
	)
	# An open-ended template stops at the window's end, inclusive.
	open_ended = ClinicTemplate(TUESDAY, "PM", "North", date(2026, 7, 14))
	assert expand_clinic([open_ended], [], JULY_1, date(2026, 7, 21)) == tuesdays(
		"2026-07-14", "2026-07-21", half="PM", site="North"
	)


def test_four_plus_one_cycle_gives_only_the_clinic_week():
	assert expand_clinic([clinic_week_of_four_plus_one()], [], JULY_1, date(2026, 12, 31)) == tuesdays(
		"2026-07-28", "2026-09-01", "2026-10-06", "2026-11-10", "2026-12-15"
	)


def test_cycle_weeks_run_backwards_from_the_anchor_too():
	template = ClinicTemplate(
		TUESDAY, "AM", "Main", date(2026, 6, 1), cycle_weeks=5, cycle_week=5, cycle_anchor=JULY_1
	)
	# The week of 22 June is the week before week 1, so week 5 of the previous cycle.
	assert expand_clinic([template], [], date(2026, 6, 1), date(2026, 7, 31)) == tuesdays(
		"2026-06-23", "2026-07-28"
	)


def test_the_weeks_of_a_cycle_partition_the_weekly_clinic():
	window = (date(2026, 5, 1), date(2027, 6, 30))
	weekly = expand_clinic([ClinicTemplate(THURSDAY, "PM", "Main", JULY_1)], [], *window)
	parts = [
		expand_clinic(
			[
				ClinicTemplate(
					THURSDAY, "PM", "Main", JULY_1, cycle_weeks=5, cycle_week=w, cycle_anchor=date(2026, 9, 6)
				)
			],
			[],
			*window,
		)
		for w in range(1, 6)
	]
	assert sum(len(p) for p in parts) == len(weekly) == 52
	assert frozenset().union(*parts) == weekly
	# 2 July falls in week 2 (nine weeks before the anchor's week), so weeks 2 and 3 get the 51st and 52nd.
	assert [len(p) for p in parts] == [10, 11, 11, 10, 10]


def test_dated_sessions_are_added_and_removed_half_days_taken_away():
	template = ClinicTemplate(TUESDAY, "AM", "Main", JULY_1)
	extra = HalfDay(date(2026, 7, 9), "PM", "North")
	outside = HalfDay(date(2026, 8, 3), "AM", "Main")
	displaced = HalfDay(date(2026, 7, 14), "AM", "Main")
	result = expand_clinic([template], [extra, outside], JULY_1, date(2026, 7, 31), removed=[displaced])
	assert result == tuesdays("2026-07-07", "2026-07-21", "2026-07-28") | {extra}
	# Removing a dated session works too, and a removal that matches nothing is harmless.
	assert expand_clinic([], [extra], JULY_1, date(2026, 7, 31), removed=[extra, outside]) == frozenset()


def test_an_empty_schedule_expands_to_nothing():
	assert expand_clinic([], [], JULY_1, JULY_1) == frozenset()


@pytest.mark.parametrize(
	("kwargs", "message"),
	[
		({"weekday": 7}, "weekday must be 0"),
		({"weekday": -1}, "weekday must be 0"),
		({"half": "Noon"}, "half-day must be one of AM, PM"),
		({"effective_to": date(2026, 6, 30)}, "ends (2026-06-30) before it takes effect (2026-07-01)"),
		({"cycle_weeks": 0, "cycle_week": 0}, "at least 1 week"),
		({"cycle_weeks": 5, "cycle_week": 6, "cycle_anchor": JULY_1}, "between 1 and 5"),
		({"cycle_weeks": 5, "cycle_week": 0, "cycle_anchor": JULY_1}, "between 1 and 5"),
		({"cycle_weeks": 5, "cycle_week": 5}, "needs an anchor date"),
	],
)
def test_inconsistent_templates_are_refused_with_a_clear_message(kwargs, message):
	fields = {"weekday": TUESDAY, "half": "AM", "site": "Main", "effective_from": JULY_1, **kwargs}
	with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
		ClinicTemplate(**fields)


def test_half_day_and_window_are_validated():
	with pytest.raises(ValueError, match="half-day must be one of AM, PM"):
		HalfDay(JULY_1, "am", "Main")
	with pytest.raises(ValueError, match="window ends"):
		expand_clinic([], [], JULY_1, date(2026, 6, 30))


def test_half_day_span_local_times():
	start, end = half_day_span(HalfDay(JULY_1, "AM", "Main"), TZ)
	assert (start.hour, end.hour) == (8, 12) and start.tzinfo is TZ
	start, end = half_day_span(HalfDay(JULY_1, "PM", "Main"), TZ)
	assert (start.hour, end.hour) == (13, 17)
	assert start.astimezone(timezone.utc) == datetime(2026, 7, 1, 17, tzinfo=timezone.utc)


def test_half_day_span_across_the_dst_weekend():
	utc = timezone.utc
	# Saturday 31 October 2026 is still EDT (UTC−4); DST ends at 02:00 on Sunday 1 November (EST, UTC−5).
	saturday = half_day_span(HalfDay(date(2026, 10, 31), "AM", "Main"), TZ)
	sunday = half_day_span(HalfDay(date(2026, 11, 1), "AM", "Main"), TZ)
	sunday_pm = half_day_span(HalfDay(date(2026, 11, 1), "PM", "Main"), TZ)
	assert [t.astimezone(utc) for t in saturday] == [
		datetime(2026, 10, 31, 12, tzinfo=utc),
		datetime(2026, 10, 31, 16, tzinfo=utc),
	]
	assert [t.astimezone(utc) for t in sunday] == [
		datetime(2026, 11, 1, 13, tzinfo=utc),
		datetime(2026, 11, 1, 17, tzinfo=utc),
	]
	assert [t.astimezone(utc) for t in sunday_pm] == [
		datetime(2026, 11, 1, 18, tzinfo=utc),
		datetime(2026, 11, 1, 22, tzinfo=utc),
	]
	assert sunday[0].utcoffset() == timedelta(hours=-5) and saturday[0].utcoffset() == timedelta(hours=-4)
	assert elapsed_hours(*sunday) == elapsed_hours(*saturday) == 4.0
	# Spring forward, Sunday 8 March 2026: the morning is already EDT.
	march = half_day_span(HalfDay(date(2026, 3, 8), "AM", "Main"), TZ)
	assert march[0].astimezone(utc) == datetime(2026, 3, 8, 12, tzinfo=utc)


def test_shared_half_days_need_the_same_date_half_and_site():
	day = date(2026, 7, 7)
	a = [HalfDay(day, "AM", "Main"), HalfDay(day, "PM", "Main"), HalfDay(date(2026, 7, 8), "AM", "North")]
	b = [HalfDay(day, "AM", "Main"), HalfDay(day, "PM", "North"), HalfDay(date(2026, 7, 8), "PM", "North")]
	assert shared_half_days(a, b) == (HalfDay(day, "AM", "Main"),)
	assert shared_half_days(a, []) == ()


def test_overlap_of_a_weekly_resident_and_a_four_plus_one_coach():
	year = (JULY_1, date(2027, 6, 30))
	resident = expand_clinic(
		[ClinicTemplate(TUESDAY, "AM", "Main", JULY_1), ClinicTemplate(THURSDAY, "PM", "North", JULY_1)],
		[HalfDay(date(2026, 8, 6), "PM", "Main")],
		*year,
	)
	coach = expand_clinic(
		[clinic_week_of_four_plus_one(), ClinicTemplate(THURSDAY, "PM", "Main", JULY_1)],
		[],
		*year,
		removed=[HalfDay(date(2026, 9, 1), "AM", "Main")],  # displaced by a cover
	)
	shared = shared_half_days(resident, coach)
	# Ten 4+1 clinic Tuesdays in the year, less the displaced one, plus the dated Thursday at Main.
	assert len(shared) == 10
	assert shared[:3] == (
		HalfDay(date(2026, 7, 28), "AM", "Main"),
		HalfDay(date(2026, 8, 6), "PM", "Main"),
		HalfDay(date(2026, 10, 6), "AM", "Main"),
	)
	assert list(shared) == sorted(shared)


@given(
	weekday=st.integers(0, 6),
	half=st.sampled_from(HALF_DAYS),
	cycle_weeks=st.integers(1, 6),
	data=st.data(),
	anchor_offset=st.integers(-60, 60),
	start_offset=st.integers(-30, 200),
	length=st.integers(0, 120),
)
def test_expansion_matches_a_day_by_day_reading(
	weekday, half, cycle_weeks, data, anchor_offset, start_offset, length
):
	cycle_week = data.draw(st.integers(1, cycle_weeks))
	anchor = JULY_1 + timedelta(days=anchor_offset)
	template = ClinicTemplate(
		weekday,
		half,
		"Main",
		JULY_1,
		effective_to=date(2026, 12, 31),
		cycle_weeks=cycle_weeks,
		cycle_week=cycle_week,
		cycle_anchor=anchor,
	)
	start = JULY_1 + timedelta(days=start_offset)
	end = start + timedelta(days=length)
	week_one = anchor - timedelta(days=anchor.weekday())
	expected = set()
	for offset in range(length + 1):
		day = start + timedelta(days=offset)
		in_effect = JULY_1 <= day <= date(2026, 12, 31)
		week = ((day - week_one).days // 7) % cycle_weeks + 1
		if in_effect and day.weekday() == weekday and week == cycle_week:
			expected.add(HalfDay(day, half, "Main"))
	assert expand_clinic([template], [], start, end) == expected
