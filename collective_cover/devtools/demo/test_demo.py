from datetime import timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import now_datetime

from collective_cover.collective_cover.dashboard_chart_source.burden_distribution import burden_distribution
from collective_cover.collective_cover.dashboard_chart_source.cover_requests_by_outcome import (
	cover_requests_by_outcome,
)
from collective_cover.devtools.demo.build import create_demo
from collective_cover.devtools.demo.clear import clear_demo
from collective_cover.devtools.demo.plan import DEMO_PROGRAM, EMAIL_DOMAIN, plan_demo
from collective_cover.kernel.access import coordinator_users
from collective_cover.tests.factories import (
	make_clinician,
	make_outgoing_email_account,
	make_pool,
	make_program,
	make_request,
	make_user,
	user_of,
)

SMALL = 0.1
CHART_PROGRAM = "Chart Test Programme"


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
		covered = frappe.db.count("Cover Request", {"program": DEMO_PROGRAM, "covered_by": ("is", "set")})
		# Collective pools write one cover row per covered request.
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


class TestDemoWorkspace(FrappeTestCase):
	def test_workspace_number_cards_and_charts_ship_with_the_app(self):
		workspace = frappe.get_doc("Workspace", "Collective Cover")
		self.assertTrue(workspace.public)
		cards = ("Open Cover Requests", "Unfilled This Month", "Coaching Overdue")
		charts = ("Cover Requests per Week by Outcome", "Burden Distribution")
		self.assertEqual(tuple(row.number_card_name for row in workspace.number_cards), cards)
		self.assertEqual(tuple(row.chart_name for row in workspace.charts), charts)
		for card in cards:
			self.assertTrue(frappe.db.exists("Number Card", {"name": card, "is_standard": 1}), card)
		for chart in charts:
			self.assertEqual(frappe.db.get_value("Dashboard Chart", chart, "chart_type"), "Custom", chart)
		report = frappe.get_doc("Report", "Open Cover Requests")
		self.assertEqual((report.report_type, report.is_standard), ("Report Builder", "Yes"))


class TestDashboardChartSources(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_program(CHART_PROGRAM)
		cls.ana = make_clinician("Chart Ana", program=CHART_PROGRAM)
		cls.bo = make_clinician("Chart Bo", program=CHART_PROGRAM)
		cls.pool = make_pool("Chart Test Pool", [cls.ana, cls.bo], program=CHART_PROGRAM)

	def ledger(self, clinician, entry_type, units, reversed_type=None):
		row = frappe.get_doc(
			{
				"doctype": "Cover Ledger Entry",
				"clinician": clinician,
				"pool": self.pool,
				"program": CHART_PROGRAM,
				"entry_type": entry_type,
				"units": units,
				"posting_datetime": frappe.utils.now_datetime(),
				"reversed_type": reversed_type,
			}
		)
		row.flags.written_by_app = True
		row.insert(ignore_permissions=True)

	def test_burden_counts_covers_net_of_reversals_largest_first(self):
		self.ledger(self.bo, "Cover", 1.0)
		self.ledger(self.bo, "Reversal", -1.0, reversed_type="Cover")
		self.ledger(self.bo, "Cover", 1.5)
		self.ledger(self.ana, "Cover", 2.0)
		self.ledger(self.ana, "Standby credit", 0.1)

		chart = burden_distribution.get(filters={"program": CHART_PROGRAM})

		self.assertEqual(chart["labels"], ["Chart Ana", "Chart Bo"])
		self.assertEqual(chart["datasets"][0]["values"], [2.0, 1.5])

	def test_requests_this_week_by_outcome(self):
		outcomes = (
			{"status": "Covered", "cover_method": "Volunteered", "covered_by": self.bo},
			{"status": "Completed", "cover_method": "Assigned", "covered_by": self.bo},
			{"status": "Unfilled"},
			{},  # still open
		)
		for hours, outcome in zip((48, 72, 96, 120), outcomes, strict=True):
			doc = make_request(self.ana, self.pool, hours_from_now=hours)
			if outcome:
				frappe.db.set_value("Cover Request", doc.name, outcome)

		chart = cover_requests_by_outcome.get(filters={"program": CHART_PROGRAM, "weeks": 2})

		this_week = {dataset["name"]: dataset["values"][-1] for dataset in chart["datasets"]}
		self.assertEqual(
			this_week, {"Volunteered": 1, "Assigned": 1, "Unfilled": 1, "Cancelled": 0, "Open": 1}
		)
		self.assertEqual(len(chart["labels"]), 2)

	def test_clinicians_cannot_read_the_burden_chart(self):
		self.ledger(self.ana, "Cover", 2.0)
		chart = frappe.get_doc("Dashboard Chart", "Burden Distribution")
		clinician_user = user_of(self.bo)
		self.assertFalse(frappe.has_permission("Dashboard Chart", doc=chart, user=clinician_user))
		with self.set_user(clinician_user):
			self.assertRaises(
				frappe.PermissionError, burden_distribution.get, filters={"program": CHART_PROGRAM}
			)

		coordinator = make_user("chart.coordinator@cc-test.example", roles=("Cover Coordinator",))
		self.assertTrue(frappe.has_permission("Dashboard Chart", doc=chart, user=coordinator))
		with self.set_user(coordinator):
			chart_data = burden_distribution.get(filters={"program": CHART_PROGRAM})
		self.assertEqual(chart_data["labels"], ["Chart Ana"])

	def setUp(self):
		frappe.db.savepoint("chart_source_test")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="chart_source_test")
