frappe.ui.form.on("Jeopardy Pool", {
	onload(frm) {
		// The IANA names Frappe offers for a user's time zone (pytz's list), fetched once per session.
		if (frappe.all_timezones) return frm.fields_dict.time_zone.set_data(frappe.all_timezones);
		frappe.call("frappe.core.doctype.user.user.get_timezones").then((r) => {
			frappe.all_timezones = r.message.timezones;
			frm.fields_dict.time_zone.set_data(frappe.all_timezones);
		});
	},

	refresh(frm) {
		if (frm.is_new()) return;
		// Planning rewrites the pool's rota: only those who may edit the pool (coordinators, directors).
		if (frm.has_perm("write")) frm.add_custom_button(__("Plan rota"), () => plan_rota_dialog(frm));
		frm.add_custom_button(__("Rota calendar"), () => frappe.set_route("List", "Jeopardy Rota", "Calendar", { pool: frm.doc.name }));
	},
});

function plan_rota_dialog(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Plan the jeopardy rota"),
		fields: [
			{ fieldname: "from_date", fieldtype: "Date", label: __("From"), reqd: 1, default: frappe.datetime.get_today() },
			{ fieldname: "to_date", fieldtype: "Date", label: __("To"), reqd: 1, default: frappe.datetime.add_days(frappe.datetime.get_today(), 27) },
		],
		primary_action_label: __("Plan"),
		primary_action(values) {
			frm.call("plan_rota", values).then((r) => {
				dialog.hide();
				frappe.msgprint(r.message.message, __("Rota planned"));
			});
		},
	});
	dialog.show();
}
