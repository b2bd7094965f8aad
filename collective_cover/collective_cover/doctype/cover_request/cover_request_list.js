frappe.listview_settings["Cover Request"] = {
	add_fields: ["status"],
	has_indicator_for_draft: true,
	get_indicator(doc) {
		const colour = {
			Draft: "gray",
			Open: "orange",
			Covered: "green",
			Completed: "blue",
			Cancelled: "red",
			Unfilled: "red",
		}[doc.status];
		return [__(doc.status), colour, `status,=,${doc.status}`];
	},
};
