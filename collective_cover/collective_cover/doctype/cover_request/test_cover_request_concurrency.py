"""Races run for real: parallel HTTP requests against a gunicorn serving the site, and two scheduler
workers with their own database connections. The records must be committed for the other processes
to see them, so these classes commit and remove what they made."""

import json
from datetime import datetime, time, timedelta

import frappe
from frappe.utils import format_datetime, getdate

from collective_cover.cover import jobs
from collective_cover.tests.cases import CommittedPoolTestCase
from collective_cover.tests.factories import make_request, offers_of, user_of
from collective_cover.tests.live_site import api_token
from collective_cover.tests.parallel import at_once, in_two_workers

RACERS = 50


def server_messages(response) -> list[str]:
	return [json.loads(m)["message"] for m in json.loads(response.json().get("_server_messages") or "[]")]


class TestParallelAccept(CommittedPoolTestCase):
	members_count = RACERS
	serve = True

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tokens = {clinician: api_token(user_of(clinician)) for clinician in cls.members}
		frappe.db.commit()

	def test_fifty_parallel_accepts_one_wins_the_rest_hear_already_covered(self):
		doc = make_request(self.requester, self.pool, hours_from_now=72)
		frappe.db.commit()

		def accept(clinician):
			return lambda: self.site.post(
				"/api/method/collective_cover.api.cover.accept",
				self.tokens[clinician],
				cover_request=doc.name,
			)

		responses = dict(zip(self.members, at_once(*map(accept, self.members)), strict=True))

		winners = [m for m, r in responses.items() if r.status_code == 200]
		self.assertEqual(len(winners), 1, {m: r.status_code for m, r in responses.items()})
		losers = [r for m, r in responses.items() if m not in winners]
		self.assertEqual({r.status_code for r in losers}, {417})
		for r in losers:
			self.assertIn(f"Cover request {doc.name} is already covered.", r.text)
		self.assertEqual(responses[winners[0]].json()["message"]["covered_by"], winners[0])

		frappe.db.rollback()  # a fresh snapshot of what the server committed
		rows = frappe.get_all(
			"Cover Ledger Entry", filters={"cover_request": doc.name}, fields=["clinician", "units"]
		)
		self.assertEqual(rows, [{"clinician": winners[0], "units": 1.0}])
		self.assertEqual(frappe.db.get_value("Cover Request", doc.name, "covered_by"), winners[0])


class TestOneMemberAcceptsTwoOverlappingRequests(CommittedPoolTestCase):
	"""Each accept locks its own request; only the member's own row, taken after it, makes the second
	accept see the cover the first one committed."""

	members_count = 2
	serve = True

	def test_one_member_accepting_two_overlapping_requests_at_once_is_booked_once(self):
		coverer, second_requester = self.members
		first = make_request(self.requester, self.pool, hours_from_now=72)
		second = make_request(second_requester, self.pool, hours_from_now=74)
		token = api_token(user_of(coverer))
		frappe.db.commit()

		def accept(request):
			return lambda: self.site.post(
				"/api/method/collective_cover.api.cover.accept", token, cover_request=request.name
			)

		responses = dict(zip((first.name, second.name), at_once(accept(first), accept(second)), strict=True))

		codes = {name: r.status_code for name, r in responses.items()}
		self.assertEqual(sorted(codes.values()), [200, 417], codes)
		won = next(name for name, code in codes.items() if code == 200)
		lost = next(name for name, code in codes.items() if code == 417)
		won_doc = first if won == first.name else second
		start = won_doc.duties[0].start.strftime("%Y-%m-%d %H:%M")
		end = won_doc.duties[0].end.strftime("%Y-%m-%d %H:%M")
		self.assertEqual(
			server_messages(responses[lost]),
			[f"You cannot cover {lost}: has their own day shift {start} → {end}"],
		)

		frappe.db.rollback()  # a fresh snapshot of what the server committed
		ledger = frappe.get_all(
			"Cover Ledger Entry",
			filters={"clinician": coverer},
			fields=["cover_request", "units"],
		)
		self.assertEqual(ledger, [{"cover_request": won, "units": 1.0}])
		shifts = frappe.get_all(
			"Clinician Shift", filters={"clinician": coverer, "source": "Cover"}, pluck="cover_request"
		)
		self.assertEqual(shifts, [won])
		self.assertEqual(frappe.db.get_value("Cover Request", lost, ["status", "covered_by"]), ("Open", None))


class TestParallelAcceptsOfOverlappingDutySets(CommittedPoolTestCase):
	"""First accept wins per duty: two members asking at once for runs of duties that share one."""

	members_count = 2
	serve = True

	def test_two_members_asking_for_overlapping_duty_runs_at_once_one_gets_the_run(self):
		first_day = getdate() + timedelta(days=3)
		doc = frappe.get_doc(
			{
				"doctype": "Cover Request",
				"requester": self.requester,
				"pool": self.pool,
				"duties": [
					{
						"start": datetime.combine(first_day + timedelta(days=i), time(7)),
						"end": datetime.combine(first_day + timedelta(days=i), time(19)),
						"duty_kind": "Day",
					}
					for i in range(3)
				],
			}
		).insert(ignore_permissions=True)
		doc.submit()
		tokens = {m: api_token(user_of(m)) for m in self.members}
		frappe.db.commit()
		d1, d2, d3 = (row.name for row in doc.duties)
		runs = dict(zip(self.members, ([d1, d2], [d2, d3]), strict=True))

		def accept(member):
			return lambda: self.site.post(
				"/api/method/collective_cover.api.cover.accept",
				tokens[member],
				cover_request=doc.name,
				duties=json.dumps(runs[member]),
			)

		responses = dict(zip(self.members, at_once(*map(accept, self.members)), strict=True))

		codes = {m: r.status_code for m, r in responses.items()}
		self.assertEqual(sorted(codes.values()), [200, 417], codes)
		winner = next(m for m, code in codes.items() if code == 200)
		loser = next(m for m, code in codes.items() if code == 417)
		shared = doc.duties[1]
		self.assertEqual(
			server_messages(responses[loser]),
			[
				f"{doc.name} (Day {format_datetime(shared.start, 'EEE d MMM HH:mm')}) is already covered; "
				"choose among the duties still open."
			],
		)

		frappe.db.rollback()  # a fresh snapshot of what the server committed
		coverers = frappe.get_all(
			"Cover Request Duty", filters={"parent": doc.name}, order_by="start asc", pluck="covered_by"
		)
		expected = [winner if d in runs[winner] else None for d in (d1, d2, d3)]
		self.assertEqual(coverers, expected)
		ledger = frappe.get_all(
			"Cover Ledger Entry",
			filters={"cover_request": doc.name},
			fields=["clinician", "cover_request_duty", "units"],
		)
		self.assertEqual(
			sorted((r.clinician, r.cover_request_duty, r.units) for r in ledger),
			sorted((winner, d, 1.0) for d in runs[winner]),
		)
		self.assertEqual(frappe.db.get_value("Cover Request", doc.name, "status"), "Partially covered")


class TestTwoEscalationWorkers(CommittedPoolTestCase):
	def test_two_workers_escalating_at_once_offer_and_assign_once(self):
		doc = make_request(self.requester, self.pool, hours_from_now=72)
		frappe.db.commit()

		def run_two_workers_at(moment):
			with self.freeze_time(moment):
				self.assertEqual(in_two_workers(jobs.escalate_due_requests), [])
			frappe.db.rollback()

		run_two_workers_at(doc.submitted_at + timedelta(minutes=15))
		offers = [row.clinician for row in offers_of(doc.name)]
		self.assertEqual(sorted(offers), sorted(self.members))  # everyone once, nobody twice

		run_two_workers_at(doc.submitted_at + timedelta(minutes=30))
		rows = frappe.get_all("Cover Ledger Entry", filters={"cover_request": doc.name}, pluck="clinician")
		self.assertEqual(len(rows), 1)
		self.assertEqual(
			frappe.db.get_value("Cover Request", doc.name, ["status", "covered_by"]), ("Covered", rows[0])
		)
