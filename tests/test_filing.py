"""What may be filed: programme, duty length, horizon, ended and overlapping duties, with figures."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from collective_cover.engine.filing import FiledDuty, FilingRule, filing_problems

TZ = ZoneInfo("America/New_York")
NOW = datetime(2026, 12, 2, 5, 0, tzinfo=TZ)


def duty(row, start_hours, hours):
	start = NOW + timedelta(hours=start_hours)
	return FiledDuty(row, start, start + timedelta(hours=hours))


def rules(problems):
	return [(p.rule, p.rows) for p in problems]


def test_a_day_shift_tomorrow_in_ones_own_programme_may_be_filed():
	assert filing_problems([duty(1, 26, 12)], "IM", "IM", NOW) == []


def test_a_requester_of_another_programme_is_refused():
	problems = filing_problems([duty(1, 26, 12)], "Surgery", "IM", NOW)
	assert rules(problems) == [(FilingRule.OTHER_PROGRAMME, ())]
	assert problems[0].figures == {"programme": "IM"}


def test_a_forty_hour_duty_is_longer_than_the_default_28_hours():
	problems = filing_problems([duty(1, 26, 40)], "IM", "IM", NOW)
	assert rules(problems) == [(FilingRule.TOO_LONG, (1,))]
	assert problems[0].figures == {"hours": 40.0, "max_hours": 28.0}


def test_a_28_hour_call_is_the_longest_allowed_and_a_pool_may_lower_it():
	assert filing_problems([duty(1, 26, 28)], "IM", "IM", NOW) == []
	assert rules(filing_problems([duty(1, 26, 28)], "IM", "IM", NOW, max_duty_hours=24)) == [
		(FilingRule.TOO_LONG, (1,))
	]


def test_length_is_elapsed_time_so_the_autumn_dst_night_has_its_extra_hour():
	# 1 Nov 2026, clocks go back at 02:00: 20:00 → 23:00 next evening on the wall is 28 elapsed hours.
	start = datetime(2026, 10, 31, 20, 0, tzinfo=TZ)
	night = FiledDuty(1, start, datetime(2026, 11, 1, 23, 0, tzinfo=TZ))
	problems = filing_problems([night], "IM", "IM", start - timedelta(days=1), max_duty_hours=27)
	assert problems[0].figures["hours"] == 28.0


def test_a_duty_starting_more_than_a_year_ahead_is_beyond_the_horizon():
	problems = filing_problems([duty(1, 24 * 366, 12)], "IM", "IM", NOW)
	assert rules(problems) == [(FilingRule.BEYOND_HORIZON, (1,))]
	assert problems[0].figures["days"] == 365
	assert filing_problems([duty(1, 24 * 364, 12)], "IM", "IM", NOW) == []


def test_ended_backwards_and_overlapping_duties_name_their_rows():
	problems = filing_problems(
		[duty(1, -14, 12), duty(2, 30, -2), duty(3, 26, 12), duty(4, 30, 12)], "IM", "IM", NOW
	)
	assert rules(problems) == [
		(FilingRule.ALREADY_ENDED, (1,)),
		(FilingRule.ENDS_BEFORE_START, (2,)),
		(FilingRule.OVERLAP, (3, 4)),
	]


def test_no_duty_is_a_problem():
	assert rules(filing_problems([], "IM", "IM", NOW)) == [(FilingRule.NO_DUTY, ())]
