"""Wellness Check-ins: the private check-ins repeated call-outs prompted (cover/wellness.py) — who, when,
how many call-outs led to it, which coordinators were asked, how many of them still have it open, and
whether it is done.

Only coordinators and directors run this report (its roles), for the programmes they may read. Each row
is one Wellness Check-in with the ToDos that reference it. No reason appears.
"""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, GroupConcat

from collective_cover.cover.wellness import CHECK_IN
from collective_cover.reports.scope import day_after, day_start, readable_programs, report_window
from collective_cover.reports.words import counted, in_words


def execute(filters=None):
	filters = frappe._dict(filters or {})
	programs = readable_programs(filters)
	prompts = load_prompts(programs, *report_window(filters), filters.role) if programs else []
	return get_columns(), prompts, in_words(summary_sentences(prompts)), None, get_summary(prompts)


def load_prompts(programs: list[str], start, end, role: str | None = None) -> list[dict]:
	"""One row per check-in prompted between the dates, with its coordinators, in one query; `role`
	keeps residents', say."""
	check_in = frappe.qb.DocType(CHECK_IN)
	clin = frappe.qb.DocType("Clinician")
	todo = frappe.qb.DocType("ToDo")
	rows = (
		frappe.qb.from_(check_in)
		.join(clin)
		.on(clin.name == check_in.clinician)
		.left_join(todo)
		.on((todo.reference_type == CHECK_IN) & (todo.reference_name == check_in.name))
		.select(
			check_in.name.as_("check_in"),
			check_in.prompted_at.as_("prompted_on"),
			clin.name.as_("clinician"),
			clin.full_name,
			check_in.program,
			check_in.call_outs,
			check_in.window_days,
			check_in.status,
			GroupConcat(todo.allocated_to).distinct().as_("coordinators"),
			Count(Case().when(todo.status == "Open", todo.name)).distinct().as_("open"),
		)
		.where(
			check_in.program.isin(programs)
			& (check_in.prompted_at >= day_start(start))
			& (check_in.prompted_at < day_after(end))
			& ((clin.role == role) if role else (clin.name.isnotnull()))
		)
		.groupby(check_in.name)
		.orderby(check_in.prompted_at, order=frappe.qb.desc)
		.orderby(clin.full_name)
	).run(as_dict=True)
	for row in rows:
		row.coordinators = ", ".join(sorted((row.coordinators or "").split(",")))
	return rows


def get_columns() -> list[dict]:
	return [
		{"fieldname": "prompted_on", "label": _("Prompted On"), "fieldtype": "Datetime", "width": 160},
		{"fieldname": "clinician", "label": _("Clinician"), "fieldtype": "Link", "options": "Clinician", "width": 120},
		{"fieldname": "full_name", "label": _("Name"), "fieldtype": "Data", "width": 180},
		{"fieldname": "program", "label": _("Residency Program"), "fieldtype": "Link", "options": "Residency Program", "width": 160},
		{"fieldname": "call_outs", "label": _("Call-outs Counted"), "fieldtype": "Int", "width": 140},
		{"fieldname": "window_days", "label": _("Within Days"), "fieldtype": "Int", "width": 110},
		{"fieldname": "coordinators", "label": _("Coordinators Prompted"), "fieldtype": "Data", "width": 260},
		{"fieldname": "open", "label": _("Still Open"), "fieldtype": "Int", "width": 100},
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 80},
		{"fieldname": "check_in", "label": _("Wellness Check-in"), "fieldtype": "Link", "options": "Wellness Check-in", "width": 130},
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
