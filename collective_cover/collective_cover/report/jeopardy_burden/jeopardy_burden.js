// Copyright (c) 2026, The collective_cover contributors
// For license information, please see license.txt

frappe.query_reports["Jeopardy Burden"] = {
	filters: [
		{
			fieldname: "program",
			label: __("Program"),
			fieldtype: "Link",
			options: "Residency Program",
		},
		{
			fieldname: "pool",
			label: __("Jeopardy Pool"),
			fieldtype: "Link",
			options: "Jeopardy Pool",
			reqd: 1,
			// The largest pool the user may open (collective_cover.boot), so the report never opens empty.
			default: frappe.boot.collective_cover && frappe.boot.collective_cover.default_pool,
			get_query() {
				const program = frappe.query_report.get_filter_value("program");
				return { filters: program ? { program } : {} };
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
		{
			fieldname: "role",
			label: __("Role"),
			fieldtype: "Select",
			options: ["", "Resident", "Fellow", "Faculty", "APP", "Nurse"],
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		// Above fair share in orange, below in blue: neither is a fault, both are worth seeing.
		if (column.fieldname === "deviation" && data && Math.abs(data.deviation) >= 0.005) {
			value = `<span style="color: var(--${data.deviation > 0 ? "orange" : "blue"}-600)">${value}</span>`;
		}
		return value;
	},
};
