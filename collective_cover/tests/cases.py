"""Base test cases shared by the cover request tests."""

import frappe
from frappe.tests.utils import FrappeTestCase

from collective_cover.kernel.dates import fairness_window
from collective_cover.tests.factories import (
	make_clinician,
	make_coachable,
	make_outgoing_email_account,
	make_pool,
	make_program,
	remove_committed_records,
)
from collective_cover.tests.live_site import LiveSite


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


class CoachingTestCase(FrappeTestCase):
	"""Two residents and two coaches whose weekly clinics overlap in known ways this academic year:
	Ada and Xavier share every Tuesday afternoon at Main Clinic; Ben and Yara every Thursday morning."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_program()
		make_outgoing_email_account()
		year_start = fairness_window()[0]
		cls.ada = make_coachable("Coaching Ada", "Resident", [("Tuesday", "PM", "Main Clinic")], year_start)
		cls.ben = make_coachable("Coaching Ben", "Resident", [("Thursday", "AM", "Main Clinic")], year_start)
		cls.xavier = make_coachable(
			"Coach Xavier", "Faculty", [("Tuesday", "PM", "Main Clinic")], year_start, capacity=2
		)
		cls.yara = make_coachable(
			"Coach Yara",
			"Faculty",
			[("Thursday", "AM", "Main Clinic"), ("Tuesday", "PM", "North Clinic")],
			year_start,
			capacity=1,
		)

	def setUp(self):
		frappe.db.savepoint("coaching_test")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="coaching_test")

	def pair(self, resident, coach, **fields):
		return frappe.get_doc(
			{"doctype": "Coach Pairing", "resident": resident, "coach": coach, **fields}
		).insert()


class CommittedRecordsTestCase(FrappeTestCase):
	"""For races: other processes see only committed records, so these classes commit what they make,
	naming it with the class's tag, and remove everything tagged afterwards. With `serve`, a gunicorn
	(`cls.site`) serves the site for the class's HTTP requests; with `statics` too, its assets, for a
	browser."""

	serve = False
	statics = False

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tag = frappe.generate_hash(length=6)
		make_outgoing_email_account()
		if cls.serve:
			cls.site = LiveSite(statics=cls.statics).start()

	@classmethod
	def tearDownClass(cls):
		if cls.serve:
			cls.site.stop()
		frappe.db.rollback()
		remove_committed_records(cls.tag)
		super().tearDownClass()


class CommittedPoolTestCase(CommittedRecordsTestCase):
	"""A committed pool: a requester and `members_count` members."""

	members_count = 5

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_program()
		cls.requester = make_clinician(f"Racer Requester {cls.tag}")
		cls.members = [make_clinician(f"Racer {i} {cls.tag}") for i in range(cls.members_count)]
		cls.pool = make_pool(f"Race Pool {cls.tag}", [cls.requester, *cls.members])
		frappe.db.commit()
