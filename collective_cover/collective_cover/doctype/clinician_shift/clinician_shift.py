import frappe
from frappe import _
from frappe.model.document import Document

from collective_cover.cover.records import SHIFT_SPAN_INDEX, SHIFT_SPAN_INDEX_COLUMNS
from collective_cover.kernel.validators import validate_period


class UnknownScheduleNameError(frappe.ValidationError):
	pass


class ClinicianShift(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		clinician: DF.Link | None
		cover_request: DF.Link | None
		covers_shift: DF.Link | None
		displaced_by: DF.Link | None
		duty_kind: DF.Literal["Day", "Night", "Clinic half-day", "24h call", "Other"]
		end: DF.Datetime
		handed_over_by_request: DF.Link | None
		handover_status: DF.Literal["", "Called out", "Handed over"]
		in_house_call: DF.Check
		program: DF.Link | None
		schedule_name: DF.Data | None
		service: DF.Data | None
		site: DF.Data | None
		source: DF.Data | None
		start: DF.Datetime

	# end: auto-generated types
	def validate(self):
		# After the door checks (kernel.validators.check_values), which run after before_validate.
		self.set_clinician_from_schedule_name()
		if self.duty_kind == "24h call":
			self.in_house_call = 1
		self.validate_clinician()
		validate_period(self.start, self.end, _("Shift"))

	def set_clinician_from_schedule_name(self):
		"""Scheduling-system exports name people, not Clinician records: match the name once here."""
		if self.clinician or not self.schedule_name:
			return
		self.clinician = frappe.db.get_value(
			"Clinician", {"schedule_name": self.schedule_name.strip()}, "name"
		) or frappe.db.get_value("Clinician", {"full_name": self.schedule_name.strip()}, "name")

	def validate_clinician(self):
		if self.clinician:
			return
		if self.schedule_name:
			frappe.throw(
				_(
					"No clinician is known as {0}: set Schedule Name on their Clinician record to the name the "
					"schedule uses."
				).format(frappe.bold(self.schedule_name)),
				UnknownScheduleNameError,
				title=_("Unknown clinician"),
			)
		frappe.throw(_("Set the clinician or their schedule name."), UnknownScheduleNameError)


def on_doctype_update():
	"""The index `records.shifts_across` reads who works across a span by, on every multi-duty filing."""
	frappe.db.add_index("Clinician Shift", list(SHIFT_SPAN_INDEX_COLUMNS), index_name=SHIFT_SPAN_INDEX)
