from frappe import _
from frappe.model.document import Document

from collective_cover.kernel.validators import validate_period


class ClinicianUnavailability(Document):
	def validate(self):
		validate_period(self.from_datetime, self.to_datetime, _("Unavailability"))
