from frappe.model.document import Document


class CoachingNote(Document):
	pass
