frappe.ui.form.on("Cover Request", {
	refresh(frm) {
		const accepting = frm.doc.docstatus === 1 && ["Open", "Unfilled"].includes(frm.doc.status);
		if (accepting && frappe.user.has_role(["Cover Coordinator", "System Manager"])) {
			frm.add_custom_button(__("Assign"), () => assign_dialog(frm));
		}
		if (frm.doc.ranking && frm.doc.ranking.length) {
			frm.set_intro(
				__("The ranking below explains who was asked first: furthest below fair share first, then fewer recent activations, then longer since the last one."),
				"blue"
			);
		}
	},
});

function assign_dialog(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Assign cover"),
		fields: [
			{ fieldname: "clinician", fieldtype: "Link", options: "Clinician", label: __("Clinician"), reqd: 1 },
			{
				fieldname: "override_reason",
				fieldtype: "Small Text",
				label: __("Override reason"),
				description: __("Needed only when the clinician is not eligible; it is kept on the request."),
			},
		],
		primary_action_label: __("Assign"),
		primary_action(values) {
			frappe
				.call({
					method: "collective_cover.api.cover.assign",
					args: { cover_request: frm.doc.name, ...values },
					freeze: true,
				})
				.then(() => {
					dialog.hide();
					frm.reload_doc();
				});
		},
	});
	dialog.show();
}
