"""Reads of what other transactions have committed, for checks that a row lock serialises.

MariaDB's REPEATABLE READ gives each transaction the snapshot of its first read. A save that first
loads its document and only then waits for a lock (a meeting waiting for its people's rows) would,
once it has the lock, still read the snapshot taken before the other save committed, and let a
clash through. Reading on a second connection of its own sees everything committed so far; the
caller adds what its own, uncommitted, transaction wrote.
"""

from __future__ import annotations

import frappe
from frappe.database import get_db


def committed_rows(*queries) -> list[list[frappe._dict]]:
	"""Each of `queries` (frappe.qb) run on one connection of its own: the rows committed by now, none of
	the current transaction's uncommitted writes."""
	db = get_db(
		host=frappe.conf.db_host,
		port=frappe.conf.db_port,
		user=frappe.conf.db_name,
		password=frappe.conf.db_password,
		cur_db_name=frappe.conf.db_name,
	)
	try:
		return [db.sql(query.get_sql(), as_dict=True) for query in queries]
	finally:
		db.close()
