frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Cover Requests by Outcome"] = {
	method: "collective_cover.collective_cover.dashboard_chart_source.cover_requests_by_outcome.cover_requests_by_outcome.get",
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
		{
			fieldname: "weeks",
			label: __("Weeks"),
			fieldtype: "Int",
			default: 26,
		},
	],
};
