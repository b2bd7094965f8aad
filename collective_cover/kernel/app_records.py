"""Records only the app writes: the cover ledger, offers and ranking snapshots.

Nobody holds a write permission on them, but Administrator passes every permission check, so the
controller refuses any insert the app did not flag, and every edit and delete.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.model.document import Document


class WrittenByAppError(frappe.ValidationError):
	pass


class AppWrittenRecord(Document):
	error_class = WrittenByAppError

	def before_insert(self):
		if not self.flags.written_by_app:
			self.refuse(_("written by hand"))

	def validate(self):
		if not self.flags.in_insert:
			self.refuse(_("edited"))

	def on_trash(self):
		self.refuse(_("deleted"))

	def refusal(self, what: str) -> str:
		return _("{0} {1} is written by the app and cannot be {2}.").format(_(self.doctype), self.name, what)

	def refuse(self, what: str):
		frappe.throw(self.refusal(what), self.error_class, title=_("Written by the app"))
