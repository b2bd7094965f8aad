from datetime import timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import now_datetime

from collective_cover.devtools.demo.build import create_demo
from collective_cover.devtools.demo.clear import clear_demo
from collective_cover.devtools.demo.plan import DEMO_PROGRAM, EMAIL_DOMAIN, plan_demo
from collective_cover.kernel.access import coordinator_users
from collective_cover.tests.factories import (
	make_clinician,
	make_outgoing_email_account,
	make_program,
	make_user,
)

SMALL = 0.1


def silent(_message: str) -> None:
	pass


def row_counts() -> dict[str, int]:
	"""Rows in every table of the site."""
	tables = frappe.db.sql_list(
		"select table_name from information_schema.tables where table_schema = database()"
	)
	return {table: frappe.db.sql(f"select count(*) from `{table}`")[0][0] for table in tables}


class TestDemoProgramme(FrappeTestCase):
	"""The demo is built once, small, inside the class's transaction; each test rolls back to it."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		# A demo built on this site with the bench command goes for these tests and returns at rollback.
		clear_demo(echo=silent, commit=False)
		make_program()
		make_outgoing_email_account()  # so that any email the demo sent would be queued
		cls.bystander = make_clinician("Unrelated Bystander", user=False)
		cls.coordinator = make_user("real.coordinator@cc-test.example", roles=("Cover Coordinator",))
		cls.before = row_counts()
		cls.plan = plan_demo(SMALL)
		cls.created = create_demo(SMALL, echo=silent, commit=False)

	def setUp(self):
		frappe.db.savepoint("demo_test")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="demo_test")

	def test_creates_once_through_the_lifecycle(self):
		plan, created = self.plan, self.created
		self.assertEqual(created["Residency Program"], 1)
		self.assertEqual(created["Clinician"], len(plan.people))
		self.assertEqual(created["User"], len(plan.people))
		self.assertEqual(created["Jeopardy Pool"], 3)
		self.assertEqual(created["Cover Request"], len(plan.requests))
		self.assertEqual(frappe.db.count("Cover Request", {"program": DEMO_PROGRAM}), len(plan.requests))
		demo_requests = frappe.get_all("Cover Request", filters={"program": DEMO_PROGRAM}, pluck="name")
		covered = frappe.db.count(
			"Cover Request Duty", {"parent": ("in", demo_requests), "covered_by": ("is", "set")}
		)
		# Collective pools write one cover row per covered duty.
		self.assertEqual(frappe.db.count("Cover Ledger Entry", {"program": DEMO_PROGRAM}), covered)
		self.assertEqual(created["Cover Ledger Entry"], covered)
		# The senior's nights during the PGY-3 retreat: nobody eligible, no overflow.
		self.assertGreaterEqual(
			frappe.db.count("Cover Request", {"program": DEMO_PROGRAM, "status": "Unfilled"}), 1
		)
		self.assertEqual(created["Coach Pairing"], len(plan.residents))
		self.assertGreater(
			frappe.db.count("Coaching Meeting", {"program": DEMO_PROGRAM, "status": "Held"}), 0
		)

		self.assertEqual(sum(create_demo(SMALL, echo=silent, commit=False).values()), 0)

	def test_the_year_is_written_at_the_moments_it_happened(self):
		first = min(r.submitted_at for r in self.plan.requests)
		requests = frappe.get_all(
			"Cover Request",
			filters={"program": DEMO_PROGRAM},
			fields=["name", "submitted_at", "covered_at", "status"],
		)
		self.assertEqual(
			sorted(r.submitted_at for r in requests), sorted(r.submitted_at for r in self.plan.requests)
		)
		for request in requests:
			if request.covered_at:
				self.assertGreaterEqual(request.covered_at, request.submitted_at, request.name)
				self.assertLess(request.covered_at, request.submitted_at + timedelta(days=1), request.name)
		ledger = frappe.get_all(
			"Cover Ledger Entry", filters={"program": DEMO_PROGRAM}, pluck="posting_datetime"
		)
		self.assertGreaterEqual(min(ledger), first)
		self.assertLess(max(ledger), now_datetime() - timedelta(days=1))
		offers = frappe.get_all("Cover Request Offer", filters={"program": DEMO_PROGRAM}, pluck="offered_at")
		self.assertGreaterEqual(min(o for o in offers if o), first)

	def test_a_coordinator_it_did_not_create_hears_nothing(self):
		self.assertIn(self.coordinator, coordinator_users(DEMO_PROGRAM))
		self.assertGreater(
			frappe.db.count("Cover Request", {"program": DEMO_PROGRAM, "status": "Unfilled"}), 0
		)
		self.assertEqual(frappe.db.count("Notification Log", {"for_user": self.coordinator}), 0)
		self.assertEqual(frappe.db.count("ToDo", {"allocated_to": self.coordinator}), 0)
		self.assertEqual(frappe.db.count("Email Queue Recipient", {"recipient": self.coordinator}), 0)
		# Nor its own fictional people.
		requests = frappe.get_all("Cover Request", filters={"program": DEMO_PROGRAM}, pluck="name")
		self.assertEqual(frappe.db.count("Email Queue", {"reference_name": ("in", requests)}), 0)
		self.assertEqual(frappe.db.count("Notification Log", {"for_user": ("like", f"%@{EMAIL_DOMAIN}")}), 0)

	def test_clear_removes_what_it_created_and_leaves_no_row_behind(self):
		removed = clear_demo(echo=silent, commit=False)

		for doctype in ("Clinician", "User", "Jeopardy Pool", "Cover Request", "Cover Ledger Entry"):
			self.assertEqual(removed[doctype], self.created[doctype], doctype)
		after = row_counts()
		left = {
			table: after[table] - self.before[table]
			for table in after
			if after[table] != self.before.get(table)
		}
		self.assertEqual(left, {})
		self.assertTrue(frappe.db.exists("Clinician", self.bystander))
