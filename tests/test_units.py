from factories import duty

from collective_cover.engine.model import DutyKind, UnitWeights
from collective_cover.engine.units import duty_units, request_units


def test_default_weights_follow_two_days_equal_one_call():
	w = UnitWeights()
	assert duty_units(duty("2026-09-02", kind=DutyKind.DAY), w) == 1.0
	assert duty_units(duty("2026-09-02", 19, kind=DutyKind.NIGHT), w) == 1.0
	assert duty_units(duty("2026-09-02", 8, 4, kind=DutyKind.CLINIC), w) == 0.5
	assert duty_units(duty("2026-09-02", 7, 26, kind=DutyKind.CALL), w) == 2.0
	# 2 days = 2 nights = 4 clinic half-days = one call
	two_days = request_units([duty("2026-09-02"), duty("2026-09-03")], w)
	four_clinics = request_units([duty(f"2026-09-0{d}", 8, 4, kind=DutyKind.CLINIC) for d in (1, 2, 3, 4)], w)
	assert two_days == four_clinics == 2.0


def test_weekend_and_holiday_multipliers_apply_to_the_start_day():
	w = UnitWeights(weekend_multiplier=1.5, holiday_multiplier=2.0)
	assert duty_units(duty("2026-09-05"), w) == 1.5  # a Saturday
	assert duty_units(duty("2026-09-04", 19, kind=DutyKind.NIGHT), w) == 1.0  # Friday night
	assert duty_units(duty("2026-09-07", holiday=True), w) == 2.0  # Labor Day, a Monday
	assert duty_units(duty("2026-12-26", holiday=True), w) == 3.0  # a holiday on a Saturday


def test_unmatched_kind_is_weighed_by_hours():
	assert duty_units(duty("2026-09-02", 7, 6, kind=DutyKind.OTHER), UnitWeights()) == 0.5
	assert duty_units(duty("2026-09-02", 7, 10, kind=DutyKind.OTHER), UnitWeights(hours_per_unit=8)) == 1.25


def test_hours_fallback_counts_real_hours_across_dst():
	# 2026-11-01 (fall back): 19:00 → 07:00 is 13 real hours.
	assert duty_units(duty("2026-10-31", 19, 13, kind=DutyKind.OTHER), UnitWeights(hours_per_unit=13)) == 1.0
