"""Rota days written before Jeopardy Rota carried its programme get their pool's, so User Permissions on
Residency Program scope them as they scope the pool."""

import frappe


def execute():
	# One UPDATE … JOIN: frappe.qb writes the SET column unqualified, which both tables have.
	frappe.db.sql(
		"""update `tabJeopardy Rota` rota
		join `tabJeopardy Pool` pool on pool.name = rota.pool
		set rota.program = pool.program
		where ifnull(rota.program, '') = ''"""
	)
