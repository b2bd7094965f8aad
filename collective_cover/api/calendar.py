"""A member's secret calendar feed (iCalendar): make or rotate it, revoke it, and the feed itself.

The feed is fetched by calendar clients, which carry no session: its address holds a token, and the
token alone decides whose feed it is. Making and revoking are POST-only and act on the session
user's own feed; there is no way to name another user.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.translate import get_user_lang
from werkzeug.wrappers import Response

from collective_cover.calendar_feed import tokens
from collective_cover.calendar_feed.events import calendar_of
from collective_cover.cover.lifecycle import NotAClinicianError
from collective_cover.kernel.access import clinician_of

FEED_PATH = "/api/method/collective_cover.api.calendar.feed"


@frappe.whitelist(methods=["POST"])
def rotate_feed() -> dict:
	"""A new secret address for the session user's feed, shown this once; any earlier one stops working."""
	user = frappe.session.user
	if not clinician_of(user):
		frappe.throw(
			_("Your user {0} is not linked to a Clinician, so it has no calendar to subscribe to.").format(
				user
			),
			NotAClinicianError,
			title=_("Not a clinician"),
		)
	token = tokens.issue(user)
	return {"url": frappe.utils.get_url(f"{FEED_PATH}?token={token}")}


@frappe.whitelist(methods=["POST"])
def revoke_feed() -> dict:
	"""Delete the session user's feed: its address answers "not found" from now on."""
	return {"revoked": tokens.revoke(frappe.session.user)}


@frappe.whitelist(allow_guest=True, methods=["GET"])
def feed(token: str | None = None) -> Response:
	"""The iCalendar document of the token's owner; 404 for any token that is not a current one."""
	user = tokens.owner_of(token)
	if not user:
		# The same answer for a token never issued, replaced, revoked or of a disabled user.
		return Response(
			_("There is no calendar feed at this address. It may have been replaced or revoked."),
			status=404,
			mimetype="text/plain",
		)
	frappe.local.lang = get_user_lang(user)
	return Response(
		calendar_of(user),
		mimetype="text/calendar",
		headers={
			"Content-Disposition": 'inline; filename="collective-cover.ics"',
			# The address is a secret: no shared cache may keep what it answers.
			"Cache-Control": "private, no-store",
		},
	)
