"""Supportive check-ins: repeated call-outs prompt a private Wellness Check-in for the programme's
coordinators, each asked through a ToDo that references it.

Never a penalty: nothing here touches ranking, caps, the ledger or anything the pool can see. The check-in
is a record of its own, readable by the programme's coordinators and directors only, so the ToDos'
"assigned to" shows on it and never on the Clinician, which every colleague can read.
"""

from __future__ import annotations

from datetime import datetime

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import get_datetime

from collective_cover.engine.wellness import CheckInRule, check_in_due
from collective_cover.kernel.access import coordinator_users
from collective_cover.kernel.messaging import is_silenced

CHECK_IN = "Wellness Check-in"


def check_in_rule() -> CheckInRule:
	settings = frappe.get_cached_doc("Collective Cover Settings")
	return CheckInRule.configured(settings.checkin_threshold, settings.checkin_window_days)


def prompt_check_in(doc, method=None) -> None:
	"""doc_event on Cover Request submit: counts the requester's call-outs in the window up to this one
	and, when the engine says so, opens a check-in (or keeps the open one) and asks every coordinator of
	the programme who has no open ToDo for it."""
	rule = check_in_rule()
	filed_at = get_datetime(doc.submitted_at)
	call_outs = count_call_outs(doc.requester, rule.counted_from(filed_at), filed_at)
	if not check_in_due(call_outs, rule):
		return
	check_in = open_check_in(doc.requester) or create_check_in(doc, call_outs, rule, filed_at)
	if is_silenced():
		return
	asked = set(
		frappe.get_all(
			"ToDo",
			filters={"reference_type": CHECK_IN, "reference_name": check_in.name, "status": "Open"},
			pluck="allocated_to",
		)
	)
	for user in coordinator_users(doc.program):
		if user not in asked:
			ask(user, check_in)


def count_call_outs(clinician: str, since: datetime, until: datetime) -> int:
	"""Requests the clinician filed in [since, until], cancelled ones not counted."""
	req = frappe.qb.DocType("Cover Request")
	return (
		frappe.qb.from_(req)
		.select(Count("*"))
		.where(
			(req.requester == clinician)
			& (req.docstatus == 1)
			& (req.submitted_at >= since)
			& (req.submitted_at <= until)
		)
	).run()[0][0]


def open_check_in(clinician: str):
	name = frappe.db.get_value(CHECK_IN, {"clinician": clinician, "status": "Open"}, "name")
	return frappe.get_doc(CHECK_IN, name) if name else None


def create_check_in(doc, call_outs: int, rule: CheckInRule, filed_at: datetime):
	check_in = frappe.get_doc(
		{
			"doctype": CHECK_IN,
			"clinician": doc.requester,
			"program": doc.program,
			"prompted_at": filed_at,
			"call_outs": call_outs,
			"window_days": rule.window_days,
		}
	)
	check_in.flags.written_by_app = True
	return check_in.insert(ignore_permissions=True)


def ask(user: str, check_in) -> None:
	todo = frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": user,
			"assigned_by": "Administrator",
			"priority": "Medium",
			"reference_type": CHECK_IN,
			"reference_name": check_in.name,
			"description": check_in_message(check_in),
		}
	)
	todo.insert(ignore_permissions=True)


def check_in_message(check_in) -> str:
	return _(
		"Wellness check-in: {0} has called out {1} times in the last {2} days. "
		"Consider a supportive conversation — this never affects their ranking or duties."
	).format(check_in.clinician_name, check_in.call_outs, check_in.window_days)
