"""Clinic half-days of clinicians, from their weekly templates and from imported clinic shifts."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time

import frappe

from collective_cover.engine.clinic import ClinicTemplate, HalfDay, expand_clinic
from collective_cover.kernel.dates import aware, site_tz

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CLINIC_SHIFT_KIND = "Clinic half-day"


def engine_template(row) -> ClinicTemplate:
	"""Raises ValueError with a readable message when the row is inconsistent."""
	return ClinicTemplate(
		weekday=WEEKDAYS.index(row.weekday),
		half=row.half_day,
		site=row.site,
		effective_from=row.effective_from,
		effective_to=row.effective_to or None,
		cycle_weeks=row.cycle_weeks or 1,
		cycle_week=row.cycle_week or 1,
		cycle_anchor=row.cycle_anchor or None,
	)


def half_day_of_shift(row) -> HalfDay:
	start = aware(row.start).astimezone(site_tz())
	return HalfDay(start.date(), "AM" if start.hour < 12 else "PM", row.site or "")


def clinic_half_days(clinicians: list[str], start: date, end: date) -> dict[str, frozenset[HalfDay]]:
	"""Each clinician's clinic half-days in [start, end], in two queries whatever their number."""
	if not clinicians:
		return {}
	template = frappe.qb.DocType("Clinic Session Template")
	templates = defaultdict(list)
	for row in (
		frappe.qb.from_(template)
		.select("*")
		.where((template.parenttype == "Clinician") & template.parent.isin(clinicians))
	).run(as_dict=True):
		templates[row.parent].append(engine_template(row))

	shift = frappe.qb.DocType("Clinician Shift")
	lo = datetime.combine(start, time())
	hi = datetime.combine(end, time(23, 59, 59))
	dated = defaultdict(list)
	for row in (
		frappe.qb.from_(shift)
		.select(shift.clinician, shift.start, shift.site)
		.where(
			shift.clinician.isin(clinicians)
			& (shift.duty_kind == CLINIC_SHIFT_KIND)
			& shift.displaced_by.isnull()
			& (shift.start >= lo)
			& (shift.start <= hi)
		)
	).run(as_dict=True):
		dated[row.clinician].append(half_day_of_shift(row))

	return {c: expand_clinic(templates[c], dated[c], start, end) for c in clinicians}
