// Copyright (c) 2026, The collective_cover contributors
// For license information, please see license.txt

frappe.query_reports["Coaching Continuity"] = {
	filters: [
		collective_cover.report_filters.program(),
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
		// Pairings that ran at any time between the dates, whenever they began.
		collective_cover.report_filters.from_date({ label: __("Ran From"), description: "" }),
		collective_cover.report_filters.to_date({ label: __("Ran To"), default: "" }),
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
