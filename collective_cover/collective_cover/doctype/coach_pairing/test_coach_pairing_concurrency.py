"""Two coordinators pairing at once, over HTTP against a gunicorn serving the site: a coach never goes
over capacity and a resident never gets two active coaches, whichever request the database runs first."""

import frappe
from frappe.utils import getdate

from collective_cover.coaching.pairings import ACTIVE
from collective_cover.tests.cases import CommittedRecordsTestCase
from collective_cover.tests.factories import make_clinician, make_program, make_user
from collective_cover.tests.live_site import api_token
from collective_cover.tests.parallel import at_once

TOOL = "/api/method/collective_cover.collective_cover.doctype.coach_pairing_tool.coach_pairing_tool.create"


class PairingRaceTestCase(CommittedRecordsTestCase):
	"""A programme of the class's own with `resident_count` residents and a coach per entry of
	`coach_capacities`, and two coordinators."""

	serve = True
	resident_count = 0
	coach_capacities = ()

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.program = make_program(f"Pairing Race Programme {cls.tag}")
		cls.residents = [
			make_clinician(f"Race Resident {i} {cls.tag}", program=cls.program)
			for i in range(cls.resident_count)
		]
		cls.coaches = []
		for i, capacity in enumerate(cls.coach_capacities):
			coach = make_clinician(
				f"Race Coach {i} {cls.tag}", role="Faculty", level=None, program=cls.program
			)
			frappe.db.set_value("Clinician", coach, "coach_capacity", capacity)
			cls.coaches.append(coach)
		cls.tokens = [
			api_token(
				make_user(f"race-coordinator-{i}-{cls.tag}@cc-test.example", roles=("Cover Coordinator",))
			)
			for i in range(2)
		]
		frappe.db.commit()

	def tearDown(self):
		frappe.db.rollback()  # a fresh snapshot of what the server committed, for the next test

	def assert_one_done_one_refused(self, responses, refusal):
		self.assertEqual(sorted(r.status_code for r in responses), [200, 417], [r.text for r in responses])
		self.assertIn(refusal, next(r for r in responses if r.status_code == 417).text)
		frappe.db.rollback()

	def active_pairings(self, **filters):
		return frappe.get_all(
			"Coach Pairing", filters={"status": ACTIVE, **filters}, fields=["resident", "coach"]
		)


class TestTwoCoordinatorsSavingPairings(PairingRaceTestCase):
	resident_count = 3
	coach_capacities = (1, 2, 2)

	def save_at_once(self, *pairs):
		"""Each coordinator saves one pairing (resident, coach), both at the same moment."""

		def save(token, resident, coach):
			pairing = {"resident": resident, "coach": coach, "start_date": str(getdate())}
			return lambda: self.site.post("/api/resource/Coach Pairing", token, json=pairing)

		return at_once(*(save(token, *pair) for token, pair in zip(self.tokens, pairs, strict=True)))

	def test_a_coach_with_room_for_one_gets_one_resident(self):
		coach = self.coaches[0]
		responses = self.save_at_once((self.residents[0], coach), (self.residents[1], coach))
		self.assert_one_done_one_refused(responses, "their capacity is 1")
		self.assertEqual(len(self.active_pairings(coach=coach)), 1)

	def test_a_resident_paired_twice_at_once_gets_one_coach(self):
		resident = self.residents[2]
		responses = self.save_at_once((resident, self.coaches[1]), (resident, self.coaches[2]))
		self.assert_one_done_one_refused(responses, "already has an active coach")
		self.assertEqual(len(self.active_pairings(resident=resident)), 1)


class TestTwoCoordinatorsRunningThePairingTool(PairingRaceTestCase):
	resident_count = 3
	coach_capacities = (1, 2)

	def test_two_runs_at_once_pair_each_resident_once_within_capacity(self):
		window = {"program": self.program, "from_date": str(getdate()), "to_date": str(getdate())}
		responses = at_once(
			*(lambda token=token: self.site.post(TOOL, token, **window) for token in self.tokens)
		)
		self.assert_one_done_one_refused(responses, "already has an active coach")
		pairings = self.active_pairings(resident=("in", self.residents))
		self.assertEqual(sorted(p.resident for p in pairings), sorted(self.residents))
		loads = [sum(1 for p in pairings if p.coach == coach) for coach in self.coaches]
		self.assertEqual(loads, list(self.coach_capacities))
