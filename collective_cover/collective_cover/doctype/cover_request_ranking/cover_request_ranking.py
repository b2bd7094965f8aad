from collective_cover.kernel.app_records import AppWrittenRecord


class CoverRequestRanking(AppWrittenRecord):
	"""A row of a ranking snapshot, written when a request is filed and when it is covered."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		clinician: DF.Link | None
		cover_request: DF.Link
		deviation: DF.Float
		eligible: DF.Check
		program: DF.Link | None
		rank: DF.Int
		reason_codes: DF.SmallText | None
		reasons: DF.SmallText | None
		snapshot: DF.Data | None
	# end: auto-generated types
