frappe.views.calendar["Jeopardy Rota"] = {
	field_map: {
		start: "rota_date",
		end: "rota_date",
		id: "name",
		title: "clinician_name",
		// Each row is a whole day of first back-up, not a timed shift.
		allDay: 1,
	},
	filters: ["pool"],
	get_events_method: "frappe.desk.calendar.get_events",
};
