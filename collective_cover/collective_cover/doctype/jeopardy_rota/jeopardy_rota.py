from frappe.model.document import Document


class JeopardyRota(Document):
	pass
