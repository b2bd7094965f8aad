from frappe.model.document import Document


class CoachingNote(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		meeting: DF.Link
		note: DF.TextEditor
		pairing: DF.Link | None
		program: DF.Link | None
	# end: auto-generated types
	pass
