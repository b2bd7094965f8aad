import frappe
from frappe import _
from frappe.utils import getdate

from collective_cover.engine.model import EntryKind
from collective_cover.kernel.app_records import AppWrittenRecord, WrittenByAppError


class LedgerIsAppendOnlyError(WrittenByAppError):
	pass


class CoverLedgerEntry(AppWrittenRecord):
	"""Append-only: written by the app when covers happen, never edited or deleted; a cancellation
	writes reversal rows instead."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		clinician: DF.Link
		counterparty: DF.Link | None
		cover_request: DF.Link | None
		cover_request_duty: DF.Data | None
		entry_type: DF.Literal["Cover", "Standby credit", "Reversal", "Payback obligation", "Settlement"]
		pool: DF.Link
		posting_datetime: DF.Datetime
		program: DF.Link
		reversed_type: DF.Data | None
		reverses: DF.Link | None
		standby_day: DF.Date | None
		units: DF.Float
	# end: auto-generated types

	error_class = LedgerIsAppendOnlyError

	def before_insert(self):
		super().before_insert()
		self.set_standby_day()

	def set_standby_day(self):
		"""Only standby credits have a day: the unique key below leaves every other row alone."""
		if self.entry_type == EntryKind.STANDBY.value:
			self.standby_day = getdate(self.posting_datetime)

	def refusal(self, what: str) -> str:
		if self.is_new():
			return _("Cover ledger entries are written by the app when a cover happens, not by hand.")
		return _(
			"Cover ledger entry {0} cannot be {1}; cancel the cover request to write a reversal."
		).format(self.name, what)


def on_doctype_update():
	"""One standby credit per member, pool and day, kept by the database: two workers crediting the
	same day at once cannot both write it. A unique key admits any number of rows whose standby_day is
	empty, so covers, reversals and the rest are not limited."""
	frappe.db.add_unique(
		"Cover Ledger Entry",
		["pool", "clinician", "standby_day"],
		constraint_name="one_standby_credit_per_day",
	)
