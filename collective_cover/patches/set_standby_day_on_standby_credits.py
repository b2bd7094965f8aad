"""Standby credits written before the ledger had standby_day get it, so the one-credit-per-day key
covers them too. Where a member was credited twice for one pool and day (the race that key closes),
only the earliest row gets the day: the ledger is append-only, so the later row stays as written."""

import frappe
from frappe.query_builder.functions import Date
from frappe.utils import create_batch, getdate

from collective_cover.engine.model import EntryKind


def execute():
	ledger = frappe.qb.DocType("Cover Ledger Entry")
	credits = (
		frappe.qb.from_(ledger)
		.select(ledger.name, ledger.pool, ledger.clinician, ledger.posting_datetime, ledger.standby_day)
		.where(ledger.entry_type == EntryKind.STANDBY.value)
		.orderby(ledger.creation)
		.orderby(ledger.name)
	).run(as_dict=True)
	keyed = {(c.pool, c.clinician, c.standby_day) for c in credits if c.standby_day}
	earliest = []
	for credit in credits:
		key = (credit.pool, credit.clinician, getdate(credit.posting_datetime))
		if not credit.standby_day and key not in keyed:
			keyed.add(key)
			earliest.append(credit.name)
	# Years of daily credits over many pools are many rows: one UPDATE per thousand, not per row.
	for names in create_batch(earliest, 1000):
		(
			frappe.qb.update(ledger)
			.set(ledger.standby_day, Date(ledger.posting_datetime))
			.where(ledger.name.isin(names))
		).run()
