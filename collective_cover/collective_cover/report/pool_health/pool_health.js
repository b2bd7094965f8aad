// Copyright (c) 2026, The collective_cover contributors
// For license information, please see license.txt

frappe.query_reports["Pool Health"] = {
	filters: [
		collective_cover.report_filters.program(),
		collective_cover.report_filters.pool_of_program(),
		collective_cover.report_filters.from_date(),
		collective_cover.report_filters.to_date(),
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
