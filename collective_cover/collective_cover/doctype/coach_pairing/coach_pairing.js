const MEETING_COLOURS = { Proposed: "orange", Confirmed: "blue", Held: "green", Missed: "red", Cancelled: "gray" };

frappe.ui.form.on("Coach Pairing", {
	refresh(frm) {
		render_meetings(frm);
		if (frm.is_new() || frm.doc.status !== "Active") return;
		frm.add_custom_button(__("Propose meetings"), () =>
			frm.call("propose_meetings").then(({ message }) => {
				frappe.show_alert({ message: __("{0} meetings proposed", [message.length]), indicator: "green" });
				frm.reload_doc();
			})
		);
	},
});

function render_meetings(frm) {
	const meetings = (frm.doc.__onload && frm.doc.__onload.meetings) || [];
	const rows = meetings
		.map(
			(m) => `<tr>
				<td><a href="/app/coaching-meeting/${m.name}">${frappe.datetime.str_to_user(m.starts_at)}</a></td>
				<td><span class="indicator-pill ${MEETING_COLOURS[m.status] || "gray"}">${__(m.status)}</span></td>
				<td>${__(m.mode || "")}</td>
				<td>${frappe.utils.escape_html(m.site || "")}</td>
			</tr>`
		)
		.join("");
	frm.get_field("meetings_html").$wrapper.html(
		meetings.length
			? `<table class="table table-bordered"><thead><tr><th>${__("When")}</th><th>${__("Status")}</th><th>${__("Mode")}</th><th>${__("Site")}</th></tr></thead><tbody>${rows}</tbody></table>`
			: `<p class="text-muted">${__("No meetings yet.")}</p>`
	);
}
