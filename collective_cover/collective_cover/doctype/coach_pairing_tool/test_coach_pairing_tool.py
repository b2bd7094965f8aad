import frappe

from collective_cover.collective_cover.doctype.coach_pairing_tool.coach_pairing_tool import (
	NothingToPairError,
	create,
	preview,
)
from collective_cover.kernel.dates import fairness_window
from collective_cover.tests.cases import CoachingTestCase
from collective_cover.tests.factories import PROGRAM, user_of


class TestCoachPairingTool(CoachingTestCase):
	def window(self):
		return [str(day) for day in fairness_window()]

	def test_preview_pairs_each_resident_with_the_coach_they_share_clinics_with(self):
		plan = preview(PROGRAM, *self.window())
		pairs = {(p["resident_name"], p["coach_name"], p["shared_half_days"]) for p in plan["pairings"]}
		self.assertEqual(pairs, {("Coaching Ada", "Coach Xavier", 52), ("Coaching Ben", "Coach Yara", 52)})
		self.assertEqual(plan["total_shared"], 104)
		self.assertEqual(plan["unpaired"], [])
		self.assertEqual(frappe.db.count("Coach Pairing"), 0)  # a preview writes nothing

	def test_create_makes_the_pairings_once_and_never_breaks_an_active_one(self):
		self.pair(self.ben, self.xavier)  # not the best overlap, but it exists and stays
		created = create(PROGRAM, *self.window())
		pairs = {
			(row.resident, row.coach)
			for row in frappe.get_all(
				"Coach Pairing", filters={"status": "Active"}, fields=["resident", "coach"]
			)
		}
		self.assertEqual(pairs, {(self.ben, self.xavier), (self.ada, self.xavier)})
		self.assertEqual(len(created), 1)
		with self.assertRaises(NothingToPairError):
			create(PROGRAM, *self.window())

	def test_clinicians_cannot_use_the_tool(self):
		frappe.set_user(user_of(self.ada))
		with self.assertRaises(frappe.PermissionError):
			preview(PROGRAM, *self.window())
