frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Cover Requests by Outcome"] = {
	method: "collective_cover.collective_cover.dashboard_chart_source.cover_requests_by_outcome.cover_requests_by_outcome.get",
	filters: [
		collective_cover.report_filters.program(),
		collective_cover.report_filters.pool(),
		{
			fieldname: "weeks",
			label: __("Weeks"),
			fieldtype: "Int",
			default: 26,
		},
	],
};
