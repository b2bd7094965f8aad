"""Requests covered before per-duty cover were covered whole: every duty row gets the request's coverer,
time and method, so a coverer's second tap, "My covers" and the Desk grid see them as they see new
covers. One UPDATE with a join, whatever the number of requests; duty rows that already name a coverer
are left as they are (the patch may run again)."""

import frappe


def execute():
	# Raw SQL: the query builder leaves SET columns unqualified, and both tables have covered_by.
	frappe.db.sql(
		"""
		update `tabCover Request Duty` duty
		join `tabCover Request` request
			on duty.parent = request.name and duty.parenttype = 'Cover Request'
		set duty.covered_by = request.covered_by,
			duty.covered_at = request.covered_at,
			duty.cover_method = request.cover_method
		where ifnull(request.covered_by, '') != '' and duty.covered_by is null
		"""
	)
