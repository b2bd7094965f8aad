from frappe.model.document import Document


class ClinicSessionTemplate(Document):
	pass
