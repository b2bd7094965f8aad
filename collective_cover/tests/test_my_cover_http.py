"""The phone home's doors over HTTP, against a real gunicorn: Guest, a user who is no clinician, a
coordinator of another programme, a clinician outside the pool, and hostile input. No door answers
with a server error, each refusal is in words, nothing is written, nothing private is told."""

import json
from datetime import timedelta

import frappe
import requests
from frappe.utils import now_datetime
from frappe.utils.password import update_password

from collective_cover.tests.cases import CommittedRecordsTestCase
from collective_cover.tests.factories import (
	make_clinician,
	make_pool,
	make_program,
	make_request,
	make_user,
	restrict_to_program,
	shift_at,
	user_of,
)
from collective_cover.tests.live_site import api_token

API = "/api/method/collective_cover.api.my_cover."
READS = ("my_pools", "my_shifts", "open_offers", "my_covers", "my_requests", "my_standing", "my_coaching")
PRIVATE = "stomach bug since midnight"
PASSWORD = "Phone-home-test-1"


def duty(hours_from_now: float = 48) -> dict:
	start, end = shift_at(hours_from_now)
	return {"duty_kind": "Day", "start": start.isoformat(), "end": end.isoformat(), "service": "Wards A"}


def words(response) -> str:
	"""What the user is told: Frappe's messages, or the exception line."""
	body = response.json()
	messages = [json.loads(m)["message"] for m in json.loads(body.get("_server_messages") or "[]")]
	return " ".join(messages) or body.get("exception", "")


class TestMyCoverOverHTTP(CommittedRecordsTestCase):
	serve = True

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_program()
		cls.requester = make_clinician(f"Phone Requester {cls.tag}")
		cls.member = make_clinician(f"Phone Member {cls.tag}")
		cls.outsider = make_clinician(f"Phone Outsider {cls.tag}")
		cls.coach = make_clinician(f"Phone Coach {cls.tag}", role="Faculty", level=None)
		frappe.db.set_value("Clinician", cls.coach, "coach_capacity", 1)
		cls.pool = make_pool(f"Phone Pool {cls.tag}", [cls.requester, cls.member])
		cls.other_pool = make_pool(f"Phone Pool Without Requester {cls.tag}", [cls.member])
		cls.other_program = make_program(f"Other Programme {cls.tag}")
		cls.no_clinician = make_user(f"phone-no-clinician-{cls.tag}@cc-test.example")
		cls.coordinator = make_user(
			f"phone-coordinator-{cls.tag}@cc-test.example", roles=("Cover Coordinator",)
		)
		restrict_to_program(cls.coordinator, cls.other_program)
		pairing = frappe.get_doc(
			{"doctype": "Coach Pairing", "resident": cls.requester, "coach": cls.coach}
		).insert(ignore_permissions=True)
		start = (now_datetime() + timedelta(days=4)).replace(hour=13, minute=0, second=0, microsecond=0)
		cls.meeting = (
			frappe.get_doc(
				{
					"doctype": "Coaching Meeting",
					"pairing": pairing.name,
					"status": "Proposed",
					"starts_at": start,
					"ends_at": start + timedelta(minutes=45),
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		users = {
			"requester": user_of(cls.requester),
			"member": user_of(cls.member),
			"outsider": user_of(cls.outsider),
			"no_clinician": cls.no_clinician,
			"coordinator": cls.coordinator,
		}
		cls.tokens = {who: api_token(user) for who, user in users.items()}
		cls.users = users
		for user in (users["requester"], users["coordinator"]):
			update_password(user, PASSWORD)
		frappe.db.commit()  # the users and the other programme carry the tag, so they go afterwards too

	def file(self, hours_from_now: float = 48):
		doc = make_request(
			self.requester, self.pool, hours_from_now, reason_category="Illness", reason_note=PRIVATE
		)
		frappe.db.commit()
		return doc

	def requests_of_requester(self) -> int:
		frappe.db.rollback()  # a fresh snapshot of what the server committed
		return frappe.db.count("Cover Request", {"requester": self.requester})

	def assertRefused(self, response, status: int, said: str | None = None):
		self.assertEqual(response.status_code, status, response.text[:500])
		if said:
			self.assertIn(said, words(response))
		for private in (PRIVATE, "Illness", f"Phone Requester {self.tag}"):
			self.assertNotIn(private, response.text)

	def test_guests_are_refused_at_every_door_and_sent_to_log_in(self):
		before = self.requests_of_requester()
		for method in READS:
			self.assertRefused(self.site.get(API + method), 403)
		for method, args in (
			("call_out", {"pool": self.pool, "duties": [duty()]}),
			("confirm_meeting", {"meeting": self.meeting}),
			("reschedule_meeting", {"meeting": self.meeting, "starts_at": "2099-01-01T09:00"}),
		):
			self.assertRefused(self.site.post(API + method, json=args), 403)
		page = requests.get(
			f"{self.site.url}/my-cover", headers=self.site.headers(), allow_redirects=False, timeout=60
		)
		self.assertEqual((page.status_code, page.headers["Location"]), (302, "/login?redirect-to=/my-cover"))
		self.assertEqual(self.requests_of_requester(), before)

	def test_changes_are_post_only(self):
		token, before = self.tokens["requester"], self.requests_of_requester()
		for method, args in (
			("call_out", {"pool": self.pool, "duties": json.dumps([duty()])}),
			("confirm_meeting", {"meeting": self.meeting}),
			("reschedule_meeting", {"meeting": self.meeting, "starts_at": "2099-01-01T09:00"}),
		):
			self.assertRefused(self.site.get(API + method, token, **args), 403, "Not permitted")
		self.assertEqual(self.requests_of_requester(), before)
		self.assertEqual(frappe.db.get_value("Coaching Meeting", self.meeting, "status"), "Proposed")

	def test_users_who_are_no_clinician_are_told_so_and_see_nothing(self):
		for who in ("no_clinician", "coordinator"):
			for method in READS:
				self.assertRefused(
					self.site.get(API + method, self.tokens[who]),
					403,
					f"Your user {self.users[who]} is not linked to an active Clinician.",
				)
			self.assertRefused(
				self.site.post(
					API + "call_out", self.tokens[who], json={"pool": self.pool, "duties": [duty()]}
				),
				403,
				"is not linked to an active Clinician",
			)

	def test_a_clinician_outside_the_pool_and_pairing_sees_nothing_of_theirs_and_changes_nothing(self):
		doc = self.file()
		token = self.tokens["outsider"]
		for method in ("open_offers", "my_covers", "my_requests", "my_standing", "my_coaching"):
			response = self.site.get(API + method, token)
			self.assertEqual((response.status_code, response.json()["message"]), (200, []), method)
		self.assertRefused(
			self.site.post(API + "call_out", token, json={"pool": self.pool, "duties": [duty(200)]}),
			403,
			f"You are not a member of pool {self.pool}.",
		)
		self.assertRefused(
			self.site.post("/api/method/frappe.client.cancel", token, doctype="Cover Request", name=doc.name),
			403,
		)
		self.assertRefused(self.site.post(API + "confirm_meeting", token, meeting=self.meeting), 403)
		self.assertRefused(
			self.site.post(
				API + "reschedule_meeting", token, meeting=self.meeting, starts_at="2099-01-01T09:00"
			),
			403,
		)
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Cover Request", doc.name, ["docstatus", "status"]), (1, "Open"))
		self.assertEqual(frappe.db.get_value("Coaching Meeting", self.meeting, "status"), "Proposed")

	def test_hostile_input_is_refused_in_words_and_writes_nothing(self):
		token = self.tokens["requester"]
		before = self.requests_of_requester()
		day = duty(300)
		refusals = [
			({"pool": ["a", "list"], "duties": [day]}, "pool"),
			({"pool": self.pool, "duties": "x" * 20_000}, "Choose at least one duty"),
			({"pool": self.pool, "duties": [{**day, "start": {"$gt": ""}}]}, "must be a date and time"),
			({"pool": self.pool, "duties": [{**day, "start": "2026-13-45T99:99"}]}, "is not a date and time"),
			({"pool": self.pool, "duties": [{**day, "duty_kind": "'; DROP TABLE x; --"}]}, "cannot be"),
			({"pool": self.pool, "duties": [day], "reason_category": "Gossip"}, "cannot be 'Gossip'"),
			({"pool": self.pool, "duties": [day], "reason_note": {"a": 1}}, "Reason Note must be text."),
			({"pool": "' OR 1=1 --", "duties": [day]}, "You are not a member of pool"),
		]
		for args, said in refusals:
			response = self.site.post(API + "call_out", token, json=args)
			self.assertLess(response.status_code, 500, (args, response.text[:300]))
			self.assertGreaterEqual(response.status_code, 400, args)
			self.assertIn(said, words(response), args)
		for method, args in (
			("confirm_meeting", {"meeting": "CM-does-not-exist"}),
			("confirm_meeting", {"meeting": ["a"]}),
			("reschedule_meeting", {"meeting": self.meeting, "starts_at": [1]}),
			("reschedule_meeting", {"meeting": self.meeting, "starts_at": "9999-99-99"}),
		):
			response = self.site.post(API + method, token, json=args)
			self.assertTrue(400 <= response.status_code < 500, (args, response.text[:300]))
			self.assertTrue(words(response), args)
		self.assertEqual(self.requests_of_requester(), before)
		self.assertEqual(frappe.db.get_value("Coaching Meeting", self.meeting, "status"), "Proposed")

	def test_offers_never_name_the_requester_and_the_requester_learns_the_coverer(self):
		doc = self.file(hours_from_now=72)
		member, requester = self.tokens["member"], self.tokens["requester"]
		offers = self.site.get(API + "open_offers", member)
		self.assertIn(doc.name, [o["request"] for o in offers.json()["message"]])
		self.assertNotIn("Illness", offers.text)
		page = self.site.get("/my-cover", member)
		self.assertTrue(f'data-request="{doc.name}"' in page.text)
		for response in (offers, page):  # the page's own reason list names the categories, so not those
			for private in (PRIVATE, f"Phone Requester {self.tag}"):
				self.assertTrue(private not in response.text, private)

		taken = self.site.post(
			"/api/method/collective_cover.api.cover.accept", member, cover_request=doc.name
		)
		self.assertEqual(taken.status_code, 200, taken.text[:300])
		again = self.site.post(
			"/api/method/collective_cover.api.cover.accept", member, cover_request=doc.name
		)
		self.assertEqual((again.status_code, words(again)), (417, f"You are covering {doc.name}."))
		(cover,) = self.site.get(API + "my_covers", member).json()["message"]
		self.assertEqual((cover["request"], cover["covering_for"]), (doc.name, f"Phone Requester {self.tag}"))
		mine = {r["request"]: r for r in self.site.get(API + "my_requests", requester).json()["message"]}[
			doc.name
		]
		self.assertEqual(
			(mine["status"], mine["covered_by"], mine["can_cancel"]),
			("Covered", f"Phone Member {self.tag}", False),
		)
		self.assertIn(f"covered by Phone Member {self.tag}", self.site.get("/my-cover", requester).text)

	def test_the_web_form_lists_only_the_pools_the_member_is_in(self):
		page = self.site.get("/file-cover-request/new", self.tokens["requester"]).text
		self.assertTrue(self.pool in page)
		self.assertFalse(self.other_pool in page)  # the member's other pool, which any clinician may read

	def login(self, user: str):
		session = requests.Session()
		response = session.post(
			f"{self.site.url}/api/method/login",
			data={"usr": user, "pwd": PASSWORD},
			headers={"X-Frappe-Site-Name": self.site.site},
			timeout=60,
		)
		return session, response

	def test_login_takes_clinicians_to_my_cover_and_staff_to_desk(self):
		for user, home in ((self.users["requester"], "/my-cover"), (self.coordinator, "/app")):
			_session, response = self.login(user)
			self.assertEqual((response.status_code, response.json()["home_page"]), (200, home), user)
		session, _response = self.login(self.users["requester"])
		root = session.get(f"{self.site.url}/", headers={"X-Frappe-Site-Name": self.site.site}, timeout=60)
		self.assertIn('id="call-out"', root.text)  # "/" is the clinician's home too
