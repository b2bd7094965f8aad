// Copyright (c) 2026, The collective_cover contributors
// For license information, please see license.txt

frappe.query_reports["Wellness Check-ins"] = {
	filters: [
		{
			fieldname: "program",
			label: __("Residency Program"),
			fieldtype: "Link",
			options: "Residency Program",
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
};
