"""Cover units: what a duty weighs in the burden ledger."""

from __future__ import annotations

from datetime import tzinfo

from .model import Duty, DutyKind, UnitWeights

_WEIGHT_BY_KIND = {
	DutyKind.DAY: "day",
	DutyKind.NIGHT: "night",
	DutyKind.CLINIC: "clinic",
	DutyKind.CALL: "call",
}


def duty_units(duty: Duty, weights: UnitWeights, tz: tzinfo) -> float:
	"""Units for covering `duty`: its kind's weight (or hours / hours_per_unit when it matches no kind),
	times the weekend multiplier when it starts on a Saturday or Sunday in `tz` (the pool's zone, not the
	zone the duty's datetimes carry) and the holiday multiplier when it falls on a holiday."""
	attr = _WEIGHT_BY_KIND.get(duty.kind)
	units = getattr(weights, attr) if attr else duty.hours / weights.hours_per_unit
	if duty.start.astimezone(tz).weekday() >= 5:
		units *= weights.weekend_multiplier
	if duty.holiday:
		units *= weights.holiday_multiplier
	return round(units, 4)


def request_units(duties, weights: UnitWeights, tz: tzinfo) -> float:
	return round(sum(duty_units(d, weights, tz) for d in duties), 4)
