// Copyright (c) 2026, The collective_cover contributors
// For license information, please see license.txt

frappe.query_reports["Jeopardy Burden"] = {
	filters: [
		collective_cover.report_filters.program(),
		collective_cover.report_filters.pool_of_program({
			reqd: 1,
			// The largest pool the user may open (collective_cover.boot), so the report never opens empty.
			default: ((frappe.boot || {}).collective_cover || {}).default_pool,
		}),
		collective_cover.report_filters.from_date(),
		collective_cover.report_filters.to_date(),
		collective_cover.report_filters.role(),
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
