"""What may be filed: programme, duty length, horizon, ended and overlapping duties, with figures."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from collective_cover.engine.filing import (
	ClaimRefusal,
	FiledDuty,
	FilingRule,
	ScheduledShift,
	claim_refusal,
	filing_problems,
)

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


def shift(hours_from_now, **fields):
	return ScheduledShift(clinician="ana", start=NOW + timedelta(hours=hours_from_now), **fields)


def test_ones_own_shift_ahead_may_be_called_out_of():
	assert claim_refusal(shift(2), "ana", NOW) is None


def test_a_shift_of_someone_else_or_none_at_all_is_not_yours():
	assert claim_refusal(shift(2), "ben", NOW) is ClaimRefusal.NOT_YOURS
	assert claim_refusal(None, "ana", NOW) is ClaimRefusal.NOT_YOURS


def test_a_cover_one_gives_belongs_to_its_request_even_before_it_starts():
	assert claim_refusal(shift(2, part_of_a_cover=True), "ana", NOW) is ClaimRefusal.PART_OF_A_COVER


def test_a_shift_that_has_started_is_refused_from_its_first_minute():
	assert claim_refusal(shift(0), "ana", NOW) is ClaimRefusal.STARTED
	assert claim_refusal(shift(-3), "ana", NOW) is ClaimRefusal.STARTED
	assert claim_refusal(shift(1 / 60), "ana", NOW) is None


def test_a_shift_already_in_one_of_ones_requests_is_not_called_out_of_twice():
	assert claim_refusal(shift(2, called_out_by="CR-0001"), "ana", NOW) is ClaimRefusal.ALREADY_CALLED_OUT
	# Someone else's shift is "not yours" first: nothing about their requests is said.
	assert claim_refusal(shift(2, called_out_by="CR-0001"), "ben", NOW) is ClaimRefusal.NOT_YOURS
