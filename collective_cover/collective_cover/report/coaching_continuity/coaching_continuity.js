// Copyright (c) 2026, The collective_cover contributors
// For license information, please see license.txt

frappe.query_reports["Coaching Continuity"] = {
	filters: [
		{
			fieldname: "program",
			label: __("Residency Program"),
			fieldtype: "Link",
			options: "Residency Program",
		},
		{
			fieldname: "coach",
			label: __("Coach"),
			fieldtype: "Link",
			options: "Clinician",
			get_query() {
				return { filters: { role: "Faculty" } };
			},
		},
		{
			fieldname: "status",
			label: __("Status"),
			fieldtype: "Select",
			options: ["", "Active", "Ended"],
			default: "Active",
		},
		{
			fieldname: "pace",
			label: __("Pace"),
			fieldtype: "Select",
			options: ["", "On pace", "Behind", "Overdue"],
		},
		{
			fieldname: "from_date",
			label: __("Ran From"),
			fieldtype: "Date",
		},
		{
			fieldname: "to_date",
			label: __("Ran To"),
			fieldtype: "Date",
		},
	],
	// Coaches with their pairings beneath them.
	tree: true,
	initial_depth: 1,
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (data && data.indent === 0 && column.fieldname === "person") {
			value = `<b>${value}</b>`;
		}
		if (column.fieldname === "pace" && data && data.pace && data.pace !== "On pace") {
			value = `<span class="indicator-pill ${data.pace === "Overdue" ? "red" : "orange"}">${value}</span>`;
		}
		return value;
	},
};
