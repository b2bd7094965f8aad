from frappe.model.document import Document


class JeopardyPoolUnitWeight(Document):
	pass
