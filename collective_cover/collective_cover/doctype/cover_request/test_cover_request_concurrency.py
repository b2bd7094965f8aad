"""Races run for real: parallel HTTP requests against a gunicorn serving the site, and two scheduler
workers with their own database connections. The records must be committed for the other processes
to see them, so these classes commit and remove what they made."""

import threading
from datetime import timedelta

import frappe
from frappe.tests.utils import FrappeTestCase

from collective_cover.cover import jobs
from collective_cover.tests.factories import (
	make_clinician,
	make_outgoing_email_account,
	make_pool,
	make_program,
	make_request,
	offers_of,
	remove_committed_records,
	user_of,
)
from collective_cover.tests.live_site import LiveSite, api_token

RACERS = 50


class CommittedPoolTestCase(FrappeTestCase):
	members_count = 5

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tag = frappe.generate_hash(length=6)
		make_program()
		make_outgoing_email_account()
		cls.requester = make_clinician(f"Racer Requester {cls.tag}")
		cls.members = [make_clinician(f"Racer {i} {cls.tag}") for i in range(cls.members_count)]
		cls.pool = make_pool(f"Race Pool {cls.tag}", [cls.requester, *cls.members])
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		remove_committed_records(cls.tag)
		super().tearDownClass()


class TestParallelAccept(CommittedPoolTestCase):
	members_count = RACERS

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tokens = {clinician: api_token(user_of(clinician)) for clinician in cls.members}
		frappe.db.commit()
		cls.site = LiveSite().start()

	@classmethod
	def tearDownClass(cls):
		cls.site.stop()
		super().tearDownClass()

	def test_fifty_parallel_accepts_one_wins_the_rest_hear_already_covered(self):
		doc = make_request(self.requester, self.pool, hours_from_now=72)
		frappe.db.commit()
		start = threading.Barrier(RACERS)
		responses = {}

		def race(clinician):
			start.wait()
			responses[clinician] = self.site.post(
				"/api/method/collective_cover.api.cover.accept",
				self.tokens[clinician],
				cover_request=doc.name,
			)

		threads = [threading.Thread(target=race, args=(m,)) for m in self.members]
		for t in threads:
			t.start()
		for t in threads:
			t.join()

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
		site, sites_path = frappe.local.site, frappe.local.sites_path
		errors = []

		def worker(start):
			try:
				frappe.init(site=site, sites_path=sites_path)
				frappe.connect()
				start.wait()
				jobs.escalate_due_requests()
			except Exception as e:
				errors.append(e)
			finally:
				frappe.destroy()

		def run_two_workers_at(moment):
			start = threading.Barrier(2)
			with self.freeze_time(moment):
				threads = [threading.Thread(target=worker, args=(start,)) for _ in range(2)]
				for t in threads:
					t.start()
				for t in threads:
					t.join()
			self.assertEqual(errors, [])
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
