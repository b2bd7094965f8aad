"""The call-out reason is for coordinators only, and the requester's name for the coverer and
coordinators only: every path a clinician can read through is checked here."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import frappe
from frappe.client import get as rest_get
from frappe.utils import add_to_date
from frappe.website.serve import get_response_content

from collective_cover.api.cover import my_position, open_requests, pool_fairness
from collective_cover.cover import lifecycle
from collective_cover.tests.cases import CoverRequestTestCase
from collective_cover.tests.factories import (
	make_clinician,
	make_program,
	make_request,
	make_user,
	offers_of,
	restrict_to_program,
	user_of,
)

PRIVATE = "fever since 3 am"


class TestPrivacy(CoverRequestTestCase):
	def covered_request(self):
		doc = make_request(self.requester, self.pool, reason_category="Illness", reason_note=PRIVATE)
		lifecycle.assign(doc.name, self.members[0])
		return doc

	def test_clinicians_list_only_their_own_requests_and_covers(self):
		mine = make_request(self.requester, self.pool, reason_note="fever")
		other = make_request(self.members[0], self.pool, hours_from_now=100)
		frappe.set_user(user_of(self.members[1]))
		self.assertEqual(frappe.get_list("Cover Request", pluck="name"), [])
		frappe.set_user(user_of(self.requester))
		self.assertEqual(frappe.get_list("Cover Request", pluck="name"), [mine.name])
		self.assertFalse(frappe.has_permission("Cover Request", doc=other.name))

	def test_the_reason_is_kept_apart_and_read_by_coordinators_only(self):
		doc = self.covered_request()
		self.assertEqual(
			frappe.db.get_value("Cover Request Reason", doc.name, ["reason_category", "reason_note"]),
			("Illness", PRIVATE),
		)
		for clinician in (self.requester, self.members[0]):
			frappe.set_user(user_of(clinician))
			fetched = rest_get("Cover Request", doc.name)
			self.assertEqual((fetched.get("reason_note"), fetched.get("reason_category")), (None, None))
			# Offers and the ranking (every member's burden) are coordinator-only records.
			self.assertNotIn("offers", fetched)
			self.assertNotIn("ranking", fetched)
			for private in ("Cover Request Offer", "Cover Request Ranking"):
				with self.assertRaises(frappe.PermissionError):
					frappe.get_list(private, filters={"cover_request": doc.name})
			self.assertNotIn(PRIVATE, json.dumps(fetched, default=str))
			with self.assertRaises(frappe.PermissionError):
				frappe.get_list("Cover Request Reason")
			with self.assertRaises(frappe.PermissionError):
				rest_get("Cover Request Reason", doc.name)
		coordinator = make_user("coord@cc-test.example", roles=("Cover Coordinator",))
		frappe.set_user(coordinator)
		self.assertEqual(rest_get("Cover Request Reason", doc.name)["reason_note"], PRIVATE)
		# The coordinator's Desk form shows it, loaded from the private record.
		frappe.desk.form.load.getdoc("Cover Request", doc.name)
		self.assertEqual(frappe.response.docs[-1].reason_note, PRIVATE)
		# Two snapshots of the whole pool: at submission and at the assignment; the form shows the last.
		self.assertEqual(
			len(frappe.get_list("Cover Request Ranking", filters={"cover_request": doc.name})),
			2 * (len(self.members) + 1),
		)
		ladder = frappe.response.docs[-1].get("__onload").ladder
		self.assertEqual(len(ladder["ranking"]), len(self.members) + 1)
		self.assertTrue(ladder["snapshot"].startswith("At cover (Assigned)"))

	def test_the_requesters_own_form_does_not_show_the_reason_back(self):
		doc = self.covered_request()
		frappe.set_user(user_of(self.requester))
		frappe.desk.form.load.getdoc("Cover Request", doc.name)
		self.assertIsNone(frappe.response.docs[-1].get("reason_note"))

	def test_no_filter_on_cover_requests_can_probe_the_reason(self):
		self.covered_request()
		frappe.set_user(user_of(self.members[0]))  # the coverer may read the request itself
		for filters in ({"reason_note": ("like", "%fever%")}, {"reason_category": "Illness"}):
			with self.assertRaises(Exception) as raised:
				frappe.get_list("Cover Request", filters=filters)
			self.assertNotIn(PRIVATE, str(raised.exception))

	def test_list_and_report_view_return_no_reason_to_clinicians(self):
		doc = self.covered_request()
		frappe.set_user(user_of(self.requester))
		frappe.local.form_dict = frappe._dict(
			doctype="Cover Request", fields=json.dumps(["name", "status"]), with_comment_count=0
		)
		report = json.dumps(frappe.desk.reportview.get(), default=str)
		self.assertIn(doc.name, report)
		self.assertNotIn(PRIVATE, report)

	def test_clinicians_cannot_export_and_directors_export_without_the_reason(self):
		doc = self.covered_request()

		def export_as(user):
			frappe.set_user(user)  # resets form_dict, so the parameters come after it
			frappe.local.form_dict = frappe._dict(
				doctype="Cover Request",
				file_format_type="CSV",
				fields=json.dumps(["`tabCover Request`.`name`", "`tabCover Request`.`status`"]),
				filters=json.dumps([]),
			)
			frappe.desk.reportview.export_query()

		with self.assertRaises(frappe.PermissionError):
			export_as(user_of(self.requester))
		export_as(make_user("director@cc-test.example", roles=("Program Director",)))
		exported = frappe.response["filecontent"]
		exported = exported.decode() if isinstance(exported, bytes) else exported
		self.assertIn(doc.name, exported)
		self.assertNotIn(PRIVATE, exported)

	def test_open_requests_shows_pool_offers_without_requester_or_reason(self):
		doc = make_request(self.requester, self.pool, reason_note="fever")
		frappe.set_user(user_of(self.members[1]))
		(offer,) = open_requests()
		self.assertEqual(offer["request"], doc.name)
		self.assertEqual(
			set(offer),
			{
				"request",
				"pool",
				"duty_kind",
				"service",
				"duties",
				"starts_at",
				"ends_at",
				"when",
				"units",
				"accept_url",
				"status",
			},
		)
		frappe.set_user(user_of(self.requester))
		self.assertEqual(open_requests(), [])

	def test_the_offers_page_lists_the_offer_with_accept_and_no_requester_or_reason(self):
		doc = make_request(self.requester, self.pool, reason_category="Illness", reason_note=PRIVATE)
		frappe.set_user(user_of(self.members[1]))
		page = get_response_content("cover-offers")
		self.assertIn(f'data-request="{doc.name}"', page)
		self.assertIn("cover-accept", page)
		for private in (PRIVATE, "Illness", frappe.db.get_value("Clinician", self.requester, "full_name")):
			self.assertNotIn(private, page)

	def test_messages_carry_neither_the_reason_nor_the_requester_to_the_pool(self):
		doc = make_request(self.requester, self.pool, reason_category="Illness", reason_note=PRIVATE)
		frappe.set_user(user_of(self.members[2]))
		lifecycle.accept(doc.name)
		frappe.set_user("Administrator")
		requester_name = frappe.db.get_value("Clinician", self.requester, "full_name")
		logs = frappe.get_all(
			"Notification Log",
			filters={"creation": (">=", doc.submitted_at)},
			fields=["for_user", "subject"],
		)
		emails = frappe.get_all(
			"Email Queue",
			filters={"reference_name": doc.name},
			fields=["name", "message"],
		)
		self.assertTrue(logs and emails)
		for text in [log.subject for log in logs] + [mail.message for mail in emails]:
			self.assertNotIn(PRIVATE, text)
			self.assertNotIn("Illness", text)
		coverer = user_of(self.members[2])
		named = {log.for_user for log in logs if requester_name in log.subject}
		self.assertEqual(named, {coverer})

	def test_realtime_offers_go_to_the_offered_members_without_reason_or_requester(self):
		frappe.local._realtime_log = []
		doc = make_request(self.requester, self.pool, reason_category="Illness", reason_note=PRIVATE)
		offered = {user_of(row.clinician) for row in offers_of(doc.name)}
		events = [
			(room, message) for event, message, room in frappe.local._realtime_log if event == "cover_offer"
		]
		self.assertEqual({room for room, _ in events}, {f"user:{user}" for user in offered})
		requester_name = frappe.db.get_value("Clinician", self.requester, "full_name")
		for _room, message in events:
			self.assertEqual(message["request"], doc.name)
			for private in (PRIVATE, "Illness", requester_name, self.requester):
				self.assertNotIn(private, json.dumps(message, default=str))

	def test_sms_offers_reach_a_real_gateway_without_reason_or_requester(self):
		received = []

		class Gateway(BaseHTTPRequestHandler):
			def do_GET(self):
				received.append(parse_qs(urlparse(self.path).query))
				self.send_response(200)
				self.end_headers()

			def log_message(self, *args):
				pass

		server = HTTPServer(("127.0.0.1", 0), Gateway)
		threading.Thread(target=server.serve_forever, daemon=True).start()
		self.addCleanup(server.shutdown)
		sms = frappe.get_single("SMS Settings")
		sms.update(
			{
				"sms_gateway_url": f"http://127.0.0.1:{server.server_port}/send",
				"message_parameter": "text",
				"receiver_parameter": "to",
			}
		)
		sms.save()
		frappe.db.set_single_value("Collective Cover Settings", "notify_by_sms", 1)
		# The rollback in tearDown restores the row; the cached settings must follow it.
		self.addCleanup(frappe.clear_document_cache, "Collective Cover Settings", "Collective Cover Settings")
		for i, member in enumerate(self.members):
			frappe.db.set_value("User", user_of(member), "mobile_no", f"+1555000000{i}")

		doc = make_request(self.requester, self.pool, reason_category="Illness", reason_note=PRIVATE)
		offered_numbers = {f"+1555000000{self.members.index(row.clinician)}" for row in offers_of(doc.name)}
		self.assertEqual({query["to"][0] for query in received}, offered_numbers)
		requester_name = frappe.db.get_value("Clinician", self.requester, "full_name")
		for query in received:
			text = query["text"][0]
			self.assertIn(f"/cover-offers?request={doc.name}", text)
			for private in (PRIVATE, "Illness", requester_name):
				self.assertNotIn(private, text)

	def test_the_ledger_is_read_only_and_clinicians_see_only_their_own_rows(self):
		self.covered_request()
		frappe.set_user(user_of(self.members[0]))
		rows = frappe.get_list("Cover Ledger Entry", fields=["clinician", "entry_type"])
		self.assertEqual([(r.clinician, r.entry_type) for r in rows], [(self.members[0], "Cover")])
		row = frappe.get_doc("Cover Ledger Entry", frappe.get_list("Cover Ledger Entry", pluck="name")[0])
		self.assertFalse(row.has_permission("write"))
		frappe.set_user(user_of(self.members[1]))
		self.assertEqual(frappe.get_list("Cover Ledger Entry"), [])

	def test_coordinators_are_limited_to_their_programmes_by_user_permissions(self):
		other_program = make_program("Test Surgery Residency")
		elsewhere = make_clinician("Sam Surgeon", program=other_program)
		self.covered_request()
		coordinator = make_user("im-coord@cc-test.example", roles=("Cover Coordinator",))
		restrict_to_program(coordinator, make_program())
		frappe.set_user(coordinator)
		programs = set(frappe.get_list("Cover Request", pluck="program"))
		self.assertEqual(programs, {make_program()})
		self.assertFalse(frappe.has_permission("Clinician", doc=elsewhere))


class TestPoolStanding(CoverRequestTestCase):
	def test_my_position_shows_only_the_callers_own_figures(self):
		doc = make_request(self.requester, self.pool)
		lifecycle.assign(doc.name, self.members[0])
		frappe.set_user(user_of(self.members[0]))
		mine = my_position(self.pool)
		self.assertEqual((mine["burden"], mine["members"]), (1.0, 6))
		self.assertGreater(mine["deviation"], 0)
		self.assertEqual(mine["position"], 6)  # the only member with a cover is asked last
		self.assertNotIn(self.members[1], json.dumps(mine))

	def test_pool_fairness_is_anonymised(self):
		doc = make_request(self.requester, self.pool)
		lifecycle.assign(doc.name, self.members[0])
		frappe.set_user(user_of(self.members[1]))
		figures = pool_fairness(self.pool)
		self.assertEqual(figures["members"], 6)
		self.assertEqual(set(figures["deviation_percentiles"]), {"10", "25", "50", "75", "90"})
		self.assertLess(figures["mine"]["deviation"], 0)
		text = json.dumps(figures)
		for clinician in (self.requester, *self.members):
			self.assertNotIn(clinician, text)

	def test_non_members_cannot_read_a_pools_standing(self):
		outsider = make_clinician("Olive Outsider")
		frappe.set_user(user_of(outsider))
		with self.assertRaisesRegex(frappe.PermissionError, "You are not a member of pool"):
			my_position(self.pool)


class TestDecline(CoverRequestTestCase):
	def test_declining_records_the_offer_answer_without_changing_the_ranking(self):
		doc = make_request(self.requester, self.pool)
		doc.reload()
		offered = offers_of(doc.name)[0].clinician
		frappe.set_user(user_of(offered))
		lifecycle.decline(doc.name, "on nights this week")
		frappe.set_user("Administrator")
		doc.reload()
		self.assertEqual(doc.status, "Open")
		row = next(o for o in offers_of(doc.name) if o.clinician == offered)
		self.assertEqual(row.decline_note, "on nights this week")
		self.assertIsNotNone(row.declined_at)
		self.assertEqual(frappe.db.count("Cover Ledger Entry", {"cover_request": doc.name}), 0)
		self.assertEqual(add_to_date(doc.submitted_at, minutes=15), doc.next_escalation_at)
