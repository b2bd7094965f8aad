"""A busy morning over HTTP: in three pools of twenty at once, members call out, others accept, a
coordinator assigns, two ladder workers assign what is due, and Frappe's Assignment Rule assigns every
new request, all released together against one gunicorn. Nobody gets a server error (a deadlock
answers 500) and every request is written."""

import calendar
import threading
from datetime import timedelta

import frappe
from frappe.utils import now_datetime

from collective_cover.cover import jobs
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
from collective_cover.tests.parallel import at_once, in_two_workers

POOLS = 3
MEMBERS = 20
PRE_FILED = 8  # per pool: the first eight members' requests, filed before the burst
ACCEPTED = 4  # per pool: of those, accepted during the burst; the other four are assigned
DUE = 2  # per pool: requests by programme members outside the pool, due for the ladder to assign
API = "/api/method/collective_cover.api."


def hours_ahead(pool: int, member: int) -> float:
	"""Every request in its own 13-hour slot, so no member is asked to be in two places at once."""
	return 48 + 13 * (pool * MEMBERS + member)


class TestParallelPools(CommittedRecordsTestCase):
	serve = True

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		program = make_program()
		cls.members = [
			[make_clinician(f"Morning {p} {m} {cls.tag}") for m in range(MEMBERS)] for p in range(POOLS)
		]
		cls.pools = [
			make_pool(f"Morning Pool {p} {cls.tag}", cls.members[p], program=program) for p in range(POOLS)
		]
		cls.coordinator = make_user(f"morning-coord-{cls.tag}@cc-test.example", roles=("Cover Coordinator",))
		elsewhere = make_user(f"morning-elsewhere-{cls.tag}@cc-test.example", roles=("Cover Coordinator",))
		restrict_to_program(elsewhere, make_program(f"Morning Elsewhere {cls.tag}"))
		cls.rule = (
			frappe.get_doc(
				{
					"doctype": "Assignment Rule",
					"name": f"Morning triage {cls.tag}",
					"document_type": "Cover Request",
					"rule": "Round Robin",
					"assign_condition": f"pool in {cls.pools!r}",
					"description": "Triage {{ name }}",
					"users": [{"user": cls.coordinator}, {"user": elsewhere}],
					"assignment_days": [{"day": day} for day in calendar.day_name],
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		cls.pre_filed = [
			[
				make_request(cls.members[p][m], cls.pools[p], hours_from_now=hours_ahead(p, m)).name
				for m in range(PRE_FILED)
			]
			for p in range(POOLS)
		]
		cls.due = [
			[
				make_request(
					make_clinician(f"Morning {p} Due {i} {cls.tag}"),
					cls.pools[p],
					hours_from_now=hours_ahead(p, MEMBERS + i),
				).name
				for i in range(DUE)
			]
			for p in range(POOLS)
		]
		request = frappe.qb.DocType("Cover Request")
		(
			frappe.qb.update(request)
			.set(request.submitted_at, now_datetime() - timedelta(minutes=31))
			.set(request.next_escalation_at, now_datetime() - timedelta(minutes=1))
			.set(request.ladder_stage, "Offered to all eligible")
			.where(request.name.isin([name for pool in cls.due for name in pool]))
		).run()
		cls.tokens = {
			user: api_token(user)
			for user in [cls.coordinator, *(user_of(c) for pool in cls.members for c in pool)]
		}
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		requests_ = frappe.get_all("Cover Request", filters={"pool": ("in", cls.pools)}, pluck="name")
		frappe.db.delete(
			"ToDo", {"reference_type": "Cover Request", "reference_name": ("in", requests_ or [""])}
		)
		frappe.db.delete(
			"DocShare", {"share_doctype": "Cover Request", "share_name": ("in", requests_ or [""])}
		)
		emails = frappe.get_all(
			"Email Queue", filters={"reference_name": ("in", requests_ or [""])}, pluck="name"
		)
		frappe.db.delete("Email Queue Recipient", {"parent": ("in", emails or [""])})
		frappe.db.delete("Email Queue", {"name": ("in", emails or [""])})
		frappe.delete_doc("Assignment Rule", cls.rule, force=True, ignore_permissions=True)
		frappe.db.delete("User Permission", {"user": ("like", f"%{cls.tag}%")})
		frappe.db.commit()
		super().tearDownClass()

	def call_out(self, p: int, m: int):
		start, end = shift_at(hours_ahead(p, m))
		duty = {"duty_kind": "Day", "start": start.isoformat(), "end": end.isoformat(), "service": "Wards"}
		token = self.tokens[user_of(self.members[p][m])]
		return lambda: self.site.post(
			API + "my_cover.call_out", token, json={"pool": self.pools[p], "duties": [duty]}
		)

	def accept(self, request: str, clinician: str):
		token = self.tokens[user_of(clinician)]
		return lambda: self.site.post(API + "cover.accept", token, cover_request=request)

	def assign(self, request: str, clinician: str):
		token = self.tokens[self.coordinator]
		return lambda: self.site.post(API + "cover.assign", token, cover_request=request, clinician=clinician)

	def test_filing_accepting_and_assigning_in_three_pools_at_once_loses_nothing(self):
		calls, expected = [], []
		for p in range(POOLS):
			members, pre_filed = self.members[p], self.pre_filed[p]
			for m in range(PRE_FILED, MEMBERS):
				calls.append(self.call_out(p, m))
				expected.append(("filed", members[m], None))
			for i, request in enumerate(pre_filed):
				# Coverers are members who called out earlier, so no one both files and covers in the burst.
				coverer = members[(i + 1) % PRE_FILED]
				if i < ACCEPTED:
					calls.append(self.accept(request, coverer))
				else:
					calls.append(self.assign(request, coverer))
				expected.append(("covered", request, coverer))
		self.assertEqual(len(calls), 60)

		responses = []
		burst = threading.Thread(target=lambda: responses.extend(at_once(*calls)))
		burst.start()
		ladder_failures = in_two_workers(jobs.escalate_due_requests)  # while the burst is being answered
		burst.join()

		self.assertEqual(ladder_failures, [])
		answers = [getattr(r, "status_code", repr(r)) for r in responses]
		self.assertEqual(
			[
				(what, who, answer)
				for (what, who, _), answer in zip(expected, answers, strict=True)
				if answer != 200
			],
			[],
			[r.text[:300] for r in responses if getattr(r, "status_code", 0) != 200],
		)
		frappe.db.rollback()  # a fresh snapshot of what the server committed
		for what, who, coverer in expected:
			if what == "filed":
				self.assertEqual(
					frappe.get_all(
						"Cover Request", filters={"requester": who, "docstatus": 1}, fields=["status"]
					),
					[{"status": "Open"}],
					who,
				)
			else:
				self.assertEqual(
					frappe.db.get_value("Cover Request", who, ["status", "covered_by"]), ("Covered", coverer)
				)
				self.assertEqual(frappe.db.count("Cover Ledger Entry", {"cover_request": who}), 1)
		for request in (name for pool in self.due for name in pool):
			self.assertEqual(
				frappe.db.get_value("Cover Request", request, ["status", "cover_method"]),
				("Covered", "Assigned"),
			)
			self.assertEqual(frappe.db.count("Cover Ledger Entry", {"cover_request": request}), 1)
		filed = frappe.get_all("Cover Request", filters={"pool": ("in", self.pools)}, pluck="name")
		self.assertEqual(len(filed), POOLS * (MEMBERS + DUE))
		assigned = frappe.get_all(
			"ToDo",
			filters={"reference_type": "Cover Request", "reference_name": ("in", filed), "status": "Open"},
			pluck="reference_name",
		)
		self.assertEqual(sorted(assigned), sorted(filed))  # the rule assigned each request once
