"""A member's place in the pool is read from the cached standing while nothing it depends on has
changed, and is recomputed — with exact figures — as soon as a cover, an absence, an FTE, the pool's
members or the calendar change. Each change is committed, as another worker would see it."""

from datetime import date, datetime, time, timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import now_datetime

from collective_cover.api.cover import my_position
from collective_cover.cover.standing import compute_standing
from collective_cover.engine.model import EntryKind
from collective_cover.kernel.dates import aware
from collective_cover.tests.factories import (
	QueryCounter,
	make_absence,
	make_clinician,
	make_program,
	post,
	remove_committed_records,
	user_of,
)
from collective_cover.tests.live_site import LiveSite, api_token

API = "/api/method/collective_cover.api.cover."

# A day well inside an academic year (from 1 July), so every figure below holds on any calendar day.
TODAY = date(2026, 11, 15)
NOON = time(12)


class TestCachedPoolStanding(FrappeTestCase):
	"""Ana, Ben and Cy joined 60 days before TODAY: each has 61 days of exposure then (FTE 1)."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tag = frappe.generate_hash(length=6)
		program = make_program(f"Standing Programme {cls.tag}")
		cls.ana, cls.ben, cls.cy, cls.dee = (
			make_clinician(f"Standing {name} {cls.tag}", program=program, user=name == "Ana")
			for name in ("Ana", "Ben", "Cy", "Dee")
		)
		cls.pool = (
			frappe.get_doc(
				{
					"doctype": "Jeopardy Pool",
					"pool_name": f"Standing Pool {cls.tag}",
					"program": program,
					"members": [
						{"clinician": m, "joined_on": TODAY - timedelta(days=60)}
						for m in (cls.ana, cls.ben, cls.cy)
					],
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		# The HTTP test's own pool, so its cover leaves the figures of the frozen test alone.
		cls.live_pool = (
			frappe.get_doc(
				{
					"doctype": "Jeopardy Pool",
					"pool_name": f"Standing Live Pool {cls.tag}",
					"program": program,
					"members": [{"clinician": m, "joined_on": TODAY} for m in (cls.ana, cls.ben)],
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		remove_committed_records(cls.tag)
		super().tearDownClass()

	def place(self) -> tuple[dict, QueryCounter]:
		frappe.set_user(user_of(self.ana))
		try:
			with QueryCounter() as queries:
				place = my_position(self.pool)
		finally:
			frappe.set_user("Administrator")
		return place, queries

	def figures(self) -> tuple:
		place, _queries = self.place()
		return place["burden"], place["fair_share"], place["deviation"], place["members"]

	def test_every_web_worker_answers_the_current_standing_after_a_change_elsewhere(self):
		"""Two gunicorn workers share only Redis and MariaDB: a cover committed by this process is in
		the next answer of either worker, as the engine computes it from the database."""
		site = LiveSite(workers=2).start()
		try:
			token = api_token(user_of(self.ana))
			frappe.db.commit()  # the workers read the key from the database

			def answers():
				return [
					site.get(API + "my_position", token, pool=self.live_pool).json()["message"]
					for _ in range(4)
				]

			def fresh():
				pool_doc = frappe.get_cached_doc("Jeopardy Pool", self.live_pool)
				_spread, places = compute_standing(pool_doc, aware(now_datetime()))
				mine = places[self.ana]
				return {"burden": mine.burden, "fair_share": mine.fair_share, "deviation": mine.deviation}

			def shown(answer):
				return {k: answer[k] for k in ("burden", "fair_share", "deviation")}

			before = fresh()
			self.assertEqual([shown(a) for a in answers()], [before] * 4)
			post(self.live_pool, self.ben, EntryKind.COVER, 1.0, now_datetime() - timedelta(hours=1))
			frappe.db.commit()
			after = fresh()
			self.assertNotEqual(after, before)
			self.assertEqual([shown(a) for a in answers()], [after] * 4)
		finally:
			site.stop()

	def test_the_standing_is_cached_until_what_it_depends_on_changes(self):
		with self.freeze_time(datetime.combine(TODAY, NOON)):
			self.check_each_change()
		# Thirty days on: 2 × 45.5 / (45.5 + 91 + 80 + 31); Cy, at −0.65, stands before Ana.
		with self.freeze_time(datetime.combine(TODAY + timedelta(days=30), NOON)):
			place, _queries = self.place()
			self.assertEqual(
				(place["fair_share"], place["deviation"], place["position"], place["members"]),
				(0.37, -0.37, 2, 4),
			)

	def check_each_change(self):
		frappe.db.commit()  # begin with nothing of this test pending
		first, computed = self.place()
		self.assertEqual((first["burden"], first["fair_share"], first["deviation"]), (0, 0, 0))
		again, cached = self.place()
		self.assertEqual(again, first)
		# From the cache: no member's row is read again (the burden's GROUP BY is not run).
		self.assertLess(cached.count, computed.count)
		self.assertFalse([q for q in cached.queries if "GROUP BY" in str(q).upper()])

		# Ben covers 2 units: the load is 2, shared by 61 + 61 + 61 days.
		post(self.pool, self.ben, EntryKind.COVER, 2.0, datetime.combine(TODAY - timedelta(days=1), NOON))
		frappe.db.commit()
		self.assertEqual(self.figures(), (0, 0.67, -0.67, 3))

		# Cy is away 11 days: 2 × 61 / (61 + 61 + 50).
		make_absence(self.cy, TODAY - timedelta(days=20), TODAY - timedelta(days=10))
		frappe.db.commit()
		self.assertEqual(self.figures(), (0, 0.71, -0.71, 3))

		# Ana goes half-time: 2 × 30.5 / (30.5 + 61 + 50).
		frappe.db.set_value("Clinician", self.ana, "fte", 0.5)
		frappe.db.commit()
		self.assertEqual(self.figures(), (0, 0.43, -0.43, 3))

		# Dee joins the pool today: 2 × 30.5 / (30.5 + 61 + 50 + 1). Cy (2 × 50 / 142.5 = 0.70 below
		# fair share) stands first, Ana second.
		pool = frappe.get_doc("Jeopardy Pool", self.pool)
		pool.append("members", {"clinician": self.dee, "joined_on": TODAY})
		pool.save(ignore_permissions=True)
		frappe.db.commit()
		self.assertEqual(self.figures(), (0, 0.43, -0.43, 4))
		self.assertEqual(self.place()[0]["position"], 2)
