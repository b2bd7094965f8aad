"""A pool's roster (every member's Clinician row, burden, exposure and absences) is read from the cache
while nothing it depends on has changed, and read again — with exact figures — as soon as a cover,
an absence, an FTE or the pool's members change; a cover that rolled back never passes for the one
written in its place."""

from datetime import timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate, now_datetime

from collective_cover.cover.records import engine_pool, load_candidates
from collective_cover.cover.roster import pool_roster, refresh, roster_key, roster_reaches
from collective_cover.engine.model import EntryKind
from collective_cover.kernel.dates import aware, fairness_window
from collective_cover.tests.factories import (
	QueryCounter,
	make_absence,
	make_clinician,
	make_program,
	post,
	remove_committed_records,
)


def whole_pool_reads(queries) -> list[str]:
	"""Readings of every member's rows (the pool's membership as a subquery), not of their checksums."""
	return [
		str(q)
		for q in queries.queries
		if "IN (SELECT `clinician` FROM `tabJeopardy Pool Member`" in str(q) and "BIT_XOR" not in str(q)
	]


class TestCachedPoolRoster(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tag = frappe.generate_hash(length=6)
		program = make_program(f"Roster Programme {cls.tag}")
		cls.ana, cls.ben, cls.cy, cls.dee = (
			make_clinician(f"Roster {name} {cls.tag}", program=program, user=False)
			for name in ("Ana", "Ben", "Cy", "Dee")
		)
		joined = getdate() - timedelta(days=60)
		cls.pool = (
			frappe.get_doc(
				{
					"doctype": "Jeopardy Pool",
					"pool_name": f"Roster Pool {cls.tag}",
					"program": program,
					"members": [{"clinician": m, "joined_on": joined} for m in (cls.ana, cls.ben, cls.cy)],
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		remove_committed_records(cls.tag)
		super().tearDownClass()

	def setUp(self):
		self.now = aware(now_datetime())
		frappe.cache.delete(roster_key(self.pool))  # each test begins with nothing kept

	def tearDown(self):
		frappe.db.rollback()

	def roster(self) -> tuple[dict, QueryCounter]:
		"""The roster by member, and the queries reading it took."""
		pool_doc = frappe.get_cached_doc("Jeopardy Pool", self.pool)
		with QueryCounter() as queries:
			roster = pool_roster(pool_doc, engine_pool(pool_doc), self.now)
		return {c.member.id: c for c in roster}, queries

	def read_afresh(self) -> dict:
		pool_doc = frappe.get_doc("Jeopardy Pool", self.pool)
		fresh = load_candidates(
			pool_doc, engine_pool(pool_doc), (self.now, self.now), self.now, schedules=False
		)
		return {c.member.id: c for c in fresh}

	def assert_current(self) -> dict:
		"""The roster equals a reading of the database now, and was read from it (not the cache)."""
		roster, queries = self.roster()
		self.assertEqual(roster, self.read_afresh())
		self.assertTrue(whole_pool_reads(queries))
		return roster

	def test_the_roster_is_kept_until_what_it_depends_on_changes(self):
		first = self.assert_current()
		again, cached = self.roster()
		self.assertEqual(again, first)
		# From the cache: no member's row is read again, only the one-row checksums.
		self.assertEqual(whole_pool_reads(cached), [])
		self.assertEqual(cached.count, 5)

		# Ben covers 2 units.
		post(self.pool, self.ben, EntryKind.COVER, 2.0, now_datetime() - timedelta(days=1))
		self.assertEqual(self.assert_current()[self.ben].burden.covered_units, 2.0)

		# Cy is away next week.
		make_absence(self.cy, getdate() + timedelta(days=7), getdate() + timedelta(days=9))
		self.assertEqual(len(self.assert_current()[self.cy].unavailability), 1)

		# Ana goes half-time.
		frappe.db.set_value("Clinician", self.ana, "fte", 0.5)
		self.assertEqual(self.assert_current()[self.ana].member.fte, 0.5)

		# Dee joins the pool.
		pool = frappe.get_doc("Jeopardy Pool", self.pool)
		pool.append("members", {"clinician": self.dee, "joined_on": getdate()})
		pool.save(ignore_permissions=True)
		self.assertIn(self.dee, self.assert_current())

		# A day later (the exposure grows by a day): the same rows, read again.
		self.now += timedelta(days=1)
		self.assert_current()

	def test_a_cover_rolled_back_never_passes_for_the_cover_written_in_its_place(self):
		"""The ledger is named by a series that a rollback winds back: the next row takes the same
		name. Kept by name alone, the roster would credit Ben with Cy's cover."""
		frappe.db.commit()
		yesterday = now_datetime() - timedelta(days=1)
		bens = post(self.pool, self.ben, EntryKind.COVER, 1.0, yesterday)
		self.assertEqual(self.roster()[0][self.ben].burden.covered_units, 1.0)  # kept, beside the write
		frappe.db.rollback()
		cys = post(self.pool, self.cy, EntryKind.COVER, 1.0, yesterday)
		self.assertEqual(cys, bens)
		roster = self.assert_current()
		self.assertEqual(
			(roster[self.ben].burden.covered_units, roster[self.cy].burden.covered_units), (0.0, 1.0)
		)

	def test_a_request_before_the_absences_the_roster_holds_is_judged_on_a_reading_of_its_own(self):
		"""The roster holds the absences of the fairness window and of the last four weeks; a request
		(a history replayed, say) for the window's first day is judged on the four weeks before it."""
		first_day = fairness_window(getdate())[0]
		start = self.now.replace(year=first_day.year, month=first_day.month, day=first_day.day, hour=7)
		self.assertFalse(roster_reaches((start, start + timedelta(hours=12)), self.now))
		tomorrow = self.now + timedelta(days=1)
		self.assertTrue(roster_reaches((tomorrow, tomorrow + timedelta(hours=12)), self.now))

	def test_the_job_after_a_cover_reads_the_roster_and_does_nothing_for_a_pool_deleted_since(self):
		refresh(self.pool)
		self.assertEqual(self.roster()[0], self.read_afresh())
		self.assertEqual(whole_pool_reads(self.roster()[1]), [])  # the job kept it
		with QueryCounter() as queries:
			refresh(f"Deleted Pool {self.tag}")
		self.assertEqual(queries.count, 1)  # asked whether it exists; nothing read, nothing raised
