"""Wellness prompts were ToDos without a reference that carried the clinician's id as "[CLN-…]" in their
text, found with LIKE. Each prompt — a clinician's ToDos of one day, as the report grouped them — is now
a Wellness Check-in that its ToDos reference; the text loses its marker. What the prompt counted is
worked out as the report did: the clinician's call-outs in the window up to it."""

from itertools import groupby

import frappe
from frappe.query_builder.functions import Concat

from collective_cover.cover.wellness import CHECK_IN, check_in_rule, count_call_outs


def execute():
	todo = frappe.qb.DocType("ToDo")
	clin = frappe.qb.DocType("Clinician")
	marked = (
		frappe.qb.from_(todo)
		.join(clin)
		.on(todo.description.like(Concat("%[", clin.name, "]%")))
		.select(
			todo.name, todo.status, todo.creation, todo.description, clin.name.as_("clinician"), clin.program
		)
		# The app assigned every prompt as Administrator.
		.where(todo.reference_type.isnull() & (todo.assigned_by == "Administrator"))
		.orderby(clin.name)
		.orderby(todo.creation)
	).run(as_dict=True)
	rule = check_in_rule()

	def prompt(row):
		return row.clinician, row.creation.date()

	for (clinician, _day), rows in groupby(marked, key=prompt):
		rows = list(rows)
		prompted_at = rows[0].creation
		check_in = frappe.get_doc(
			{
				"doctype": CHECK_IN,
				"clinician": clinician,
				"program": rows[0].program,
				"prompted_at": prompted_at,
				"call_outs": count_call_outs(clinician, rule.counted_from(prompted_at), prompted_at),
				"window_days": rule.window_days,
				"status": "Open" if any(row.status == "Open" for row in rows) else "Done",
			}
		)
		check_in.flags.written_by_app = True
		check_in.insert(ignore_permissions=True)
		for row in rows:
			(
				frappe.qb.update(todo)
				.set(todo.reference_type, CHECK_IN)
				.set(todo.reference_name, check_in.name)
				.set(todo.description, row.description.replace(f" [{clinician}]", "", 1))
				.where(todo.name == row.name)
			).run()
		# Who still has it open shows as "assigned to" on the check-in, as for every new one.
		frappe.get_doc("ToDo", rows[0].name).update_in_reference()
