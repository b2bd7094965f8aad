"""Two coordinators planning one pool's rota at once, over HTTP against a gunicorn serving the site:
the second plan waits for the first and replaces it whole."""

import json
from datetime import timedelta

import frappe
from frappe.utils import add_days, getdate

from collective_cover.tests.cases import CommittedPoolTestCase
from collective_cover.tests.factories import make_user
from collective_cover.tests.live_site import api_token
from collective_cover.tests.parallel import at_once

DAYS = 14


class TestTwoCoordinatorsPlanningAtOnce(CommittedPoolTestCase):
	serve = True

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.coordinators = [
			make_user(f"rota-coordinator-{i}-{cls.tag}@cc-test.example", roles=("Cover Coordinator",))
			for i in range(2)
		]
		cls.tokens = [api_token(user) for user in cls.coordinators]
		frappe.db.commit()

	def plan_at_once(self, start):
		"""Both coordinators press "Plan rota" on the pool for the same fortnight, as the form does."""
		args = json.dumps({"from_date": str(start), "to_date": str(add_days(start, DAYS - 1))})

		def plan(token):
			return lambda: self.site.post(
				"/api/method/run_doc_method",
				token,
				dt="Jeopardy Pool",
				dn=self.pool,
				method="plan_rota",
				args=args,
			)

		return at_once(*map(plan, self.tokens))

	def assert_one_plan_a_row_a_day(self, responses, start):
		self.assertEqual([r.status_code for r in responses], [200, 200], [r.text for r in responses])
		frappe.db.rollback()  # a fresh snapshot of what the server committed
		rows = frappe.get_all("Jeopardy Rota", filters={"pool": self.pool}, fields=["rota_date", "owner"])
		self.assertEqual(sorted(r.rota_date for r in rows), [start + timedelta(days=i) for i in range(DAYS)])
		self.assertEqual(len({r.owner for r in rows}), 1, rows)  # every row from one coordinator's plan
		self.assertIn(rows[0].owner, self.coordinators)

	def test_the_second_plan_replaces_the_first_whole(self):
		start = add_days(getdate(), 7)
		self.assert_one_plan_a_row_a_day(self.plan_at_once(start), start)
		# And again over the rota just planned: both plans now replace existing rows.
		self.assert_one_plan_a_row_a_day(self.plan_at_once(start), start)
