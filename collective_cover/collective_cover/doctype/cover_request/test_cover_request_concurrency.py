"""Races run for real: parallel HTTP requests against a gunicorn serving the site, and two scheduler
workers with their own database connections. The records must be committed for the other processes
to see them, so these classes commit and remove what they made."""

from datetime import timedelta

import frappe

from collective_cover.cover import jobs
from collective_cover.tests.cases import CommittedPoolTestCase
from collective_cover.tests.factories import make_request, offers_of, user_of
from collective_cover.tests.live_site import api_token
from collective_cover.tests.parallel import at_once, in_two_workers

RACERS = 50


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
