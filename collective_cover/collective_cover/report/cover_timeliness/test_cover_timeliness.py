import json
from datetime import datetime, time, timedelta

import frappe
from frappe.desk.query_report import run
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_months, get_first_day, getdate

from collective_cover.collective_cover.report.cover_timeliness.cover_timeliness import execute
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
ROW = ("pool", "month", "requests", "volunteered", "assigned", "unfilled", "median", "p90")


class TestCoverTimeliness(FrappeTestCase):
	"""Two months ago, Wards had five requests: covered by a volunteer after 10 minutes, assigned after
	30, assigned from overflow after 50, one unfilled, one cancelled before cover. Last month Wards had
	two volunteers (5 and 15 minutes) and Clinic one coordinator override (2 hours). Surgery, another
	programme, had one volunteer. A draft and a request filed before the window do not count."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		program = make_program()
		cls.earlier = get_first_day(add_months(getdate(), -2))
		cls.later = get_first_day(add_months(getdate(), -1))
		requester = make_clinician("Timely Ada")
		members = [(requester, cls.earlier - timedelta(days=60), None, None)]
		cls.wards = make_dated_pool("Timely Wards", members, program=program)
		cls.clinic = make_dated_pool("Timely Clinic", members, program=program)

		def filed(pool, month, day, status, minutes=None, method=None, **fields):
			submitted = datetime.combine(month + timedelta(days=day), time(5))
			covered = submitted + timedelta(minutes=minutes) if minutes is not None else None
			return filed_request(requester, pool, submitted, status, covered, method, **fields)

		cls.with_reason = filed(
			cls.wards, cls.earlier, 1, "Covered", 10, "Volunteered", reason_note="timeliness-secret-fever"
		)
		filed(cls.wards, cls.earlier, 2, "Covered", 30, "Assigned")
		filed(cls.wards, cls.earlier, 3, "Completed", 50, "Assigned from overflow")
		filed(cls.wards, cls.earlier, 4, "Unfilled")
		filed(cls.wards, cls.earlier, 5, "Cancelled", docstatus=2)
		filed(cls.wards, cls.later, 1, "Covered", 5, "Volunteered")
		filed(cls.wards, cls.later, 2, "Completed", 15, "Volunteered")
		filed(cls.clinic, cls.later, 3, "Covered", 120, "Coordinator override")
		filed(cls.wards, cls.later, 4, "Draft", docstatus=0)
		filed(cls.wards, cls.earlier, -3, "Covered", 1, "Volunteered")

		surgery = make_program(SURGERY)
		surgeon = make_clinician("Timely Sam", program=surgery)
		cls.theatre = make_dated_pool(
			"Timely Theatre", [(surgeon, cls.earlier - timedelta(days=60), None, None)], program=surgery
		)
		filed_request(surgeon, cls.theatre, datetime.combine(cls.later, time(9)), "Covered",
			datetime.combine(cls.later, time(9, 1)), "Volunteered")  # fmt: skip
		cls.filters = {"from_date": cls.earlier, "to_date": getdate()}

	def setUp(self):
		frappe.db.savepoint("cover_timeliness_test")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="cover_timeliness_test")

	def month(self, day) -> str:
		return day.strftime("%Y-%m")

	def test_the_role_filter_keeps_requests_filed_by_that_role(self):
		frappe.set_user(make_user("timely-coord@cc-test.example", roles=("Cover Coordinator",)))
		every = execute({**self.filters, "program": make_program()})[1]
		residents = execute({**self.filters, "program": make_program(), "role": "Resident"})[1]
		faculty = execute({**self.filters, "program": make_program(), "role": "Faculty"})[1]
		self.assertEqual(residents, every)
		self.assertEqual(faculty, [])

	def test_counts_shares_and_times_to_cover_per_pool_and_month(self):
		frappe.set_user(make_user("timely-coord@cc-test.example", roles=("Cover Coordinator",)))
		_columns, data, message, chart, summary = execute({**self.filters, "program": make_program()})
		self.assertEqual(
			[tuple(row[f] for f in ROW) for row in data],
			[
				# pool, month, requests, volunteered %, assigned %, unfilled %, median s, 90th percentile s
				(self.clinic, self.month(self.later), 1, 0.0, 100.0, 0.0, 7200.0, 7200.0),
				(self.wards, self.month(self.earlier), 5, 20.0, 40.0, 20.0, 1800.0, 2760.0),
				(self.wards, self.month(self.later), 2, 100.0, 0.0, 0.0, 600.0, 840.0),
			],
		)
		self.assertEqual(chart["data"]["labels"], [self.month(self.earlier), self.month(self.later)])
		self.assertEqual(
			[(d["name"], d["values"]) for d in chart["data"]["datasets"]],
			[("Volunteered", [1, 2]), ("Assigned", [2, 1]), ("Unfilled", [1, 0])],
		)
		# Six covers: 5, 10, 15, 30, 50 and 120 minutes.
		self.assertEqual([card["value"] for card in summary], [8, 37.5, 1350.0, 5100.0])
		# 3 of 8 volunteered, 3 assigned, 1 unfilled; 22.5 minutes said within 23, 85 minutes as hours.
		self.assertEqual(
			message.split("<br>"),
			[
				"8 cover requests: 38% taken by a volunteer, 38% assigned, 13% left unfilled.",
				"Half were covered within 23 minutes of filing, and 9 in 10 within 1 hour 25 minutes.",
			],
		)

	def test_a_month_with_nothing_covered_has_no_time_to_cover(self):
		_columns, data, *_rest = execute(
			{
				"pool": self.wards,
				"from_date": self.earlier + timedelta(days=4),
				"to_date": self.earlier + timedelta(days=5),
			}
		)
		self.assertEqual(
			[(row["requests"], row["unfilled"], row["median"]) for row in data], [(2, 50.0, None)]
		)

	def test_a_coordinator_limited_to_another_programme_sees_only_its_pools(self):
		coordinator = make_user("timely-surgery-coord@cc-test.example", roles=("Cover Coordinator",))
		restrict_to_program(coordinator, SURGERY)
		frappe.set_user(coordinator)
		_columns, data, *_rest = execute(self.filters)
		self.assertEqual(
			[(row["pool"], row["requests"], row["median"]) for row in data], [(self.theatre, 1, 60.0)]
		)
		_columns, data, *_rest = execute({**self.filters, "pool": self.wards})
		self.assertEqual(data, [])

	def test_clinicians_cannot_run_it_and_no_reason_ever_appears(self):
		self.assertTrue(frappe.db.exists("Cover Request Reason", self.with_reason))
		shown = run("Cover Timeliness", self.filters)
		self.assertNotIn("timeliness-secret-fever", json.dumps(shown, default=str))
		frappe.set_user(user_of(make_clinician("Timely Ada")))
		with self.assertRaises(frappe.PermissionError):
			run("Cover Timeliness", self.filters)
