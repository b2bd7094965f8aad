import json
from datetime import date, datetime, time, timedelta

import frappe
from frappe.desk.query_report import run
from frappe.tests.utils import FrappeTestCase

from collective_cover.boot import boot_session
from collective_cover.collective_cover.report.jeopardy_burden.jeopardy_burden import (
	PoolOutsideProgramError,
	execute,
)
from collective_cover.engine.model import EntryKind
from collective_cover.kernel.dates import fairness_window
from collective_cover.reports.scope import default_pool
from collective_cover.tests.factories import (
	cover_and_reversal,
	make_absence,
	make_clinician,
	make_dated_pool,
	make_program,
	make_user,
	post,
	restrict_to_program,
	user_of,
)

SURGERY = "Test Surgery Residency"
# Every test runs on this day, well inside an academic year, whatever the calendar says.
TODAY = date(2026, 3, 16)
FIGURES = ("covered", "activations", "standby", "burden", "exposure", "fair_share", "deviation")


class TestJeopardyBurden(FrappeTestCase):
	"""Ten days ending a month before TODAY, five members, load 6 units over 30 FTE-days of exposure, so
	fair share = exposure / 5:
	- Ada: full time all ten days (exposure 10); covers 2 + 1 units; rows before and after the window and
	  in another pool do not count;
	- Ben: away five whole days (5); a 2-unit cover that was reversed, then 1 unit;
	- Cleo: half time in this pool (5); 0.5 standby credit and 1 unit at 23:00 on the last day;
	- Dev: joined on day 6 (5); 0.5 units;
	- Eve: faculty at 0.5 FTE (5); nothing."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		program = make_program()
		cls.start = TODAY - timedelta(days=40)
		cls.end = cls.start + timedelta(days=9)
		joined = cls.start - timedelta(days=20)
		cls.ada, cls.ben, cls.cleo, cls.dev = (
			make_clinician(f"Burden {name}") for name in ("Ada", "Ben", "Cleo", "Dev")
		)
		cls.eve = make_clinician("Burden Eve", role="Faculty")
		frappe.db.set_value("Clinician", cls.eve, "fte", 0.5)
		cls.pool = make_dated_pool(
			"Burden Wards",
			[
				(cls.ada, joined, None, None),
				(cls.ben, joined, None, None),
				(cls.cleo, joined, None, 0.5),
				(cls.dev, cls.day(5), None, None),
				(cls.eve, joined, None, None),
			],
			program=program,
		)
		other_pool = make_dated_pool("Burden Nights", [(cls.ada, joined, None, None)], program=program)
		make_absence(cls.ben, cls.day(2), cls.day(6))

		post(cls.pool, cls.ada, EntryKind.COVER, 2.0, cls.at(1))
		post(cls.pool, cls.ada, EntryKind.COVER, 1.0, cls.at(3))
		post(cls.pool, cls.ada, EntryKind.COVER, 5.0, cls.at(-1))
		post(cls.pool, cls.ada, EntryKind.COVER, 4.0, cls.at(10))
		post(other_pool, cls.ada, EntryKind.COVER, 3.0, cls.at(1))
		cover_and_reversal(cls.pool, cls.ben, 2.0, cls.at(1), cls.at(2))
		post(cls.pool, cls.ben, EntryKind.COVER, 1.0, cls.at(8))
		post(cls.pool, cls.cleo, EntryKind.STANDBY, 0.5, cls.at(4))
		post(cls.pool, cls.cleo, EntryKind.COVER, 1.0, cls.at(9, hour=23))
		post(cls.pool, cls.dev, EntryKind.COVER, 0.5, cls.at(7))

		program_b = make_program(SURGERY)
		cls.surgeon = make_clinician("Burden Sam", program=program_b)
		cls.surgery_pool = make_dated_pool("Burden Theatre", [(cls.surgeon, joined, None, None)], program_b)
		post(cls.surgery_pool, cls.surgeon, EntryKind.COVER, 1.0, cls.at(1))

	@classmethod
	def day(cls, offset: int):
		return cls.start + timedelta(days=offset)

	@classmethod
	def at(cls, offset: int, hour: int = 10) -> datetime:
		return datetime.combine(cls.day(offset), time(hour))

	def setUp(self):
		self.enterContext(self.freeze_time(datetime.combine(TODAY, time(12))))
		frappe.db.savepoint("jeopardy_burden_test")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="jeopardy_burden_test")

	def run_report(self, **filters):
		columns, data, self.message, chart, summary = execute(
			{"pool": self.pool, "from_date": self.start, "to_date": self.end, **filters}
		)
		return columns, data, chart, {card["label"]: card["value"] for card in summary}

	def figures(self, data):
		return [(row["clinician"], *(round(row[f], 6) for f in FIGURES)) for row in data]

	def assertPoolSummary(self, summary):
		self.assertEqual(
			summary,
			{
				"Members": 5,
				"Units Covered": 6.0,
				"Furthest From Fair Share (units)": 1.0,
				"Within 1 Unit of Fair Share": 5,
				"Gini of Burden Rate (0 = even)": 0.356,  # burden rates 0.3, 0.2, 0.3, 0.1, 0 → 1.6 / 4.5
				"Deviation P10": -0.8,
				"Deviation P25": -0.5,
				"Deviation Median": 0.0,
				"Deviation P75": 0.5,
				"Deviation P90": 0.8,
			},
		)
		# The same figures in words, for every viewer (nobody is named).
		self.assertEqual(
			self.message.split("<br>"),
			[
				"5 members covered 6 shifts in this period (a day or night shift is one unit of cover).",
				"Everyone is within 1 shift of their fair share.",
				"The middle half of the pool is between 0.5 shifts below and 0.5 shifts above their fair share.",
			],
		)

	def test_staff_see_every_member_with_exact_figures(self):
		frappe.set_user(make_user("burden-coord@cc-test.example", roles=("Cover Coordinator",)))
		_columns, data, chart, summary = self.run_report()
		self.assertEqual(
			self.figures(data),
			[
				# clinician, covered, activations, standby, burden, exposure, fair share, deviation
				(self.ada, 3.0, 2, 0.0, 3.0, 10.0, 2.0, 1.0),
				(self.cleo, 1.0, 1, 0.5, 1.5, 5.0, 1.0, 0.5),
				(self.ben, 1.0, 1, 0.0, 1.0, 5.0, 1.0, 0.0),
				(self.dev, 0.5, 1, 0.0, 0.5, 5.0, 1.0, -0.5),
				(self.eve, 0.0, 0, 0.0, 0.0, 5.0, 1.0, -1.0),
			],
		)
		self.assertPoolSummary(summary)
		self.assertEqual(
			chart["data"]["labels"], ["Burden Ada", "Burden Cleo", "Burden Ben", "Burden Dev", "Burden Eve"]
		)
		self.assertEqual(chart["data"]["datasets"][0]["values"], [1.0, 0.5, 0.0, -0.5, -1.0])

	def test_the_role_filter_narrows_rows_not_the_pool_figures(self):
		_columns, data, chart, summary = self.run_report(role="Faculty")
		self.assertEqual(self.figures(data), [(self.eve, 0.0, 0, 0.0, 0.0, 5.0, 1.0, -1.0)])
		self.assertEqual(chart["data"]["labels"], ["Burden Eve"])
		self.assertPoolSummary(summary)

	def test_the_programme_filter_must_match_the_pool(self):
		_columns, data, _chart, _summary = self.run_report(program=make_program())
		self.assertEqual(len(data), len(self.run_report()[1]))
		with self.assertRaises(PoolOutsideProgramError):
			self.run_report(program=make_program("Another Residency"))

	def test_a_coordinator_limited_to_another_programme_sees_none_of_this_one(self):
		coordinator = make_user("burden-surgery-coord@cc-test.example", roles=("Cover Coordinator",))
		restrict_to_program(coordinator, SURGERY)
		frappe.set_user(coordinator)
		with self.assertRaises(frappe.PermissionError):
			self.run_report()
		with self.assertRaises(frappe.PermissionError):
			run("Jeopardy Burden", {"pool": self.pool})
		_columns, data, _chart, summary = self.run_report(pool=self.surgery_pool)
		self.assertEqual(self.figures(data), [(self.surgeon, 1.0, 1, 0.0, 1.0, 10.0, 1.0, 0.0)])
		self.assertEqual(summary["Members"], 1)

	def test_a_clinician_sees_only_their_own_row_and_the_pool_anonymised(self):
		frappe.set_user(user_of(self.cleo))
		_columns, data, chart, summary = self.run_report()
		self.assertEqual(self.figures(data), [(self.cleo, 1.0, 1, 0.5, 1.5, 5.0, 1.0, 0.5)])
		self.assertPoolSummary(summary)
		self.assertEqual(chart["data"]["labels"], ["P10", "P25", "Median", "P75", "P90"])
		self.assertEqual(
			[(d["name"], d["values"]) for d in chart["data"]["datasets"]],
			[("Pool", [-0.8, -0.5, 0.0, 0.5, 0.8]), ("You", [0.5] * 5)],
		)
		# Through Desk's report runner too: roles allow clinicians this report, and nobody else shows.
		shown = run("Jeopardy Burden", {"pool": self.pool, "from_date": self.start, "to_date": self.end})
		self.assertEqual([row["clinician"] for row in shown["result"]], [self.cleo])
		payload = json.dumps(shown, default=str)
		for other in (self.ada, self.ben, self.dev, self.eve):
			self.assertNotIn(other, payload)
			self.assertNotIn(frappe.db.get_value("Clinician", other, "full_name"), payload)

	def test_a_clinician_outside_the_pool_is_refused(self):
		frappe.set_user(user_of(self.surgeon))
		with self.assertRaises(frappe.PermissionError):
			self.run_report()

	def test_the_window_defaults_to_the_academic_year_so_far(self):
		self.assertLess(fairness_window()[0], self.day(-1))  # every row is inside the year so far
		_columns, data, _chart, summary = self.run_report(from_date=None, to_date=None)
		self.assertEqual(summary["Units Covered"], 15.0)
		self.assertEqual({row["clinician"]: row["covered"] for row in data}[self.ada], 12.0)

	def test_the_largest_gap_is_said_rounded_up_so_within_never_understates_it(self):
		post(self.pool, self.ada, EntryKind.COVER, 1.25, self.at(5))
		_columns, _data, _chart, summary = self.run_report()
		# Ada: 4.25 − 7.25 × 10 / 30 = 1.833; Eve −1.208; Cleo, Ben and Dev within one unit.
		self.assertEqual(summary["Furthest From Fair Share (units)"], 1.83)
		self.assertEqual(summary["Within 1 Unit of Fair Share"], 3)
		self.assertEqual(
			self.message.split("<br>")[:2],
			[
				"5 members covered 7.25 shifts in this period (a day or night shift is one unit of cover).",
				"Everyone is within 1.9 shifts of their fair share.",
			],
		)

	def test_the_pool_filter_defaults_to_the_largest_pool_the_user_may_open(self):
		coordinator = make_user("burden-default-coord@cc-test.example", roles=("Cover Coordinator",))
		restrict_to_program(coordinator, SURGERY)
		frappe.set_user(coordinator)
		self.assertEqual(default_pool(), self.surgery_pool)
		boot = frappe._dict()
		boot_session(boot)
		self.assertEqual(boot.collective_cover["default_pool"], self.surgery_pool)

		# A clinician opens on their own pool: Ada is in both of hers; Burden Wards has five members.
		frappe.set_user(user_of(self.ada))
		self.assertEqual(default_pool(), self.pool)
		self.assertEqual(len(run("Jeopardy Burden", {"pool": default_pool()})["result"]), 1)
		frappe.set_user(user_of(self.surgeon))
		self.assertEqual(default_pool(), self.surgery_pool)
		frappe.set_user(make_user("burden-nobody@cc-test.example"))
		self.assertIsNone(default_pool())
