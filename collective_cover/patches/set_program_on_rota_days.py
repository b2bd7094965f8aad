"""Rota days written before Jeopardy Rota carried its programme get their pool's, so User Permissions on
Residency Program scope them as they scope the pool."""

import frappe


def execute():
	rota, pool = frappe.qb.DocType("Jeopardy Rota"), frappe.qb.DocType("Jeopardy Pool")
	(
		frappe.qb.update(rota)
		.join(pool)
		.on(pool.name == rota.pool)
		.set(rota.program, pool.program)
		.where(rota.program.isnull() | (rota.program == ""))
	).run()
