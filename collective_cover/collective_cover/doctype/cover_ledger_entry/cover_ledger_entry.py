import frappe
from frappe import _
from frappe.model.document import Document


class LedgerIsAppendOnlyError(frappe.ValidationError):
	pass


class CoverLedgerEntry(Document):
	"""Append-only: written by the app when covers happen, never edited or deleted; a cancellation
	writes reversal rows instead."""

	def before_insert(self):
		if not self.flags.written_by_app:
			frappe.throw(
				_("Cover ledger entries are written by the app when a cover happens, not by hand."),
				LedgerIsAppendOnlyError,
				title=_("Ledger is append-only"),
			)

	def validate(self):
		if not self.flags.in_insert:
			self.refuse(_("edited"))

	def on_trash(self):
		self.refuse(_("deleted"))

	def refuse(self, what: str):
		frappe.throw(
			_("Cover ledger entry {0} cannot be {1}; cancel the cover request to write a reversal.").format(
				self.name, what
			),
			LedgerIsAppendOnlyError,
			title=_("Ledger is append-only"),
		)
