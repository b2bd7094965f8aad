from collective_cover.kernel.app_records import AppWrittenRecord


class CalendarFeed(AppWrittenRecord):
	"""One per user, written by `rotate_feed` (rotating replaces it). Nobody inserts or edits one by
	hand, so no token is ever chosen by a person; deleting it — the owner through `revoke_feed`, a
	System Manager from the list — is revoking the feed, which anyone entitled to it may do."""

	def on_trash(self):
		pass
