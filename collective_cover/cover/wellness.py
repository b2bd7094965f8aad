"""Supportive check-ins: repeated call-outs prompt a private ToDo for the programme's coordinators.

Never a penalty: nothing here touches ranking, caps, the ledger or anything the pool can see.
"""

from __future__ import annotations

from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import now_datetime

from collective_cover.kernel.access import coordinator_users


def prompt_check_in(doc, method=None) -> None:
	"""doc_event on Cover Request submit."""
	settings = frappe.get_cached_doc("Collective Cover Settings")
	threshold, days = settings.checkin_threshold or 3, settings.checkin_window_days or 60
	since = now_datetime() - timedelta(days=days)
	call_outs = frappe.db.count(
		"Cover Request", {"requester": doc.requester, "docstatus": 1, "submitted_at": (">=", since)}
	)
	if call_outs < threshold:
		return
	name = frappe.db.get_value("Clinician", doc.requester, "full_name")
	# The clinician's id in the text lets us avoid a second prompt; no reference fields, because a
	# ToDo's reference shows as "assigned to" on the Clinician, which every colleague can read.
	marker = f"[{doc.requester}]"
	for user in coordinator_users(doc.program):
		if frappe.db.exists(
			"ToDo", {"allocated_to": user, "status": "Open", "description": ("like", f"%{marker}%")}
		):
			continue
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": user,
				"assigned_by": "Administrator",
				"priority": "Medium",
				"description": _(
					"Wellness check-in {0}: {1} has called out {2} times in the last {3} days. "
					"Consider a supportive conversation — this never affects their ranking or duties."
				).format(marker, name, call_outs, days),
			}
		).insert(ignore_permissions=True)
