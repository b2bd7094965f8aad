"""Cover requests per week, split by how each ended: volunteered, assigned, unfilled, cancelled or still
open. A Count chart can group by a date or by a field, not both, so the split is one GROUP BY here."""

from datetime import timedelta

import frappe
from frappe import _
from frappe.query_builder import Case, CustomFunction
from frappe.query_builder.functions import Count
from frappe.utils import cint, getdate

from collective_cover.collective_cover.dashboard_chart_source import chart_scope

DEFAULT_WEEKS = 26
COVERED = ("Covered", "Completed")
# Dataset order; the labels are what the chart's legend shows.
OUTCOMES = ("Volunteered", "Assigned", "Unfilled", "Cancelled", "Open")

# MariaDB's ISO week (mode 3: weeks start on Monday), matched in Python by `iso_week`.
YearWeek = CustomFunction("YEARWEEK", ["date", "mode"])


def iso_week(day) -> int:
	year, week, _weekday = day.isocalendar()
	return year * 100 + week


@frappe.whitelist()
def get(chart_name=None, chart=None, no_cache=None, filters=None, **kwargs) -> dict:
	programs, filters = chart_scope(filters, ("program", "pool", "weeks"))
	weeks = cint(filters.get("weeks")) or DEFAULT_WEEKS
	this_monday = getdate() - timedelta(days=getdate().weekday())
	mondays = [this_monday - timedelta(weeks=n) for n in reversed(range(weeks))]

	req = frappe.qb.DocType("Cover Request")
	outcome = (
		Case()
		.when(req.status.isin(COVERED) & (req.cover_method == "Volunteered"), "Volunteered")
		.when(req.status.isin(COVERED), "Assigned")
		.else_(req.status)
	)
	query = (
		frappe.qb.from_(req)
		.select(YearWeek(req.submitted_at, 3).as_("week"), outcome.as_("outcome"), Count("*").as_("requests"))
		.where(req.program.isin(programs) & (req.docstatus > 0) & (req.submitted_at >= mondays[0]))
		.groupby(YearWeek(req.submitted_at, 3), outcome)
	)
	if filters.get("pool"):
		query = query.where(req.pool == filters.get("pool"))
	counts = {(row.week, row.outcome): row.requests for row in query.run(as_dict=True)}

	return {
		"labels": [frappe.format(monday, "Date") for monday in mondays],
		"datasets": [
			{"name": _(name), "values": [counts.get((iso_week(monday), name), 0) for monday in mondays]}
			for name in OUTCOMES
		],
	}
