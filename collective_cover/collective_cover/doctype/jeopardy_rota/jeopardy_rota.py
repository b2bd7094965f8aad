import frappe
from frappe.model.document import Document


class JeopardyRota(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		clinician: DF.Link | None
		clinician_name: DF.Data | None
		explanation: DF.SmallText | None
		plan_method: DF.Data | None
		pool: DF.Link
		program: DF.Link
		rota_date: DF.Date
	# end: auto-generated types

	def validate(self):
		# The pool's, whatever a save sends: User Permissions on the programme scope rota days by it.
		self.program = frappe.db.get_value("Jeopardy Pool", self.pool, "program")
