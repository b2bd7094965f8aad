import json
from datetime import timedelta

import frappe
from frappe.desk.query_report import run
from frappe.tests.utils import FrappeTestCase
from frappe.utils import now_datetime

from collective_cover.collective_cover.report.wellness_check_ins.wellness_check_ins import execute
from collective_cover.cover.wellness import prompt_check_in
from collective_cover.kernel.access import coordinator_users
from collective_cover.tests.factories import (
	filed_request,
	make_clinician,
	make_dated_pool,
	make_program,
	make_user,
	restrict_to_program,
	user_of,
)

SURGERY = "Test Surgery Residency"


class TestWellnessCheckIns(FrappeTestCase):
	"""Ada called out 50, 20 and 1 days ago (and 70 days ago, and once more but cancelled): the third
	call-out in 60 days prompted her programme's coordinators. Ben called out twice: no prompt. Sam, in
	another programme, called out three times."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.program, cls.surgery = make_program(), make_program(SURGERY)
		cls.coordinator = make_user("wellness-coord@cc-test.example", roles=("Cover Coordinator",))
		restrict_to_program(cls.coordinator, cls.program)
		cls.director = make_user("wellness-director@cc-test.example", roles=("Program Director",))
		restrict_to_program(cls.director, cls.program)
		cls.surgery_coordinator = make_user("wellness-surgery@cc-test.example", roles=("Cover Coordinator",))
		restrict_to_program(cls.surgery_coordinator, cls.surgery)

		cls.ada, cls.ben = make_clinician("Wellness Ada"), make_clinician("Wellness Ben")
		cls.sam = make_clinician("Wellness Sam", program=cls.surgery)
		joined = now_datetime().date() - timedelta(days=100)
		pool = make_dated_pool(
			"Wellness Wards", [(cls.ada, joined, None, None), (cls.ben, joined, None, None)]
		)
		theatre = make_dated_pool("Wellness Theatre", [(cls.sam, joined, None, None)], program=cls.surgery)

		def call_outs(clinician, pool, days_ago, **fields):
			filed = [
				filed_request(clinician, pool, now_datetime() - timedelta(days=d), "Covered", **fields)
				for d in days_ago
			]
			prompt_check_in(frappe.get_doc("Cover Request", filed[-1]))

		filed_request(cls.ada, pool, now_datetime() - timedelta(days=5), "Cancelled", docstatus=2)
		call_outs(cls.ada, pool, (70, 50, 20, 1), reason_note="wellness-secret-reason")
		call_outs(cls.ben, pool, (30, 2))
		call_outs(cls.sam, theatre, (40, 30, 3))
		# One coordinator has already had the conversation.
		frappe.db.set_value("ToDo", {"allocated_to": cls.coordinator}, "status", "Closed")

	def setUp(self):
		frappe.db.savepoint("wellness_check_ins_test")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="wellness_check_ins_test")

	def rows(self, **filters):
		_columns, data, self.message, _chart, summary = execute(filters)
		fields = ("clinician", "full_name", "program", "call_outs", "coordinators", "open")
		return [tuple(row[f] for f in fields) for row in data], [card["value"] for card in summary]

	def test_coordinators_and_directors_see_the_prompts_of_their_programme(self):
		asked = coordinator_users(self.program)
		self.assertIn(self.coordinator, asked)
		expected = (
			[(self.ada, "Wellness Ada", self.program, 3, ", ".join(sorted(asked)), len(asked) - 1)],
			[1, 1, 1 if len(asked) > 1 else 0],
		)
		for user in (self.coordinator, self.director):
			frappe.set_user(user)
			self.assertEqual(self.rows(), expected)
			self.assertEqual(
				self.message.split("<br>"),
				[
					"1 check-in prompt in this period.",
					"1 still waits for a coordinator to check in."
					if len(asked) > 1
					else "Every prompt has been closed by a coordinator.",
				],
			)
			self.assertNotIn("wellness-secret-reason", json.dumps(run("Wellness Check-ins", {}), default=str))

		frappe.set_user(self.surgery_coordinator)
		rows, _summary = self.rows()
		self.assertEqual([(row[0], row[3]) for row in rows], [(self.sam, 3)])

	def test_the_role_filter_keeps_that_roles_prompts(self):
		frappe.set_user(self.coordinator)
		self.assertEqual(self.rows(role="Resident"), self.rows())
		self.assertEqual(self.rows(role="Faculty")[0], [])

	def test_clinicians_never_see_it(self):
		for clinician in (self.ada, self.ben):
			frappe.set_user(user_of(clinician))
			with self.assertRaises(frappe.PermissionError):
				run("Wellness Check-ins", {})
