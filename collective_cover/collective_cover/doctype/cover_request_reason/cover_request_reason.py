from frappe.model.document import Document


class CoverRequestReason(Document):
	"""Written by the Cover Request controller when a request is filed; read by coordinators only."""
