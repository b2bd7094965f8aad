from frappe import _
from frappe.model.document import Document

from collective_cover.kernel.validators import validate_period


class ClinicianUnavailability(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		clinician: DF.Link
		from_datetime: DF.Datetime
		kind: DF.Literal["Leave", "Vacation", "Away rotation", "Post-call", "Protected time"]
		program: DF.Link | None
		to_datetime: DF.Datetime

	# end: auto-generated types
	def validate(self):
		validate_period(self.from_datetime, self.to_datetime, _("Unavailability"))
