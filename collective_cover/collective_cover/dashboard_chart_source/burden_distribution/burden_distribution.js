frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Burden Distribution"] = {
	method: "collective_cover.collective_cover.dashboard_chart_source.burden_distribution.burden_distribution.get",
	filters: [
		{
			fieldname: "program",
			label: __("Programme"),
			fieldtype: "Link",
			options: "Residency Program",
		},
		{
			fieldname: "pool",
			label: __("Pool"),
			fieldtype: "Link",
			options: "Jeopardy Pool",
		},
	],
};
