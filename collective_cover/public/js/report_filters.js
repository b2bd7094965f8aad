// The filters the app's Script Reports and dashboard chart sources have in common, defined once: a
// programme, a pool, a window of dates and a role look, default and narrow alike everywhere. Each call
// returns a fresh definition (Frappe keeps state on them); `overrides` change a label or a default.

frappe.provide("collective_cover.report_filters");

Object.assign(collective_cover.report_filters, {
	program(overrides = {}) {
		return {
			fieldname: "program",
			label: __("Residency Program"),
			fieldtype: "Link",
			options: "Residency Program",
			...overrides,
		};
	},

	pool(overrides = {}) {
		return {
			fieldname: "pool",
			label: __("Jeopardy Pool"),
			fieldtype: "Link",
			options: "Jeopardy Pool",
			...overrides,
		};
	},

	// In a report: a pool of the programme chosen in the report's Residency Program filter.
	pool_of_program(overrides = {}) {
		return collective_cover.report_filters.pool({
			get_query() {
				const program = frappe.query_report.get_filter_value("program");
				return { filters: program ? { program } : {} };
			},
			...overrides,
		});
	},

	from_date(overrides = {}) {
		return {
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			description: __("Empty: the start of the academic year"),
			...overrides,
		};
	},

	to_date(overrides = {}) {
		return {
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			...overrides,
		};
	},

	role(overrides = {}) {
		return {
			fieldname: "role",
			label: __("Role"),
			fieldtype: "Select",
			// The engine's roles, sent with the session (boot.py).
			options: ["", ...frappe.boot.collective_cover.clinician_roles],
			...overrides,
		};
	},
});
