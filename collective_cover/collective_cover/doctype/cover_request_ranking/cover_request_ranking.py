from collective_cover.kernel.app_records import AppWrittenRecord


class CoverRequestRanking(AppWrittenRecord):
	"""A row of a ranking snapshot, written when a request is filed and when it is covered."""
