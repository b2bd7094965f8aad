"""What Desk loads with the session (hooks.boot_session)."""

import frappe

from collective_cover.engine.model import TRAINEE_ROLES, Role
from collective_cover.reports.scope import default_pool


def boot_session(bootinfo) -> None:
	"""The pool the pool reports open on, so their required Pool filter starts filled in, and the
	engine's clinician roles, so forms and filters in the browser use the one definition."""
	if frappe.session.user != "Guest":
		bootinfo.collective_cover = {
			"default_pool": default_pool(),
			"clinician_roles": [role.value for role in Role],
			"trainee_roles": list(TRAINEE_ROLES),
		}
