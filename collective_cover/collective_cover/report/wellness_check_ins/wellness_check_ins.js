// Copyright (c) 2026, The collective_cover contributors
// For license information, please see license.txt

frappe.query_reports["Wellness Check-ins"] = {
	filters: [
		collective_cover.report_filters.program(),
		collective_cover.report_filters.from_date(),
		collective_cover.report_filters.to_date(),
		collective_cover.report_filters.role(),
	],
};
