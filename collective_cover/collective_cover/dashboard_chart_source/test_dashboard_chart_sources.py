"""The workspace's two charts: burden (cover units and standby credit) per member this academic year
(coordinators and directors only) and requests per week by how they ended."""

import frappe
from frappe.tests.utils import FrappeTestCase

from collective_cover.collective_cover.dashboard_chart_source import ChartFilterError
from collective_cover.collective_cover.dashboard_chart_source.burden_distribution import burden_distribution
from collective_cover.collective_cover.dashboard_chart_source.cover_requests_by_outcome import (
	cover_requests_by_outcome,
)
from collective_cover.tests.factories import (
	make_clinician,
	make_pool,
	make_program,
	make_request,
	make_user,
	restrict_to_program,
	user_of,
)

CHART_PROGRAM = "Chart Test Programme"


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

	def test_burden_counts_covers_net_of_reversals_and_standby_largest_first(self):
		self.ledger(self.bo, "Cover", 1.0)
		self.ledger(self.bo, "Reversal", -1.0, reversed_type="Cover")
		self.ledger(self.bo, "Cover", 1.5)
		self.ledger(self.bo, "Standby credit", 0.1)
		self.ledger(self.ana, "Cover", 2.0)
		self.ledger(self.ana, "Standby credit", 0.1)
		# Only ever first back-up, never activated: standby is burden too.
		cy = make_clinician("Chart Cy", program=CHART_PROGRAM)
		self.ledger(cy, "Standby credit", 0.1)

		chart = burden_distribution.get(filters={"program": CHART_PROGRAM})

		self.assertEqual(chart["labels"], ["Chart Ana", "Chart Bo", "Chart Cy"])
		self.assertEqual(chart["datasets"], [{"name": "Burden (units)", "values": [2.1, 1.6, 0.1]}])

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

	def test_filters_must_be_a_json_object_of_the_charts_own_filters(self):
		self.ledger(self.ana, "Cover", 2.0)
		for chart in (burden_distribution, cover_requests_by_outcome):
			for filters in ("{{{", "[1, 2]", [1, 2], '"pool"'):
				with self.assertRaisesRegex(ChartFilterError, "must be a JSON object"):
					chart.get(filters=filters)
			with self.assertRaisesRegex(
				ChartFilterError, "no filter .*reason_note.*; it can be filtered by: program, pool"
			):
				chart.get(filters={"program": CHART_PROGRAM, "reason_note": "%fever%"})
			with self.assertRaisesRegex(ChartFilterError, "program must be a single value"):
				chart.get(filters={"program": [CHART_PROGRAM]})
		self.assertRaisesRegex(
			ChartFilterError,
			"no filter .*weeks.*filtered by: program, pool\\.$",
			burden_distribution.get,
			filters={"weeks": 2},
		)

	def test_a_pool_the_user_cannot_read_is_refused(self):
		other = make_program("Chart Other Programme")
		outsider = make_user("chart.other.coordinator@cc-test.example", roles=("Cover Coordinator",))
		restrict_to_program(outsider, other)
		self.ledger(self.ana, "Cover", 2.0)
		with self.set_user(outsider):
			for chart in (burden_distribution, cover_requests_by_outcome):
				with self.assertRaisesRegex(frappe.PermissionError, "cannot read pool"):
					chart.get(filters={"pool": self.pool})
			self.assertEqual(burden_distribution.get(filters={"program": CHART_PROGRAM})["labels"], [])

	def setUp(self):
		frappe.db.savepoint("chart_source_test")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="chart_source_test")
