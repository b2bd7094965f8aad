from zoneinfo import ZoneInfo

from factories import TZ, duty

from collective_cover.engine.model import Duty, DutyKind, UnitWeights
from collective_cover.engine.units import duty_units, request_units


def test_default_weights_follow_two_days_equal_one_call():
	w = UnitWeights()
	assert duty_units(duty("2026-09-02", kind=DutyKind.DAY), w, TZ) == 1.0
	assert duty_units(duty("2026-09-02", 19, kind=DutyKind.NIGHT), w, TZ) == 1.0
	assert duty_units(duty("2026-09-02", 8, 4, kind=DutyKind.CLINIC), w, TZ) == 0.5
	assert duty_units(duty("2026-09-02", 7, 26, kind=DutyKind.CALL), w, TZ) == 2.0
	# 2 days = 2 nights = 4 clinic half-days = one call
	two_days = request_units([duty("2026-09-02"), duty("2026-09-03")], w, TZ)
	four_clinics = request_units(
		[duty(f"2026-09-0{d}", 8, 4, kind=DutyKind.CLINIC) for d in (1, 2, 3, 4)], w, TZ
	)
	assert two_days == four_clinics == 2.0


def test_weekend_and_holiday_multipliers_apply_to_the_start_day():
	w = UnitWeights(weekend_multiplier=1.5, holiday_multiplier=2.0)
	assert duty_units(duty("2026-09-05"), w, TZ) == 1.5  # a Saturday
	assert duty_units(duty("2026-09-04", 19, kind=DutyKind.NIGHT), w, TZ) == 1.0  # Friday night
	assert duty_units(duty("2026-09-07", holiday=True), w, TZ) == 2.0  # Labor Day, a Monday
	assert duty_units(duty("2026-12-26", holiday=True), w, TZ) == 3.0  # a holiday on a Saturday


def test_unmatched_kind_is_weighed_by_hours():
	assert duty_units(duty("2026-09-02", 7, 6, kind=DutyKind.OTHER), UnitWeights(), TZ) == 0.5
	assert (
		duty_units(duty("2026-09-02", 7, 10, kind=DutyKind.OTHER), UnitWeights(hours_per_unit=8), TZ) == 1.25
	)


def test_hours_fallback_counts_real_hours_across_dst():
	# 2026-11-01 (fall back): 19:00 → 07:00 is 13 real hours.
	assert (
		duty_units(duty("2026-10-31", 19, 13, kind=DutyKind.OTHER), UnitWeights(hours_per_unit=13), TZ) == 1.0
	)


def test_the_weekend_is_the_pool_zones_whatever_zone_the_duty_is_given_in():
	w = UnitWeights(weekend_multiplier=1.5)
	utc = ZoneInfo("UTC")
	# Sunday 21:00 New York is Monday 01:00 UTC; Friday 22:00 New York is Saturday 02:00 UTC.
	sunday_night = duty("2026-09-06", 21, 10, kind=DutyKind.NIGHT)
	friday_night = duty("2026-09-04", 22, 9, kind=DutyKind.NIGHT)
	for given_in in (TZ, utc):
		as_given = [
			Duty(d.start.astimezone(given_in), d.end.astimezone(given_in), kind=d.kind)
			for d in (sunday_night, friday_night)
		]
		assert [duty_units(d, w, TZ) for d in as_given] == [1.5, 1.0]
		assert [duty_units(d, w, utc) for d in as_given] == [1.0, 1.5]
