from frappe.model.document import Document


class JeopardyPoolRole(Document):
	pass
