"""Jeopardy Burden: each member's cover, standby credit, exposure, fair share and deviation in a pool.

Staff see every member of a pool they may read (User Permissions on Residency Program apply). A clinician
sees only their own row; the pool's distribution reaches them anonymised, as percentiles and Gini in the
summary and the chart, never with anybody's name (DOMAIN.md, "Transparency for members").
"""

from dataclasses import asdict

import frappe
from frappe import _

from collective_cover.api.cover import member_pool
from collective_cover.cover.ledger import member_totals
from collective_cover.engine.fairness import PoolFairness
from collective_cover.kernel.access import is_staff
from collective_cover.reports.scope import report_window
from collective_cover.reports.standing import MemberStanding, load_pool_people, pool_standing
from collective_cover.reports.words import against_fair_share, at_most_shifts, in_words, shifts

PERCENTILES = (10, 25, 50, 75, 90)


class PoolOutsideProgramError(frappe.ValidationError):
	pass


class PoolRequiredError(frappe.ValidationError):
	pass


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not filters.pool:
		frappe.throw(
			_("Choose a jeopardy pool: fair shares are measured within one pool."),
			PoolRequiredError,
			title=_("Pool required"),
		)
	_pool, viewer = member_pool(filters.pool)  # refuses pools the user may not read, and non-members
	pool_doc = frappe.get_cached_doc("Jeopardy Pool", filters.pool)
	if filters.program and pool_doc.program != filters.program:
		frappe.throw(
			_("Pool {0} belongs to {1}, not to {2}.").format(
				pool_doc.name, pool_doc.program, filters.program
			),
			PoolOutsideProgramError,
			title=_("Pool and programme"),
		)
	window = report_window(filters)
	standings, fairness = pool_standing(
		load_pool_people(pool_doc, window), member_totals(*window, pool=pool_doc.name), window
	)
	if is_staff():
		rows = [s for s in standings if not filters.role or s.role == filters.role]
		chart = deviation_chart(rows)
	else:
		rows = [s for s in standings if s.clinician == viewer]
		chart = distribution_chart(fairness, rows)
	data = [{**asdict(s), "burden": s.burden} for s in rows]
	return get_columns(), data, in_words(summary_sentences(fairness)), chart, get_summary(fairness)


def get_columns() -> list[dict]:
	def units(fieldname, label):
		return {"fieldname": fieldname, "label": label, "fieldtype": "Float", "precision": 2, "width": 120}

	return [
		{"fieldname": "clinician", "label": _("Clinician"), "fieldtype": "Link", "options": "Clinician", "width": 120},
		{"fieldname": "full_name", "label": _("Name"), "fieldtype": "Data", "width": 180},
		{"fieldname": "role", "label": _("Role"), "fieldtype": "Data", "width": 90},
		units("covered", _("Units Covered")),
		{"fieldname": "activations", "label": _("Activations"), "fieldtype": "Int", "width": 100},
		units("standby", _("Standby Credit")),
		units("burden", _("Burden")),
		units("exposure", _("Exposure (FTE-days)")),
		units("fair_share", _("Fair Share")),
		units("deviation", _("Deviation")),
	]  # fmt: skip


def percentile_label(q: int) -> str:
	return _("Median") if q == 50 else _("P{0}").format(q)


def deviation_chart(rows: list[MemberStanding]) -> dict:
	return {
		"data": {
			"labels": [s.full_name for s in rows],
			"datasets": [
				{"name": _("Deviation from fair share"), "values": [round(s.deviation, 2) for s in rows]}
			],
		},
		"type": "bar",
	}


def distribution_chart(fairness: PoolFairness, mine: list[MemberStanding]) -> dict:
	"""The pool's deviations as percentiles, nobody named, with the viewer's own deviation across them."""
	datasets = [
		{
			"name": _("Pool"),
			"chartType": "bar",
			"values": [round(v, 2) for v in fairness.percentiles(PERCENTILES).values()],
		}
	]
	if mine:
		datasets.append(
			{
				"name": _("You"),
				"chartType": "line",
				"values": [round(mine[0].deviation, 2)] * len(PERCENTILES),
			}
		)
	return {
		"data": {"labels": [percentile_label(q) for q in PERCENTILES], "datasets": datasets},
		"type": "axis-mixed",
	}


def summary_sentences(fairness: PoolFairness) -> list[str]:
	"""The pool's spread in words: anonymous, like the summary."""
	if not fairness.deviation:
		return [_("Nobody was in this pool in this period.")]
	quartiles = fairness.percentiles((25, 75))
	spread = (
		_("Everyone is at their fair share.")
		if round(fairness.max_abs_deviation, 1) == 0
		else _("Everyone is within {0} of their fair share.").format(
			at_most_shifts(fairness.max_abs_deviation)
		)
	)
	return [
		_("{0} members covered {1} in this period (a day or night shift is one unit of cover).").format(
			len(fairness.deviation), shifts(fairness.load)
		),
		spread,
		_("The middle half of the pool is between {0} and {1} their fair share.").format(
			against_fair_share(quartiles[25]), against_fair_share(quartiles[75])
		),
	]


def get_summary(fairness: PoolFairness) -> list[dict]:
	"""The pool's figures: anonymous, so every viewer gets the same summary."""
	return [
		{"label": _("Members"), "value": len(fairness.deviation), "datatype": "Int"},
		{"label": _("Units Covered"), "value": round(fairness.load, 2), "datatype": "Float"},
		{
			"label": _("Furthest From Fair Share (units)"),
			"value": round(fairness.max_abs_deviation, 2),
			"datatype": "Float",
		},
		{
			"label": _("Within 1 Unit of Fair Share"),
			"value": sum(1 for d in fairness.deviation.values() if abs(d) <= 1 + 1e-9),
			"datatype": "Int",
		},
		{"label": _("Gini of Burden Rate (0 = even)"), "value": round(fairness.gini, 3), "datatype": "Float"},
		*(
			{
				"label": _("Deviation {0}").format(percentile_label(q)),
				"value": round(v, 2),
				"datatype": "Float",
			}
			for q, v in fairness.percentiles(PERCENTILES).items()
		),
	]
