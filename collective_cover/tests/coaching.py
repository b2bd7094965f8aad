"""Helpers for the coaching meeting tests: which Tuesday the year's first meetings fall on, and the slots
a pairing was given, written the way a person reads them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import frappe
from frappe.utils import get_datetime

from collective_cover.kernel.dates import fairness_window
from collective_cover.tests.factories import make_coachable

TUESDAY = 1


def tuesday_on_or_after(day: date) -> date:
	return day + timedelta(days=(TUESDAY - day.weekday()) % 7)


def first_tuesday() -> date:
	"""The first Tuesday of this academic year, the day of the first meetings once time is frozen."""
	return tuesday_on_or_after(fairness_window()[0])


def four_months_after(day: date) -> date:
	"""The Tuesday a pairing's next meeting falls on, meetings being at least 122 days apart."""
	return tuesday_on_or_after(day + timedelta(days=122))


def freeze_before_the_first_tuesday(test_case) -> None:
	"""Freeze time at 09:00 on the Monday before the year's first Tuesday, for the rest of the test."""
	frozen = test_case.freeze_time(datetime.combine(first_tuesday() - timedelta(days=1), time(9)))
	frozen.__enter__()
	test_case.addCleanup(frozen.__exit__, None, None, None)


def make_tuesday_resident(full_name: str) -> str:
	"""A resident who, like Coaching Ada, has clinic every Tuesday afternoon at Main Clinic."""
	return make_coachable(full_name, "Resident", [("Tuesday", "PM", "Main Clinic")], fairness_window()[0])


def slots_of(pairing: str) -> list[tuple[str, str]]:
	"""The pairing's planned meetings as ("2026-07-07 13:00", "13:45"), earliest first."""
	return [
		(f"{get_datetime(m.starts_at):%Y-%m-%d %H:%M}", f"{get_datetime(m.ends_at):%H:%M}")
		for m in frappe.get_all(
			"Coaching Meeting",
			filters={"pairing": pairing, "status": ("!=", "Missed")},
			fields=["starts_at", "ends_at"],
			order_by="starts_at asc",
		)
	]


def slot(day: date, start: str, end: str) -> tuple[str, str]:
	return (f"{day} {start}", end)
