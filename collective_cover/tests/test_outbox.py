"""Nothing lost with a queue: every message a state change owes is a Cover Delivery row written with the
change, and whatever is still owed when its RQ job is gone is sent by the every-minute ladder job,
once per recipient and event, however many deliverers run at once."""

from datetime import timedelta

import frappe
from frappe.utils import now_datetime
from frappe.utils.background_jobs import get_queue

from collective_cover.cover import jobs, notify
from collective_cover.kernel.app_records import WrittenByAppError
from collective_cover.tests.cases import CommittedPoolTestCase, CoverRequestTestCase
from collective_cover.tests.factories import (
	PROGRAM,
	make_program,
	make_request,
	make_user,
	offers_of,
	restrict_to_program,
	shift_at,
	user_of,
)
from collective_cover.tests.live_site import api_token
from collective_cover.tests.parallel import in_two_workers

PRIVATE = "migraine with aura since 4 a.m."
CALL_OUT = "/api/method/collective_cover.api.my_cover.call_out"
ACCEPT = "/api/method/collective_cover.api.cover.accept"


def notifications_of(request: str) -> dict[str, int]:
	"""How many bell notifications about `request` each user has."""
	rows = frappe.get_all(
		"Notification Log", filters={"link": ("like", f"%{request}")}, fields=["for_user"], pluck="for_user"
	)
	return {user: rows.count(user) for user in set(rows)}


def emailed_about(request: str) -> list[str]:
	"""Every recipient of every email filed under `request`, once per email."""
	emails = frappe.get_all(
		"Email Queue", filters={"reference_doctype": "Cover Request", "reference_name": request}, pluck="name"
	)
	return sorted(
		frappe.get_all("Email Queue Recipient", filters={"parent": ("in", emails or [""])}, pluck="recipient")
	)


def deliveries_of(request: str) -> list[dict]:
	return frappe.get_all(
		"Cover Delivery",
		filters={"cover_request": request},
		fields=["event", "occasion", "recipient_type", "recipient", "status", "attempts"],
		order_by="recipient asc",
	)


class TestOutbox(CoverRequestTestCase):
	def test_a_filed_request_owes_each_offer_once_and_no_row_holds_the_reason(self):
		doc = make_request(self.requester, self.pool, reason_category="Illness", reason_note=PRIVATE)
		offered = sorted(row.clinician for row in offers_of(doc.name))
		self.assertEqual(len(offered), 3)
		self.assertEqual(
			[
				(r.event, r.occasion, r.recipient_type, r.recipient, r.status, r.attempts)
				for r in deliveries_of(doc.name)
			],
			[("Offer", "Offered to top ranked", "Clinician", c, "Delivered", 1) for c in offered],
		)
		for row in frappe.get_all("Cover Delivery", filters={"cover_request": doc.name}, fields=["*"]):
			self.assertFalse(
				[v for v in row.values() if isinstance(v, str) and ("migraine" in v or v == "Illness")]
			)

	def test_owing_an_offer_again_neither_adds_a_row_nor_tells_anyone_twice(self):
		doc = make_request(self.requester, self.pool)
		offered = [row.clinician for row in offers_of(doc.name)]
		told = {user_of(c): 1 for c in offered}
		self.assertEqual(notifications_of(doc.name), told)

		notify.offered(doc, offered, "Offered to top ranked")  # a retried transaction owes it again

		self.assertEqual(len(deliveries_of(doc.name)), 3)
		self.assertEqual(notifications_of(doc.name), told)

	def test_only_the_programmes_coordinators_read_deliveries(self):
		doc = make_request(self.requester, self.pool)
		coordinator = make_user("outbox-coord@cc-test.example", roles=("Cover Coordinator",))
		restrict_to_program(coordinator, PROGRAM)
		elsewhere = make_user("outbox-elsewhere@cc-test.example", roles=("Cover Coordinator",))
		restrict_to_program(elsewhere, make_program("Outbox Elsewhere Residency"))
		offered = sorted(row.clinician for row in offers_of(doc.name))

		frappe.set_user(coordinator)
		listed = frappe.get_list("Cover Delivery", filters={"cover_request": doc.name}, pluck="recipient")
		self.assertEqual(sorted(listed), offered)
		frappe.set_user(elsewhere)
		self.assertEqual(frappe.get_list("Cover Delivery", filters={"cover_request": doc.name}), [])
		for clinician in (self.requester, offered[0]):
			frappe.set_user(user_of(clinician))
			with self.assertRaises(frappe.PermissionError):
				frappe.get_list("Cover Delivery", filters={"cover_request": doc.name})

	def test_a_delivery_cannot_be_written_by_hand(self):
		doc = make_request(self.requester, self.pool)
		row = frappe.get_doc(
			{
				"doctype": "Cover Delivery",
				"cover_request": doc.name,
				"event": "Offer",
				"occasion": "forged",
				"recipient_type": "Clinician",
				"recipient": self.members[0],
			}
		)
		with self.assertRaises(WrittenByAppError):
			row.insert(ignore_permissions=True)


class TestOutboxWithoutTheQueue(CommittedPoolTestCase):
	"""Requests are filed and accepted over HTTP by a real server, whose jobs go to Redis (no worker
	runs on a test bench); the test then empties the queue, as a Redis restart or flush would."""

	serve = True

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tokens = {c: api_token(user_of(c)) for c in [cls.requester, *cls.members]}
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		requests_ = frappe.get_all("Cover Request", filters={"requester": cls.requester}, pluck="name")
		emails = frappe.get_all(
			"Email Queue", filters={"reference_name": ("in", requests_ or [""])}, pluck="name"
		)
		frappe.db.delete("Email Queue Recipient", {"parent": ("in", emails or [""])})
		frappe.db.delete("Email Queue", {"name": ("in", emails or [""])})
		frappe.db.commit()
		super().tearDownClass()

	def queue_lost(self):
		"""Redis forgets every job queued so far; the test reads what the server committed."""
		get_queue("short").empty()
		frappe.db.rollback()

	def file_over_http(self, hours_from_now: float) -> str:
		start, end = shift_at(hours_from_now)
		duty = {"duty_kind": "Day", "start": start.isoformat(), "end": end.isoformat(), "service": "Wards A"}
		response = self.site.post(
			CALL_OUT,
			self.tokens[self.requester],
			json={"pool": self.pool, "duties": [duty], "reason_category": "Illness", "reason_note": PRIVATE},
		)
		self.assertEqual(response.status_code, 200, response.text[:500])
		self.queue_lost()
		return response.json()["message"]["request"]

	def ladder_runs(self, minutes_later: float, workers: int = 1):
		with self.freeze_time(now_datetime() + timedelta(minutes=minutes_later)):
			if workers == 1:
				jobs.escalate_due_requests()
			else:
				self.assertEqual(in_two_workers(jobs.escalate_due_requests), [])
		if workers == 1:
			# The job commits as it goes, except while tests run: commit here as it would, or the rows
			# this connection locked would keep the server's next filing waiting until it times out.
			frappe.db.commit()
		else:
			frappe.db.rollback()  # a fresh snapshot of what the workers committed

	def test_offers_and_confirmations_whose_jobs_were_flushed_are_sent_by_the_ladder_once(self):
		request = self.file_over_http(hours_from_now=72)
		offered = sorted(row.clinician for row in offers_of(request))
		self.assertEqual(len(offered), 3)
		self.assertEqual({r.status for r in deliveries_of(request)}, {"Owed"})
		self.assertEqual(notifications_of(request), {})

		self.ladder_runs(minutes_later=0)  # the job may yet come within the minute: nothing is sent
		self.assertEqual({r.status for r in deliveries_of(request)}, {"Owed"})
		self.assertEqual(notifications_of(request), {})

		self.ladder_runs(minutes_later=2)
		self.ladder_runs(minutes_later=3)
		offered_users = sorted(user_of(c) for c in offered)
		self.assertEqual(notifications_of(request), {user: 1 for user in offered_users})
		self.assertEqual(emailed_about(request), offered_users)
		self.assertEqual(
			{(r.recipient, r.status, r.attempts) for r in deliveries_of(request)},
			{(c, "Delivered", 1) for c in offered},
		)
		frappe.db.commit()  # the server must see the offers delivered before a member accepts

		coverer = offered[0]
		response = self.site.post(ACCEPT, self.tokens[coverer], cover_request=request)
		self.assertEqual(response.status_code, 200, response.text[:500])
		self.queue_lost()
		self.assertEqual(
			[(r.recipient, r.status) for r in deliveries_of(request) if r.event == "Covered"],
			sorted([(coverer, "Owed"), (self.requester, "Owed")]),
		)

		self.ladder_runs(minutes_later=2)
		self.ladder_runs(minutes_later=3)
		told = {user: 1 for user in offered_users}
		told[user_of(coverer)] += 1  # the offer, then "You are covering"
		told[user_of(self.requester)] = 1  # "Your Day … is covered by …"
		self.assertEqual(notifications_of(request), told)
		self.assertEqual(
			emailed_about(request), sorted([*offered_users, user_of(coverer), user_of(self.requester)])
		)

	def test_two_deliverers_at_once_send_each_offer_once(self):
		"""A morning's worth of lost jobs, so the two deliverers really meet on the same rows."""
		requests_ = [self.file_over_http(hours_from_now=120 + 24 * i) for i in range(6)]

		self.ladder_runs(minutes_later=2, workers=2)

		for request in requests_:
			offered_users = sorted(user_of(row.clinician) for row in offers_of(request))
			self.assertEqual(len(offered_users), 3)
			self.assertEqual(notifications_of(request), {user: 1 for user in offered_users})
			self.assertEqual(emailed_about(request), offered_users)
			self.assertEqual({(r.status, r.attempts) for r in deliveries_of(request)}, {("Delivered", 1)})
