import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate

from collective_cover.engine.model import EntryKind


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
		self.set_standby_day()

	def validate(self):
		if not self.flags.in_insert:
			self.refuse(_("edited"))

	def on_trash(self):
		self.refuse(_("deleted"))

	def set_standby_day(self):
		"""Only standby credits have a day: the unique key below leaves every other row alone."""
		if self.entry_type == EntryKind.STANDBY.value:
			self.standby_day = getdate(self.posting_datetime)

	def refuse(self, what: str):
		frappe.throw(
			_("Cover ledger entry {0} cannot be {1}; cancel the cover request to write a reversal.").format(
				self.name, what
			),
			LedgerIsAppendOnlyError,
			title=_("Ledger is append-only"),
		)


def on_doctype_update():
	"""One standby credit per member, pool and day, kept by the database: two workers crediting the
	same day at once cannot both write it. A unique key admits any number of rows whose standby_day is
	empty, so covers, reversals and the rest are not limited."""
	frappe.db.add_unique(
		"Cover Ledger Entry",
		["pool", "clinician", "standby_day"],
		constraint_name="one_standby_credit_per_day",
	)
