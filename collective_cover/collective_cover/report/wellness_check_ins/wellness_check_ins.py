"""Wellness Check-ins: the private prompts repeated call-outs raised (cover/wellness.py) — who, when,
how many call-outs led to it, which coordinators were asked and how many have not yet closed it.

Only coordinators and directors run this report (its roles), for the programmes they may read. A prompt
is one ToDo per coordinator, carrying the clinician's id as "[CLN-…]" and no reference fields (so that
colleagues never see it on the Clinician); the report finds prompts by that marker. No reason appears.
"""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Concat, Count, Date, GroupConcat, Min
from pypika.terms import Interval

from collective_cover.reports.scope import day_after, day_start, readable_programs, report_window
from collective_cover.reports.words import counted, in_words


def execute(filters=None):
	filters = frappe._dict(filters or {})
	programs = readable_programs(filters)
	window_days = frappe.get_cached_doc("Collective Cover Settings").checkin_window_days or 60
	prompts = load_prompts(programs, *report_window(filters), window_days, filters.role) if programs else []
	return get_columns(window_days), prompts, in_words(summary_sentences(prompts)), None, get_summary(prompts)


def load_prompts(programs: list[str], start, end, window_days: int, role: str | None = None) -> list[dict]:
	"""One row per clinician and day prompted, in one query; `role` keeps residents', say."""
	todo = frappe.qb.DocType("ToDo")
	clin = frappe.qb.DocType("Clinician")
	req = frappe.qb.DocType("Cover Request")
	# What the prompt counted: submitted requests in the window_days up to it.
	call_out = (
		(req.requester == clin.name)
		& (req.docstatus == 1)
		& (req.submitted_at <= todo.creation)
		& (req.submitted_at >= todo.creation - Interval(days=window_days))
	)
	prompted_on = Date(todo.creation)
	rows = (
		frappe.qb.from_(todo)
		.join(clin)
		.on(todo.description.like(Concat("%[", clin.name, "]%")))
		.left_join(req)
		.on(call_out)
		.select(
			Min(todo.creation).as_("prompted_on"),
			clin.name.as_("clinician"),
			clin.full_name,
			clin.program,
			Count(req.name).distinct().as_("call_outs"),
			GroupConcat(todo.allocated_to).distinct().as_("coordinators"),
			Count(Case().when(todo.status == "Open", todo.name)).distinct().as_("open"),
		)
		.where(
			clin.program.isin(programs)
			& todo.reference_type.isnull()
			& (todo.creation >= day_start(start))
			& (todo.creation < day_after(end))
			& ((clin.role == role) if role else (clin.name.isnotnull()))
		)
		.groupby(clin.name, prompted_on)
		.orderby(prompted_on, order=frappe.qb.desc)
		.orderby(clin.full_name)
	).run(as_dict=True)
	for row in rows:
		row.coordinators = ", ".join(sorted(row.coordinators.split(",")))
	return rows


def get_columns(window_days: int) -> list[dict]:
	return [
		{"fieldname": "prompted_on", "label": _("Prompted On"), "fieldtype": "Datetime", "width": 160},
		{"fieldname": "clinician", "label": _("Clinician"), "fieldtype": "Link", "options": "Clinician", "width": 120},
		{"fieldname": "full_name", "label": _("Name"), "fieldtype": "Data", "width": 180},
		{"fieldname": "program", "label": _("Residency Program"), "fieldtype": "Link", "options": "Residency Program", "width": 160},
		{"fieldname": "call_outs", "label": _("Call-outs in the {0} Days Before").format(window_days), "fieldtype": "Int", "width": 200},
		{"fieldname": "coordinators", "label": _("Coordinators Prompted"), "fieldtype": "Data", "width": 260},
		{"fieldname": "open", "label": _("Still Open"), "fieldtype": "Int", "width": 100},
	]  # fmt: skip


def summary_sentences(prompts: list[dict]) -> list[str]:
	"""What is waiting for a coordinator, in words."""
	if not prompts:
		return [_("Nobody has called out often enough to prompt a check-in in this period.")]
	waiting = sum(1 for p in prompts if p.open)
	return [
		_("1 check-in prompt in this period.")
		if len(prompts) == 1
		else _("{0} check-in prompts in this period, for {1} clinicians.").format(
			len(prompts), len({p.clinician for p in prompts})
		),
		_("Every prompt has been closed by a coordinator.")
		if not waiting
		else counted(
			waiting,
			_("1 still waits for a coordinator to check in."),
			_("{0} still wait for a coordinator to check in."),
		),
	]


def get_summary(prompts: list[dict]) -> list[dict]:
	return [
		{"label": _("Prompts"), "value": len(prompts), "datatype": "Int"},
		{"label": _("Clinicians"), "value": len({p.clinician for p in prompts}), "datatype": "Int"},
		{
			"label": _("Still Open"),
			"value": sum(1 for p in prompts if p.open),
			"datatype": "Int",
			"indicator": "Orange",
		},
	]
