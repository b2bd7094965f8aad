"""A Wellness Check-in is the app's private record of a prompt: its programme's coordinators and
directors read it, a coordinator marks it done, nobody else reads, writes or deletes one."""

import json

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import now_datetime

from collective_cover.collective_cover.doctype.wellness_check_in.wellness_check_in import CheckInDoneError
from collective_cover.cover.wellness import CHECK_IN
from collective_cover.kernel.app_records import WrittenByAppError
from collective_cover.patches import wellness_prompts_as_check_ins
from collective_cover.tests.cases import CoverRequestTestCase
from collective_cover.tests.factories import (
	PROGRAM,
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

ELSEWHERE = "Test Elsewhere Residency"


def call_out(requester, pool, times: int) -> list:
	"""`times` requests on the following days, each filed (and so counted) at once."""
	offset = 24 * (frappe.db.count("Cover Request", {"requester": requester}) + 2)
	return [make_request(requester, pool, hours_from_now=offset + 24 * i) for i in range(times)]


def to_dos(check_in: str, **filters) -> list[dict]:
	return frappe.get_all(
		"ToDo",
		filters={"reference_type": CHECK_IN, "reference_name": check_in, **filters},
		fields=["allocated_to", "status", "description"],
	)


def make_staff(email: str, role: str, program: str) -> str:
	user = make_user(email, roles=(role,))
	if not frappe.db.exists("User Permission", {"user": user, "allow": "Residency Program"}):
		restrict_to_program(user, program)
	return user


class TestWellnessCheckIn(CoverRequestTestCase):
	def setUp(self):
		super().setUp()
		self.coordinator = make_staff("checkin-coord@cc-test.example", "Cover Coordinator", PROGRAM)
		self.director = make_staff("checkin-director@cc-test.example", "Program Director", PROGRAM)
		make_program(ELSEWHERE)
		self.elsewhere = make_staff("checkin-elsewhere@cc-test.example", "Cover Coordinator", ELSEWHERE)

	def prompted(self) -> str:
		call_out(self.requester, self.pool, 3)
		(name,) = frappe.get_all(CHECK_IN, filters={"clinician": self.requester}, pluck="name")
		return name

	def test_the_third_call_out_opens_one_check_in_that_its_coordinators_are_asked_about(self):
		call_out(self.requester, self.pool, 2)
		self.assertEqual(frappe.db.count(CHECK_IN, {"clinician": self.requester}), 0)

		(third,) = call_out(self.requester, self.pool, 1)

		(name,) = frappe.get_all(CHECK_IN, filters={"clinician": self.requester}, pluck="name")
		check_in = frappe.get_doc(CHECK_IN, name)
		self.assertEqual(
			(check_in.clinician_name, check_in.program, check_in.call_outs, check_in.window_days),
			("Ada Requester", PROGRAM, 3, 60),
		)
		filed_at = frappe.db.get_value("Cover Request", third.name, "submitted_at")
		self.assertEqual((check_in.status, check_in.prompted_at), ("Open", filed_at))
		(todo,) = to_dos(check_in.name, allocated_to=self.coordinator)
		self.assertEqual(
			todo.description,
			"Wellness check-in: Ada Requester has called out 3 times in the last 60 days. "
			"Consider a supportive conversation — this never affects their ranking or duties.",
		)
		self.assertEqual(to_dos(check_in.name, allocated_to=self.elsewhere), [])
		self.assertIn(self.coordinator, json.loads(check_in._assign))
		self.assertFalse(frappe.db.get_value("Clinician", self.requester, "_assign"))

	def test_another_call_out_while_it_is_open_asks_only_whoever_has_no_open_to_do(self):
		check_in = self.prompted()
		frappe.db.set_value(
			"ToDo", {"reference_name": check_in, "allocated_to": self.coordinator}, "status", "Closed"
		)
		asked_before = len(to_dos(check_in))

		call_out(self.requester, self.pool, 1)

		self.assertEqual(frappe.db.count(CHECK_IN, {"clinician": self.requester}), 1)
		self.assertEqual(
			sorted(t.status for t in to_dos(check_in, allocated_to=self.coordinator)), ["Closed", "Open"]
		)
		self.assertEqual(len(to_dos(check_in)), asked_before + 1)

	def test_a_coordinator_marks_it_done_and_every_to_do_of_it_closes(self):
		check_in = self.prompted()
		with self.set_user(self.coordinator):
			doc = frappe.get_doc(CHECK_IN, check_in)
			doc.status = "Done"
			doc.save()
		self.assertEqual({t.status for t in to_dos(check_in)}, {"Closed"})
		self.assertFalse(frappe.db.get_value(CHECK_IN, check_in, "_assign"))

		# The next call-out that reaches the threshold prompts afresh.
		call_out(self.requester, self.pool, 1)
		fresh = frappe.get_all(
			CHECK_IN, filters={"clinician": self.requester, "status": "Open"}, pluck="call_outs"
		)
		self.assertEqual(fresh, [4])

	def test_only_the_status_changes_and_done_stays_done(self):
		check_in = self.prompted()
		with self.set_user(self.coordinator):
			for field, value in (("call_outs", 0), ("clinician", self.members[0]), ("window_days", 1)):
				doc = frappe.get_doc(CHECK_IN, check_in)
				doc.set(field, value)
				with self.assertRaises(WrittenByAppError) as refused:
					doc.save()
				self.assertIn(
					"is written by the app and cannot be edited except for its status", str(refused.exception)
				)
			doc = frappe.get_doc(CHECK_IN, check_in)
			doc.status = "Done"
			doc.save()
			doc.status = "Open"
			with self.assertRaises(CheckInDoneError) as refused:
				doc.save()
		self.assertIn("is done and stays done", str(refused.exception))
		self.assertEqual(
			frappe.db.get_value(CHECK_IN, check_in, ["status", "call_outs", "clinician"]),
			("Done", 3, self.requester),
		)

	def test_nobody_writes_or_deletes_one_by_hand(self):
		check_in = self.prompted()
		record = {
			"doctype": CHECK_IN,
			"clinician": self.members[0],
			"program": PROGRAM,
			"prompted_at": now_datetime(),
		}
		with self.assertRaises(WrittenByAppError):
			frappe.get_doc(record).insert()  # as Administrator
		for user in (self.coordinator, self.director, user_of(self.members[0])):
			with self.set_user(user), self.assertRaises(frappe.PermissionError):
				frappe.get_doc(record).insert()
		with self.assertRaises(WrittenByAppError):
			frappe.delete_doc(CHECK_IN, check_in)
		self.assertEqual(frappe.get_all(CHECK_IN, filters={"program": PROGRAM}, pluck="name"), [check_in])

	def test_directors_read_it_and_cannot_mark_it_done(self):
		check_in = self.prompted()
		with self.set_user(self.director):
			self.assertEqual(frappe.get_list(CHECK_IN, pluck="name"), [check_in])
			doc = frappe.get_doc(CHECK_IN, check_in)
			doc.status = "Done"
			with self.assertRaises(frappe.PermissionError):
				doc.save()
		self.assertEqual(frappe.db.get_value(CHECK_IN, check_in, "status"), "Open")

	def test_clinicians_and_other_programmes_coordinators_read_nothing_of_it(self):
		check_in = self.prompted()
		for clinician in (self.requester, self.members[0]):
			with self.set_user(user_of(clinician)):
				with self.assertRaises(frappe.PermissionError):
					frappe.get_list(CHECK_IN)
				with self.assertRaises(frappe.PermissionError):
					frappe.get_doc(CHECK_IN, check_in).check_permission("read")
				self.assertEqual(frappe.get_list("ToDo", filters={"reference_type": CHECK_IN}), [])
		with self.set_user(self.elsewhere):
			self.assertEqual(frappe.get_list(CHECK_IN), [])
			doc = frappe.get_doc(CHECK_IN, check_in)
			doc.status = "Done"
			with self.assertRaises(frappe.PermissionError):
				doc.save()
		self.assertEqual(frappe.db.get_value(CHECK_IN, check_in, "status"), "Open")


class TestPatchMarkerToDos(CoverRequestTestCase):
	def test_marker_to_dos_become_check_ins_that_they_reference(self):
		"""Two coordinators were asked about Ada the way the app used to ask, one has closed it; a ToDo of
		somebody's own that happens to name her is left alone."""
		call_out(self.requester, self.pool, 3)
		frappe.db.delete(CHECK_IN, {"clinician": self.requester})
		frappe.db.delete("ToDo", {"reference_type": CHECK_IN})
		coordinators = [
			make_user(f"patch-coord-{i}@cc-test.example", roles=("Cover Coordinator",)) for i in (1, 2)
		]
		old_text = (
			f"Wellness check-in [{self.requester}]: Ada Requester has called out 3 times in the last 60 days. "
			"Consider a supportive conversation — this never affects their ranking or duties."
		)
		prompted_at = now_datetime()  # just after the third call-out
		for user, status in zip(coordinators, ("Open", "Closed"), strict=True):
			todo = frappe.get_doc(
				{
					"doctype": "ToDo",
					"allocated_to": user,
					"assigned_by": "Administrator",
					"description": old_text,
				}
			).insert(ignore_permissions=True)
			frappe.db.set_value(
				"ToDo", todo.name, {"status": status, "creation": prompted_at}, update_modified=False
			)
		own = frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": coordinators[0],
				"assigned_by": coordinators[0],
				"description": f"Call [{self.requester}] back",
			}
		).insert()

		wellness_prompts_as_check_ins.execute()

		(check_in,) = frappe.get_all(
			CHECK_IN,
			filters={"clinician": self.requester},
			fields=["name", "program", "call_outs", "window_days", "status", "prompted_at", "_assign"],
		)
		self.assertEqual(
			(check_in.program, check_in.call_outs, check_in.window_days, check_in.status),
			(PROGRAM, 3, 60, "Open"),
		)
		self.assertEqual(check_in.prompted_at, prompted_at)
		self.assertEqual(json.loads(check_in._assign), [coordinators[0]])
		self.assertEqual(
			sorted((t.allocated_to, t.status) for t in to_dos(check_in.name)),
			[(coordinators[0], "Open"), (coordinators[1], "Closed")],
		)
		self.assertEqual(
			{t.description for t in to_dos(check_in.name)}, {old_text.replace(f" [{self.requester}]", "")}
		)
		self.assertIsNone(frappe.db.get_value("ToDo", own.name, "reference_type"))

		wellness_prompts_as_check_ins.execute()  # a second run finds nothing left to do
		self.assertEqual(frappe.db.count(CHECK_IN, {"clinician": self.requester}), 1)


class TestWellnessCheckInOverHttp(FrappeTestCase):
	"""Outsiders through the REST doors of a real server: Guest, the clinician it is about, a colleague, a
	coordinator of another programme and a director. The records are committed for the server to see."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tag = frappe.generate_hash(length=6)
		make_program()
		make_program(ELSEWHERE)
		make_outgoing_email_account()
		cls.ada = make_clinician(f"Checkin Ada {cls.tag}")
		cls.ben = make_clinician(f"Checkin Ben {cls.tag}")
		cls.colleague = make_clinician(f"Checkin Colleague {cls.tag}")
		pool = make_pool(f"Checkin Pool {cls.tag}", [cls.ada, cls.ben, cls.colleague])
		cls.staff = {
			"coordinator": make_staff(
				f"checkin-coord-{cls.tag}@cc-test.example", "Cover Coordinator", PROGRAM
			),
			"director": make_staff(
				f"checkin-director-{cls.tag}@cc-test.example", "Program Director", PROGRAM
			),
			"elsewhere": make_staff(
				f"checkin-elsewhere-{cls.tag}@cc-test.example", "Cover Coordinator", ELSEWHERE
			),
		}
		for clinician in (cls.ada, cls.ben):
			call_out(clinician, pool, 3)
		cls.check_ins = {
			clinician: frappe.db.get_value(CHECK_IN, {"clinician": clinician}, "name")
			for clinician in (cls.ada, cls.ben)
		}
		cls.tokens = {role: api_token(user) for role, user in cls.staff.items()}
		cls.tokens["the clinician"] = api_token(user_of(cls.ada))
		cls.tokens["a colleague"] = api_token(user_of(cls.colleague))
		cls.tokens["Guest"] = None
		frappe.db.commit()
		cls.site = LiveSite(workers=2).start()

	@classmethod
	def tearDownClass(cls):
		cls.site.stop()
		frappe.db.rollback()
		staff = list(cls.staff.values())
		frappe.db.delete("User Permission", {"user": ("in", staff)})
		for user in staff:
			frappe.delete_doc("User", user, force=True, ignore_permissions=True)
		remove_committed_records(cls.tag)
		super().tearDownClass()

	def status_of(self, clinician) -> str:
		frappe.db.rollback()  # a fresh snapshot of what the server committed
		return frappe.db.get_value(CHECK_IN, self.check_ins[clinician], "status")

	def assert_refused(self, response, status: int, words: str):
		"""Refused with `status`, a message a person can read, and nothing about whom it concerns."""
		self.assertEqual(response.status_code, status, response.text[:300])
		messages = [
			json.loads(m)["message"] for m in json.loads(response.json().get("_server_messages") or "[]")
		]
		self.assertTrue(any(words in message for message in messages), messages)
		self.assertNotIn("Checkin Ada", response.text)

	def read(self, who: str, path: str = "", **params):
		return self.site.get(f"/api/resource/{CHECK_IN}{path}", self.tokens[who], **params)

	def count_adas(self, who: str):
		filters = json.dumps({"clinician": self.ada})
		return self.site.get(
			"/api/method/frappe.client.get_count", self.tokens[who], doctype=CHECK_IN, filters=filters
		)

	def test_outsiders_read_nothing_and_count_nothing(self):
		one = f"/{self.check_ins[self.ada]}"
		for who in ("Guest", "the clinician", "a colleague"):
			with self.subTest(who=who):
				self.assert_refused(self.read(who), 403, "access")
				self.assert_refused(self.read(who, one), 403, "access")
				self.assert_refused(self.count_adas(who), 403, "access")
		listed = self.read("elsewhere", fields=json.dumps(["name", "clinician"]))
		self.assertEqual((listed.status_code, listed.json()["data"]), (200, []))
		self.assert_refused(self.read("elsewhere", one), 403, "access")
		counted = self.count_adas("elsewhere")
		self.assertEqual((counted.status_code, counted.json()["message"]), (200, 0))

	def test_outsiders_and_directors_cannot_mark_it_done_or_write_one(self):
		check_in = self.check_ins[self.ada]
		for who in ("Guest", "the clinician", "a colleague", "elsewhere", "director"):
			with self.subTest(who=who):
				response = self.site.put(
					f"/api/resource/{CHECK_IN}/{check_in}", self.tokens[who], json={"status": "Done"}
				)
				self.assert_refused(response, 403, "access")
				self.assertEqual(self.status_of(self.ada), "Open")
		for who in ("Guest", "the clinician", "coordinator", "director"):
			with self.subTest(who=who, door="create"):
				record = {
					"clinician": self.colleague,
					"program": PROGRAM,
					"prompted_at": "2026-12-01 08:00:00",
				}
				response = self.site.post(f"/api/resource/{CHECK_IN}", self.tokens[who], json=record)
				self.assert_refused(response, 403, "access")
				self.assertFalse(frappe.db.exists(CHECK_IN, {"clinician": self.colleague}))

	def test_its_coordinator_marks_it_done_and_changes_nothing_else(self):
		check_in, token = self.check_ins[self.ben], self.tokens["coordinator"]
		path = f"/api/resource/{CHECK_IN}/{check_in}"
		edited = self.site.put(path, token, json={"call_outs": 0})
		self.assert_refused(edited, 417, "is written by the app and cannot be edited except for its status")
		unknown = self.site.put(path, token, json={"status": "Forgotten"})
		self.assert_refused(unknown, 417, "Status cannot be 'Forgotten'; choose one of: Open, Done.")
		self.assertEqual(self.status_of(self.ben), "Open")

		done = self.site.put(path, token, json={"status": "Done"})

		self.assertEqual(done.status_code, 200, done.text[:300])
		self.assertEqual(self.status_of(self.ben), "Done")
		self.assertEqual({t.status for t in to_dos(check_in)}, {"Closed"})
		self.assertEqual(frappe.db.get_value(CHECK_IN, check_in, "call_outs"), 3)
