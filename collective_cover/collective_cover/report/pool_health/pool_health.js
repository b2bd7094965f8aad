// Copyright (c) 2026, The collective_cover contributors
// For license information, please see license.txt

frappe.query_reports["Pool Health"] = {
	filters: [
		{
			fieldname: "program",
			label: __("Residency Program"),
			fieldtype: "Link",
			options: "Residency Program",
		},
		{
			fieldname: "pool",
			label: __("Jeopardy Pool"),
			fieldtype: "Link",
			options: "Jeopardy Pool",
			get_query() {
				const program = frappe.query_report.get_filter_value("program");
				return program ? { filters: { program } } : {};
			},
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			description: __("Empty: the start of the academic year"),
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "resilient" && data && data.block_end) {
			const label = data.resilient ? __("Yes") : __("No");
			value = `<span class="indicator-pill ${data.resilient ? "green" : "red"}">${label}</span>`;
		}
		return value;
	},
};
