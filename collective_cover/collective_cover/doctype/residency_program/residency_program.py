from frappe.model.document import Document


class ResidencyProgram(Document):
	"""A programme: the unit coordinators are limited to through User Permissions."""
