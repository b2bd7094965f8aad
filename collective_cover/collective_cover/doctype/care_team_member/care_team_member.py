from frappe.model.document import Document


class CareTeamMember(Document):
	pass
