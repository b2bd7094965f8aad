frappe.views.calendar["Jeopardy Rota"] = {
	field_map: {
		start: "rota_date",
		end: "rota_date",
		id: "name",
		title: "clinician",
	},
	filters: ["pool"],
	get_events_method: "frappe.desk.calendar.get_events",
};
