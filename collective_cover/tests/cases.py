"""Base test cases shared by the cover request tests."""

import frappe
from frappe.tests.utils import FrappeTestCase

from collective_cover.tests.factories import (
	make_clinician,
	make_outgoing_email_account,
	make_pool,
	make_program,
)


class CoverRequestTestCase(FrappeTestCase):
	"""Shared records are made once per class; each test rolls back to a savepoint."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_program()
		make_outgoing_email_account()
		cls.requester = make_clinician("Ada Requester")
		cls.members = [make_clinician(f"Member {i}") for i in range(1, 6)]
		cls.pool = make_pool("Test Wards Pool", [cls.requester, *cls.members])

	def setUp(self):
		frappe.db.savepoint("cover_request_test")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="cover_request_test")

	def ledger(self, request):
		return frappe.get_all(
			"Cover Ledger Entry",
			filters={"cover_request": request},
			fields=["clinician", "entry_type", "units"],
			order_by="creation asc",
		)
