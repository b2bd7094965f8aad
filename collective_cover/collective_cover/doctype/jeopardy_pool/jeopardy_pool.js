frappe.ui.form.on("Jeopardy Pool", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Plan rota"), () => {
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
						const s = r.message;
						frappe.msgprint(
							__("{0} of {1} days rostered ({2}{3}); largest projected deviation {4} units.", [
								s.rostered, s.days, s.method, s.optimal ? __(", optimal") : "", s.max_abs_deviation,
							])
						);
					});
				},
			});
			dialog.show();
		});
		frm.add_custom_button(__("Rota calendar"), () => frappe.set_route("List", "Jeopardy Rota", "Calendar", { pool: frm.doc.name }));
	},
});
