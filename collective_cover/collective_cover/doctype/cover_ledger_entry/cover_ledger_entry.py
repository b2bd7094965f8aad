from frappe import _

from collective_cover.kernel.app_records import AppWrittenRecord, WrittenByAppError


class LedgerIsAppendOnlyError(WrittenByAppError):
	pass


class CoverLedgerEntry(AppWrittenRecord):
	"""Append-only: written by the app when covers happen, never edited or deleted; a cancellation
	writes reversal rows instead."""

	error_class = LedgerIsAppendOnlyError

	def refusal(self, what: str) -> str:
		if self.is_new():
			return _("Cover ledger entries are written by the app when a cover happens, not by hand.")
		return _(
			"Cover ledger entry {0} cannot be {1}; cancel the cover request to write a reversal."
		).format(self.name, what)
