from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, format_date, get_system_timezone, getdate

from collective_cover.collective_cover.doctype.jeopardy_pool.jeopardy_pool import (
	LADDER_FIELDS,
	LadderError,
	OverflowPoolError,
	PoolMembershipError,
	PoolTimeZoneError,
	UnitWeightError,
)
from collective_cover.patches import set_pool_time_zones
from collective_cover.tests.factories import QueryCounter, make_clinician, make_pool, make_program

# UTC+14 all year: 20:00 in any site zone from UTC−10 to UTC+10 is already the next day there.
AHEAD = "Pacific/Kiritimati"
# Unlike the settings' own defaults (3, 15, 30, 120), so a pool that took those would show.
SITE_LADDER = {
	"offer_top_n": 5,
	"offer_all_after_minutes": 10,
	"assign_after_minutes": 20,
	"near_start_minutes": 60,
}


class TestJeopardyPool(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_program()
		cls.ada = make_clinician("Pool Ada")
		cls.bea = make_clinician("Pool Bea")

	def setUp(self):
		frappe.db.savepoint("jeopardy_pool_test")

	def tearDown(self):
		frappe.db.rollback(save_point="jeopardy_pool_test")

	def new_pool(self, name="Validation Pool", **fields):
		today = getdate()
		return frappe.get_doc(
			{
				"doctype": "Jeopardy Pool",
				"pool_name": name,
				"program": make_program(),
				"members": [
					{"clinician": self.ada, "joined_on": today},
					{"clinician": self.bea, "joined_on": today},
				],
				**fields,
			}
		)

	def assert_nothing_written(self, name="Validation Pool"):
		self.assertFalse(frappe.db.exists("Jeopardy Pool", name))

	def ladder(self, pool):
		return {field: pool.get(field) for field in LADDER_FIELDS}

	def test_a_new_pool_takes_its_ladder_from_the_settings(self):
		with change_settings("Collective Cover Settings", SITE_LADDER):
			pool = self.new_pool().insert()
		self.assertEqual(self.ladder(pool), SITE_LADDER)
		self.assertIsNotNone(pool.policy_changed_on)

	def test_zero_minutes_stay_zero_and_a_cleared_field_takes_the_settings_again(self):
		at_once = {"offer_all_after_minutes": 0, "assign_after_minutes": 0, "near_start_minutes": 0}
		with change_settings("Collective Cover Settings", SITE_LADDER):
			pool = self.new_pool(**at_once).insert()
			self.assertEqual(self.ladder(pool), {"offer_top_n": 5, **at_once})
			pool.reload()
			pool.save()
			self.assertEqual(self.ladder(pool), {"offer_top_n": 5, **at_once})
			pool.near_start_minutes = None  # cleared in the form
			pool.save()
		self.assertEqual(self.ladder(pool), {"offer_top_n": 5, **at_once, "near_start_minutes": 60})

	def test_saving_reads_the_same_for_10_and_40_members(self):
		"""Frappe writes every member row back on save, its own cost; the pool reads nothing per member."""
		crowd = [make_clinician(f"Pool Crowd {i}", user=False) for i in range(40)]

		def reads_to_save(size):
			members = [{"clinician": c, "joined_on": getdate()} for c in crowd[:size]]
			pool = self.new_pool(f"Crowd Pool {size}", members=members).insert()
			pool.save()  # warms Frappe's caches (doctype meta, link checks)
			with QueryCounter() as queries:
				pool.save()
			return queries.reads

		self.assertEqual(reads_to_save(40), reads_to_save(10))

	def test_leaving_before_joining_is_refused(self):
		pool = self.new_pool()
		pool.members[1].left_on = add_days(getdate(), -1)
		with self.assertRaisesRegex(PoolMembershipError, "Row 2: Pool Bea cannot leave the pool"):
			pool.insert()
		self.assert_nothing_written()

	def test_fte_must_be_a_fraction_of_one(self):
		pool = self.new_pool()
		pool.members[0].fte = 1.5
		with self.assertRaisesRegex(PoolMembershipError, "FTE in pool for Pool Ada must be more than 0"):
			pool.insert()
		self.assert_nothing_written()

	def test_a_member_cannot_be_listed_twice(self):
		pool = self.new_pool()
		pool.append("members", {"clinician": self.ada, "joined_on": getdate()})
		with self.assertRaisesRegex(PoolMembershipError, r"Row 3: Pool Ada is already a member \(row 1\)"):
			pool.insert()
		self.assert_nothing_written()

	def test_unit_weights_are_positive_and_set_once_per_duty_kind(self):
		pool = self.new_pool(unit_weights=[{"duty_kind": "Night", "units": 0}])
		with self.assertRaisesRegex(UnitWeightError, "Unit weight for Night must be more than 0"):
			pool.insert()
		pool = self.new_pool(
			unit_weights=[{"duty_kind": "Night", "units": 1.5}, {"duty_kind": "Night", "units": 2}]
		)
		with self.assertRaisesRegex(UnitWeightError, "Unit weight for Night is set twice"):
			pool.insert()
		self.assert_nothing_written()

	def test_overflow_must_not_go_round_in_a_circle(self):
		first = make_pool("Overflow First", [self.ada])
		second = make_pool("Overflow Second", [self.bea], overflow_pool=first)
		first_doc = frappe.get_doc("Jeopardy Pool", first)
		first_doc.overflow_pool = second
		with self.assertRaisesRegex(
			OverflowPoolError, "Overflow pool Overflow Second leads back to Overflow First"
		):
			first_doc.save()
		self.assertIsNone(frappe.db.get_value("Jeopardy Pool", first, "overflow_pool"))

	def test_ladder_offsets_must_be_in_order(self):
		pool = self.new_pool(offer_all_after_minutes=40, assign_after_minutes=30)
		with self.assertRaisesRegex(
			LadderError, r"Offer to all \(40 min\) must come before assignment \(30 min\)"
		):
			pool.insert()
		pool = self.new_pool(offer_top_n=0)
		with self.assertRaisesRegex(LadderError, "at least one member must be offered first"):
			pool.insert()
		self.assert_nothing_written()

	def test_changing_the_policy_stamps_the_change(self):
		pool = self.new_pool().insert()
		frappe.db.set_value("Jeopardy Pool", pool.name, "policy_changed_on", "2020-01-01 00:00:00")
		pool.reload()
		pool.pool_name = pool.pool_name  # an unrelated save keeps the stamp
		pool.save()
		self.assertEqual(str(pool.policy_changed_on), "2020-01-01 00:00:00")
		pool.reciprocity_policy = "Individual payback"
		pool.save()
		self.assertGreater(str(pool.policy_changed_on), "2020-01-01 00:00:00")

	# Time zones (DOMAIN.md: a pool counts calendar days in its own, by default the site's).

	def weekend_pool(self, name, **fields):
		return self.new_pool(name, weekend_multiplier=2, **fields).insert().name

	def friday_evening_request(self, pool, requester):
		"""A day duty from 20:00 site time on a Friday a week or two ahead."""
		day = getdate() + timedelta(days=7 + (4 - getdate().weekday()) % 7)
		start = datetime.combine(day, time(20))
		doc = frappe.get_doc(
			{
				"doctype": "Cover Request",
				"requester": requester,
				"pool": pool,
				"duties": [
					{
						"start": start,
						"end": start + timedelta(hours=8),
						"duty_kind": "Day",
						"service": "Wards A",
					}
				],
			}
		).insert(ignore_permissions=True)
		return doc, day

	def test_a_pool_without_a_time_zone_takes_the_sites(self):
		pool = frappe.get_doc("Jeopardy Pool", self.weekend_pool("Zone Site Pool"))
		self.assertEqual(pool.time_zone, get_system_timezone())

	def test_a_pool_in_another_zone_counts_calendar_days_in_its_own(self):
		site_zone = ZoneInfo(get_system_timezone())
		self.assertLessEqual(abs(datetime.now(site_zone).utcoffset()), timedelta(hours=10))
		site_request, friday = self.friday_evening_request(self.weekend_pool("Zone Site Pool"), self.ada)
		ahead_request, _friday = self.friday_evening_request(
			self.weekend_pool("Zone Ahead Pool", time_zone=AHEAD), self.bea
		)
		saturday = friday + timedelta(days=1)
		# Friday 20:00 on site is Saturday in Kiritimati: the weekend multiplier doubles the day there.
		self.assertEqual((site_request.total_units, ahead_request.total_units), (1.0, 2.0))
		self.assertIn(format_date(friday, "EEE d MMM"), site_request.title)
		self.assertIn(format_date(saturday, "EEE d MMM"), ahead_request.title)

	def test_a_time_zone_must_be_a_real_one(self):
		with self.assertRaisesRegex(PoolTimeZoneError, r"Mars/Olympus_Mons.* is not a time zone"):
			self.weekend_pool("Zone Bad Pool", time_zone="Mars/Olympus_Mons")
		self.assertFalse(frappe.db.exists("Jeopardy Pool", "Zone Bad Pool"))

	def test_the_patch_gives_pools_made_before_the_field_the_sites_zone(self):
		older = self.weekend_pool("Zone Older Pool")
		ahead = self.weekend_pool("Zone Ahead Pool", time_zone=AHEAD)
		frappe.db.set_value("Jeopardy Pool", older, "time_zone", None, update_modified=False)
		set_pool_time_zones.execute()
		self.assertEqual(frappe.db.get_value("Jeopardy Pool", older, "time_zone"), get_system_timezone())
		self.assertEqual(frappe.db.get_value("Jeopardy Pool", ahead, "time_zone"), AHEAD)
