frappe.ui.form.on("Coach Pairing", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.status !== "Active") return;
		frm.add_custom_button(__("Propose meetings"), () =>
			frm.call("propose_meetings").then(({ message }) => {
				frappe.show_alert({ message: __("{0} meetings proposed", [message.length]), indicator: "green" });
				frm.reload_doc();
			})
		);
		frm.add_custom_button(__("Meetings"), () => frappe.set_route("List", "Coaching Meeting", { pairing: frm.doc.name }));
	},
});
