import frappe
from frappe import _

from collective_cover.api.cover import open_requests
from collective_cover.api.my_cover import duties_of
from collective_cover.cover.lifecycle import current_clinician

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.throw(_("Log in to see the cover offers of your pools."), frappe.PermissionError)
	context.title = _("Cover offers")
	context.offers = open_requests()
	# A multi-day request's duties, each to take alone ("You are covering this" once taken).
	context.duties = duties_of(
		[offer["request"] for offer in context.offers], upcoming_only=True, viewer=current_clinician()
	)
	context.highlight = frappe.form_dict.get("request")
