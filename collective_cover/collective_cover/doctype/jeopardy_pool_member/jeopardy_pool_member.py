from frappe.model.document import Document


class JeopardyPoolMember(Document):
	pass
