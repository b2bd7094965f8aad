"""The ledger is aggregated in SQL for the ranking, the reports and the chart (cover/ledger.py, one builder),
and by the engine in the simulator and its tests: the same rows must give the same figures, for every entry
kind and every policy."""

from datetime import datetime, timedelta

import frappe
from frappe.tests.utils import FrappeTestCase

from collective_cover.cover.ledger import block_totals, load_burden, member_totals, write_entry
from collective_cover.engine.blocks import block_of
from collective_cover.engine.model import EntryKind, LedgerEntry, MemberBurden, Policy
from collective_cover.engine.policies import aggregate_ledger, cover_entries, reversal_entries
from collective_cover.kernel.dates import aware, fairness_window, naive
from collective_cover.tests.factories import make_clinician, make_pool, make_program


class TestLedgerConsistency(FrappeTestCase):
	def setUp(self):
		frappe.db.savepoint("ledger_consistency")
		make_program()
		self.people = [make_clinician(f"Ledger Person {i}") for i in range(4)]
		self.pool_doc = frappe.get_doc("Jeopardy Pool", make_pool("Ledger Pool", self.people))
		window_start = fairness_window()[0]
		self.now = aware(
			datetime.combine(window_start + timedelta(days=70), datetime.min.time()) + timedelta(hours=9)
		)
		self.window_start = aware(datetime.combine(window_start, datetime.min.time()))
		self.block = block_of(self.now.date(), window_start, self.pool_doc.block_days or 28)
		self.block_start = aware(datetime.combine(self.block.first, datetime.min.time()))

	def tearDown(self):
		frappe.db.rollback(save_point="ledger_consistency")

	def write(self, entries, reverses=None):
		written = []
		for entry in entries:
			name = write_entry(entry, self.pool_doc, reverses=reverses)
			written.append(LedgerEntry(**{**entry.__dict__, "id": name}))
		return written

	def history(self):
		"""Rows of every kind, under each policy, inside and outside the window, the block and 28 days."""
		a, b, c, d = self.people

		def at(**ago):
			return self.now - timedelta(**ago)

		rows = []
		for policy, requester, coverer, when, units in (
			(Policy.COLLECTIVE, a, b, at(days=2), 1.0),
			(Policy.COLLECTIVE, a, c, at(days=40), 2.0),  # before this block and the trailing 28 days
			(Policy.POOL_PAYBACK, b, a, at(days=10), 1.0),
			(Policy.POOL_PAYBACK, c, b, at(days=5), 0.5),  # b owes the pool 1.0 and settles 0.5
			(Policy.INDIVIDUAL_PAYBACK, d, c, at(days=3), 2.0),
			(Policy.INDIVIDUAL_PAYBACK, c, d, at(days=1), 1.0),  # d repays c 1.0 of 2.0
			(Policy.COLLECTIVE, b, d, at(days=100), 1.0),  # before the window: payback history only
		):
			burden = aggregate_ledger(
				rows, now=when, window_start=self.window_start, block_start=self.block_start
			).get(coverer, MemberBurden(coverer))
			# No request: the aggregates never read it, and a made-up name would fail its link check.
			rows += self.write(cover_entries(policy, None, requester, coverer, units, when, burden))
		cancelled = self.write(cover_entries(Policy.COLLECTIVE, None, b, a, 1.0, at(days=4), MemberBurden(a)))
		reversals = [self.write([r], reverses=r.reverses)[0] for r in reversal_entries(cancelled, at(days=3))]
		rows += cancelled + reversals
		rows += self.write(
			[
				LedgerEntry(a, EntryKind.STANDBY, 0.1, at(days=6)),
				LedgerEntry(b, EntryKind.STANDBY, 0.1, at(days=60)),
			]
		)
		return rows

	def test_the_sql_aggregate_and_the_engine_give_the_same_burden(self):
		rows = self.history()
		kinds = {row.kind for row in rows}
		self.assertEqual(kinds, set(EntryKind))  # every kind is exercised
		engine = aggregate_ledger(
			rows, now=self.now, window_start=self.window_start, block_start=self.block_start
		)
		sql = load_burden(
			self.pool_doc.name,
			self.people,
			naive(self.now),
			self.window_start.date(),
			self.pool_doc.block_days or 28,
		)
		for person in self.people:
			with self.subTest(person=person):
				self.assertEqual(sql[person], engine[person])

	def test_the_reports_totals_agree_with_the_engine(self):
		rows = self.history()
		engine = aggregate_ledger(
			rows, now=self.now, window_start=self.window_start, block_start=self.block_start
		)
		totals = member_totals(self.window_start.date(), self.now.date(), pool=self.pool_doc.name)
		in_block = block_totals(self.pool_doc.name, [self.block])[0]
		for person in self.people:
			with self.subTest(person=person):
				self.assertAlmostEqual(totals[person].covered, engine[person].covered_units, places=6)
				self.assertAlmostEqual(totals[person].standby, engine[person].standby_units, places=6)
				self.assertAlmostEqual(totals[person].burden, engine[person].burden, places=6)
				self.assertEqual(totals[person].activations, engine[person].activations_in_window)
				block = in_block.get(person)
				self.assertAlmostEqual(
					block.covered if block else 0.0, engine[person].units_in_block, places=6
				)
				self.assertEqual(block.activations if block else 0, engine[person].activations_in_block)
