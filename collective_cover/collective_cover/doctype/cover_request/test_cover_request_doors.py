"""Every door of a cover request checks what comes through it before any rule runs, and after filing
only the request's own transitions move it: what a REST or Desk save sends for those fields is refused."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import frappe
from frappe.utils import get_system_timezone, now_datetime

from collective_cover.api.cover import open_requests
from collective_cover.collective_cover.doctype.cover_request.cover_request import (
	DutyError,
	LifecycleFieldError,
	RequesterError,
)
from collective_cover.cover import jobs, lifecycle
from collective_cover.kernel.validators import InvalidValueError
from collective_cover.tests.cases import CoverRequestTestCase
from collective_cover.tests.factories import (
	make_clinician,
	make_program,
	make_request,
	make_user,
	offers_of,
	shift_at,
	user_of,
)


def payload(pool, requester=None, **duty):
	start, end = shift_at(30)
	row = {"start": str(start), "end": str(end), "duty_kind": "Day", "service": "Wards A", **duty}
	doc = {"doctype": "Cover Request", "pool": pool, "duties": [row]}
	if requester:
		doc["requester"] = requester
	return doc


class TestFilingDoors(CoverRequestTestCase):
	def file_as(self, clinician, doc):
		frappe.set_user(user_of(clinician))
		return frappe.get_doc(doc).insert()

	def assert_refused(self, error, message, doc, clinician=None):
		before = frappe.db.count("Cover Request")
		with self.assertRaises(error) as raised:
			self.file_as(clinician or self.requester, doc)
		self.assertIn(message, str(raised.exception))
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.count("Cover Request"), before)

	def test_a_clinician_who_names_no_requester_files_for_themselves(self):
		doc = self.file_as(self.requester, payload(self.pool))
		self.assertEqual(doc.requester, self.requester)

	def test_an_unknown_duty_kind_is_refused_in_words(self):
		self.assert_refused(
			InvalidValueError,
			"Duty Kind in row 1 cannot be 'Nap'; choose one of: Day, Night, Clinic half-day, 24h call, Other.",
			payload(self.pool, duty_kind="Nap"),
		)

	def test_an_unreadable_time_is_refused_in_words(self):
		self.assert_refused(
			InvalidValueError,
			"Start in row 1 is not a date and time: 'tomorrow at 7'. Use YYYY-MM-DD HH:MM.",
			payload(self.pool, start="tomorrow at 7"),
		)

	def test_a_list_where_a_time_belongs_is_refused(self):
		self.assert_refused(
			InvalidValueError, "End in row 1 must be a date and time.", payload(self.pool, end=["x"])
		)

	def test_a_time_with_a_utc_offset_is_taken_at_its_instant_in_the_site_time_zone(self):
		start, end = shift_at(30)
		site = ZoneInfo(get_system_timezone())
		as_utc = start.replace(tzinfo=site).astimezone(ZoneInfo("UTC"))
		doc = self.file_as(
			self.requester,
			payload(self.pool, start=as_utc.isoformat(), end=str(end)),
		)
		self.assertEqual(doc.duties[0].start, start)
		self.assertEqual(doc.starts_at, start)

	def test_a_forty_hour_duty_is_longer_than_the_pool_takes(self):
		start, _end = shift_at(30)
		self.assert_refused(
			DutyError,
			f"Duty in row 1 lasts 40.0 hours; pool {self.pool} takes duties of at most 28.0 hours.",
			payload(self.pool, end=str(start + timedelta(hours=40))),
		)

	def test_a_duty_more_than_a_year_ahead_is_refused(self):
		start, end = shift_at(24 * 400)
		self.assert_refused(
			DutyError,
			"Duty in row 1 starts more than 365 days ahead; file it closer to the date.",
			payload(self.pool, start=str(start), end=str(end)),
		)

	def test_a_clinician_of_another_programme_cannot_file_into_the_pool(self):
		make_program("Test Surgery Residency")
		surgeon = make_clinician("Sid Surgeon", program="Test Surgery Residency")
		self.assert_refused(
			RequesterError,
			f"Sid Surgeon is not in programme Test IM Residency, so cannot file into pool {self.pool}.",
			payload(self.pool),
			clinician=surgeon,
		)

	def test_a_request_cannot_be_filed_already_covered(self):
		doc = payload(self.pool)
		doc.update(
			{
				"status": "Covered",
				"covered_by": self.members[0],
				"cover_method": "Volunteered",
				"docstatus": 1,
			}
		)
		filed = self.file_as(self.requester, doc)
		frappe.set_user("Administrator")
		filed.reload()
		self.assertEqual((filed.status, filed.covered_by, filed.cover_method), ("Open", None, None))
		self.assertEqual(frappe.db.count("Cover Ledger Entry", {"cover_request": filed.name}), 0)
		self.assertEqual(len(offers_of(filed.name)), 3)


class TestLifecycleOwnsItsFields(CoverRequestTestCase):
	def covered(self):
		doc = make_request(self.requester, self.pool)
		frappe.set_user(user_of(self.members[0]))
		lifecycle.accept(doc.name)
		frappe.set_user("Administrator")
		return doc.name

	def assert_save_refused(self, user, name, changes, fields):
		frappe.set_user(user)
		doc = frappe.get_doc("Cover Request", name)
		doc.update(changes)
		with self.assertRaises(LifecycleFieldError) as raised:
			doc.save()
		self.assertIn(
			f"{fields} of a filed request change only when it is accepted, assigned, escalated, completed "
			"or cancelled, not by editing it.",
			str(raised.exception),
		)
		frappe.set_user("Administrator")

	def test_nobody_rewrites_the_coverer_or_the_status_by_saving(self):
		name = self.covered()
		coordinator = make_user("doors-coord@cc-test.example", roles=("Cover Coordinator",))
		for user in (user_of(self.requester), coordinator, "Administrator"):
			self.assert_save_refused(user, name, {"covered_by": self.members[1]}, "Covered By")
			self.assert_save_refused(user, name, {"status": "Cancelled"}, "Status")
		self.assert_save_refused(
			user_of(self.requester),
			name,
			{"ladder_stage": "New", "next_escalation_at": str(now_datetime())},
			"Ladder Stage, Next Escalation At",
		)
		self.assertEqual(
			frappe.db.get_value("Cover Request", name, ["status", "covered_by"]), ("Covered", self.members[0])
		)
		self.assertEqual(
			frappe.get_all("Cover Ledger Entry", filters={"cover_request": name}, pluck="clinician"),
			[self.members[0]],
		)

	def test_a_save_that_sends_the_same_values_back_goes_through(self):
		name = self.covered()
		doc = frappe.get_doc("Cover Request", name)
		doc.covered_at = str(doc.covered_at).replace(" ", "T")  # the same instant, written otherwise
		doc.save()
		self.assertEqual(frappe.db.get_value("Cover Request", name, "covered_by"), self.members[0])


class TestAnswersAndEndings(CoverRequestTestCase):
	def test_decline_is_for_members_of_the_pool_only(self):
		doc = make_request(self.requester, self.pool)
		outsider = make_clinician("Olga Outsider")
		for clinician in (outsider, self.requester):
			frappe.set_user(user_of(clinician))
			with self.assertRaisesRegex(
				lifecycle.NotOfferedError, f"Only members of pool {self.pool} can answer cover request"
			):
				lifecycle.decline(doc.name)
		frappe.set_user("Administrator")
		self.assertEqual([o.declined_at for o in offers_of(doc.name)], [None, None, None])

	def test_a_member_not_yet_offered_may_say_they_cannot_and_is_not_asked_later(self):
		doc = make_request(self.requester, self.pool)
		not_offered = next(m for m in self.members if m not in {o.clinician for o in offers_of(doc.name)})
		frappe.set_user(user_of(not_offered))
		lifecycle.decline(doc.name, "post-call")
		frappe.set_user("Administrator")
		with self.freeze_time(doc.submitted_at + timedelta(minutes=15)):
			lifecycle.escalate(doc.name)
		rows = [o for o in offers_of(doc.name) if o.clinician == not_offered]
		self.assertEqual(len(rows), 1)
		self.assertIsNone(rows[0].offered_at)

	def test_an_open_request_whose_duty_has_ended_becomes_unfilled_and_is_offered_no_more(self):
		coordinator = make_user("ended-coord@cc-test.example", roles=("Cover Coordinator",))
		pool_doc = frappe.get_doc("Jeopardy Pool", self.pool)
		pool_doc.assign_after_minutes = 600  # nobody is assigned before the duty ends
		pool_doc.near_start_minutes = 0
		pool_doc.save()
		doc = make_request(self.requester, self.pool, hours_from_now=1, hours=2)
		with self.freeze_time(doc.ends_at + timedelta(minutes=1)):
			jobs.escalate_due_requests()
			self.assertEqual(frappe.db.get_value("Cover Request", doc.name, "status"), "Unfilled")
			frappe.set_user(user_of(self.members[0]))
			self.assertNotIn(doc.name, [o["request"] for o in open_requests()])
			with self.assertRaisesRegex(lifecycle.RequestEndedError, "it can no longer be covered"):
				lifecycle.accept(doc.name)
		frappe.set_user("Administrator")
		alerts = frappe.get_all(
			"Notification Log",
			filters={"for_user": coordinator, "link": ("like", f"%{doc.name}")},
			pluck="subject",
		)
		self.assertEqual(len(alerts), 1)
		self.assertTrue(alerts[0].startswith("Ended uncovered: Day Wards A"))
		self.assertEqual(frappe.db.count("Cover Ledger Entry", {"cover_request": doc.name}), 0)

	def test_a_member_who_declined_is_assigned_only_after_everyone_else(self):
		doc = make_request(self.requester, self.pool)
		first = offers_of(doc.name)[0].clinician
		frappe.set_user(user_of(first))
		lifecycle.decline(doc.name, "on nights")
		frappe.set_user("Administrator")
		with self.freeze_time(doc.submitted_at + timedelta(minutes=30)):
			lifecycle.escalate(doc.name)
		second = offers_of(doc.name)[1].clinician
		self.assertEqual(frappe.db.get_value("Cover Request", doc.name, "covered_by"), second)
