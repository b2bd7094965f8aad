"""What a report covers: its window, and the pools and programmes the session user may read.

Pools and programmes are listed with `frappe.get_list`, so role permissions and User Permissions on
Residency Program narrow every report exactly as they narrow Desk's lists.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import getdate, today

from collective_cover.kernel.access import clinician_of, is_staff
from collective_cover.kernel.dates import fairness_window


class ReportWindowError(frappe.ValidationError):
	pass


def report_window(filters) -> tuple[date, date]:
	"""The report's inclusive dates: From Date (default: start of the academic year) to To Date (today)."""
	start = getdate(filters.get("from_date") or fairness_window()[0])
	end = getdate(filters.get("to_date") or today())
	if end < start:
		frappe.throw(
			_("To Date {0} is before From Date {1}.").format(end, start), ReportWindowError, title=_("Dates")
		)
	return start, end


def day_start(day: date) -> datetime:
	return datetime.combine(day, time())


def day_after(day: date) -> datetime:
	"""The first moment after `day`: stored datetimes of the day are strictly before it."""
	return day_start(day + timedelta(days=1))


def readable_pools(filters) -> list[str]:
	"""The pools the session user may read, narrowed by the Programme and Pool filters."""
	conditions = {}
	if filters.get("program"):
		conditions["program"] = filters.program
	if filters.get("pool"):
		conditions["name"] = filters.pool
	return frappe.get_list("Jeopardy Pool", filters=conditions, pluck="name", order_by="name asc")


def readable_programs(filters) -> list[str]:
	"""The programmes the session user may read, narrowed by the Programme filter."""
	conditions = {"name": filters.program} if filters.get("program") else {}
	return frappe.get_list("Residency Program", filters=conditions, pluck="name", order_by="name asc")


def default_pool() -> str | None:
	"""The pool a pool report opens on: for staff the largest pool they may read, for a clinician the
	largest pool they are an active member of (the only pools whose report they may open)."""
	member = frappe.qb.DocType("Jeopardy Pool Member")
	active = (
		(member.parenttype == "Jeopardy Pool")
		& (member.joined_on <= today())
		& (member.left_on.isnull() | (member.left_on >= today()))
	)
	pools = frappe.get_list("Jeopardy Pool", pluck="name")
	if not is_staff():
		mine = member.clinician == (clinician_of(frappe.session.user) or "")
		readable = member.parent.isin(pools or [""])
		pools = frappe.qb.from_(member).select(member.parent).where(active & mine & readable).run(pluck=True)
	if not pools:
		return None
	sizes = dict(
		frappe.qb.from_(member)
		.select(member.parent, Count("*"))
		.where(active & member.parent.isin(pools))
		.groupby(member.parent)
		.run()
	)
	return min(pools, key=lambda pool: (-sizes.get(pool, 0), pool))
