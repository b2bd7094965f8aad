from collective_cover.kernel.app_records import AppWrittenRecord


class CoverRequestOffer(AppWrittenRecord):
	"""Written by the escalation ladder and by a member's "I can't"; read by coordinators only."""
