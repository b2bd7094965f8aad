frappe.views.calendar["Cover Request"] = {
	field_map: {
		start: "starts_at",
		end: "ends_at",
		id: "name",
		title: "title",
		status: "status",
	},
	fields: ["name", "title", "starts_at", "ends_at", "status", "docstatus"],
	filters: ["pool", "status"],
	get_events_method: "frappe.desk.calendar.get_events",
	// Frappe's calendar has four colours (warning, danger, success, default): as in the list, orange
	// waits for cover, red is unfilled, green is covered; blue (default) is done or needs nobody.
	get_css_class(event) {
		return { Open: "warning", "Partially covered": "warning", Unfilled: "danger", Covered: "success" }[event.status] || "default";
	},
};
