from frappe.model.document import Document


class CoverRequestOffer(Document):
	pass
