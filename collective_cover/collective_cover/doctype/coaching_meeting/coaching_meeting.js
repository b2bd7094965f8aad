frappe.ui.form.on("Coaching Meeting", {
	refresh(frm) {
		if (frm.is_new()) return;
		if (frm.doc.status === "Proposed") {
			frm.add_custom_button(__("Confirm"), () => {
				frm.set_value("status", "Confirmed");
				frm.save();
			});
		}
		if (["Proposed", "Confirmed"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Mark held"), () => {
				frm.set_value("status", "Held");
				frm.save();
			});
		}
		frm.add_custom_button(__("Private note"), () => frappe.new_doc("Coaching Note", { meeting: frm.doc.name }));
	},
});
