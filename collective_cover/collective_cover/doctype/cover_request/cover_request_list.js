frappe.listview_settings["Cover Request"] = {
	add_fields: ["status"],
	has_indicator_for_draft: true,
	// Red is kept for what needs a coordinator (Unfilled); a cancelled request needs nobody.
	colours: {
		Draft: "gray",
		Open: "orange",
		"Partially covered": "yellow",
		Covered: "green",
		Completed: "blue",
		Cancelled: "gray",
		Unfilled: "red",
	},
	get_indicator(doc) {
		return [__(doc.status), this.colours[doc.status], `status,=,${doc.status}`];
	},
};
