from collective_cover.kernel.app_records import AppWrittenRecord


class CalendarFeed(AppWrittenRecord):
	"""One per user, written by `rotate_feed` (rotating replaces it). Nobody inserts or edits one by
	hand, so no token is ever chosen by a person; deleting it — the owner through `revoke_feed`, a
	System Manager from the list — is revoking the feed, which anyone entitled to it may do."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		issued_at: DF.Datetime | None
		token_hash: DF.Data
		user: DF.Link
	# end: auto-generated types

	def on_trash(self):
		pass
