"""What Desk loads with the session (hooks.boot_session)."""

import frappe

from collective_cover.reports.scope import default_pool


def boot_session(bootinfo) -> None:
	"""The pool the pool reports open on, so their required Pool filter starts filled in."""
	if frappe.session.user != "Guest":
		bootinfo.collective_cover = {"default_pool": default_pool()}
