"""Cover Timeliness: per pool and month, how many requests were filed, how fast they were covered
(median and 90th percentile from submission to cover) and how: volunteered, assigned or left unfilled.

Requests count from submission, cancelled ones included; shares are of all requests, so a request
cancelled before anyone covered it is neither volunteered, assigned nor unfilled. Nobody's name and no
reason appear: the figures are the pool's.
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, DateFormat, Sum, UnixTimestamp

from collective_cover.engine.fairness import percentile
from collective_cover.reports.scope import day_after, day_start, readable_pools, report_window
from collective_cover.reports.words import in_words, percent, within

VOLUNTEERED = ("Volunteered",)
ASSIGNED = ("Assigned", "Assigned from overflow", "Coordinator override")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	pools = readable_pools(filters)
	counts, durations = load_requests(pools, *report_window(filters), filters.role) if pools else ([], {})
	data = [
		{
			"pool": row.pool,
			"month": row.month,
			"requests": row.requests,
			"volunteered": share(row.volunteered, row.requests),
			"assigned": share(row.assigned, row.requests),
			"unfilled": share(row.unfilled, row.requests),
			"median": time_to_cover(durations.get((row.pool, row.month), []), 50),
			"p90": time_to_cover(durations.get((row.pool, row.month), []), 90),
		}
		for row in counts
	]
	message = in_words(summary_sentences(counts, durations))
	return get_columns(), data, message, get_chart(counts), get_summary(counts, durations)


def load_requests(pools: list[str], start, end, requester_role: str | None = None):
	"""Counts per pool and month in one GROUP BY; seconds to cover of each covered request, sorted, for
	the percentiles (which MariaDB has only as window functions). `requester_role` keeps the requests
	filed by residents, say, or by faculty."""
	req = frappe.qb.DocType("Cover Request")
	month = DateFormat(req.submitted_at, "%Y-%m")
	filed = (
		frappe.qb.from_(req)
		.where(
			req.pool.isin(pools)
			& (req.docstatus > 0)
			& (req.submitted_at >= day_start(start))
			& (req.submitted_at < day_after(end))
		)
		.orderby(req.pool)
		.orderby(month)
	)
	if requester_role:
		clinician = frappe.qb.DocType("Clinician")
		filed = (
			filed.join(clinician).on(clinician.name == req.requester).where(clinician.role == requester_role)
		)

	def how_many(condition):
		return Sum(Case().when(condition, 1).else_(0))

	counts = (
		filed.select(
			req.pool,
			month.as_("month"),
			Count("*").as_("requests"),
			how_many(req.cover_method.isin(VOLUNTEERED)).as_("volunteered"),
			how_many(req.cover_method.isin(ASSIGNED)).as_("assigned"),
			how_many(req.status == "Unfilled").as_("unfilled"),
		).groupby(req.pool, month)
	).run(as_dict=True)
	seconds = UnixTimestamp(req.covered_at) - UnixTimestamp(req.submitted_at)
	durations = defaultdict(list)
	for row in (
		filed.select(req.pool, month.as_("month"), seconds.as_("seconds"))
		.where(req.covered_at.isnotnull())
		.orderby(seconds)
	).run(as_dict=True):
		durations[row.pool, row.month].append(float(row.seconds))
	return counts, durations


def time_to_cover(sorted_seconds: list[float], q: int) -> float | None:
	"""A percentile of seconds to cover; none when nothing was covered (not zero seconds)."""
	return percentile(sorted_seconds, q) if sorted_seconds else None


def share(part, whole) -> float:
	return 100.0 * float(part or 0) / whole if whole else 0.0


def get_columns() -> list[dict]:
	return [
		{"fieldname": "pool", "label": _("Jeopardy Pool"), "fieldtype": "Link", "options": "Jeopardy Pool", "width": 180},
		{"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 90},
		{"fieldname": "requests", "label": _("Requests"), "fieldtype": "Int", "width": 90},
		{"fieldname": "volunteered", "label": _("Volunteered %"), "fieldtype": "Percent", "width": 120},
		{"fieldname": "assigned", "label": _("Assigned %"), "fieldtype": "Percent", "width": 110},
		{"fieldname": "unfilled", "label": _("Unfilled %"), "fieldtype": "Percent", "width": 100},
		{"fieldname": "median", "label": _("Median Time to Cover"), "fieldtype": "Duration", "width": 160},
		{"fieldname": "p90", "label": _("90th Percentile Time to Cover"), "fieldtype": "Duration", "width": 200},
	]  # fmt: skip


def get_chart(counts) -> dict:
	"""How requests were answered, month by month, across the pools shown."""
	months = sorted({row.month for row in counts})
	totals = {key: defaultdict(int) for key in ("volunteered", "assigned", "unfilled")}
	for row in counts:
		for key, by_month in totals.items():
			by_month[row.month] += int(row[key] or 0)
	labels = {"volunteered": _("Volunteered"), "assigned": _("Assigned"), "unfilled": _("Unfilled")}
	return {
		"data": {
			"labels": months,
			"datasets": [
				{"name": labels[key], "values": [by_month[m] for m in months]}
				for key, by_month in totals.items()
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
	}


def summary_sentences(counts, durations) -> list[str]:
	"""How fast and how requests were covered, in words."""
	requests = sum(row.requests for row in counts)
	if not requests:
		return [_("No cover requests were filed in this period.")]
	everything = sorted(seconds for group in durations.values() for seconds in group)
	sentences = [
		_("{0} cover requests: {1} taken by a volunteer, {2} assigned, {3} left unfilled.").format(
			requests,
			percent(sum(row.volunteered or 0 for row in counts), requests),
			percent(sum(row.assigned or 0 for row in counts), requests),
			percent(sum(row.unfilled or 0 for row in counts), requests),
		)
	]
	if everything:
		sentences.append(
			_("Half were covered within {0} of filing, and 9 in 10 within {1}.").format(
				within(percentile(everything, 50)), within(percentile(everything, 90))
			)
		)
	return sentences


def get_summary(counts, durations) -> list[dict]:
	requests = sum(row.requests for row in counts)
	everything = sorted(seconds for group in durations.values() for seconds in group)
	return [
		{"label": _("Requests"), "value": requests, "datatype": "Int"},
		{
			"label": _("Volunteered"),
			"value": share(sum(row.volunteered or 0 for row in counts), requests),
			"datatype": "Percent",
		},
		{"label": _("Median Time to Cover"), "value": percentile(everything, 50), "datatype": "Duration"},
		{
			"label": _("90th Percentile Time to Cover"),
			"value": percentile(everything, 90),
			"datatype": "Duration",
		},
	]
