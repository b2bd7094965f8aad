from frappe.model.document import Document


class CoverRequestReason(Document):
	"""Written by the Cover Request controller when a request is filed; read by coordinators only."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		cover_request: DF.Link
		override_reason: DF.SmallText | None
		program: DF.Link | None
		reason_category: DF.Literal["", "Illness", "Family emergency", "Bereavement", "Personal", "Other"]
		reason_note: DF.SmallText | None
		requester: DF.Link | None
	# end: auto-generated types
