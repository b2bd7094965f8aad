"""Cover units each member has covered this academic year, largest first. It names people, so only
coordinators, directors and system managers may read it (members get the anonymised pool view)."""

import frappe
from frappe import _
from frappe.query_builder.functions import Sum

from collective_cover.collective_cover.dashboard_chart_source import chart_scope
from collective_cover.engine.model import EntryKind
from collective_cover.kernel.dates import fairness_window
from collective_cover.reports.ledger import entry_kind
from collective_cover.reports.scope import day_after, day_start


@frappe.whitelist()
def get(chart_name=None, chart=None, no_cache=None, filters=None, **kwargs) -> dict:
	programs, filters = chart_scope(filters)
	window_start, window_end = fairness_window()

	led = frappe.qb.DocType("Cover Ledger Entry")
	clinician = frappe.qb.DocType("Clinician")
	units = Sum(led.units)
	query = (
		frappe.qb.from_(led)
		.join(clinician)
		.on(clinician.name == led.clinician)
		.select(clinician.full_name, units.as_("units"))
		.where(
			led.program.isin(programs)
			& (entry_kind(led) == EntryKind.COVER.value)
			& (led.posting_datetime >= day_start(window_start))
			& (led.posting_datetime < day_after(window_end))
		)
		.groupby(led.clinician, clinician.full_name)
		.having(units != 0)
		.orderby(units, order=frappe.qb.desc)
		.orderby(clinician.full_name)
	)
	if filters.get("pool"):
		query = query.where(led.pool == filters.get("pool"))
	rows = query.run(as_dict=True)
	return {
		"labels": [row.full_name for row in rows],
		"datasets": [{"name": _("Units covered"), "values": [round(float(row.units), 2) for row in rows]}],
	}
