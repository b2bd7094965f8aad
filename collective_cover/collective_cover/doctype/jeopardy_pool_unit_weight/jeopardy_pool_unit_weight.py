from frappe.model.document import Document


class JeopardyPoolUnitWeight(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		duty_kind: DF.Literal["Day", "Night", "Clinic half-day", "24h call"]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		units: DF.Float
	# end: auto-generated types
	pass
