frappe.ui.form.on("Cover Request", {
	refresh(frm) {
		const accepting =
			frm.doc.docstatus === 1 && ["Open", "Partially covered", "Unfilled"].includes(frm.doc.status);
		if (accepting && frappe.user.has_role(["Cover Coordinator", "System Manager"])) {
			frm.add_custom_button(__("Assign"), () => assign_dialog(frm));
		}
		// Frappe offers Cancel to every role that may cancel some request; the server says whether
		// this user may cancel this one (their own, until it is covered; coordinators always).
		if (frm.doc.docstatus === 1 && !(frm.doc.__onload && frm.doc.__onload.can_cancel)) {
			frm.page.clear_secondary_action();
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
	const table = (headings, rows, empty) => `
		<table class="table table-sm table-bordered">
			<thead><tr>${headings.map((h) => `<th>${h}</th>`).join("")}</tr></thead>
			<tbody>${rows.join("") || `<tr><td colspan="${headings.length}" class="text-muted">${empty}</td></tr>`}</tbody>
		</table>`;
	const offers = ladder.offers.map(
		(o) => `<tr><td>${esc(o.clinician_name)}</td><td>${esc(o.stage ? __(o.stage) : __("Answered without an offer"))}</td>
			<td>${o.offered_at ? frappe.datetime.str_to_user(o.offered_at) : ""}</td>
			<td>${o.declined_at ? esc(__("Can't") + (o.decline_note ? ": " + o.decline_note : "")) : ""}</td></tr>`
	);
	const top = ladder.top.map(
		(r) => `<tr><td>${r.rank}</td><td>${esc(r.clinician_name)}</td><td>${esc(r.reasons || "")}</td></tr>`
	);
	const more = ladder.eligible - ladder.top.length;
	const excluded = ladder.excluded.map(
		(g) => `<li><strong>${esc(g.reason)}</strong> (${g.members.length}): ${g.members.map(esc).join(", ")}</li>`
	);
	const full = ladder.ranking.map(
		(r) => `<tr><td>${r.eligible ? r.rank : "–"}</td><td>${esc(r.clinician_name)}</td>
			<td>${r.eligible ? format_number(r.deviation, null, 2) : ""}</td><td>${esc(r.reasons || "")}</td></tr>`
	);
	wrapper.$wrapper.html(`
		<h5>${__("Offers")}</h5>
		${table([__("Member"), __("Rung"), __("Offered"), __("Answer")], offers, __("Nobody offered yet"))}
		<h5>${__("Who is asked first")}</h5>
		<p class="text-muted">${__("Furthest below fair share first, then fewer recent activations, then longer since the last one.")}
			${ladder.snapshot ? esc(__("Snapshot: {0}", [ladder.snapshot])) : ""}</p>
		${table(["#", __("Member"), __("Why")], top, __("Nobody is eligible"))}
		${more > 0 ? `<p class="text-muted">${__("… and {0} more eligible members.", [more])}</p>` : ""}
		${excluded.length ? `<h5>${__("Not eligible")}</h5><ul class="list-unstyled">${excluded.join("")}</ul>` : ""}
		${
			ladder.ranking.length
				? `<details class="mt-3"><summary>${__("Full ranking ({0} members, with figures)", [ladder.ranking.length])}</summary>
					${table(["#", __("Member"), __("Deviation"), __("Reasons")], full, "")}</details>`
				: ""
		}`);
}

function assign_dialog(frm) {
	// A multi-duty request can be assigned duty by duty; none ticked assigns every open duty.
	const open_duties = (frm.doc.duties || []).filter((d) => !d.covered_by);
	const duty_fields =
		frm.doc.duties.length > 1
			? open_duties.map((d) => ({
					fieldname: `duty_${d.name}`,
					fieldtype: "Check",
					label: `${__(d.duty_kind)} ${frappe.datetime.str_to_user(d.start)} – ${frappe.datetime.str_to_user(d.end)}`,
			  }))
			: [];
	const dialog = new frappe.ui.Dialog({
		title: __("Assign cover"),
		fields: [
			{ fieldname: "clinician", fieldtype: "Link", options: "Clinician", label: __("Clinician"), reqd: 1 },
			...(duty_fields.length
				? [{ fieldtype: "Section Break", label: __("Duties (none ticked: every open duty)") }, ...duty_fields]
				: []),
			{
				fieldname: "override_reason",
				fieldtype: "Small Text",
				label: __("Override reason"),
				description: __("Needed only when the clinician is not eligible; it is kept with the reason, for coordinators only."),
			},
		],
		primary_action_label: __("Assign"),
		primary_action(values) {
			const duties = open_duties.filter((d) => values[`duty_${d.name}`]).map((d) => d.name);
			frappe
				.call({
					method: "collective_cover.api.cover.assign",
					args: {
						cover_request: frm.doc.name,
						clinician: values.clinician,
						override_reason: values.override_reason,
						duties: duties.length ? JSON.stringify(duties) : null,
					},
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
