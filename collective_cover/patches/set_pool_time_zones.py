"""Pools made before they had a time zone keep counting in the site's: the field says so."""

import frappe
from frappe.utils import get_system_timezone


def execute():
	pool = frappe.qb.DocType("Jeopardy Pool")
	(
		frappe.qb.update(pool)
		.set(pool.time_zone, get_system_timezone())
		.where(pool.time_zone.isnull() | (pool.time_zone == ""))
	).run()
