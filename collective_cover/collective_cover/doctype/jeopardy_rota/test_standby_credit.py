"""The daily standby credit: each day's first back-up earns the pool's credit for that day, once."""

from datetime import datetime, time

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate

from collective_cover.cover import jobs
from collective_cover.engine.model import EntryKind
from collective_cover.patches import set_standby_day_on_standby_credits
from collective_cover.tests.cases import CommittedRecordsTestCase
from collective_cover.tests.factories import make_clinician, make_pool, make_program, post
from collective_cover.tests.parallel import in_two_workers


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

	def test_the_database_refuses_a_second_credit_for_a_member_pool_and_day(self):
		midnight, noon = datetime.combine(self.day, time()), datetime.combine(self.day, time(12))
		post(self.pool, self.ada, EntryKind.STANDBY, 0.1, midnight)
		post(self.pool, self.ada, EntryKind.COVER, 1.0, noon)  # other entries are not limited
		post(self.pool, self.bea, EntryKind.STANDBY, 0.1, midnight)
		with self.assertRaises(frappe.UniqueValidationError):
			post(self.pool, self.ada, EntryKind.STANDBY, 0.1, noon)

	def old_credit(self, member, at) -> str:
		"""A standby credit as written before the ledger had standby_day."""
		name = post(self.pool, member, EntryKind.STANDBY, 0.1, at)
		frappe.db.set_value("Cover Ledger Entry", name, "standby_day", None, update_modified=False)
		return name

	def test_the_patch_gives_old_credits_their_day_and_only_the_earliest_of_a_double_one(self):
		midnight = datetime.combine(self.day, time())
		first, second, bea = (self.old_credit(member, midnight) for member in (self.ada, self.ada, self.bea))
		set_standby_day_on_standby_credits.execute()
		days = frappe.get_all(
			"Cover Ledger Entry",
			filters={"name": ("in", [first, second, bea])},
			fields=["name", "standby_day"],
			as_list=True,
		)
		self.assertEqual(dict(days), {first: self.day, second: None, bea: self.day})


class TestTwoStandbyWorkers(CommittedRecordsTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_program()
		cls.day = add_days(getdate(), -1)
		cls.members = [make_clinician(f"Standby Racer {i} {cls.tag}") for i in range(4)]
		# A pool has one first back-up a day: four pools, so each worker has four credits to write.
		cls.pools = [make_pool(f"Standby Race Pool {i} {cls.tag}", [m]) for i, m in enumerate(cls.members)]
		for pool, member in zip(cls.pools, cls.members, strict=True):
			roster(pool, cls.day, member)
		frappe.db.commit()

	def test_two_workers_crediting_one_day_at_once_credit_each_member_once(self):
		self.assertEqual(in_two_workers(jobs.credit_standby, self.day), [])
		frappe.db.rollback()  # a fresh snapshot of what the workers committed
		expected = [
			(pool, member, self.day, 0.1) for pool, member in zip(self.pools, self.members, strict=True)
		]
		self.assertEqual(standby_credits(self.pools), sorted(expected))
