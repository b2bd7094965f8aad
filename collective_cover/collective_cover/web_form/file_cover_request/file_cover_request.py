from collective_cover.api.cover import member_pools
from collective_cover.api.my_cover import active_clinician


def get_context(context):
	# Offers and the own-requests list change by the minute.
	context.no_cache = 1
	# Frappe lists every pool the user can read; a clinician files into the pools they are a member of.
	clinician = active_clinician()
	pools = member_pools(clinician) if clinician else []
	for field in context.web_form_doc.web_form_fields:
		if field.fieldname == "pool":
			field.options = "\n".join(pools)
