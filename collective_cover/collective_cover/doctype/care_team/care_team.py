import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate

from collective_cover.engine.care_team import identifier_problems


class PatientIdentifierError(frappe.ValidationError):
	pass


class CareTeamMemberError(frappe.ValidationError):
	pass


class CareTeam(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from collective_cover.collective_cover.doctype.care_team_member.care_team_member import CareTeamMember

		end_date: DF.Date | None
		label: DF.Data
		members: DF.Table[CareTeamMember]
		program: DF.Link
		start_date: DF.Date

	# end: auto-generated types
	def validate(self):
		self.validate_label()
		self.validate_members()
		self.validate_dates()

	def validate_label(self):
		problems = identifier_problems(self.label or "")
		if problems:
			frappe.throw(
				_("The label must not identify a patient: {0}. Describe the team instead.").format(
					"; ".join(problems)
				),
				PatientIdentifierError,
				title=_("Patient identifier"),
			)

	def validate_members(self):
		seen = set()
		for row in self.members:
			if row.clinician in seen:
				frappe.throw(
					_("Row {0}: {1} is on the team twice.").format(
						row.idx, row.clinician_name or row.clinician
					),
					CareTeamMemberError,
					title=_("Duplicate member"),
				)
			seen.add(row.clinician)

	def validate_dates(self):
		if self.end_date and getdate(self.end_date) < getdate(self.start_date):
			frappe.throw(
				_("The end date {0} is before the start date {1}.").format(self.end_date, self.start_date),
				CareTeamMemberError,
				title=_("Dates"),
			)
