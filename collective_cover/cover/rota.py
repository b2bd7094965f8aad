"""Plan a pool's Jeopardy Rota with the engine's planner and write one row per day."""

from __future__ import annotations

from datetime import date, datetime, time

import frappe
from frappe import _
from frappe.utils import now_datetime

from collective_cover.cover.records import engine_pool, load_candidates
from collective_cover.engine.fairness import deviations
from collective_cover.engine.model import Unavailability
from collective_cover.engine.planner import called_out_days, expected_units_per_day, plan_rota
from collective_cover.kernel.dates import aware, fairness_window, naive, site_tz

MAX_PLAN_DAYS = 366


class RotaRangeError(frappe.ValidationError):
	pass


def plan_pool_rota(pool_doc, start: date, end: date) -> dict:
	if end < start or (end - start).days >= MAX_PLAN_DAYS:
		frappe.throw(
			_("Plan a rota over 1 to {0} days, from a date to a later one ({1} → {2}).").format(
				MAX_PLAN_DAYS, start, end
			),
			RotaRangeError,
			title=_("Rota range"),
		)
	# One plan at a time per pool: a second coordinator planning the same pool waits here until the
	# first plan is committed, then replaces it whole, so no day is left with rows from both plans.
	frappe.db.get_value("Jeopardy Pool", pool_doc.name, "name", for_update=True)
	pool = engine_pool(pool_doc)
	now = aware(now_datetime())
	span = (datetime.combine(start, time(), site_tz()), datetime.combine(end, time(23, 59), site_tz()))
	candidates = load_candidates(pool_doc, pool, span, now)
	called_out = load_call_outs([c.member.id for c in candidates], span, pool.zone)
	carried = deviations(
		{c.member.id: c.burden.burden for c in candidates}, {c.member.id: c.exposure for c in candidates}
	)
	window_start = fairness_window(now.date())[0]
	covered = sum(c.burden.covered_units for c in candidates)
	names = dict(
		frappe.get_all(
			"Clinician",
			filters={"name": ("in", [c.member.id for c in candidates] or [""])},
			fields=["name", "full_name"],
			as_list=True,
		)
	)
	plan = plan_rota(
		pool,
		[c.member for c in candidates],
		start,
		end,
		unavailability={c.member.id: c.unavailability + called_out.get(c.member.id, ()) for c in candidates},
		carried_deviation=carried,
		expected_units_per_day=expected_units_per_day(covered, window_start, now.date()),
		block_anchor=window_start,
		names=names,
	)
	how = plan_method_label(plan.method, plan.optimal)
	frappe.db.delete("Jeopardy Rota", {"pool": pool_doc.name, "rota_date": ("between", (start, end))})
	for day in plan.days:
		frappe.get_doc(
			{
				"doctype": "Jeopardy Rota",
				"pool": pool_doc.name,
				"rota_date": day.day,
				"clinician": day.member,
				"explanation": day.explanation,
				"plan_method": how,
			}
		).insert(ignore_permissions=True)
	rostered = sum(1 for d in plan.days if d.member)
	worst = round(plan.max_abs_deviation, 2)
	return {
		"days": len(plan.days),
		"rostered": rostered,
		"method": plan.method,
		"optimal": plan.optimal,
		"max_abs_deviation": worst,
		"message": _(
			"{0} of {1} days rostered ({2}); everyone ends within {3} units of their fair share."
		).format(rostered, len(plan.days), how, worst),
	}


def plan_method_label(method: str, optimal: bool) -> str:
	"""How the planner chose, in words (the engine's "milp" is the exact optimiser)."""
	if method == "greedy":
		return _("day by day, the member furthest below fair share each day")
	if optimal:
		return _("by the optimiser: the fairest plan possible")
	return _("by the optimiser: the fairest plan found within its time limit")


def load_call_outs(
	members: list[str], span: tuple[datetime, datetime], tz
) -> dict[str, tuple[Unavailability, ...]]:
	"""Members' own filed requests in the span, as the engine's whole days away."""
	request = frappe.qb.DocType("Cover Request")
	rows = (
		frappe.qb.from_(request)
		.select(request.requester, request.starts_at, request.ends_at)
		.where(
			request.requester.isin(members or [""])
			& (request.docstatus == 1)
			& (request.status != "Cancelled")
			& (request.ends_at > naive(span[0]))
			& (request.starts_at < naive(span[1]))
		)
	).run(as_dict=True)
	spans = {}
	for row in rows:
		spans.setdefault(row.requester, []).append((aware(row.starts_at), aware(row.ends_at)))
	return {member: called_out_days(member_spans, tz) for member, member_spans in spans.items()}
