"""Submitting and accepting must cost the same number of queries in a pool of 50 and of 1,000: the
pool is loaded with a fixed number of aggregate queries, never one per member or per ledger row."""

from datetime import timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import now_datetime

from collective_cover.cover import lifecycle
from collective_cover.engine.model import EntryKind
from collective_cover.tests.factories import (
	QueryCounter,
	make_absence,
	make_clinician,
	make_outgoing_email_account,
	make_pool,
	make_program,
	make_request,
	make_shift,
	offers_of,
	post,
	shift_at,
	user_of,
)


class TestQueryCountIndependentOfPoolSize(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_program()
		make_outgoing_email_account()
		# One requester per measurement, so no one reaches the wellness check-in threshold mid-test.
		# Only the coverer has a user: the measured offers then notify the same number of people in
		# both pools (the coverer's earlier covers rank them below the three offered members).
		cls.requesters = [make_clinician(f"Scale Requester {i}", user=False) for i in range(4)]
		cls.coverer = make_clinician("Scale Coverer")
		filler = [make_clinician(f"Scale Member {i}", user=False) for i in range(1000)]
		cls.small = make_pool("Scale Pool 50", [*cls.requesters, cls.coverer, *filler[:45]])
		cls.large = make_pool("Scale Pool 1000", [*cls.requesters, cls.coverer, *filler[:995]])

	def submit_and_accept(self, requester, pool, hours_from_now, ceiling=None):
		"""Queries for submit and for accept; with a ceiling, Frappe's assertQueryCount checks them."""
		doc = make_request(requester, pool, hours_from_now=hours_from_now, submit=False)
		with QueryCounter() as submit_queries:
			if ceiling:
				with self.assertQueryCount(ceiling[0]):
					doc.submit()
			else:
				doc.submit()
		frappe.set_user(user_of(self.coverer))
		try:
			with QueryCounter() as accept_queries:
				if ceiling:
					with self.assertQueryCount(ceiling[1]):
						lifecycle.accept(doc.name)
				else:
					lifecycle.accept(doc.name)
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Cover Request", doc.name, "covered_by"), self.coverer)
		return submit_queries.count, accept_queries.count

	def test_submit_and_accept_cost_the_same_queries_for_50_and_1000_members(self):
		# The first run in each pool warms Frappe's caches (doctype meta, link checks).
		self.submit_and_accept(self.requesters[0], self.small, 30)
		self.submit_and_accept(self.requesters[1], self.large, 60)
		small = self.submit_and_accept(self.requesters[2], self.small, 90)
		large = self.submit_and_accept(self.requesters[3], self.large, 120, ceiling=small)
		self.assertEqual(large, small)


class BusyAheadOfFree(FrappeTestCase):
	"""A pool whose thirty members furthest below fair share each work a shift of their own at every
	time in `busy_at` (hours from now, 12-hour shifts); five others, with 1 to 5 units covered, are free."""

	label: str
	busy_at: tuple[int, ...]

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_program()
		make_outgoing_email_account()
		cls.requester = make_clinician(f"{cls.label} Requester", user=False)
		cls.busy = [make_clinician(f"{cls.label} Busy {i}", user=False) for i in range(30)]
		cls.free = [make_clinician(f"{cls.label} Free {i}", user=False) for i in range(5)]
		cls.pool = make_pool(f"{cls.label} Pool", [cls.requester, *cls.busy, *cls.free])
		yesterday = now_datetime() - timedelta(days=1)
		for units, clinician in enumerate(cls.free, start=1):
			post(cls.pool, clinician, EntryKind.COVER, float(units), yesterday)
		cls.days = [shift_at(hours) for hours in cls.busy_at]
		for clinician in cls.busy:
			for start, end in cls.days:
				make_shift(clinician, start, end)

	@staticmethod
	def schedule_reads(queries) -> list[str]:
		"""The readings of members' shifts (`records.schedule_query`, times as datetimes or as text)."""
		return [
			str(q)
			for q in queries.queries
			if str(q).startswith("SELECT `name`,`clinician`,") and "FROM `tabClinician Shift`" in str(q)
		]


class TestFilingReadsTheScheduleOfTheFirstInLineOnly(BusyAheadOfFree):
	"""The thirty work at the time of the request. Filing reads shifts in batches along the standing
	order, so the first batch (20) holds only the busy: it must read on, and offer the three
	least-burdened members who are free."""

	label, busy_at = "Batch", (48,)

	def test_the_first_offers_skip_everyone_busy_however_far_down_the_free_are(self):
		with QueryCounter() as queries:
			doc = make_request(self.requester, self.pool, hours_from_now=48)
		self.assertEqual([o.clinician for o in offers_of(doc.name)], self.free[:3])
		# Filing read the shifts of 20 members (4 × 3 offers + 8), all busy, then of the 16 left; the
		# third read, of the whole pool, is "why this ranking", a job after commit (at once in tests).
		shift_reads = self.schedule_reads(queries)
		self.assertEqual(len(shift_reads), 3)
		self.assertEqual([q.split(" AND ")[0].count("%(param") for q in shift_reads[:2]], [20, 16])
		self.assertIn("IN (SELECT `clinician` FROM `tabJeopardy Pool Member`", shift_reads[2])


class TestAnAbsenceIsPlannedWithoutReadingTheWeeksOfWhoeverWorksThroughIt(BusyAheadOfFree):
	"""A three-day absence, the thirty working a shift of their own across every one of its duties.
	Filing asks once who in the pool is free during all three days (the five), reads the shifts
	across the absence of the first in line (up to 80: here the whole pool), which excludes the
	thirty, and the four weeks around it only for the five who are free."""

	label, busy_at = "Absence", (48, 72, 96)

	def test_the_first_offers_go_to_the_free_without_reading_the_busy_members_weeks(self):
		duties = [{"start": s, "end": e, "duty_kind": "Day", "service": "Wards A"} for s, e in self.days]
		with QueryCounter() as queries:
			doc = make_request(self.requester, self.pool, duties=duties)
		# The least-burdened free member can take all three days: planned for each, offered first, then
		# the next two in each day's ranking.
		self.assertEqual([o.clinician for o in offers_of(doc.name)], self.free[:3])
		free_asked = [
			str(q)
			for q in queries.queries
			if "NOT EXISTS (SELECT `shift`.`name` FROM `tabClinician Shift`" in str(q)
		]
		self.assertEqual(len(free_asked), 1)
		shift_reads = self.schedule_reads(queries)
		# The shifts across the absence of the 36 in line; the weeks of the five free members; and,
		# after commit, the whole pool's for "why this ranking" (a job, run at once in tests).
		members_named = [q.split(" AND ")[0].count("%(param") for q in shift_reads[:2]]
		self.assertEqual(members_named, [36, 5])
		self.assertIn("IN (SELECT `clinician` FROM `tabJeopardy Pool Member`", shift_reads[2])
		self.assertEqual(len(shift_reads), 3)


class TestACallOutReadsThePoolsMembersOnlyAfterTheyChanged(FrappeTestCase):
	"""Filing ranks the pool's roster (every member's Clinician row, burden and absences), kept while
	nothing it depends on changes; once a cover commits, a job reads it again for the next call-out."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_program()
		make_outgoing_email_account()
		cls.requesters = [make_clinician(f"Roster Requester {i}") for i in range(4)]
		cls.members = [make_clinician(f"Roster Member {i}") for i in range(6)]
		cls.pool = make_pool("Roster Scale Pool", [*cls.requesters, *cls.members])

	@staticmethod
	def clinician_reads(queries) -> int:
		"""Readings of every member's Clinician row: the roster's, and the "why this ranking" snapshot's
		(a job after commit, run at once in tests)."""
		return sum(
			1
			for q in map(str, queries.queries)
			if "FROM `tabClinician` WHERE `name` IN (SELECT `clinician` FROM `tabJeopardy Pool Member`" in q
			and "BIT_XOR" not in q
		)

	def file(self, requester: str, hours_from_now: int):
		with QueryCounter() as queries:
			doc = make_request(requester, self.pool, hours_from_now=hours_from_now)
		return doc, self.clinician_reads(queries)

	def test_the_pool_is_read_for_the_first_call_out_and_after_a_change_the_cover_job_did_not_read(self):
		first, reads = self.file(self.requesters[0], 30)
		self.assertEqual(reads, 2)  # the roster, then the snapshot
		second, reads = self.file(self.requesters[1], 40)
		self.assertEqual(reads, 1)  # the snapshot only
		self.assertEqual(len(offers_of(second.name)), 3)

		coverer = offers_of(first.name)[0].clinician
		frappe.set_user(user_of(coverer))
		try:
			lifecycle.accept(first.name)
		finally:
			frappe.set_user("Administrator")
		third, reads = self.file(self.requesters[2], 50)
		self.assertEqual(reads, 1)  # the cover's job read the roster again
		offered = [o.clinician for o in offers_of(third.name)]
		# The coverer, 1 unit above everyone else now, is offered only after the rest.
		self.assertEqual(len(offered), 3)
		self.assertNotIn(coverer, offered)

		in_three_weeks = now_datetime().date() + timedelta(days=20)
		make_absence(self.members[0], in_three_weeks, in_three_weeks + timedelta(days=2))
		_fourth, reads = self.file(self.requesters[3], 60)
		self.assertEqual(reads, 2)  # an absence no job read: the call-out reads the pool itself
