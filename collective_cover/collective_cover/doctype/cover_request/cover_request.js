frappe.ui.form.on("Cover Request", {
	refresh(frm) {
		const accepting = frm.doc.docstatus === 1 && ["Open", "Unfilled"].includes(frm.doc.status);
		if (accepting && frappe.user.has_role(["Cover Coordinator", "System Manager"])) {
			frm.add_custom_button(__("Assign"), () => assign_dialog(frm));
		}
		render_ladder(frm);
	},
});

// Offers and the ranking are coordinator-only records; the server sends them with the form to staff.
function render_ladder(frm) {
	const ladder = frm.doc.__onload && frm.doc.__onload.ladder;
	const wrapper = frm.get_field("ladder_summary");
	if (!ladder || !wrapper) return;
	const esc = frappe.utils.escape_html;
	const offers = ladder.offers
		.map(
			(o) => `<tr><td>${esc(o.clinician_name)}</td><td>${esc(o.stage || __("volunteered an answer"))}</td>
			<td>${o.offered_at ? frappe.datetime.str_to_user(o.offered_at) : ""}</td>
			<td>${o.declined_at ? __("Can't") + (o.decline_note ? ": " + esc(o.decline_note) : "") : ""}</td></tr>`
		)
		.join("");
	const ranked = ladder.ranking
		.map(
			(r) => `<tr><td>${r.eligible ? r.rank : "–"}</td><td>${esc(r.clinician_name)}</td>
			<td>${r.eligible ? format_number(r.deviation, null, 2) : ""}</td><td>${esc(r.reasons || "")}</td></tr>`
		)
		.join("");
	wrapper.$wrapper.html(`
		<p class="text-muted">${__("Who was asked first: furthest below fair share first, then fewer recent activations, then longer since the last one.")}</p>
		<h5>${__("Offers")}</h5>
		<table class="table table-sm"><thead><tr><th>${__("Member")}</th><th>${__("Rung")}</th><th>${__("Offered")}</th><th>${__("Answer")}</th></tr></thead>
		<tbody>${offers || `<tr><td colspan="4">${__("Nobody offered yet")}</td></tr>`}</tbody></table>
		<h5>${esc(ladder.snapshot || __("Ranking"))}</h5>
		<table class="table table-sm"><thead><tr><th>#</th><th>${__("Member")}</th><th>${__("Deviation")}</th><th>${__("Why")}</th></tr></thead>
		<tbody>${ranked}</tbody></table>`);
}

function assign_dialog(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Assign cover"),
		fields: [
			{ fieldname: "clinician", fieldtype: "Link", options: "Clinician", label: __("Clinician"), reqd: 1 },
			{
				fieldname: "override_reason",
				fieldtype: "Small Text",
				label: __("Override reason"),
				description: __("Needed only when the clinician is not eligible; it is kept with the reason, for coordinators only."),
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
