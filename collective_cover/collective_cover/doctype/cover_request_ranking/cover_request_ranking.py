from frappe.model.document import Document


class CoverRequestRanking(Document):
	pass
