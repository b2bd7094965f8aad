"""Per-duty cover: a five-day absence nobody is free for whole is covered duty by duty, with continuity,
by accepts of single duties, by the ladder and by assignment; the ledger writes one row per duty and a
cancel reverses them duty by duty."""

from datetime import datetime, time, timedelta

import frappe
from frappe.utils import get_system_timezone, getdate
from frappe.website.serve import get_response_content

from collective_cover.api.cover import open_requests
from collective_cover.api.my_cover import open_offers
from collective_cover.cover import jobs, lifecycle, notify
from collective_cover.engine.ladder import Stage, Step
from collective_cover.engine.model import EntryKind
from collective_cover.kernel.dates import when
from collective_cover.patches import cover_each_duty_of_covered_requests
from collective_cover.tests.cases import CoverRequestTestCase
from collective_cover.tests.factories import (
	make_absence,
	make_clinician,
	make_pool,
	make_request,
	post,
	user_of,
)


def next_monday(after_days: int = 3):
	day = getdate() + timedelta(days=after_days)
	return day + timedelta(days=(7 - day.weekday()) % 7)


class TestPerDutyCover(CoverRequestTestCase):
	"""Ana is away Wednesday to Friday, Ben Monday, Tuesday and Friday, Cy Monday to Wednesday, Dee every
	day but Tuesday: nobody can take the week whole. Before the week Dee has covered nothing, Ana 0.5
	units, Ben 1, Cy 2, so the plan is Ana Monday (first in line), Ana Tuesday (held, though Dee is
	further below fair share), Ben Wednesday, Ben Thursday (held), Cy Friday."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.monday = next_monday()
		days = [cls.monday + timedelta(days=i) for i in range(5)]
		cls.ana, cls.ben, cls.cy, cls.dee = (
			make_clinician(f"Week {name}") for name in ("Ana", "Ben", "Cy", "Dee")
		)
		cls.week_pool = make_pool("Test Week Pool", [cls.requester, cls.ana, cls.ben, cls.cy, cls.dee])
		for clinician, away in (
			(cls.ana, [2, 3, 4]),
			(cls.ben, [0, 1, 4]),
			(cls.cy, [0, 1, 2]),
			(cls.dee, [0, 2, 3, 4]),
		):
			for i in away:
				make_absence(clinician, days[i], days[i], kind="Leave")
		yesterday = datetime.combine(getdate() - timedelta(days=1), time(12))
		for clinician, units in ((cls.ana, 0.5), (cls.ben, 1.0), (cls.cy, 2.0)):
			post(cls.week_pool, clinician, EntryKind.COVER, units, yesterday)

	def file_week(self, pool=None):
		doc = frappe.get_doc(
			{
				"doctype": "Cover Request",
				"requester": self.requester,
				"pool": pool or self.week_pool,
				"duties": [
					{
						"start": datetime.combine(self.monday + timedelta(days=i), time(7)),
						"end": datetime.combine(self.monday + timedelta(days=i), time(19)),
						"duty_kind": "Day",
						"service": "Wards A",
					}
					for i in range(5)
				],
			}
		).insert(ignore_permissions=True)
		doc.submit()
		doc.reload()
		return doc

	def duty_coverers(self, name):
		return frappe.get_all(
			"Cover Request Duty",
			filters={"parent": name},
			fields=["covered_by"],
			order_by="start asc",
			pluck="covered_by",
		)

	def ledger_totals(self, name):
		totals = {}
		for row in frappe.get_all(
			"Cover Ledger Entry", filters={"cover_request": name}, fields=["clinician", "units"]
		):
			totals[row.clinician] = totals.get(row.clinician, 0) + row.units
		return totals

	def accept_as(self, clinician, name, duties=None):
		frappe.set_user(user_of(clinician))
		try:
			lifecycle.accept(name, duties=duties)
		finally:
			frappe.set_user("Administrator")

	def test_the_ladder_assigns_a_week_nobody_can_take_whole_to_three_members_with_continuity(self):
		doc = self.file_week()
		with self.freeze_time(doc.submitted_at + timedelta(minutes=30)):
			self.assertEqual(lifecycle.escalate(doc.name), Step.ASSIGN)
		doc.reload()
		self.assertEqual(self.duty_coverers(doc.name), [self.ana, self.ana, self.ben, self.ben, self.cy])
		self.assertEqual((doc.status, doc.covered_by, doc.cover_method), ("Covered", self.ana, "Assigned"))
		self.assertEqual(self.ledger_totals(doc.name), {self.ana: 2.0, self.ben: 2.0, self.cy: 1.0})
		rows = frappe.get_all(
			"Cover Ledger Entry",
			filters={"cover_request": doc.name},
			fields=["cover_request_duty", "units"],
		)
		self.assertEqual(sorted(r.cover_request_duty for r in rows), sorted(row.name for row in doc.duties))
		self.assertEqual({r.units for r in rows}, {1.0})
		shifts = frappe.get_all(
			"Clinician Shift",
			filters={"cover_request": doc.name, "source": "Cover"},
			fields=["clinician", "start"],
			order_by="start asc",
		)
		self.assertEqual([s.clinician for s in shifts], [self.ana, self.ana, self.ben, self.ben, self.cy])
		self.assertIn("→ Week Ana, Week Ben, Week Cy)", doc.title)

	def test_single_duties_accepted_leave_the_request_partially_covered_until_the_ladder_fills_the_rest(
		self,
	):
		doc = self.file_week()
		wednesday = doc.duties[2].name
		self.accept_as(self.ben, doc.name, duties=[wednesday])
		doc.reload()
		self.assertEqual(doc.status, "Partially covered")
		self.assertEqual(self.duty_coverers(doc.name), [None, None, self.ben, None, None])
		self.assertEqual(
			frappe.get_all(
				"Cover Ledger Entry",
				filters={"cover_request": doc.name},
				fields=["clinician", "units", "cover_request_duty"],
			),
			[{"clinician": self.ben, "units": 1.0, "cover_request_duty": wednesday}],
		)
		# A second tap says so; somebody else hears it is taken.
		with self.assertRaisesRegex(lifecycle.AlreadyCoveredError, f"You are covering {doc.name}."):
			self.accept_as(self.ben, doc.name, duties=[wednesday])
		with self.assertRaisesRegex(lifecycle.AlreadyCoveredError, "is already covered; choose among"):
			self.accept_as(self.dee, doc.name, duties=[wednesday, doc.duties[1].name])
		# Without naming duties Ana takes every open duty she may: Monday and Tuesday.
		self.accept_as(self.ana, doc.name)
		self.assertEqual(self.duty_coverers(doc.name), [self.ana, self.ana, self.ben, None, None])
		with self.freeze_time(doc.submitted_at + timedelta(minutes=30)):
			self.assertEqual(lifecycle.escalate(doc.name), Step.ASSIGN)
		doc.reload()
		# Thursday stays with Ben (continuity after his Wednesday); nobody but Cy can take Friday.
		self.assertEqual(self.duty_coverers(doc.name), [self.ana, self.ana, self.ben, self.ben, self.cy])
		self.assertEqual(doc.status, "Covered")
		self.assertEqual(self.ledger_totals(doc.name), {self.ana: 2.0, self.ben: 2.0, self.cy: 1.0})

	def test_the_offers_page_headline_is_what_is_still_open_in_the_pools_zone(self):
		doc = self.file_week()
		self.accept_as(self.ana, doc.name)  # Monday and Tuesday
		frappe.set_user(user_of(self.dee))
		try:
			(offer,) = [o for o in open_requests() if o["request"] == doc.name]
			(on_my_cover,) = [o for o in open_offers() if o["request"] == doc.name]
			page = get_response_content("cover-offers")
		finally:
			frappe.set_user("Administrator")
		wednesday, friday = doc.duties[2], doc.duties[4]
		zone = frappe.db.get_value("Jeopardy Pool", self.week_pool, "time_zone") or get_system_timezone()
		headline = when(wednesday.start, friday.end, zone)
		self.assertTrue(headline.endswith(f"19:00 ({zone})"), headline)
		self.assertEqual((offer["when"], offer["duties"], offer["units"]), (headline, 3, 3.0))
		self.assertEqual(on_my_cover["units"], 3.0)  # of 5.0: Ana's two are taken
		self.assertIn(f"{headline}\n\t\t\t(3 duties)", page)
		self.assertNotIn(when(doc.duties[0].start, friday.end, zone), page)

	def test_each_coverer_of_part_of_a_request_is_confirmed_and_can_open_it(self):
		doc = self.file_week()
		wednesday = doc.duties[2]
		self.accept_as(self.ben, doc.name, duties=[wednesday.name])
		self.accept_as(self.ana, doc.name)  # Monday and Tuesday: Ana is now the request's first coverer
		doc.reload()
		self.assertEqual((doc.status, doc.covered_by), ("Partially covered", self.ana))
		# An offer owed now is for the duties still open: sent, not withdrawn as if the request were covered.
		notify.offered(doc, [self.dee], Stage.OFFERED_ALL.value)
		self.assertEqual(
			frappe.get_all(
				"Cover Delivery",
				filters={"cover_request": doc.name, "event": "Offer", "occasion": Stage.OFFERED_ALL.value},
				fields=["recipient", "status"],
			),
			[{"recipient": self.dee, "status": "Delivered"}],
		)

		def told(clinician):
			return frappe.get_all(
				"Notification Log",
				filters={"for_user": user_of(clinician)},
				pluck="subject",
				order_by="creation asc",
			)

		requester = frappe.db.get_value("Clinician", self.requester, "full_name")
		self.assertIn(
			f"You are covering Day for {requester}, {frappe.utils.format_datetime(wednesday.start, 'EEE d MMM HH:mm')}",
			told(self.ben),
		)
		self.assertIn(
			f"You are covering Day for {requester}, {frappe.utils.format_datetime(doc.duties[0].start, 'EEE d MMM HH:mm')}",
			told(self.ana),
		)
		self.assertEqual(
			sorted(s for s in told(self.requester) if "is covered by" in s),
			sorted(
				[
					f"Your Day on {frappe.utils.format_datetime(doc.duties[0].start, 'EEE d MMM HH:mm')} is covered by Week Ana",
					f"Your Day on {frappe.utils.format_datetime(wednesday.start, 'EEE d MMM HH:mm')} is covered by Week Ben",
				]
			),
		)
		# Ben covers Wednesday though the request names Ana: he still opens it, in lists and by name.
		frappe.set_user(user_of(self.ben))
		try:
			self.assertTrue(
				frappe.has_permission("Cover Request", "read", doc=frappe.get_doc("Cover Request", doc.name))
			)
			self.assertIn(doc.name, frappe.get_list("Cover Request", pluck="name"))
		finally:
			frappe.set_user("Administrator")
		frappe.set_user(user_of(self.dee))  # a member who covers nothing of it does not
		try:
			self.assertNotIn(doc.name, frappe.get_list("Cover Request", pluck="name"))
		finally:
			frappe.set_user("Administrator")

	def test_a_member_asking_for_a_duty_they_cannot_take_is_told_why_and_nothing_is_written(self):
		doc = self.file_week()
		friday = doc.duties[4]
		with self.assertRaisesRegex(
			lifecycle.NotEligibleError, rf"You cannot cover {doc.name} \(Day .*unavailable \(Leave\)"
		):
			self.accept_as(self.ana, doc.name, duties=[doc.duties[0].name, friday.name])
		self.assertEqual(self.duty_coverers(doc.name), [None] * 5)
		self.assertEqual(self.ledger_totals(doc.name), {})
		with self.assertRaisesRegex(
			lifecycle.UnknownDutyError, f"A duty you chose is not a duty of cover request {doc.name}."
		):
			self.accept_as(self.ana, doc.name, duties=["nope"])

	def test_duties_nobody_in_the_pool_can_take_go_to_the_overflow_pool_with_continuity(self):
		fay = make_clinician("Week Fay Faculty", role="Faculty", level=None)
		overflow = make_pool("Test Week Overflow", [fay])
		small = make_pool("Test Week Small Pool", [self.requester, self.ana], overflow_pool=overflow)
		doc = self.file_week(small)  # a pool where only Ana can help, and only Monday and Tuesday
		with self.freeze_time(doc.submitted_at + timedelta(minutes=30)):
			self.assertEqual(lifecycle.escalate(doc.name), Step.ASSIGN)
		doc.reload()
		self.assertEqual(self.duty_coverers(doc.name), [self.ana, self.ana, fay, fay, fay])
		methods = frappe.get_all(
			"Cover Request Duty", filters={"parent": doc.name}, order_by="start asc", pluck="cover_method"
		)
		self.assertEqual(methods, ["Assigned"] * 2 + ["Assigned from overflow"] * 3)
		self.assertEqual(doc.status, "Covered")
		self.assertEqual(self.ledger_totals(doc.name), {self.ana: 2.0, fay: 3.0})

	def test_duties_that_ended_uncovered_are_never_taken(self):
		doc = self.file_week()
		lifecycle.assign(doc.name, self.ben, duties=[doc.duties[3].name])
		lifecycle.assign(doc.name, self.cy, duties=[doc.duties[4].name])
		after_wednesday = datetime.combine(self.monday + timedelta(days=2), time(20))
		with self.freeze_time(after_wednesday):
			with self.assertRaisesRegex(
				lifecycle.RequestEndedError,
				f"Every duty of cover request {doc.name} still uncovered has ended",
			):
				self.accept_as(self.dee, doc.name)
			with self.assertRaisesRegex(
				lifecycle.RequestEndedError, r"\(Day .*\) ended at .*; it can no longer"
			):
				self.accept_as(self.ana, doc.name, duties=[doc.duties[0].name])
		self.assertEqual(self.duty_coverers(doc.name), [None, None, None, self.ben, self.cy])
		# The ladder settles it: nothing left to offer, partly covered, done.
		with self.freeze_time(after_wednesday):
			jobs.escalate_due_requests()
		doc.reload()
		self.assertEqual((doc.status, doc.ladder_stage), ("Partially covered", "Done"))
		# And it is left alone from then on, also once its last duty has ended.
		with self.freeze_time(datetime.combine(self.monday + timedelta(days=5), time(9))):
			jobs.escalate_due_requests()
		self.assertEqual(frappe.db.get_value("Cover Request", doc.name, "modified"), doc.modified)

	def test_assign_per_duty_and_cancel_reverses_every_duty(self):
		doc = self.file_week()
		lifecycle.assign(doc.name, self.dee, duties=[doc.duties[1].name])
		with self.assertRaisesRegex(
			lifecycle.OverrideReasonRequiredError, "Give an override reason to assign them anyway"
		):
			lifecycle.assign(doc.name, self.dee, duties=[doc.duties[0].name])
		lifecycle.assign(doc.name, self.dee, "Dee swapped her leave", duties=[doc.duties[0].name])
		doc.reload()
		self.assertEqual(doc.status, "Partially covered")
		self.assertEqual(self.duty_coverers(doc.name), [self.dee, self.dee, None, None, None])
		methods = frappe.get_all(
			"Cover Request Duty", filters={"parent": doc.name}, order_by="start asc", pluck="cover_method"
		)
		self.assertEqual(methods[:2], ["Coordinator override", "Assigned"])

		doc.cancel()
		rows = frappe.get_all(
			"Cover Ledger Entry",
			filters={"cover_request": doc.name},
			fields=["clinician", "entry_type", "units", "cover_request_duty"],
			order_by="creation asc",
		)
		reversals = [r for r in rows if r.entry_type == "Reversal"]
		self.assertEqual(
			sorted((r.cover_request_duty, r.units) for r in reversals),
			sorted((row.name, -1.0) for row in doc.duties[:2]),
		)
		self.assertEqual(self.ledger_totals(doc.name), {self.dee: 0.0})
		self.assertFalse(frappe.get_all("Clinician Shift", filters={"cover_request": doc.name}))

	def test_requests_covered_whole_before_per_duty_cover_name_their_coverer_on_every_duty(self):
		doc = self.file_week(self.pool)  # the shared pool: anybody may take the whole week
		self.accept_as(self.members[0], doc.name)
		covered_at = frappe.db.get_value("Cover Request", doc.name, "covered_at")
		# As a request covered before this release was stored: its duty rows name nobody.
		frappe.db.set_value(
			"Cover Request Duty",
			{"parent": doc.name},
			{"covered_by": None, "covered_at": None, "cover_method": None},
		)
		cover_each_duty_of_covered_requests.execute()
		rows = frappe.get_all(
			"Cover Request Duty",
			filters={"parent": doc.name},
			fields=["covered_by", "covered_at", "cover_method"],
		)
		self.assertEqual(
			rows,
			[{"covered_by": self.members[0], "covered_at": covered_at, "cover_method": "Volunteered"}] * 5,
		)

	def test_one_member_free_all_week_covers_it_whole_as_before(self):
		eve = make_clinician("Week Eve")
		pool = make_pool("Test Week Pool Eve", [self.requester, eve])
		doc = frappe.get_doc(
			{
				"doctype": "Cover Request",
				"requester": self.requester,
				"pool": pool,
				"duties": [
					{
						"start": datetime.combine(self.monday + timedelta(days=i), time(7)),
						"end": datetime.combine(self.monday + timedelta(days=i), time(19)),
						"duty_kind": "Day",
					}
					for i in range(2)
				],
			}
		).insert(ignore_permissions=True)
		doc.submit()
		self.accept_as(eve, doc.name)
		doc.reload()
		self.assertEqual((doc.status, doc.covered_by, doc.cover_method), ("Covered", eve, "Volunteered"))
		self.assertEqual(self.duty_coverers(doc.name), [eve, eve])
		self.assertEqual(self.ledger_totals(doc.name), {eve: 2.0})


class TestRankingSnapshotAfterCover(CoverRequestTestCase):
	"""Accept judges only the accepting member under the lock; the pool's ranking at the cover is written
	by a job after commit (run at once in tests), once however often the job runs."""

	def snapshot_rows(self, name):
		return frappe.get_all(
			"Cover Request Ranking",
			filters={"cover_request": name, "snapshot": ("like", "At cover%")},
			fields=["clinician", "snapshot", "eligible"],
		)

	def test_the_cover_snapshot_ranks_the_whole_pool_once(self):
		doc = make_request(self.requester, self.pool)
		frappe.set_user(user_of(self.members[0]))
		lifecycle.accept(doc.name)
		frappe.set_user("Administrator")
		rows = self.snapshot_rows(doc.name)
		self.assertEqual(sorted(r.clinician for r in rows), sorted([self.requester, *self.members]))
		(stamp,) = {r.snapshot for r in rows}
		self.assertTrue(stamp.startswith("At cover (Volunteered) "))
		# Ranked as the pool stood at the cover: the coverer's new shift does not exclude them.
		self.assertEqual(next(r.eligible for r in rows if r.clinician == self.members[0]), 1)
		at = frappe.db.get_value("Cover Request", doc.name, "covered_at")
		lifecycle.write_cover_snapshot(doc.name, "Volunteered", at.isoformat())
		self.assertEqual(len(self.snapshot_rows(doc.name)), len(rows))
