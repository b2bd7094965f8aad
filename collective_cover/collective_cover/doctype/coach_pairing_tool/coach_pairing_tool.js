frappe.ui.form.on("Coach Pairing Tool", {
	onload(frm) {
		frm.disable_save();
		if (!frm.doc.from_date) frm.set_value("from_date", frappe.datetime.get_today());
		if (!frm.doc.to_date) frm.set_value("to_date", frappe.datetime.add_months(frappe.datetime.get_today(), 12));
	},
	refresh(frm) {
		frm.page.set_primary_action(__("Preview"), () => preview(frm));
		frm.page.set_secondary_action(__("Create pairings"), () => create(frm));
	},
});

function args(frm) {
	return { program: frm.doc.program, from_date: frm.doc.from_date, to_date: frm.doc.to_date };
}

function preview(frm) {
	if (!frm.doc.program) return frappe.msgprint(__("Choose a programme first."));
	frappe
		.call({ method: "collective_cover.collective_cover.doctype.coach_pairing_tool.coach_pairing_tool.preview", args: args(frm), freeze: true })
		.then(({ message: plan }) => {
			const rows = plan.pairings
				.map((p) => `<tr><td>${frappe.utils.escape_html(p.resident_name)}</td><td>${frappe.utils.escape_html(p.coach_name)}</td><td class="text-right">${p.shared_half_days}</td></tr>`)
				.join("");
			const unpaired = plan.unpaired.length
				? `<p class="text-warning">${__("No coach capacity left for: {0}", [plan.unpaired.map(frappe.utils.escape_html).join(", ")])}</p>`
				: "";
			frm.get_field("preview").$wrapper.html(`
				<table class="table table-bordered">
					<thead><tr><th>${__("Resident")}</th><th>${__("Coach")}</th><th class="text-right">${__("Shared clinic half-days")}</th></tr></thead>
					<tbody>${rows || `<tr><td colspan="3">${__("Every resident already has a coach.")}</td></tr>`}</tbody>
					<tfoot><tr><th colspan="2">${__("Total")}</th><th class="text-right">${plan.total_shared}</th></tr></tfoot>
				</table>${unpaired}`);
		});
}

function create(frm) {
	frappe.confirm(__("Create these pairings and propose their meetings?"), () =>
		frappe
			.call({ method: "collective_cover.collective_cover.doctype.coach_pairing_tool.coach_pairing_tool.create", args: args(frm), freeze: true })
			.then(({ message: names }) => {
				frappe.show_alert({ message: __("{0} pairings created", [names.length]), indicator: "green" });
				preview(frm);
			})
	);
}
