import frappe
from frappe import _

from collective_cover.api.cover import open_requests

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.throw(_("Log in to see the cover offers of your pools."), frappe.PermissionError)
	context.title = _("Cover offers")
	context.offers = open_requests()
	context.highlight = frappe.form_dict.get("request")
