"""Races run for real: parallel HTTP requests against a `bench serve` process, and two scheduler
workers with their own database connections. The records must be committed for the other processes
to see them, so these classes commit and remove what they made."""

import subprocess
import sys
import threading
import time
from datetime import timedelta

import frappe
import requests
from frappe.tests.utils import FrappeTestCase

from collective_cover.cover import jobs
from collective_cover.tests.factories import (
	make_clinician,
	make_outgoing_email_account,
	make_pool,
	make_program,
	make_request,
	remove_committed_records,
	user_of,
)

RACERS = 50
PORT = 8011


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
		cls.tokens = {}
		for clinician in cls.members:
			user = frappe.get_doc("User", user_of(clinician))
			user.api_key = frappe.generate_hash(length=15)
			user.api_secret = frappe.generate_hash(length=15)
			user.save(ignore_permissions=True)
			cls.tokens[clinician] = f"token {user.api_key}:{user.get_password('api_secret')}"
		frappe.db.commit()
		cls.server = subprocess.Popen(
			[
				sys.executable,
				"-m",
				"frappe.utils.bench_helper",
				"frappe",
				"--site",
				frappe.local.site,
				"serve",
				"--port",
				str(PORT),
				"--noreload",
			],  # fmt: skip
			cwd=frappe.local.sites_path,
			stdout=subprocess.DEVNULL,
			stderr=subprocess.DEVNULL,
		)
		cls.url = f"http://127.0.0.1:{PORT}"
		deadline = time.monotonic() + 90
		while time.monotonic() < deadline:
			try:
				if requests.get(f"{cls.url}/api/method/ping", timeout=2).ok:
					break
			except requests.ConnectionError:
				time.sleep(0.5)
		else:
			cls.server.kill()
			raise RuntimeError("bench serve did not start within 90 s")

	@classmethod
	def tearDownClass(cls):
		cls.server.terminate()
		cls.server.wait(timeout=30)
		super().tearDownClass()

	def test_fifty_parallel_accepts_one_wins_the_rest_hear_already_covered(self):
		doc = make_request(self.requester, self.pool, hours_from_now=72)
		frappe.db.commit()
		start = threading.Barrier(RACERS)
		responses = {}

		def race(clinician):
			session = requests.Session()
			start.wait()
			responses[clinician] = session.post(
				f"{self.url}/api/method/collective_cover.api.cover.accept",
				data={"cover_request": doc.name},
				headers={"Authorization": self.tokens[clinician], "Accept": "application/json"},
				timeout=120,
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
		offers = frappe.get_all("Cover Request Offer", filters={"parent": doc.name}, pluck="clinician")
		self.assertEqual(sorted(offers), sorted(self.members))  # everyone once, nobody twice

		run_two_workers_at(doc.submitted_at + timedelta(minutes=30))
		rows = frappe.get_all("Cover Ledger Entry", filters={"cover_request": doc.name}, pluck="clinician")
		self.assertEqual(len(rows), 1)
		self.assertEqual(
			frappe.db.get_value("Cover Request", doc.name, ["status", "covered_by"]), ("Covered", rows[0])
		)
