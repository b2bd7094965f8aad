import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime


class InvalidPeriodError(frappe.ValidationError):
	pass


def validate_period(start, end, what: str) -> None:
	"""Shared by every record that spans time: it must end after it starts."""
	if get_datetime(end) <= get_datetime(start):
		frappe.throw(
			_("{0} must end after it starts ({1} → {2}).").format(what, start, end),
			InvalidPeriodError,
			title=_("Invalid period"),
		)


class ClinicianUnavailability(Document):
	def validate(self):
		validate_period(self.from_datetime, self.to_datetime, _("Unavailability"))
