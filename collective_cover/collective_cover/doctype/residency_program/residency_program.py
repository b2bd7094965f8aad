from frappe.model.document import Document


class ResidencyProgram(Document):
	"""A programme: the unit coordinators are limited to through User Permissions."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		program_director: DF.Link | None
		program_name: DF.Data
	# end: auto-generated types
