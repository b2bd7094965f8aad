from frappe.model.document import Document


class CollectiveCoverSettings(Document):
	pass
