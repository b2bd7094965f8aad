"""The clinician's phone home, /my-cover: call out, offers, covers, requests, standing and coaching on
one page. Clinicians land here after login; staff keep Desk."""

import frappe
from frappe import _
from frappe.utils import get_system_timezone

from collective_cover.api.my_cover import (
	active_clinician,
	my_coaching,
	my_covers,
	my_pools,
	my_requests,
	my_shifts,
	my_standing,
	open_offers,
	shown_zone,
)
from collective_cover.kernel.access import is_staff
from collective_cover.kernel.dates import pool_zone

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.local.flags.redirect_location = "/login?redirect-to=/my-cover"
		raise frappe.Redirect(302)  # not 301: a browser would keep sending the signed-in user to login
	context.title = _("My cover")
	context.no_breadcrumbs = True
	context.time_zone = get_system_timezone()
	context.time_zone_note = _("Times are in {0}.").format(context.time_zone)
	context.clinician = active_clinician()
	if not context.clinician:
		return
	meta = frappe.get_meta("Cover Request")
	pools = my_pools()
	# Duties are typed and shown in the pool's zone, whatever the user's own time zone.
	context.time_zone = shown_zone(pools)
	context.time_zone_note = _("Times are in {0}.").format(context.time_zone)
	context.update(
		{
			"pools": pools,
			"pool_zones": {pool: pool_zone(pool) for pool in pools},
			"shifts": my_shifts(),
			"offers": open_offers(),
			"covers": my_covers(),
			"requests": my_requests(),
			"standing": my_standing(),
			"coaching": my_coaching(),
			"duty_kinds": frappe.get_meta("Cover Request Duty").get_options("duty_kind").split("\n"),
			"reason_categories": [o for o in meta.get_options("reason_category").split("\n") if o],
		}
	)


def lands_here(user: str) -> bool:
	"""Clinicians start on their phone's home; coordinators, directors and administrators keep Desk."""
	return "Clinician" in frappe.get_roles(user) and not is_staff(user)


def website_home_page(user: str) -> str | None:
	"""hooks `get_website_user_home_page`: where "/" takes a signed-in user."""
	return "my-cover" if lands_here(user) else None


def land_after_login(login_manager) -> None:
	"""hooks `on_session_creation`: Frappe sends desk users to /app after login; clinicians come here.
	A `redirect-to` in the login link still wins (the login page follows it first)."""
	if lands_here(login_manager.user):
		frappe.local.response["home_page"] = "/my-cover"
