from datetime import date, datetime, time, timedelta

import frappe
from frappe.desk.query_report import run
from frappe.tests.utils import FrappeTestCase

from collective_cover.collective_cover.report.pool_health.pool_health import execute
from collective_cover.engine.blocks import block_of
from collective_cover.engine.model import EntryKind
from collective_cover.kernel.dates import fairness_window
from collective_cover.tests.factories import (
	cover_and_reversal,
	filed_request,
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
# Every test runs on this day, whatever the calendar says: the two weeks three weeks before it lie inside
# one academic year, whose blocks are whole.
TODAY = date(2026, 3, 16)
ROW = (
	"block_start",
	"members",
	"activations",
	"units",
	"activation_rate",
	"gini",
	"at_cap",
	"needed",
	"spare",
	"resilient",
)


class TestPoolHealth(FrappeTestCase):
	"""A pool of four full-time members with weekly blocks, capped at 2 activations and 3 units each.
	- First block: Dev is away all week; Ada and Ben give two 1-unit covers each (both at the activation
	  cap), Cleo half a unit. Five covers at two per member need three members, and only three are
	  there: not resilient.
	- Second block: Dev is back; Ada and Cleo give a unit each; Ben's 1.5-unit cover is reversed the
	  same week and his standby credit is no cover. Two covers fit one member: resilient, three spare."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_program()
		window_start = fairness_window(TODAY - timedelta(days=21))[0]
		cls.first = block_of(TODAY - timedelta(days=21), window_start, 7).first
		cls.second = cls.first + timedelta(days=7)
		members = [make_clinician(f"Health {name}") for name in ("Ada", "Ben", "Cleo", "Dev")]
		ada, ben, cleo, dev = members
		cls.ada = ada
		joined = cls.first - timedelta(days=30)
		caps = {"block_days": 7, "max_activations_per_block": 2, "max_units_per_block": 3}
		cls.pool = make_dated_pool("Health Wards", [(m, joined, None, None) for m in members], **caps)
		make_absence(dev, cls.first, cls.first + timedelta(days=6))

		requester = make_clinician("Health Requester")

		def cover(member, units, day):
			at = datetime.combine(day, time(9))
			request = filed_request(requester, cls.pool, at, "Covered", at, "Volunteered")
			post(cls.pool, member, EntryKind.COVER, units, at, request=request)

		for member, units in ((ada, 1.0), (ada, 1.0), (ben, 1.0), (ben, 1.0), (cleo, 0.5)):
			cover(member, units, cls.first + timedelta(days=1))
		cover(ada, 1.0, cls.second + timedelta(days=1))
		cover(cleo, 1.0, cls.second + timedelta(days=2))
		ben_cover = datetime.combine(cls.second + timedelta(days=2), time(9))
		cancelled = filed_request(
			requester, cls.pool, ben_cover, "Cancelled", ben_cover, "Volunteered", docstatus=2
		)
		cover_and_reversal(cls.pool, ben, 1.5, ben_cover, ben_cover + timedelta(days=1), request=cancelled)
		post(cls.pool, ben, EntryKind.STANDBY, 0.5, datetime.combine(cls.second, time(0)))

		surgery = make_program(SURGERY)
		surgeon = make_clinician("Health Sam", program=surgery)
		cls.theatre = make_dated_pool("Health Theatre", [(surgeon, joined, None, None)], program=surgery)

	def setUp(self):
		self.enterContext(self.freeze_time(datetime.combine(TODAY, time(12))))
		frappe.db.savepoint("pool_health_test")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="pool_health_test")

	def run_report(self, **filters):
		_columns, data, self.message, chart, summary = execute(
			{"from_date": self.first, "to_date": self.second + timedelta(days=6), **filters}
		)
		return data, chart, [card["value"] for card in summary]

	def figures(self, data):
		return [
			tuple(round(v, 4) if isinstance(v, float) else v for v in (row[f] for f in ROW)) for row in data
		]

	def test_activation_evenness_caps_and_resilience_per_block(self):
		data, chart, summary = self.run_report(pool=self.pool)
		self.assertEqual(
			self.figures(data),
			[
				# Burden rates ∝ 2, 2, 0.5 → Gini 3 / 13.5; then 1, 0.5, 1, 0 → 3.5 / 10.
				(self.first, 3, 5, 4.5, round(5 / 3, 4), round(3 / 13.5, 4), 2, 3, 0, 0),
				(self.second, 4, 2, 2.0, 0.5, 0.35, 0, 1, 3, 1),
			],
		)
		self.assertEqual(chart["data"]["labels"], [self.pool])
		self.assertEqual([d["values"] for d in chart["data"]["datasets"]], [[4], [1]])
		self.assertEqual(summary, [1, 1, 0, 0])  # pools; resilient, not resilient, at cap in the last block
		self.assertEqual(
			self.message.split("<br>"),
			[
				"In their last complete block, 1 of 1 pools could have lost any one member and still given "
				"every cover within the caps.",
				"Every pool had a member to spare.",
				"Nobody reached a cap.",
			],
		)

	def test_the_academic_year_ends_its_last_block_on_30_june(self):
		# Weekly blocks from 1 July 2025: the 52nd ends on 29 June 2026, 30 June is a block of its own
		# and 1 July starts the new year's first block. A cover on each side of midnight stays in its year.
		post(self.pool, self.ada, EntryKind.COVER, 1.0, datetime(2026, 6, 30, 23, 0))
		post(self.pool, self.ada, EntryKind.COVER, 2.0, datetime(2026, 7, 1, 0, 30))
		with self.freeze_time(datetime(2026, 7, 10, 12)):
			_columns, data, *_rest = execute(
				{"pool": self.pool, "from_date": date(2026, 6, 20), "to_date": date(2026, 7, 5)}
			)
		self.assertEqual(
			[(row["block_start"], row["block_end"], row["activations"], row["units"]) for row in data],
			[
				(date(2026, 6, 16), date(2026, 6, 22), 0, 0.0),
				(date(2026, 6, 23), date(2026, 6, 29), 0, 0.0),
				(date(2026, 6, 30), date(2026, 6, 30), 1, 1.0),
				(date(2026, 7, 1), date(2026, 7, 7), 1, 2.0),
			],
		)

	def test_a_coordinator_limited_to_another_programme_sees_only_its_pools(self):
		coordinator = make_user("health-coord@cc-test.example", roles=("Program Director",))
		restrict_to_program(coordinator, SURGERY)
		frappe.set_user(coordinator)
		data, _chart, _summary = self.run_report()
		self.assertEqual({row["pool"] for row in data}, {self.theatre})

	def test_clinicians_cannot_run_it(self):
		frappe.set_user(user_of(make_clinician("Health Ada")))
		with self.assertRaises(frappe.PermissionError):
			run("Pool Health", {})
