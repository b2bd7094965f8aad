from frappe.model.document import Document


class CoverRequestDuty(Document):
	pass
