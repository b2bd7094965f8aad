from frappe.model.document import Document


class CoverRequestDuty(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		cover_method: DF.Literal[
			"", "Volunteered", "Assigned", "Assigned from overflow", "Coordinator override"
		]
		covered_at: DF.Datetime | None
		covered_by: DF.Link | None
		duty_kind: DF.Literal["Day", "Night", "Clinic half-day", "24h call", "Other"]
		end: DF.Datetime
		holiday: DF.Check
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		required_level: DF.Literal["", "PGY-1", "PGY-2", "PGY-3", "PGY-4", "PGY-5", "PGY-6", "PGY-7", "PGY-8"]
		service: DF.Data | None
		site: DF.Data | None
		start: DF.Datetime
		units: DF.Float
	# end: auto-generated types
	pass
