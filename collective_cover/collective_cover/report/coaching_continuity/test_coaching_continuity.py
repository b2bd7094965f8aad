from datetime import timedelta

import frappe
from frappe.desk.query_report import run
from frappe.utils import getdate, now_datetime

from collective_cover.collective_cover.report.coaching_continuity.coaching_continuity import execute
from collective_cover.engine.fairness import days
from collective_cover.kernel.dates import fairness_window
from collective_cover.tests.cases import CoachingTestCase
from collective_cover.tests.factories import make_program, make_user, restrict_to_program, user_of

ROW = (
	"indent",
	"person",
	"pairings",
	"capacity",
	"shared_half_days",
	"meetings_held",
	"meetings_required",
	"last_meeting",
	"days_without_meeting",
	"pace",
	"behind",
	"overdue",
)


def weekdays_this_year(weekday: int) -> int:
	return sum(1 for day in days(*fairness_window()) if day.weekday() == weekday)


class TestCoachingContinuity(CoachingTestCase):
	"""Ada and coach Xavier share every Tuesday afternoon and held a meeting yesterday; Ben and coach
	Yara share every Thursday morning and were paired 200 days ago without meeting since."""

	def setUp(self):
		super().setUp()
		self.ada_xavier = self.pair(self.ada, self.xavier)
		meeting = frappe.get_doc(
			"Coaching Meeting",
			frappe.get_all("Coaching Meeting", filters={"pairing": self.ada_xavier.name}, pluck="name")[0],
		)
		meeting.starts_at = now_datetime().replace(microsecond=0) - timedelta(days=1)
		meeting.ends_at = meeting.starts_at + timedelta(hours=1)
		meeting.status = "Held"
		meeting.save()
		self.yesterday = getdate(meeting.starts_at)
		self.ben_yara = self.pair(self.ben, self.yara, start_date=getdate() - timedelta(days=200))

	def rows(self, **filters):
		_columns, data, self.message, _chart, summary = execute({"status": "Active", **filters})
		return [tuple(row.get(f) for f in ROW) for row in data], [card["value"] for card in summary]

	def test_pairings_grouped_under_their_coach_with_the_coach_load(self):
		tuesdays, thursdays = weekdays_this_year(1), weekdays_this_year(3)
		rows, summary = self.rows()
		self.assertEqual(
			rows,
			[
				(0, "Coach Xavier", 1, 2, tuesdays, 1, 2, self.yesterday, None, None, 0, 0),
				(1, "Coaching Ada", None, None, tuesdays, 1, 2, self.yesterday, 1, "On pace", None, None),
				(0, "Coach Yara", 1, 1, thursdays, 0, 2, None, None, None, 0, 1),
				(1, "Coaching Ben", None, None, thursdays, 0, 2, None, 200, "Overdue", None, None),
			],
		)
		self.assertEqual(summary, [2, 2, 0, 1])  # pairings, coaches, behind pace, overdue
		self.assertEqual(
			self.message.split("<br>"),
			[
				"1 of 2 pairings (2 coaches) are keeping up with their meetings.",
				"1 pairing has gone six months without a meeting.",
			],
		)

	def test_filters_narrow_to_overdue_pairings(self):
		rows, summary = self.rows(pace="Overdue")
		self.assertEqual([(row[0], row[1]) for row in rows], [(0, "Coach Yara"), (1, "Coaching Ben")])
		self.assertEqual(summary, [1, 1, 0, 1])
		self.assertEqual(self.rows(status="Ended")[0], [])

	def test_a_date_range_keeps_the_pairings_that_ran_during_it(self):
		before_ada = getdate() - timedelta(days=100)
		rows, _summary = self.rows(from_date=before_ada - timedelta(days=10), to_date=before_ada)
		self.assertEqual([(row[0], row[1]) for row in rows], [(0, "Coach Yara"), (1, "Coaching Ben")])
		frappe.db.set_value(
			"Coach Pairing", self.ben_yara.name, "planned_end", before_ada - timedelta(days=20)
		)
		self.assertEqual(self.rows(from_date=before_ada - timedelta(days=10), to_date=before_ada)[0], [])

	def test_a_coordinator_limited_to_another_programme_sees_no_pairing(self):
		coordinator = make_user("continuity-coord@cc-test.example", roles=("Cover Coordinator",))
		restrict_to_program(coordinator, make_program("Test Surgery Residency"))
		frappe.set_user(coordinator)
		self.assertEqual(self.rows(), ([], [0, 0, 0, 0]))
		self.assertEqual(self.message, "No pairings match these filters.")

	def test_clinicians_and_coaches_cannot_run_it(self):
		frappe.get_doc("User", user_of(self.xavier)).add_roles("Coach")
		for clinician in (self.ada, self.xavier):
			frappe.set_user(user_of(clinician))
			with self.assertRaises(frappe.PermissionError):
				run("Coaching Continuity", {})
