"""The "Plan rota" action on a pool: the engine's planner chooses each day's first back-up and the
pool's rota rows are replaced by its plan."""

from collections import Counter
from datetime import datetime, time, timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, now_datetime

from collective_cover.cover.rota import RotaRangeError
from collective_cover.tests.factories import (
	PROGRAM,
	make_clinician,
	make_pool,
	make_program,
	make_request,
	make_user,
	restrict_to_program,
	user_of,
)


class TestPlanRota(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_program()
		cls.members = [make_clinician(f"Rota Member {i}") for i in range(1, 4)]
		cls.pool = make_pool("Rota Pool", cls.members)
		cls.start = add_days(getdate(), 7)
		cls.end = add_days(cls.start, 13)

	def setUp(self):
		frappe.db.savepoint("rota_test")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="rota_test")

	def plan(self, start=None, end=None):
		pool = frappe.get_doc("Jeopardy Pool", self.pool)
		return pool.plan_rota(str(start or self.start), str(end or self.end))

	def rota(self):
		return frappe.get_all(
			"Jeopardy Rota",
			filters={"pool": self.pool},
			fields=["rota_date", "clinician", "clinician_name", "explanation"],
			order_by="rota_date asc",
		)

	def vacation(self, clinician, first_day, last_day):
		"""Away from the start of `first_day` to 23:59 on `last_day`, as typed in Desk."""
		frappe.get_doc(
			{
				"doctype": "Clinician Unavailability",
				"clinician": clinician,
				"kind": "Vacation",
				"from_datetime": datetime.combine(first_day, time()),
				"to_datetime": datetime.combine(last_day, time(23, 59)),
			}
		).insert(ignore_permissions=True)

	def test_every_day_gets_one_available_member_and_the_load_is_even(self):
		away = self.members[0]
		away_from, away_to = add_days(self.start, 2), add_days(self.start, 5)
		self.vacation(away, away_from, away_to)

		summary = self.plan()

		rows = self.rota()
		self.assertEqual(summary["days"], 14)
		self.assertEqual(summary["rostered"], 14)
		self.assertEqual([r.rota_date for r in rows], [self.start + timedelta(days=i) for i in range(14)])
		for row in rows:
			self.assertEqual(row.clinician_name, frappe.db.get_value("Clinician", row.clinician, "full_name"))
			self.assertTrue(row.explanation)
			if away_from <= row.rota_date <= away_to:
				self.assertNotEqual(row.clinician, away)
		counts = Counter(r.clinician for r in rows)
		self.assertEqual(set(counts), set(self.members))
		self.assertLessEqual(max(counts.values()) - min(counts.values()), 1)

	def test_explanations_and_the_result_speak_of_names_and_plain_methods(self):
		summary = self.plan()
		self.assertEqual(
			summary["message"],
			"14 of 14 days rostered (by the optimiser: the fairest plan possible); everyone ends within "
			f"{summary['max_abs_deviation']} units of their fair share.",
		)
		rows = frappe.get_all(
			"Jeopardy Rota",
			filters={"pool": self.pool},
			fields=["clinician", "clinician_name", "explanation", "plan_method"],
		)
		for row in rows:
			self.assertTrue(row.explanation.startswith(f"{row.clinician_name}: chosen by the optimiser"))
			self.assertIn(f"; {row.clinician_name} ends this plan at ", row.explanation)
			for member in self.members:
				self.assertNotIn(member, row.explanation)
			self.assertEqual(row.plan_method, "by the optimiser: the fairest plan possible")

	def test_nobody_is_first_back_up_on_a_day_they_called_out_for(self):
		caller, day = self.members[2], add_days(self.start, 2)
		for away in self.members[:2]:  # the caller would be the only one left that day
			self.vacation(away, day, day)
		# A 12-hour day duty from 07:00 that day, which the caller has called out for.
		start = datetime.combine(day, time(7))
		make_request(caller, self.pool, hours_from_now=(start - now_datetime()).total_seconds() / 3600)
		self.plan()
		on_that_day = next(r for r in self.rota() if r.rota_date == day)
		self.assertIsNone(on_that_day.clinician)
		self.assertIn("unavailable", on_that_day.explanation)

	def test_planning_again_replaces_the_days_it_covers(self):
		self.plan()
		self.plan()
		self.assertEqual(len(self.rota()), 14)

	def test_a_reversed_range_writes_nothing(self):
		with self.assertRaises(RotaRangeError):
			self.plan(start=self.end, end=self.start)
		self.assertEqual(self.rota(), [])

	def test_clinicians_cannot_plan_the_rota(self):
		frappe.set_user(user_of(self.members[1]))
		with self.assertRaises(frappe.PermissionError):
			self.plan()
		frappe.set_user("Administrator")
		self.assertEqual(self.rota(), [])

	def test_rota_days_carry_their_programme_and_only_its_coordinators_change_them(self):
		self.plan()
		day = frappe.get_all("Jeopardy Rota", filters={"pool": self.pool}, pluck="name", limit=1)[0]
		self.assertEqual(frappe.db.get_value("Jeopardy Rota", day, "program"), PROGRAM)
		other = make_program("Rota Other Programme")
		outsider = make_user("rota-other-coordinator@cc-test.example", roles=("Cover Coordinator",))
		restrict_to_program(outsider, other)
		own = make_user("rota-own-coordinator@cc-test.example", roles=("Cover Coordinator",))
		restrict_to_program(own, PROGRAM)

		frappe.set_user(outsider)
		self.assertEqual(frappe.get_list("Jeopardy Rota", filters={"pool": self.pool}, pluck="name"), [])
		doc = frappe.get_doc("Jeopardy Rota", day)
		for ptype in ("read", "write", "delete"):
			self.assertFalse(doc.has_permission(ptype), ptype)
		with self.assertRaises(frappe.PermissionError):
			frappe.delete_doc("Jeopardy Rota", day)
		frappe.set_user(own)
		self.assertTrue(frappe.get_doc("Jeopardy Rota", day).has_permission("delete"))
		frappe.set_user("Administrator")
		self.assertTrue(frappe.db.exists("Jeopardy Rota", day))
		# A save cannot move a day to another programme: it is always its pool's.
		moved = frappe.get_doc("Jeopardy Rota", day)
		moved.program = other
		moved.save()
		self.assertEqual(frappe.db.get_value("Jeopardy Rota", day, "program"), PROGRAM)

	def test_the_patch_gives_days_written_before_the_programme_field_their_pools(self):
		from collective_cover.patches import set_program_on_rota_days

		self.plan()
		frappe.db.set_value("Jeopardy Rota", {"pool": self.pool}, "program", None)
		set_program_on_rota_days.execute()
		programs = frappe.get_all("Jeopardy Rota", filters={"pool": self.pool}, pluck="program")
		self.assertEqual(set(programs), {PROGRAM})
		self.assertEqual(len(programs), 14)
