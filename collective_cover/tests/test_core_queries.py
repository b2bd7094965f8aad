"""Frappe's own count, get and list doors on this app's doctypes: nothing they answer depends on what the
caller may not read, and a field that is not stored is refused in words instead of a server error."""

import json

import frappe
from frappe.tests.utils import FrappeTestCase

from collective_cover.kernel.core_queries import get, get_count
from collective_cover.tests.cases import CoverRequestTestCase
from collective_cover.tests.factories import (
	make_clinician,
	make_outgoing_email_account,
	make_pool,
	make_program,
	make_request,
	make_user,
	remove_committed_records,
	restrict_to_program,
	user_of,
)
from collective_cover.tests.live_site import LiveSite, api_token


class TestCountsAndGets(CoverRequestTestCase):
	def setUp(self):
		super().setUp()
		self.request = make_request(
			self.requester, self.pool, reason_category="Illness", reason_note="fever since 3 am"
		)
		frappe.get_doc(
			{
				"doctype": "Clinician Unavailability",
				"clinician": self.requester,
				"kind": "Leave",
				"from_datetime": "2026-01-05 00:00:00",
				"to_datetime": "2026-01-09 23:59:00",
			}
		).insert()

	def test_a_clinician_cannot_count_reasons_at_all(self):
		frappe.set_user(user_of(self.members[0]))
		for filters in ({"reason_note": ("like", "%fever%")}, {"reason_note": ("like", "%zzz%")}):
			with self.assertRaises(frappe.PermissionError):
				get_count("Cover Request Reason", filters=json.dumps(filters))

	def test_counts_see_only_what_the_callers_list_shows(self):
		frappe.set_user(user_of(self.members[0]))
		self.assertEqual(get_count("Cover Request", filters={"requester": self.requester}), 0)
		self.assertEqual(get_count("Clinician Unavailability", filters={"kind": "Leave"}), 0)
		self.assertEqual(get_count("Clinician Unavailability", filters={"kind": "Vacation"}), 0)
		frappe.set_user(user_of(self.requester))
		self.assertEqual(get_count("Cover Request", filters={"requester": self.requester}), 1)

	def test_a_coordinator_of_another_programme_counts_nothing_of_this_one(self):
		elsewhere = make_user("elsewhere-coord@cc-test.example", roles=("Cover Coordinator",))
		restrict_to_program(elsewhere, make_program("Test Elsewhere Residency"))
		frappe.set_user(elsewhere)
		for note in ("%fever%", "%zzz%"):
			self.assertEqual(get_count("Cover Request Reason", filters={"reason_note": ("like", note)}), 0)
		self.assertEqual(get_count("Cover Request", filters={"requester": self.requester}), 0)

	def test_a_hidden_match_and_no_match_look_the_same(self):
		frappe.set_user(user_of(self.members[0]))
		answers = []
		for kind in ("Leave", "Vacation"):
			with self.assertRaises(frappe.DoesNotExistError) as raised:
				get("Clinician Unavailability", filters={"clinician": self.requester, "kind": kind})
			answers.append(str(raised.exception))
		self.assertEqual(answers[0], answers[1])

	def test_other_doctypes_keep_frappes_own_answers(self):
		self.assertEqual(get_count("Residency Program", filters={"name": self.request.program}), 1)
		self.assertEqual(get("Residency Program", self.request.program)["name"], self.request.program)

	def test_a_rota_day_is_seen_by_its_own_member_only(self):
		frappe.db.delete("Jeopardy Rota", {"pool": self.pool})
		for day, member in (("2026-12-20", self.members[0]), ("2026-12-21", self.members[1])):
			frappe.get_doc(
				{"doctype": "Jeopardy Rota", "pool": self.pool, "rota_date": day, "clinician": member}
			).insert()
		frappe.set_user(user_of(self.members[0]))
		self.assertEqual(frappe.get_list("Jeopardy Rota", pluck="clinician"), [self.members[0]])


class TestQueriesOverHttp(FrappeTestCase):
	"""The before_request check runs on real requests only, so these go through a live server."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tag = frappe.generate_hash(length=6)
		make_program()
		make_outgoing_email_account()
		cls.requester = make_clinician(f"Query Requester {cls.tag}")
		cls.coverer = make_clinician(f"Query Coverer {cls.tag}")
		cls.pool = make_pool(f"Query Pool {cls.tag}", [cls.requester, cls.coverer])
		cls.doc = make_request(cls.requester, cls.pool, reason_note="fever since 3 am")
		cls.token = api_token(user_of(cls.coverer))
		cls.requester_token = api_token(user_of(cls.requester))
		frappe.db.commit()
		cls.site = LiveSite(workers=2).start()

	@classmethod
	def tearDownClass(cls):
		cls.site.stop()
		frappe.db.rollback()
		remove_committed_records(cls.tag)
		super().tearDownClass()

	def test_virtual_and_unknown_fields_are_refused_in_words_on_every_list_door(self):
		probes = [
			("/api/resource/Cover Request", {"filters": json.dumps([["reason_note", "like", "%fever%"]])}),
			("/api/resource/Cover Request", {"fields": json.dumps(["name", "reason_category"])}),
			("/api/resource/Cover Request", {"order_by": "reason_note desc"}),
			(
				"/api/method/frappe.client.get_count",
				{"doctype": "Cover Request", "filters": json.dumps({"reason_category": "Illness"})},
			),
			(
				"/api/method/frappe.desk.reportview.get",
				{"doctype": "Cover Request", "fields": json.dumps(["name"]), "group_by": "no_such_field"},
			),
			(
				"/api/method/frappe.desk.reportview.get_count",
				{
					"doctype": "Cover Request",
					"filters": json.dumps([["Cover Request", "reason_note", "=", "x"]]),
				},
			),
			# Another table's column, even one named like a column of the request, is not the request's.
			(
				"/api/method/frappe.client.get_count",
				{
					"doctype": "Cover Request",
					"filters": json.dumps([["Cover Request Reason", "requester", "=", self.requester]]),
				},
			),
			(
				"/api/method/frappe.desk.listview.get_group_by_count",
				{
					"doctype": "Cover Request",
					"current_filters": json.dumps([["reason_category", "=", "Illness"]]),
					"field": "owner",
				},
			),
			(
				"/api/method/frappe.desk.listview.get_group_by_count",
				{"doctype": "Cover Request", "current_filters": "[]", "field": "reason_category"},
			),
			(
				"/api/method/frappe.desk.search.search_widget",
				{"doctype": "Cover Request", "txt": "", "filter_fields": json.dumps(["reason_note"])},
			),
		]
		for path, params in probes:
			with self.subTest(path=path, params=params):
				response = self.site.get(path, self.token, **params)
				self.assertEqual(response.status_code, 417, response.text[:300])
				self.assertIn("that can be listed, filtered or sorted on", response.text)
				self.assertNotIn("fever", response.text)

	def test_stored_fields_still_list_for_the_coverer(self):
		response = self.site.get(
			"/api/resource/Cover Request",
			self.token,
			filters=json.dumps([["status", "=", "Open"]]),
			fields=json.dumps(["name", "status"]),
		)
		self.assertEqual(response.status_code, 200, response.text[:300])

	def test_desk_sort_terms_with_a_quoted_table_name_still_list(self):
		# Desk's list, report and calendar views sort by "`tabCover Request`.`modified` desc".
		for order_by in ("`tabCover Request`.`modified` desc", "`tabCover Request`.`starts_at` ASC, name"):
			with self.subTest(order_by=order_by):
				response = self.site.post(
					"/api/method/frappe.desk.reportview.get",
					self.requester_token,
					doctype="Cover Request",
					fields=json.dumps(["`tabCover Request`.`name`"]),
					order_by=order_by,
				)
				self.assertEqual(response.status_code, 200, response.text[:300])
				self.assertEqual(response.json()["message"]["values"], [[self.doc.name]])
		response = self.site.post(
			"/api/method/frappe.desk.reportview.get",
			self.requester_token,
			doctype="Cover Request",
			fields=json.dumps(["name"]),
			order_by="`tabCover Request`.`reason_note` desc",
		)
		self.assertEqual(response.status_code, 417, response.text[:300])
