import itertools
from datetime import timedelta

import frappe
from frappe.tests.utils import change_settings
from frappe.utils import get_datetime

from collective_cover.collective_cover.doctype.coach_pairing_tool.coach_pairing_tool import (
	NothingToPairError,
	create,
	preview,
)
from collective_cover.kernel.dates import fairness_window
from collective_cover.tests.cases import CoachingTestCase
from collective_cover.tests.coaching import (
	first_tuesday,
	four_months_after,
	freeze_before_the_first_tuesday,
	make_tuesday_resident,
	slot,
	slots_of,
)
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

	def test_create_never_double_books_a_coach_with_several_new_residents(self):
		cleo = make_tuesday_resident("Coaching Cleo")  # shares Tuesday afternoons with Xavier, like Ada
		freeze_before_the_first_tuesday(self)
		tuesday, later = first_tuesday(), four_months_after(first_tuesday())
		for minutes, slots in (
			(45, (("13:00", "13:45"), ("13:45", "14:30"))),
			(30, (("13:00", "13:30"), ("13:30", "14:00"))),
		):
			with (
				self.subTest(minutes=minutes),
				change_settings("Collective Cover Settings", meeting_minutes=minutes),
			):
				frappe.db.savepoint("tool_run")
				create(PROGRAM, *self.window())
				coached = dict(
					frappe.get_all(
						"Coach Pairing",
						filters={"coach": self.xavier},
						fields=["resident", "name"],
						as_list=True,
					)
				)
				self.assertEqual(sorted(coached), sorted([self.ada, cleo]))
				meetings = frappe.get_all(
					"Coaching Meeting",
					filters={"pairing": ("in", list(coached.values()))},
					fields=["pairing", "starts_at", "ends_at"],
					order_by="starts_at asc",
				)
				self.assertEqual(len(meetings), 4)
				for meeting in meetings:
					length = get_datetime(meeting.ends_at) - get_datetime(meeting.starts_at)
					self.assertEqual(length, timedelta(minutes=minutes))
				for a, b in itertools.pairwise(meetings):
					self.assertLessEqual(get_datetime(a.ends_at), get_datetime(b.starts_at))
				# The two residents take turns on the same afternoons.
				self.assertEqual(
					sorted(slots_of(pairing) for pairing in coached.values()),
					[[slot(tuesday, *turn), slot(later, *turn)] for turn in slots],
				)
				frappe.db.rollback(save_point="tool_run")
