from frappe.model.document import Document


class CareTeamMember(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		clinician: DF.Link
		clinician_name: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		team_role: DF.Literal["Resident", "Faculty", "Nurse"]
	# end: auto-generated types
	pass
