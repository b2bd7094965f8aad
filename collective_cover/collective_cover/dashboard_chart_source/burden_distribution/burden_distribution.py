"""Each member's burden this academic year (units covered net of reversals, plus standby credit:
DOMAIN.md, "Fairness"), largest first. It names people, so only coordinators, directors and system
managers may read it (members get the anonymised pool view)."""

import frappe
from frappe import _

from collective_cover.collective_cover.dashboard_chart_source import chart_scope
from collective_cover.cover.ledger import member_totals
from collective_cover.kernel.dates import fairness_window


@frappe.whitelist()
def get(chart_name=None, chart=None, no_cache=None, filters=None, **kwargs) -> dict:
	programs, filters = chart_scope(filters)
	totals = member_totals(*fairness_window(), pool=filters.get("pool"), programs=programs)
	names = dict(
		frappe.get_all(
			"Clinician",
			filters={"name": ("in", list(totals) or [""])},
			fields=["name", "full_name"],
			as_list=True,
		)
	)
	burdens = sorted(
		((names[member], t.burden) for member, t in totals.items() if round(t.burden, 6)),
		key=lambda name_burden: (-name_burden[1], name_burden[0]),
	)
	return {
		"labels": [name for name, _burden in burdens],
		"datasets": [
			{"name": _("Burden (units)"), "values": [round(burden, 2) for _name, burden in burdens]}
		],
	}
