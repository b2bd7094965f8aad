from frappe.model.document import Document


class ClinicSessionTemplate(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		cycle_anchor: DF.Date | None
		cycle_week: DF.Int
		cycle_weeks: DF.Int
		effective_from: DF.Date
		effective_to: DF.Date | None
		half_day: DF.Literal["AM", "PM"]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		site: DF.Data
		weekday: DF.Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
	# end: auto-generated types
	pass
