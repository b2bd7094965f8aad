"""The daily standby credit: each day's first back-up earns the pool's credit for that day, once."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate

from collective_cover.cover import jobs
from collective_cover.engine.model import EntryKind
from collective_cover.tests.factories import make_clinician, make_pool, make_program


def roster(pool: str, day, clinician: str) -> None:
	frappe.get_doc(
		{"doctype": "Jeopardy Rota", "pool": pool, "rota_date": day, "clinician": clinician}
	).insert(ignore_permissions=True)


def standby_credits(pools) -> list[tuple]:
	"""(pool, clinician, day, units) of every standby credit in the pools."""
	rows = frappe.get_all(
		"Cover Ledger Entry",
		filters={"pool": ("in", pools), "entry_type": EntryKind.STANDBY.value},
		fields=["pool", "clinician", "posting_datetime", "units"],
	)
	return sorted((r.pool, r.clinician, getdate(r.posting_datetime), r.units) for r in rows)


class TestStandbyCredit(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_program()
		cls.ada, cls.bea = make_clinician("Standby Ada"), make_clinician("Standby Bea")
		cls.pool = make_pool("Standby Pool", [cls.ada, cls.bea])
		cls.day = add_days(getdate(), -3)

	def setUp(self):
		frappe.db.savepoint("standby_test")

	def tearDown(self):
		frappe.db.rollback(save_point="standby_test")

	def test_a_credit_for_the_next_day_is_not_taken_for_this_one(self):
		next_day = add_days(self.day, 1)
		roster(self.pool, self.day, self.ada)
		roster(self.pool, next_day, self.ada)
		jobs.credit_standby(next_day)  # e.g. a late run for the day before caught up first
		jobs.credit_standby(self.day)
		self.assertEqual(
			standby_credits([self.pool]),
			[(self.pool, self.ada, self.day, 0.1), (self.pool, self.ada, next_day, 0.1)],
		)

	def test_running_again_credits_nobody_twice(self):
		roster(self.pool, self.day, self.bea)
		jobs.credit_standby(self.day)
		jobs.credit_standby(self.day)
		self.assertEqual(standby_credits([self.pool]), [(self.pool, self.bea, self.day, 0.1)])
