from datetime import timedelta

import frappe
from frappe.utils import add_days

from collective_cover.cover import jobs, lifecycle
from collective_cover.engine.ladder import Step
from collective_cover.engine.model import EntryKind
from collective_cover.tests.cases import CoverRequestTestCase
from collective_cover.tests.factories import (
	make_clinician,
	make_pool,
	make_request,
	make_user,
	offers_of,
	post,
	ranking_of,
)


class TestEscalationLadder(CoverRequestTestCase):
	def offered(self, name):
		return [row.clinician for row in offers_of(name)]

	def test_fifteen_minutes_offers_the_rest_and_thirty_minutes_assigns_the_top_ranked(self):
		doc = make_request(self.requester, self.pool)
		doc.reload()
		top_three = self.offered(doc.name)
		top = next(r.clinician for r in ranking_of(doc.name) if r.eligible)

		with self.freeze_time(doc.submitted_at + timedelta(minutes=14)):
			self.assertEqual(lifecycle.escalate(doc.name), Step.WAIT)
		with self.freeze_time(doc.submitted_at + timedelta(minutes=15)):
			self.assertEqual(lifecycle.escalate(doc.name), Step.OFFER)
			# Running the same rung again offers nobody twice.
			self.assertEqual(lifecycle.escalate(doc.name), Step.WAIT)
		offered = self.offered(doc.name)
		self.assertEqual(offered[:3], top_three)
		self.assertEqual(sorted(offered), sorted(self.members))
		self.assertEqual(
			frappe.db.get_value("Cover Request", doc.name, "ladder_stage"), "Offered to all eligible"
		)

		with self.freeze_time(doc.submitted_at + timedelta(minutes=30)):
			self.assertEqual(lifecycle.escalate(doc.name), Step.ASSIGN)
		doc.reload()
		self.assertEqual((doc.status, doc.covered_by, doc.cover_method), ("Covered", top, "Assigned"))
		self.assertEqual(
			frappe.get_all(
				"Cover Ledger Entry", filters={"cover_request": doc.name}, fields=["clinician", "units"]
			),
			[{"clinician": top, "units": 1.0}],
		)

	def test_a_duty_within_two_hours_is_assigned_at_submission(self):
		doc = make_request(self.requester, self.pool, hours_from_now=1)
		doc.reload()
		self.assertEqual((doc.status, doc.cover_method), ("Covered", "Assigned"))
		self.assertEqual(self.offered(doc.name), [])

	def test_scheduler_job_escalates_only_due_requests(self):
		due = make_request(self.requester, self.pool, hours_from_now=48)
		later = make_request(self.members[0], self.pool, hours_from_now=96)
		frappe.db.set_value(
			"Cover Request", later.name, "next_escalation_at", add_days(later.submitted_at, 1)
		)
		with self.freeze_time(due.next_escalation_at):
			jobs.escalate_due_requests()
		self.assertEqual(
			frappe.db.get_value("Cover Request", due.name, "ladder_stage"), "Offered to all eligible"
		)
		self.assertEqual(
			frappe.db.get_value("Cover Request", later.name, "ladder_stage"), "Offered to top ranked"
		)

	def test_one_run_ranks_the_next_request_with_the_cover_the_previous_one_assigned(self):
		"""The job loads the pool once for its due requests: the member it assigns the first request
		ranks last for the second (a cover above everyone else's), not first as when the run began."""
		lightest, *others = self.members
		for member in others:
			post(self.pool, member, EntryKind.COVER, 0.5, frappe.utils.add_to_date(None, days=-1))
		first = make_request(self.requester, self.pool, hours_from_now=48)
		second = make_request(self.requester, self.pool, hours_from_now=96)
		now = frappe.utils.now_datetime()
		request = frappe.qb.DocType("Cover Request")
		(
			frappe.qb.update(request)
			.set(request.submitted_at, now - timedelta(minutes=31))
			.set(request.ladder_stage, "Offered to all eligible")
			.set(request.next_escalation_at, now - timedelta(minutes=2))
			.where(request.name == first.name)
		).run()
		# The second is due for its first offers (to the top three).
		(
			frappe.qb.update(request)
			.set(request.submitted_at, now - timedelta(minutes=1))
			.set(request.ladder_stage, "New")
			.set(request.next_escalation_at, now - timedelta(minutes=1))
			.where(request.name == second.name)
		).run()
		frappe.db.delete("Cover Request Offer", {"cover_request": second.name})
		self.assertEqual(next(r.clinician for r in ranking_of(second.name) if r.eligible), lightest)

		jobs.escalate_due_requests()

		self.assertEqual(frappe.db.get_value("Cover Request", first.name, "covered_by"), lightest)
		offered = self.offered(second.name)
		self.assertEqual(len(offered), 3)
		self.assertTrue(set(offered) < set(others))

	def test_overflow_pool_covers_when_nobody_in_the_pool_is_eligible(self):
		faculty = make_clinician("Fay Faculty", role="Faculty", level=None)
		overflow = make_pool("Test Faculty Overflow", [faculty])
		lonely = make_pool("Test Lonely Pool", [self.requester], overflow_pool=overflow)
		doc = make_request(self.requester, lonely)
		with self.freeze_time(doc.submitted_at + timedelta(minutes=30)):
			self.assertEqual(lifecycle.escalate(doc.name), Step.ASSIGN_FROM_OVERFLOW)
		doc.reload()
		self.assertEqual((doc.covered_by, doc.cover_method), (faculty, "Assigned from overflow"))
		self.assertEqual(
			frappe.get_all(
				"Cover Ledger Entry", filters={"cover_request": doc.name}, fields=["clinician", "pool"]
			),
			[{"clinician": faculty, "pool": overflow}],
		)

	def test_unfilled_alerts_the_coordinator_and_the_coordinator_may_override(self):
		coordinator = make_user("coordinator@cc-test.example", roles=("Cover Coordinator",))
		lonely = make_pool("Test Lonely Pool", [self.requester])
		doc = make_request(self.requester, lonely, reason_note="migraine")
		with self.freeze_time(doc.submitted_at + timedelta(minutes=30)):
			self.assertEqual(lifecycle.escalate(doc.name), Step.MARK_UNFILLED)
		self.assertEqual(frappe.db.get_value("Cover Request", doc.name, "status"), "Unfilled")
		(alert,) = frappe.get_all(
			"Notification Log",
			filters={"for_user": coordinator, "link": ("like", f"%{doc.name}")},
			pluck="subject",
		)
		self.assertTrue(alert.startswith("Unfilled: Day Wards A"))
		self.assertNotIn("migraine", alert)
		outsider = self.members[0]  # not in the lonely pool: ineligible, so only with a reason
		lifecycle.assign(doc.name, outsider, override_reason="Chief resident agreed by phone")
		doc.reload()
		self.assertEqual((doc.status, doc.cover_method), ("Covered", "Coordinator override"))
		# Kept with the reason, which only coordinators and directors read.
		self.assertEqual(
			frappe.db.get_value("Cover Request Reason", doc.name, "override_reason"),
			"Chief resident agreed by phone",
		)

	def test_completed_after_the_shift_ends(self):
		doc = make_request(self.requester, self.pool, hours_from_now=3, hours=2)
		lifecycle.assign(doc.name, self.members[0])
		with self.freeze_time(doc.ends_at + timedelta(minutes=1)):
			jobs.complete_finished_covers()
		self.assertEqual(frappe.db.get_value("Cover Request", doc.name, "status"), "Completed")


class TestWellnessCheckIn(CoverRequestTestCase):
	def test_third_call_out_in_sixty_days_prompts_a_private_check_in(self):
		coordinator = make_user("coordinator@cc-test.example", roles=("Cover Coordinator",))
		for days in (2, 4):
			make_request(self.requester, self.pool, hours_from_now=24 * days)
		self.assertFalse(frappe.db.exists("Wellness Check-in", {"clinician": self.requester}))
		self.assertEqual(
			frappe.db.count("ToDo", {"allocated_to": coordinator, "reference_type": "Wellness Check-in"}), 0
		)
		make_request(self.requester, self.pool, hours_from_now=24 * 6)
		(check_in,) = frappe.get_all("Wellness Check-in", filters={"clinician": self.requester}, pluck="name")
		todos = frappe.get_all(
			"ToDo",
			filters={
				"allocated_to": coordinator,
				"reference_type": "Wellness Check-in",
				"reference_name": check_in,
			},
			fields=["description"],
		)
		self.assertEqual(len(todos), 1)
		self.assertIn("has called out 3 times in the last 60 days", todos[0].description)
		# The reference is the private check-in: "assigned to" never shows on the Clinician.
		self.assertFalse(frappe.db.get_value("Clinician", self.requester, "_assign"))
		# A fourth call-out does not nag with a second prompt while the first is open.
		make_request(self.requester, self.pool, hours_from_now=24 * 8)
		self.assertEqual(frappe.db.count("Wellness Check-in", {"clinician": self.requester}), 1)
		self.assertEqual(
			frappe.db.count("ToDo", {"allocated_to": coordinator, "reference_name": check_in}), 1
		)
