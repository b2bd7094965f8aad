"""Calling out from one's schedule over HTTP, as the phone page does, by a resident whose user time zone
differs from the site's: what they pick keeps the schedule's times, what they type is a wall time of the
pool's zone, and every label names that zone. Two filings of the same shift at once give it away once."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import frappe
from frappe.utils import add_days, get_system_timezone, getdate

from collective_cover.tests.cases import CommittedRecordsTestCase
from collective_cover.tests.factories import make_clinician, make_pool, make_program, make_shift, user_of
from collective_cover.tests.live_site import api_token
from collective_cover.tests.parallel import at_once
from collective_cover.tests.test_my_cover_http import words

API = "/api/method/collective_cover.api.my_cover."
# No daylight saving, so the expected instants need no calendar: 07:00 there is 10:00 UTC all year.
FAR_ZONE = "America/Argentina/Buenos_Aires"


def user_zone_other_than(site_zone: str) -> str:
	return "Asia/Kolkata" if site_zone != "Asia/Kolkata" else "Pacific/Honolulu"


class TestCallOutFromScheduleOverHTTP(CommittedRecordsTestCase):
	serve = True

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_program()
		cls.site_zone = get_system_timezone()
		cls.requester = make_clinician(f"Schedule Requester {cls.tag}")
		cls.member = make_clinician(f"Schedule Member {cls.tag}")
		cls.pool = make_pool(f"Schedule Pool {cls.tag}", [cls.requester, cls.member])
		cls.far_pool = make_pool(f"Far Pool {cls.tag}", [cls.requester, cls.member], time_zone=FAR_ZONE)
		user = user_of(cls.requester)
		frappe.db.set_value("User", user, "time_zone", user_zone_other_than(cls.site_zone))
		cls.token = api_token(user)
		frappe.db.commit()

	def shift(self, days_ahead: int, kind: str = "Night"):
		start = datetime.combine(add_days(getdate(), days_ahead), time(19))
		doc = make_shift(
			self.requester,
			start,
			start + timedelta(hours=12),
			kind,
			service="Wards C",
			site="East Site",
			source="Amion",
		)
		frappe.db.commit()
		return doc

	def duties_of(self, request: str) -> list[tuple]:
		frappe.db.rollback()  # a fresh snapshot of what the server committed
		return [
			tuple(row)
			for row in frappe.get_all(
				"Cover Request Duty",
				filters={"parent": request},
				fields=["duty_kind", "service", "site", "start", "end"],
				order_by="start asc",
				as_list=True,
			)
		]

	def test_a_resident_in_another_zone_files_from_a_schedule_row_and_types_a_pool_wall_time(self):
		shift = self.shift(3)
		offered = self.site.get(API + "my_shifts", self.token).json()["message"]
		(row,) = [s for s in offered if s["shift"] == shift.name]
		self.assertTrue(row["when"].endswith(f"19:00 – {shift.end:%a %-d %b} 07:00 ({self.site_zone})"), row)

		typed_day = add_days(getdate(), 5)
		response = self.site.post(
			API + "call_out",
			self.token,
			json={
				"pool": self.pool,
				"duties": [
					{"shift": shift.name},
					{"duty_kind": "Day", "start": f"{typed_day}T07:00", "end": f"{typed_day}T19:00"},
				],
			},
		)
		self.assertEqual(response.status_code, 200, response.text[:500])
		request = response.json()["message"]["request"]
		typed_start = datetime.combine(typed_day, time(7))
		self.assertEqual(
			self.duties_of(request),
			[
				("Night", "Wards C", "East Site", shift.start, shift.end),
				("Day", None, None, typed_start, typed_start + timedelta(hours=12)),
			],
		)
		self.assertEqual(
			frappe.db.get_value("Clinician Shift", shift.name, ["handed_over_by_request", "handover_status"]),
			(request, "Called out"),
		)
		page = self.site.get("/my-cover", self.token).text
		self.assertTrue(f"07:00 – 19:00 ({self.site_zone})" in page)  # the typed duty, as typed
		# The typed times' labels name the zone of the pool chosen first; each pool option names its own.
		first_zone = re.search(r'<option value="[^"]*" data-zone="([^"]+)"', page).group(1)
		self.assertTrue(f'Starts (<span class="mc-zone">{first_zone}</span>)' in page)
		for pool, zone in ((self.pool, self.site_zone), (self.far_pool, FAR_ZONE)):
			self.assertTrue(f'<option value="{pool}" data-zone="{zone}">{pool} ({zone})</option>' in page)

		cancelled = self.site.post(
			"/api/method/frappe.client.cancel", self.token, doctype="Cover Request", name=request
		)
		self.assertEqual(cancelled.status_code, 200, cancelled.text[:500])
		frappe.db.rollback()
		self.assertEqual(
			frappe.db.get_value("Clinician Shift", shift.name, "handed_over_by_request"), None
		)  # the shift is theirs again

	def test_a_typed_0700_in_a_pool_of_another_zone_is_that_zones_morning(self):
		day = add_days(getdate(), 6)
		response = self.site.post(
			API + "call_out",
			self.token,
			json={
				"pool": self.far_pool,
				"duties": [{"duty_kind": "Day", "start": f"{day}T07:00", "end": f"{day}T19:00"}],
			},
		)
		self.assertEqual(response.status_code, 200, response.text[:500])
		request = response.json()["message"]["request"]
		far, site = ZoneInfo(FAR_ZONE), ZoneInfo(self.site_zone)
		start = datetime.combine(day, time(7), far).astimezone(site).replace(tzinfo=None)
		self.assertEqual(self.duties_of(request), [("Day", None, None, start, start + timedelta(hours=12))])
		mine = self.site.get(API + "my_requests", self.token).json()["message"]
		(filed,) = [r for r in mine if r["request"] == request]
		self.assertTrue(filed["duties"][0]["when"].endswith(f"07:00 – 19:00 ({FAR_ZONE})"), filed)

	def test_two_filings_of_one_shift_at_once_give_it_away_once(self):
		shift = self.shift(8, kind="Day")

		def file():
			return self.site.post(
				API + "call_out", self.token, json={"pool": self.pool, "duties": [{"shift": shift.name}]}
			)

		responses = at_once(file, file)
		self.assertEqual(
			sorted(r.status_code for r in responses), [200, 417], [r.text[:300] for r in responses]
		)
		(won,) = [r for r in responses if r.status_code == 200]
		(lost,) = [r for r in responses if r.status_code != 200]
		request = won.json()["message"]["request"]
		self.assertIn(f"Your shift {shift.name} is already in your cover request {request}.", words(lost))
		frappe.db.rollback()
		self.assertEqual(
			frappe.get_all(
				"Cover Request Duty",
				filters={"start": shift.start, "parenttype": "Cover Request"},
				fields=["parent"],
				pluck="parent",
			),
			[request],
		)
