frappe.views.calendar["Cover Request"] = {
	field_map: {
		start: "starts_at",
		end: "ends_at",
		id: "name",
		title: "pool",
		status: "status",
	},
	filters: ["pool", "status"],
	get_events_method: "frappe.desk.calendar.get_events",
};
