"""The clinician's phone home (/my-cover) and the reads and changes behind it, in process: what each
section shows to whom, in the site's time zone, and what it refuses."""

import json
from datetime import timedelta

import frappe
from frappe.client import cancel
from frappe.utils import add_days, get_system_timezone, getdate, now_datetime
from frappe.website.serve import get_response_content

from collective_cover.api.cover import accept
from collective_cover.api.my_cover import (
	CallOutError,
	MeetingChangeError,
	call_out,
	confirm_meeting,
	deviation_words,
	my_coaching,
	my_covers,
	my_pools,
	my_requests,
	my_shifts,
	my_standing,
	open_offers,
	reschedule_meeting,
)
from collective_cover.collective_cover.doctype.cover_request.cover_request import CannotCancelCoveredError
from collective_cover.cover.lifecycle import AlreadyCoveredError
from collective_cover.kernel.dates import when
from collective_cover.kernel.validators import InvalidValueError
from collective_cover.tests.cases import CoachingTestCase, CoverRequestTestCase
from collective_cover.tests.factories import make_pool, make_request, make_shift, make_user, shift_at, user_of
from collective_cover.www.my_cover import website_home_page

PRIVATE = "migraine since 4 am"


def duty(hours_from_now: float, hours: float = 12, **fields) -> dict:
	start, end = shift_at(hours_from_now, hours)
	return {"duty_kind": "Day", "start": start.isoformat(), "end": end.isoformat(), **fields}


def full_name(clinician: str) -> str:
	return frappe.db.get_value("Clinician", clinician, "full_name")


# A duty of an offer nobody covers yet, as the member sees it.
OPEN_DUTY = {"units": 1.0, "open": True, "mine": False, "coverer": ""}


def duty_rows(request: str) -> list[str]:
	"""The request's duty rows, first duty first."""
	return frappe.get_all(
		"Cover Request Duty", filters={"parent": request}, order_by="start asc", pluck="name"
	)


class TestMyCover(CoverRequestTestCase):
	def test_a_call_out_files_the_request_at_once_and_keeps_the_reason_private(self):
		frappe.set_user(user_of(self.requester))
		start, end = shift_at(48)
		filed = call_out(
			self.pool,
			json.dumps([duty(48, service="Wards A", site="Main Hospital")]),
			reason_category="Illness",
			reason_note=PRIVATE,
		)
		self.assertEqual(filed["status"], "Open")
		self.assertEqual(frappe.db.get_value("Cover Request", filed["request"], "docstatus"), 1)
		self.assertEqual(
			my_requests(),
			[
				{
					"request": filed["request"],
					"pool": self.pool,
					"status": "Open",
					"status_label": "Open",
					"covered_by": "",
					"can_cancel": True,
					"duties": [
						{
							"duty": duty_rows(filed["request"])[0],
							"duty_kind": "Day",
							"service": "Wards A",
							"site": "Main Hospital",
							"when": when(start, end),
							"units": 1.0,
							"open": True,
							"mine": False,
							"coverer": "",
						}
					],
				}
			],
		)
		frappe.set_user("Administrator")
		self.assertEqual(
			frappe.db.get_value("Cover Request Reason", filed["request"], ["reason_category", "reason_note"]),
			("Illness", PRIVATE),
		)

	def test_a_span_names_the_site_time_zone(self):
		start = now_datetime().replace(hour=7, minute=0, second=0, microsecond=0) + timedelta(days=2)
		zone = get_system_timezone()
		self.assertEqual(
			when(start, start + timedelta(hours=12)),
			f"{frappe.utils.format_datetime(start, 'EEE d MMM')} 07:00 – 19:00 ({zone})",
		)
		self.assertTrue(when(start, start + timedelta(hours=24)).endswith(f" 07:00 ({zone})"))

	def test_a_call_out_goes_only_to_a_pool_the_member_is_in(self):
		other = make_pool("Pool Without Ada", self.members[:2])
		frappe.set_user(user_of(self.requester))
		before = frappe.db.count("Cover Request")
		for pool in (other, "No Such Pool"):
			with self.assertRaises(frappe.PermissionError) as refused:
				call_out(pool, json.dumps([duty(48)]))
			self.assertEqual(str(refused.exception), f"You are not a member of pool {pool}.")
		self.assertEqual(frappe.db.count("Cover Request"), before)

	def test_a_call_out_refuses_what_is_not_a_duty_in_words(self):
		frappe.set_user(user_of(self.requester))
		before = frappe.db.count("Cover Request")
		no_duty = "Choose at least one duty to call out of: a shift, or a kind with a start and an end."
		refusals = {
			"": (CallOutError, no_duty),
			"not json": (CallOutError, no_duty),
			"{}": (CallOutError, no_duty),
			"[]": (CallOutError, no_duty),
			"[1, 2]": (CallOutError, no_duty),
			json.dumps([{"duty_kind": "Day"}]): (
				frappe.ValidationError,
				"Duty in row 1 needs a kind, a start and an end.",
			),
			json.dumps([duty(48, start="soon")]): (
				InvalidValueError,
				"Start in row 1 is not a date and time: 'soon'. Use YYYY-MM-DD HH:MM.",
			),
			json.dumps([duty(48, duty_kind="Nap")]): (
				InvalidValueError,
				"Duty Kind in row 1 cannot be 'Nap'",
			),
			json.dumps([duty(48, service=["a", "list"])]): (
				InvalidValueError,
				"Service in row 1 must be text.",
			),
			json.dumps([duty(-24)]): (frappe.ValidationError, "Duty in row 1 has already ended"),
		}
		for duties, (error, message) in refusals.items():
			with self.assertRaises(error, msg=duties) as refused:
				call_out(self.pool, duties)
			self.assertIn(message, str(refused.exception), duties)
		self.assertEqual(frappe.db.count("Cover Request"), before)

	def test_pools_are_those_the_member_is_in_today(self):
		left = make_pool("Pool Ada Left", [self.requester, self.members[0]])
		frappe.db.set_value(
			"Jeopardy Pool Member",
			{"parent": left, "clinician": self.requester},
			"left_on",
			add_days(getdate(), -1),
		)
		disabled = make_pool("Disabled Pool With Ada", [self.requester], disabled=1)
		frappe.set_user(user_of(self.requester))
		self.assertEqual(my_pools(), [self.pool])
		frappe.set_user(user_of(self.members[0]))
		self.assertEqual(my_pools(), sorted([left, self.pool]))
		self.assertNotIn(disabled, my_pools())

	def test_own_upcoming_shifts_are_offered_until_called_out(self):
		def shift(hours_from_now, clinician=None):
			start, end = shift_at(hours_from_now)
			return make_shift(
				clinician or self.requester, start, end, "Night", service="Wards B", site="North Site"
			)

		upcoming = shift(30)
		shift(-30)  # worked already
		shift(24 * 20)  # beyond the two weeks offered
		shift(60, clinician=self.members[0])  # somebody else's
		frappe.set_user(user_of(self.requester))
		self.assertEqual(
			my_shifts(),
			[
				{
					"shift": upcoming.name,
					"duty_kind": "Night",
					"label": "Night",
					"service": "Wards B",
					"site": "North Site",
					"when": when(upcoming.start, upcoming.end),
					"start": str(upcoming.start),
					"end": str(upcoming.end),
				}
			],
		)
		(offered,) = my_shifts()
		filed = call_out(self.pool, [{"shift": offered["shift"]}])
		self.assertEqual(my_shifts(), [])
		self.assertEqual(
			frappe.db.get_value(
				"Clinician Shift", upcoming.name, ["handed_over_by_request", "handover_status"]
			),
			(filed["request"], "Called out"),
		)

	def test_offers_show_the_duties_ahead_of_open_requests_and_never_the_requester_or_reason(self):
		doc = make_request(self.requester, self.pool, reason_category="Illness", reason_note=PRIVATE)
		first, second = shift_at(48), shift_at(72)
		two_duties = frappe.get_doc(
			{
				"doctype": "Cover Request",
				"requester": self.members[3],
				"pool": self.pool,
				"duties": [
					{"duty_kind": "Day", "start": first[0], "end": first[1], "site": "Main Hospital"},
					{"duty_kind": "Night", "start": second[0], "end": second[1], "site": "North Site"},
				],
			}
		).insert()
		two_duties.submit()
		elsewhere = make_pool("Pool Without Member 1", [self.members[2], self.members[4]])
		make_request(self.members[2], elsewhere, hours_from_now=100)
		frappe.set_user(user_of(self.members[1]))
		offers = open_offers()
		self.assertEqual([o["request"] for o in offers], [doc.name, two_duties.name])
		self.assertEqual(
			offers[1],
			{
				"request": two_duties.name,
				"pool": self.pool,
				"status": "Open",
				"units": 2.0,
				"duties": [
					{
						"duty": duty_rows(two_duties.name)[0],
						"duty_kind": "Day",
						"service": "",
						"site": "Main Hospital",
						"when": when(*first),
						**OPEN_DUTY,
					},
					{
						"duty": duty_rows(two_duties.name)[1],
						"duty_kind": "Night",
						"service": "",
						"site": "North Site",
						"when": when(*second),
						**OPEN_DUTY,
					},
				],
			},
		)
		payload = json.dumps(offers)
		for private in (
			PRIVATE,
			"Illness",
			full_name(self.requester),
			self.requester,
			full_name(self.members[3]),
		):
			self.assertNotIn(private, payload)
		frappe.set_user(user_of(self.requester))
		self.assertEqual([o["request"] for o in open_offers()], [two_duties.name])  # not their own

		frappe.set_user(user_of(self.members[1]))
		with self.freeze_time(first[1] + timedelta(hours=1)):
			later = {o["request"]: o for o in open_offers()}
			self.assertEqual([d["duty_kind"] for d in later[two_duties.name]["duties"]], ["Night"])
		with self.freeze_time(second[1] + timedelta(hours=1)):
			self.assertEqual(open_offers(), [])

	def test_an_accepted_cover_moves_to_my_covers_and_names_the_coverer_to_the_requester(self):
		doc = make_request(self.requester, self.pool)
		frappe.set_user(user_of(self.members[1]))
		accept(doc.name)
		with self.assertRaises(AlreadyCoveredError) as again:
			accept(doc.name)
		self.assertEqual(str(again.exception), f"You are covering {doc.name}.")
		start, end = shift_at(48)
		self.assertEqual(
			my_covers(),
			[
				{
					"request": doc.name,
					"pool": self.pool,
					"units": 1.0,
					"covering_for": full_name(self.requester),
					"duties": [
						{
							"duty": duty_rows(doc.name)[0],
							"duty_kind": "Day",
							"service": "Wards A",
							"site": "",
							"when": when(start, end),
							"units": 1.0,
							"open": False,
							"mine": True,
							"coverer": "",
						}
					],
				}
			],
		)
		self.assertEqual(open_offers(), [])
		frappe.set_user(user_of(self.requester))
		(mine,) = my_requests()
		self.assertEqual(
			(mine["status"], mine["covered_by"], mine["can_cancel"]),
			("Covered", full_name(self.members[1]), False),
		)
		self.assertEqual(my_covers(), [])

	def test_the_requester_cancels_before_cover_and_not_after(self):
		open_one = make_request(self.requester, self.pool)
		covered = make_request(self.requester, self.pool, hours_from_now=100)
		frappe.set_user(user_of(self.members[0]))
		accept(covered.name)
		frappe.set_user(user_of(self.requester))
		cancel("Cover Request", open_one.name)
		with self.assertRaises(CannotCancelCoveredError):
			cancel("Cover Request", covered.name)
		self.assertEqual(
			[(r["request"], r["status"], r["can_cancel"]) for r in my_requests()],
			[(open_one.name, "Cancelled", False), (covered.name, "Covered", False)],
		)

	def test_standing_gives_own_figures_place_in_line_and_the_anonymised_spread(self):
		doc = make_request(self.requester, self.pool)
		frappe.set_user(user_of(self.members[0]))
		accept(doc.name)
		# Six members with the same exposure share the one unit: fair share 1/6 each.
		(standing,) = my_standing()
		self.assertEqual(
			{k: standing[k] for k in ("pool", "burden", "fair_share", "deviation", "position", "members")},
			{
				"pool": self.pool,
				"burden": 1.0,
				"fair_share": 0.17,
				"deviation": 0.83,
				"position": 6,
				"members": 6,
			},
		)
		self.assertEqual(standing["deviation_words"], "0.8 units above your fair share")
		self.assertEqual(
			[deviation_words(d) for d in (1.25, -1.25, 0.04, -0.05)],
			[
				"1.3 units above your fair share",
				"1.3 units below your fair share",
				"At your fair share",
				"0.1 units below your fair share",
			],
		)
		self.assertEqual(standing["position_words"], "6th of 6 in line")
		self.assertEqual(
			standing["percentiles"], {"10": -0.17, "25": -0.17, "50": -0.17, "75": -0.17, "90": 0.33}
		)
		self.assertAlmostEqual(standing["extent"], 0.83, places=2)
		frappe.set_user(user_of(self.requester))
		(own,) = my_standing()
		self.assertEqual(own["deviation_words"], "0.2 units below your fair share")
		self.assertNotIn(self.members[0], json.dumps(own))

	def test_the_page_shows_each_section_in_the_site_time_zone_and_escapes_what_people_typed(self):
		hostile = '<img src=x onerror="alert(1)">'
		doc = make_request(self.members[0], self.pool)
		frappe.db.set_value("Cover Request Duty", {"parent": doc.name}, "service", hostile)
		frappe.set_user(user_of(self.requester))
		page = get_response_content("my-cover")
		# assertTrue, not assertIn: a failure would print the whole page.
		for section in ("call-out", "offers", "covers", "requests", "standing", "coach"):
			self.assertTrue(f'id="{section}"' in page, section)
		self.assertTrue(f"Times are in {get_system_timezone()}." in page)
		start, end = shift_at(48)
		self.assertTrue(when(start, end) in page)
		self.assertTrue(f'data-request="{doc.name}"' in page)
		self.assertTrue(
			'<link rel="manifest" href="/assets/collective_cover/my-cover/manifest.json">' in page
		)
		for route in ("my-cover", "cover-offers"):
			page = get_response_content(route)
			self.assertTrue("&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page, route)
			self.assertFalse(hostile in page, route)

	def test_one_duty_of_a_multi_day_request_is_taken_alone_and_a_second_tap_says_you_cover_it(self):
		first, second = shift_at(48), shift_at(72)
		doc = frappe.get_doc(
			{
				"doctype": "Cover Request",
				"requester": self.requester,
				"pool": self.pool,
				"duties": [
					{"duty_kind": "Day", "start": first[0], "end": first[1], "service": "Wards A"},
					{"duty_kind": "Day", "start": second[0], "end": second[1], "service": "Wards A"},
				],
			}
		).insert()
		doc.submit()
		day_one, day_two = duty_rows(doc.name)
		frappe.set_user(user_of(self.members[1]))
		self.assertEqual(accept(doc.name, duties=[day_two])["status"], "Partially covered")
		(offer,) = open_offers()
		self.assertEqual(
			[(d["duty"], d["open"], d["mine"]) for d in offer["duties"]],
			[(day_one, True, False), (day_two, False, True)],
		)
		(cover,) = my_covers()
		self.assertEqual((cover["request"], cover["units"]), (doc.name, 1.0))
		self.assertEqual([d["duty"] for d in cover["duties"]], [day_two])
		page = get_response_content("my-cover")
		self.assertTrue("You are covering this" in page)
		self.assertTrue(f'<li data-duty="{day_one}">' in page)
		self.assertEqual(page.count("Take this duty"), 1)
		with self.assertRaises(AlreadyCoveredError) as again:
			accept(doc.name, duties=[day_two])
		self.assertEqual(str(again.exception), f"You are covering {doc.name}.")
		frappe.set_user(user_of(self.requester))
		(mine,) = my_requests()
		self.assertEqual(mine["status"], "Partially covered")
		self.assertEqual([d["coverer"] for d in mine["duties"]], ["", full_name(self.members[1])])

	def test_a_user_who_is_no_clinician_is_sent_to_desk(self):
		frappe.set_user(make_user("coordinator-home@cc-test.example", roles=("Cover Coordinator",)))
		page = get_response_content("my-cover")
		self.assertTrue("Your user is not linked to an active Clinician" in page)
		self.assertFalse('id="call-out"' in page)

	def test_the_site_home_of_clinicians_is_my_cover_and_of_staff_is_not(self):
		# Where login sends them is checked over HTTP (test_my_cover_http).
		coordinator = make_user(
			"coordinator-clinician@cc-test.example", roles=("Clinician", "Cover Coordinator")
		)
		self.assertEqual(website_home_page(user_of(self.requester)), "my-cover")
		self.assertIsNone(website_home_page(coordinator))


class TestMyCoach(CoachingTestCase):
	def setUp(self):
		super().setUp()
		self.pairing = self.pair(self.ada, self.xavier)
		# The proposals depend on today's weekday; one known meeting makes the next one certain.
		frappe.db.delete("Coaching Meeting", {"pairing": self.pairing.name})
		start = (now_datetime() + timedelta(days=3)).replace(hour=13, minute=0, second=0, microsecond=0)
		self.meeting = frappe.get_doc(
			{
				"doctype": "Coaching Meeting",
				"pairing": self.pairing.name,
				"status": "Proposed",
				"starts_at": start,
				"ends_at": start + timedelta(minutes=45),
				"site": "Main Clinic",
				"mode": "In person",
			}
		).insert()

	def test_both_people_see_the_next_meeting_and_either_confirms_it(self):
		pace, required = frappe.db.get_value(
			"Coach Pairing", self.pairing.name, ["pace", "meetings_required"]
		)
		frappe.set_user(user_of(self.ada))
		self.assertEqual(
			my_coaching(),
			[
				{
					"pairing": self.pairing.name,
					"role": "Your coach",
					"name": "Coach Xavier",
					"pace": pace or "",
					"meetings": f"0 of {required} meetings held this year",
					"next": {
						"meeting": self.meeting.name,
						"status": "Proposed",
						"status_label": "Proposed",
						"when": when(self.meeting.starts_at, self.meeting.ends_at),
						"starts_at": self.meeting.starts_at.strftime("%Y-%m-%dT%H:%M"),
						"site": "Main Clinic",
						"mode": "In person",
						"can_confirm": True,
					},
				}
			],
		)
		frappe.set_user(user_of(self.xavier))
		(coached,) = my_coaching()
		self.assertEqual((coached["role"], coached["name"]), ("Your resident", "Coaching Ada"))
		self.assertEqual(
			confirm_meeting(self.meeting.name), {"meeting": self.meeting.name, "status": "Confirmed"}
		)
		with self.assertRaises(MeetingChangeError) as again:
			confirm_meeting(self.meeting.name)
		self.assertIn("is Confirmed; only a proposed meeting can be confirmed", str(again.exception))

	def test_a_move_keeps_the_length_and_asks_for_a_confirmation_again(self):
		confirm_meeting(self.meeting.name)
		frappe.set_user(user_of(self.ada))
		new_start = self.meeting.starts_at + timedelta(days=7, hours=-4)
		moved = reschedule_meeting(self.meeting.name, new_start.strftime("%Y-%m-%dT%H:%M"))
		self.assertEqual(moved["status"], "Proposed")
		self.assertEqual(
			frappe.db.get_value("Coaching Meeting", self.meeting.name, ["starts_at", "ends_at"]),
			(new_start, new_start + timedelta(minutes=45)),
		)
		with self.assertRaises(MeetingChangeError) as past:
			reschedule_meeting(self.meeting.name, "2001-01-01T09:00")
		self.assertIn("Choose a time from now on", str(past.exception))
		with self.assertRaises(InvalidValueError) as garbage:
			reschedule_meeting(self.meeting.name, "next tuesday")
		self.assertIn("New time is not a date and time: 'next tuesday'", str(garbage.exception))

	def test_nobody_outside_the_pairing_sees_or_changes_its_meetings(self):
		frappe.set_user(user_of(self.ben))
		self.assertEqual(my_coaching(), [])
		for change in (
			lambda: confirm_meeting(self.meeting.name),
			lambda: reschedule_meeting(self.meeting.name, "2099-01-01T09:00"),
		):
			with self.assertRaises(frappe.PermissionError):
				change()
		frappe.set_user("Administrator")
		self.assertEqual(
			frappe.db.get_value("Coaching Meeting", self.meeting.name, ["status", "starts_at"]),
			("Proposed", self.meeting.starts_at),
		)
