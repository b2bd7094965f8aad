import frappe
from frappe import _
from frappe.model import no_value_fields
from frappe.utils import cast

from collective_cover.kernel.app_records import AppWrittenRecord


class CheckInDoneError(frappe.ValidationError):
	pass


class WellnessCheckin(AppWrittenRecord):  # Frappe finds the class by the name without spaces and dashes
	"""Written by the app when call-outs reach the threshold (cover/wellness.py); its coordinators are
	asked through ToDos that reference it. A coordinator may mark it done, which closes those ToDos;
	nothing else about it is ever edited, and it is never deleted."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		call_outs: DF.Int
		clinician: DF.Link
		clinician_name: DF.Data | None
		program: DF.Link
		prompted_at: DF.Datetime
		status: DF.Literal["Open", "Done"]
		window_days: DF.Int
	# end: auto-generated types

	def validate(self):
		if self.flags.in_insert:
			return
		self.validate_only_status_changed()
		self.validate_done_stays_done()

	def on_update(self):
		before = self.get_doc_before_save()
		if before and before.status != "Done" and self.status == "Done":
			self.close_to_dos()

	def validate_only_status_changed(self):
		before = self.get_doc_before_save()
		for df in self.meta.fields:
			# Fetched values follow their source; the rest was counted by the app and stays as written.
			if df.fieldname == "status" or df.fetch_from or df.fieldtype in no_value_fields:
				continue
			if cast(df.fieldtype, self.get(df.fieldname)) != cast(df.fieldtype, before.get(df.fieldname)):
				self.refuse(_("edited except for its status"))

	def validate_done_stays_done(self):
		if self.get_doc_before_save().status == "Done" and self.status != "Done":
			frappe.throw(
				_(
					"Wellness check-in {0} is done and stays done; the next call-out that reaches the "
					"threshold prompts a new one."
				).format(self.name),
				CheckInDoneError,
				title=_("Already done"),
			)

	def close_to_dos(self):
		"""Whoever checked in did it for all the programme's coordinators asked."""
		for name in frappe.get_all(
			"ToDo",
			filters={"reference_type": self.doctype, "reference_name": self.name, "status": "Open"},
			pluck="name",
		):
			todo = frappe.get_doc("ToDo", name)
			todo.status = "Closed"
			todo.save(ignore_permissions=True)
