from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from factories import at, candidate, duty, request, wards

from collective_cover.engine import eligibility as E
from collective_cover.engine.eligibility import check_eligibility
from collective_cover.engine.model import Caps, Duty, DutyKind, Interval, Pool, Role, Unavailability

POOL = wards()
NIGHT = duty("2026-09-10", 19, 12, kind=DutyKind.NIGHT)
REQ = request(NIGHT)


def codes(verdict):
	return [r.code for r in verdict.reasons]


def test_a_free_member_is_eligible_with_no_reasons():
	verdict = check_eligibility(candidate("m"), REQ, POOL)
	assert verdict.eligible and verdict.reasons == ()


def test_the_requester_is_never_eligible():
	verdict = check_eligibility(candidate("req"), REQ, POOL)
	assert (verdict.eligible, codes(verdict)) == (False, [E.REQUESTER])


def test_membership_must_cover_every_day_of_the_duty():
	# The night runs into 11 September; a member who left on the 10th is not active then.
	verdict = check_eligibility(candidate("m", left="2026-09-10"), REQ, POOL)
	assert codes(verdict) == [E.NOT_IN_POOL]
	assert verdict.reasons[0].message == "not active in the pool on 2026-09-11"
	assert check_eligibility(candidate("m", joined="2026-09-11"), REQ, POOL).eligible is False
	assert check_eligibility(candidate("m", left="2026-09-11"), REQ, POOL).eligible is True


def test_unavailability_and_own_shifts_exclude_with_a_readable_sentence():
	away = Unavailability(at("2026-09-07"), at("2026-09-12"), kind="Vacation")
	verdict = check_eligibility(candidate("m", unavailability=[away]), REQ, POOL)
	assert verdict.reasons[0].message == "unavailable (Vacation) 2026-09-07 00:00 → 2026-09-12 00:00"
	own = duty("2026-09-10", 7, 14)  # 07:00–21:00 overlaps the night
	verdict = check_eligibility(candidate("m", schedule=[own]), REQ, POOL)
	assert codes(verdict) == [E.SHIFT_CONFLICT]
	assert verdict.reasons[0].message == "has their own day shift 2026-09-10 07:00 → 2026-09-10 21:00"


def test_role_and_training_level_rules():
	residents_only = wards(allowed_roles=frozenset({Role.RESIDENT}))
	verdict = check_eligibility(candidate("f", role=Role.FACULTY), REQ, residents_only)
	assert verdict.reasons[0].message == "role Faculty may not cover in this pool (Resident)"
	senior_night = request(duty("2026-09-10", 19, 12, kind=DutyKind.NIGHT, level=2))
	verdict = check_eligibility(candidate("intern", level=1), senior_night, POOL)
	assert codes(verdict) == [E.LEVEL_TOO_LOW]
	assert verdict.reasons[0].message == "PGY-1 may not cover a duty that needs PGY-2 or above"
	assert check_eligibility(candidate("pgy2", level=2), senior_night, POOL).eligible
	# A pool may demand a gap above the duty's level; faculty are not bound by training levels.
	strict = wards(min_level_gap=1)
	assert not check_eligibility(candidate("pgy2", level=2), senior_night, strict).eligible
	assert check_eligibility(candidate("f", role=Role.FACULTY), senior_night, strict).eligible


def test_caps_per_block_and_window():
	capped = wards(
		caps=Caps(
			max_activations_per_block=2,
			max_units_per_window=10,
			max_clinic_half_days_lost_per_window=2,
		),
	)
	verdict = check_eligibility(candidate("m", activations_in_block=2), REQ, capped)
	assert codes(verdict) == [E.CAP_ACTIVATIONS_BLOCK]
	assert verdict.reasons[0].message == "would reach 3 activations this block (cap 2)"
	verdict = check_eligibility(candidate("m", units_in_window=9.5), REQ, capped)
	assert verdict.reasons[0].message == "would reach 10.5 units this year (cap 10)"
	assert check_eligibility(candidate("m", units_in_window=9.0), REQ, capped).eligible
	day = request(duty("2026-09-10", 7, 12))
	clinic = Interval(at("2026-09-10", 13), at("2026-09-10", 17))
	verdict = check_eligibility(
		candidate("m", clinic_sessions=[clinic], clinic_half_days_lost=2), day, capped
	)
	assert codes(verdict) == [E.CAP_CLINIC_HALF_DAYS]
	assert check_eligibility(
		candidate("m", clinic_sessions=[clinic], clinic_half_days_lost=1), day, capped
	).eligible


def test_trainee_work_hours_exclude_with_figures_but_faculty_limits_default_to_none():
	# Four weeks at 79.5 h/week (318 h) ending just before the request's week; a 12 h night pushes it over.
	base = at("2026-08-14", 7)
	schedule = [
		duty((base + timedelta(days=d)).date().isoformat(), 7, 13 if d % 4 == 0 else 12) for d in range(0, 27)
	]
	hours = sum(s.hours for s in schedule)
	verdict = check_eligibility(candidate("r", schedule=schedule), REQ, POOL)
	weekly = [r for r in verdict.reasons if r.code == "weekly_hours"]
	assert hours > 318 - 12 and weekly and weekly[0].hard
	assert "80 h" in weekly[0].message
	assert not verdict.eligible
	faculty = check_eligibility(candidate("f", role=Role.FACULTY, schedule=schedule), REQ, POOL)
	assert faculty.eligible and faculty.reasons == ()


def test_should_rules_keep_a_member_eligible_but_flagged():
	# Own day shift ends at 13:00; the night starts at 19:00: 6 h off, below the 8 h the rules ask for.
	verdict = check_eligibility(candidate("m", schedule=[duty("2026-09-10", 5, 8)]), REQ, POOL)
	assert verdict.eligible and verdict.soft_only
	assert [r.hard for r in verdict.reasons] == [False]


def test_days_and_times_in_reasons_are_the_pool_zones_whatever_zone_records_are_given_in():
	utc = ZoneInfo("UTC")
	# 19:00–23:30 New York on 10 September is 23:00–03:30 UTC: in the pool's days it never reaches the 11th.
	evening = duty("2026-09-10", 19, 4)
	evening_in_utc = request(Duty(evening.start.astimezone(utc), evening.end.astimezone(utc)))
	leaves_on_the_10th = candidate("m", left="2026-09-10")
	assert check_eligibility(leaves_on_the_10th, evening_in_utc, POOL).eligible
	verdict = check_eligibility(leaves_on_the_10th, evening_in_utc, wards(time_zone="UTC"))
	assert verdict.reasons[0].message == "not active in the pool on 2026-09-11"
	# Sentences show the pool's wall clock, not the zone the record was stored in.
	away = Unavailability(at("2026-09-10").astimezone(utc), at("2026-09-11").astimezone(utc), kind="Leave")
	verdict = check_eligibility(candidate("m", unavailability=[away]), evening_in_utc, POOL)
	assert verdict.reasons[0].message == "unavailable (Leave) 2026-09-10 00:00 → 2026-09-11 00:00"
	own = Duty(at("2026-09-10", 18).astimezone(utc), at("2026-09-10", 20).astimezone(utc))
	verdict = check_eligibility(candidate("m", schedule=[own]), evening_in_utc, POOL)
	assert verdict.reasons[0].message == "has their own day shift 2026-09-10 18:00 → 2026-09-10 20:00"


def test_a_pool_zone_must_be_an_iana_name():
	assert wards().zone == ZoneInfo("America/New_York")
	assert Pool("Wards").zone == ZoneInfo("UTC")
	with pytest.raises(
		ValueError, match=r"pool Wards: unknown time zone 'Eastern' \(an IANA name such as America/New_York\)"
	):
		Pool("Wards", time_zone="Eastern")


def test_a_cover_starting_as_a_24_hour_call_ends_is_excluded_for_the_transition_hours():
	own_call = duty("2026-09-09", 7, 24, kind=DutyKind.CALL)
	morning = request(duty("2026-09-10", 7, 3))
	verdict = check_eligibility(candidate("r", schedule=[own_call]), morning, POOL)
	assert not verdict.eligible
	assert [(r.code, r.message) for r in verdict.reasons] == [
		(
			"continuous_hours",
			"would make 27.0 h of continuous work over 2 duties "
			"(limit 24 h: the 4 h of transitions after it allow no new patient care)",
		)
	]


def test_a_night_float_resident_with_free_weekends_is_eligible():
	# Sunday to Friday nights 20:00–08:00 through August to October, but for the night to be covered:
	# no calendar day is free, yet every weekend gives 36 h, one day off in seven.
	first = date(2026, 8, 2)  # a Sunday
	nights = [duty((first + timedelta(days=i)).isoformat(), 20, 12, kind=DutyKind.NIGHT) for i in range(91)]
	cover = duty("2026-09-16", 20, 12, kind=DutyKind.NIGHT)
	schedule = [n for n in nights if n.start.weekday() != 5 and n != cover]
	verdict = check_eligibility(candidate("r", schedule=schedule), request(cover), POOL)
	assert (verdict.eligible, verdict.reasons) == (True, ())
