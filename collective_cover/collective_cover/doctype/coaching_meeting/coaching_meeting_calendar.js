frappe.views.calendar["Coaching Meeting"] = {
	field_map: {
		start: "starts_at",
		end: "ends_at",
		id: "name",
		title: "resident_name",
		status: "status",
	},
	filters: ["pairing", "status"],
	get_events_method: "frappe.desk.calendar.get_events",
};
