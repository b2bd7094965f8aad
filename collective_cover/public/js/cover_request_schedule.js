// Cover Request in Desk: duty times are typed and shown in the pool's time zone (DOMAIN.md), and a
// clinician picks duties from their own schedule instead of typing them. Kept apart from
// cover_request.js; hooks.py loads it with the form (doctype_js).
frappe.provide("collective_cover.pool_zone");

// Desk converts Datetime values between the site's zone (what is stored) and frappe.boot.time_zone.user
// (what is typed and shown). While a Cover Request form is open, that zone is the pool's: a user in any
// zone types and sees the pool's wall time, and Desk still stores the site's.
collective_cover.pool_zone = {
	own_zone: null,
	apply(zone) {
		const tz = frappe.boot.time_zone;
		if (!tz || !tz.system) return;
		if (this.own_zone === null) this.own_zone = tz.user;
		tz.user = zone || tz.system;
	},
	restore() {
		if (this.own_zone !== null && frappe.boot.time_zone) frappe.boot.time_zone.user = this.own_zone;
		this.own_zone = null;
	},
	async follow(frm) {
		const zone = frm.doc.pool
			? (await frappe.db.get_value("Jeopardy Pool", frm.doc.pool, "time_zone")).message.time_zone
			: null;
		this.apply(zone);
		const shown = (frappe.boot.time_zone && frappe.boot.time_zone.user) || "";
		frm.set_df_property("duties", "description", __("Times are in {0}.", [shown]));
		// The grid writes its description once, when made; say it again for this pool.
		const grid = frm.fields_dict.duties.grid;
		grid.set_grid_description();
		$(grid.parent).find(".grid-description").show();
		frm.refresh_field("duties");
	},
};

frappe.router.on("change", () => {
	const [view, doctype] = frappe.get_route();
	if (!(view === "Form" && doctype === "Cover Request")) collective_cover.pool_zone.restore();
});

frappe.ui.form.on("Cover Request", {
	onload(frm) {
		collective_cover.pool_zone.follow(frm);
	},
	pool(frm) {
		collective_cover.pool_zone.follow(frm);
	},
	refresh(frm) {
		if (frm.doc.docstatus === 0 && frappe.user.has_role("Clinician")) {
			frm.add_custom_button(__("Pick from my schedule"), () => pick_from_schedule(frm));
		}
	},
});

// The clinician's own upcoming shifts become duty rows: kind, service, site and times come from the
// schedule. On submit the server links each picked shift to the request (handed over once covered).
async function pick_from_schedule(frm) {
	const shifts = await frappe.xcall("collective_cover.api.my_cover.my_shifts");
	if (!shifts.length) {
		frappe.msgprint(__("You have no shifts in the next two weeks that are not called out of yet."));
		return;
	}
	const dialog = new frappe.ui.Dialog({
		title: __("Pick from my schedule"),
		fields: [
			{
				fieldname: "shifts",
				fieldtype: "MultiCheck",
				label: __("Your shifts — tick the ones you cannot work"),
				columns: 1,
				options: shifts.map((s) => ({
					label: [s.label, s.service, s.site, s.when].filter(Boolean).join(" · "),
					value: s.shift,
				})),
			},
		],
		primary_action_label: __("Add"),
		primary_action({ shifts: picked }) {
			// The new form's one blank duty row gives way to what was picked.
			(frm.doc.duties || [])
				.filter((d) => !d.start && !d.end)
				.forEach((d) => frappe.model.clear_doc(d.doctype, d.name));
			const taken = new Set((frm.doc.duties || []).map((d) => `${d.start}|${d.end}`));
			for (const shift of shifts.filter((s) => picked.includes(s.shift))) {
				if (taken.has(`${shift.start}|${shift.end}`)) continue;
				frm.add_child("duties", {
					duty_kind: shift.duty_kind,
					service: shift.service,
					site: shift.site,
					start: shift.start,
					end: shift.end,
				});
			}
			frm.refresh_field("duties");
			dialog.hide();
		},
	});
	dialog.show();
}
