frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Burden Distribution"] = {
	method: "collective_cover.collective_cover.dashboard_chart_source.burden_distribution.burden_distribution.get",
	filters: [
		collective_cover.report_filters.program(),
		collective_cover.report_filters.pool(),
	],
};
