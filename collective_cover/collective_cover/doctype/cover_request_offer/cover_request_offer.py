from collective_cover.kernel.app_records import AppWrittenRecord


class CoverRequestOffer(AppWrittenRecord):
	"""Written by the escalation ladder and by a member's "I can't"; read by coordinators only."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		clinician: DF.Link
		cover_request: DF.Link
		decline_note: DF.SmallText | None
		declined_at: DF.Datetime | None
		offered_at: DF.Datetime | None
		program: DF.Link | None
		stage: DF.Data | None
	# end: auto-generated types
