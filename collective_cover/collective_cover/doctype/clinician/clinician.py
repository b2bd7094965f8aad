import frappe
from frappe import _
from frappe.model.document import Document

from collective_cover.coaching.schedule import engine_template
from collective_cover.engine.model import TRAINEE_ROLES


class InvalidFTEError(frappe.ValidationError):
	pass


class TrainingLevelError(frappe.ValidationError):
	pass


class ClinicTemplateError(frappe.ValidationError):
	pass


class Clinician(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from collective_cover.collective_cover.doctype.clinic_session_template.clinic_session_template import (
			ClinicSessionTemplate,
		)

		clinic_templates: DF.Table[ClinicSessionTemplate]
		coach_capacity: DF.Int
		expected_graduation: DF.Date | None
		fte: DF.Float
		full_name: DF.Data
		program: DF.Link
		role: DF.Literal["Resident", "Fellow", "Faculty", "APP", "Nurse"]
		schedule_name: DF.Data | None
		status: DF.Literal["Active", "Inactive"]
		training_level: DF.Literal["", "PGY-1", "PGY-2", "PGY-3", "PGY-4", "PGY-5", "PGY-6", "PGY-7", "PGY-8"]
		user: DF.Link | None

	# end: auto-generated types
	def validate(self):
		self.validate_fte()
		self.validate_training_level()
		self.validate_clinic_templates()

	def validate_clinic_templates(self):
		for row in self.clinic_templates:
			try:
				engine_template(row)
			except ValueError as error:
				frappe.throw(
					_("Clinic template row {0}: {1}").format(row.idx, _(str(error))),
					ClinicTemplateError,
					title=_("Clinic template"),
				)

	def validate_fte(self):
		if not 0 < (self.fte or 0) <= 1:
			frappe.throw(
				_("FTE of {0} must be more than 0 and at most 1 (got {1}).").format(self.full_name, self.fte),
				InvalidFTEError,
				title=_("Invalid FTE"),
			)

	def validate_training_level(self):
		if self.role in TRAINEE_ROLES and not self.training_level:
			frappe.throw(
				_("{0} is a {1}: set their training level (PGY).").format(self.full_name, _(self.role)),
				TrainingLevelError,
				title=_("Training level missing"),
			)
		if self.role not in TRAINEE_ROLES:
			self.training_level = None
