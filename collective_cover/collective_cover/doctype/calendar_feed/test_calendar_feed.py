"""Calendar feeds, fetched the way a calendar client fetches them: over HTTP from a real gunicorn, with
no session and no Authorization header, only the token in the address; parsed by a real iCalendar
library (icalendar). The records must be committed for the server to see them, so the HTTP class
commits and removes what it made."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import frappe
import icalendar
import requests
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, get_system_timezone, getdate, now_datetime

from collective_cover.api import calendar as api
from collective_cover.calendar_feed import tokens
from collective_cover.calendar_feed.events import calendar_of
from collective_cover.cover import lifecycle
from collective_cover.kernel.app_records import WrittenByAppError
from collective_cover.tests.factories import (
	make_clinician,
	make_outgoing_email_account,
	make_pool,
	make_program,
	make_user,
	remove_committed_records,
	shift_at,
	user_of,
)
from collective_cover.tests.live_site import LiveSite, api_token

ROTATE = "/api/method/collective_cover.api.calendar.rotate_feed"
REVOKE = "/api/method/collective_cover.api.calendar.revoke_feed"
NOT_FOUND = "There is no calendar feed at this address. It may have been replaced or revoked."


def instant(naive: datetime) -> datetime:
	"""A stored (site time zone) datetime as the UTC instant a calendar must show."""
	return naive.replace(tzinfo=ZoneInfo(get_system_timezone())).astimezone(timezone.utc)


@contextmanager
def site_time_zone(zone: str):
	"""The site's time zone set to `zone` for the block. (A test site made without the setup wizard has
	no language in System Settings, so the settings document cannot be saved: the value is set alone.)"""
	previous = frappe.db.get_single_value("System Settings", "time_zone")
	set_system_time_zone(zone)
	try:
		yield
	finally:
		set_system_time_zone(previous)


def set_system_time_zone(zone: str | None) -> None:
	frappe.db.set_single_value("System Settings", "time_zone", zone)
	# System Settings are cached in Redis and, for the length of a request, in frappe.local.
	frappe.clear_document_cache("System Settings", "System Settings")
	if hasattr(frappe.local, "system_settings"):
		del frappe.local.system_settings


def events_of(body: str) -> dict[str, dict]:
	"""UID → what a person sees of each event, read by the icalendar library."""
	events = {}
	for event in icalendar.Calendar.from_ical(body).walk("VEVENT"):
		events[str(event["UID"])] = {
			"summary": str(event["SUMMARY"]),
			"start": event.decoded("DTSTART"),
			"end": event.decoded("DTEND"),
			"location": str(event.get("LOCATION", "")),
			"status": str(event.get("STATUS", "")),
		}
	return events


def uid(doctype: str, name: str) -> str:
	return f"{frappe.scrub(doctype).replace('_', '-')}-{name}@{frappe.local.site}"


def add_rota_day(pool: str, day: date, clinician: str) -> str:
	return (
		frappe.get_doc({"doctype": "Jeopardy Rota", "pool": pool, "rota_date": day, "clinician": clinician})
		.insert(ignore_permissions=True)
		.name
	)


def add_meeting(pairing: str, status: str, starts_at: datetime, site: str) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Coaching Meeting",
				"pairing": pairing,
				"status": status,
				"starts_at": starts_at,
				"ends_at": starts_at + timedelta(minutes=45),
				"mode": "In person",
				"site": site,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def remove_coaching_and_rota(clinicians: list[str], pools: list[str]) -> None:
	pairings = frappe.get_all(
		"Coach Pairing",
		or_filters={"resident": ("in", clinicians), "coach": ("in", clinicians)},
		pluck="name",
	)
	for doctype in ("Coaching Note", "Coaching Meeting"):
		frappe.db.delete(doctype, {"pairing": ("in", pairings or [""])})
	frappe.db.delete("Coach Pairing", {"name": ("in", pairings or [""])})
	frappe.db.delete("Jeopardy Rota", {"pool": ("in", pools or [""])})


class FeedTestCase(FrappeTestCase):
	"""A covered two-duty request with a private reason, first back-up days and coaching meetings (one
	with a private note) for Cora the coverer; a rota day and a meeting for Omar, another member."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tag = tag = frappe.generate_hash(length=6)
		make_program()
		make_outgoing_email_account()
		cls.requester = make_clinician(f"Feed Requester {tag}")
		cls.coverer = make_clinician(f"Feed Cora {tag}")
		cls.other = make_clinician(f"Feed Omar {tag}")
		cls.coach = make_clinician(f"Feed Coach {tag}", role="Faculty", level=None)
		frappe.db.set_value("Clinician", cls.coach, "coach_capacity", 2)
		cls.pool = make_pool(f"Feed Pool {tag}", [cls.requester, cls.coverer, cls.other])
		cls.reason = f"migraine and a family matter {tag}"
		cls.note = f"talked about burnout {tag}"

		# Two duties four days apart: the feed must show each, not one event across the gap.
		night = shift_at(48, 12)
		day = shift_at(48 + 96, 10)
		request = frappe.get_doc(
			{
				"doctype": "Cover Request",
				"requester": cls.requester,
				"pool": cls.pool,
				"reason_category": "Illness",
				"reason_note": cls.reason,
				"duties": [
					{
						"start": night[0],
						"end": night[1],
						"duty_kind": "Night",
						"service": "Wards A",
						"site": "Main Hospital",
					},
					{
						"start": day[0],
						"end": day[1],
						"duty_kind": "Day",
						"service": "Wards B",
						"site": "North Campus",
					},
				],
			}
		).insert(ignore_permissions=True)
		request.submit()
		frappe.set_user(user_of(cls.coverer))
		lifecycle.accept(request.name)
		frappe.set_user("Administrator")
		cls.request = request.name
		cls.duties = [night, day]
		cls.shifts = frappe.get_all(
			"Clinician Shift",
			filters={"cover_request": request.name, "source": "Cover"},
			pluck="name",
			order_by="start asc",
		)

		cls.rota_days = [add_days(getdate(), 3), add_days(getdate(), 10)]
		cls.rota = [add_rota_day(cls.pool, d, cls.coverer) for d in cls.rota_days]
		cls.other_rota = add_rota_day(cls.pool, add_days(getdate(), 4), cls.other)

		pairing = frappe.get_doc(
			{"doctype": "Coach Pairing", "resident": cls.coverer, "coach": cls.coach, "start_date": getdate()}
		).insert(ignore_permissions=True)
		soon = (now_datetime() + timedelta(days=20)).replace(hour=13, minute=0, second=0, microsecond=0)
		cls.proposed = add_meeting(pairing.name, "Proposed", soon, "Main Clinic")
		cls.confirmed = add_meeting(pairing.name, "Confirmed", soon + timedelta(days=120), "North Clinic")
		# Called off after it reached the phone: the feed keeps it, marked cancelled, so the phone drops it.
		cls.cancelled = add_meeting(pairing.name, "Cancelled", soon + timedelta(days=60), "Main Clinic")
		frappe.get_doc(
			{"doctype": "Coaching Note", "meeting": cls.confirmed, "pairing": pairing.name, "note": cls.note}
		).insert(ignore_permissions=True)
		other_pairing = frappe.get_doc(
			{"doctype": "Coach Pairing", "resident": cls.other, "coach": cls.coach, "start_date": getdate()}
		).insert(ignore_permissions=True)
		cls.other_meeting = add_meeting(
			other_pairing.name, "Confirmed", soon + timedelta(days=1), "Main Clinic"
		)

	@classmethod
	def expected_for_coverer(cls) -> dict[str, dict]:
		(night_start, night_end), (day_start, day_end) = cls.duties
		coach_name = f"Feed Coach {cls.tag}"
		return {
			uid("Clinician Shift", cls.shifts[0]): {
				"summary": "Cover: Night · Wards A",
				"start": instant(night_start),
				"end": instant(night_end),
				"location": "Main Hospital",
				"status": "CONFIRMED",
			},
			uid("Clinician Shift", cls.shifts[1]): {
				"summary": "Cover: Day · Wards B",
				"start": instant(day_start),
				"end": instant(day_end),
				"location": "North Campus",
				"status": "CONFIRMED",
			},
			**{
				uid("Jeopardy Rota", name): {
					"summary": f"First back-up: {cls.pool}",
					"start": day,
					"end": add_days(day, 1),
					"location": "",
					"status": "CONFIRMED",
				}
				for name, day in zip(cls.rota, cls.rota_days, strict=True)
			},
			uid("Coaching Meeting", cls.proposed): cls.meeting(cls.proposed, coach_name, "TENTATIVE"),
			uid("Coaching Meeting", cls.confirmed): cls.meeting(cls.confirmed, coach_name, "CONFIRMED"),
			uid("Coaching Meeting", cls.cancelled): cls.meeting(cls.cancelled, coach_name, "CANCELLED"),
		}

	@classmethod
	def meeting(cls, name: str, other_party: str, status: str) -> dict:
		starts_at, ends_at, site = frappe.db.get_value(
			"Coaching Meeting", name, ["starts_at", "ends_at", "site"]
		)
		return {
			"summary": f"Coaching meeting with {other_party}",
			"start": instant(starts_at),
			"end": instant(ends_at),
			"location": site,
			"status": status,
		}


class TestCalendarFeedOverHttp(FeedTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.auth = {c: api_token(user_of(c)) for c in (cls.coverer, cls.other)}
		cls.nobody = make_user(f"feed-nobody-{cls.tag}@cc-test.example", roles=("Cover Coordinator",))
		cls.auth["nobody"] = api_token(cls.nobody)
		frappe.db.commit()
		cls.site = LiveSite(workers=2).start()

	@classmethod
	def tearDownClass(cls):
		cls.site.stop()
		frappe.db.rollback()
		remove_coaching_and_rota([cls.coverer, cls.other, cls.coach], [cls.pool])
		frappe.delete_doc("User", cls.nobody, force=True, ignore_permissions=True)
		remove_committed_records(cls.tag)
		super().tearDownClass()

	def rotate(self, clinician, **data) -> str:
		response = self.site.post(ROTATE, self.auth[clinician], **data)
		self.assertEqual(response.status_code, 200, response.text)
		return response.json()["message"]["url"]

	def fetch(self, url: str) -> requests.Response:
		"""GET the address exactly as handed out, as a calendar client would: no session, no token header."""
		parts = urlsplit(url)
		return self.site.get(f"{parts.path}?{parts.query}")

	def feed_rows(self) -> list[dict]:
		frappe.db.rollback()  # a fresh snapshot of what the server committed
		return frappe.get_all("Calendar Feed", fields=["user", "token_hash"], order_by="user asc")

	def test_the_feed_holds_exactly_the_members_covers_rota_days_and_meetings(self):
		url = self.rotate(self.coverer)
		self.assertEqual(urlsplit(url).path, api.FEED_PATH)

		first, second = self.fetch(url), self.fetch(url)

		self.assertEqual(first.status_code, 200, first.text)
		self.assertEqual(first.headers["Content-Type"], "text/calendar; charset=utf-8")
		self.assertEqual(first.headers["Cache-Control"], "private, no-store")
		self.assertEqual(events_of(first.text), self.expected_for_coverer())
		calendar = icalendar.Calendar.from_ical(first.text)
		self.assertEqual(str(calendar["X-WR-CALNAME"]), f"Collective Cover: Feed Cora {self.tag}")
		# Nothing changed between the fetches, so nothing in the feed did: same UIDs, same bytes.
		self.assertEqual(second.content, first.content)

	def test_the_coverer_sees_neither_the_requesters_reason_nor_coaching_notes(self):
		body = self.fetch(self.rotate(self.coverer)).text
		self.assertEqual(
			frappe.db.get_value("Cover Request Reason", self.request, "reason_note"), self.reason
		)
		for private in (
			self.reason,
			"migraine",
			"Illness",
			self.note,
			"burnout",
			f"Feed Requester {self.tag}",
		):
			self.assertNotIn(private, body)

	def test_another_members_token_answers_with_only_their_items(self):
		mine = self.rotate(self.coverer)
		theirs = self.rotate(self.other)

		their_events = events_of(self.fetch(theirs).text)

		self.assertEqual(
			set(their_events),
			{uid("Jeopardy Rota", self.other_rota), uid("Coaching Meeting", self.other_meeting)},
		)
		self.assertFalse(set(their_events) & set(self.expected_for_coverer()))
		self.assertEqual(events_of(self.fetch(mine).text), self.expected_for_coverer())

	def test_naming_another_user_when_rotating_rotates_only_your_own_feed(self):
		theirs = self.rotate(self.other)
		mine = self.rotate(self.coverer, user=user_of(self.other))

		self.assertEqual(self.fetch(theirs).status_code, 200)
		self.assertEqual(set(events_of(self.fetch(mine).text)), set(self.expected_for_coverer()))

	def test_a_rotated_or_revoked_address_answers_404_in_words(self):
		old = self.rotate(self.coverer)
		new = self.rotate(self.coverer)

		replaced = self.fetch(old)
		self.assertEqual((replaced.status_code, replaced.text), (404, NOT_FOUND))
		self.assertEqual(replaced.headers["Content-Type"], "text/plain; charset=utf-8")
		self.assertEqual(self.fetch(new).status_code, 200)

		response = self.site.post(REVOKE, self.auth[self.coverer])
		self.assertEqual(response.json()["message"], {"revoked": True})
		self.assertEqual((self.fetch(new).status_code, self.fetch(new).text), (404, NOT_FOUND))
		self.assertNotIn(user_of(self.coverer), [row.user for row in self.feed_rows()])
		again = self.site.post(REVOKE, self.auth[self.coverer])
		self.assertEqual(again.json()["message"], {"revoked": False})

	def test_no_other_token_opens_a_feed_and_none_says_whose_it_would_be(self):
		self.rotate(self.coverer)
		stored = next(row.token_hash for row in self.feed_rows() if row.user == user_of(self.coverer))
		made_up = frappe.generate_hash(length=43)
		for token in (
			made_up,
			stored,
			stored.upper(),
			"",
			"x" * 2000,
			"' or 1=1 --",
			"%00",
			"\x00",
			"é" * 40,
		):
			with self.subTest(token=token[:20]):
				response = self.site.get(f"{api.FEED_PATH}?{urlencode({'token': token})}")
				self.assertEqual((response.status_code, response.text), (404, NOT_FOUND))
		response = self.site.get(api.FEED_PATH)
		self.assertEqual((response.status_code, response.text), (404, NOT_FOUND))

	def test_guests_and_gets_cannot_make_or_revoke_a_feed(self):
		before = self.feed_rows()
		for call in (
			lambda: self.site.post(ROTATE),
			lambda: self.site.post(REVOKE),
			lambda: self.site.get(ROTATE, self.auth[self.coverer]),
			lambda: self.site.get(REVOKE, self.auth[self.coverer]),
		):
			response = call()
			self.assertEqual(response.status_code, 403, response.text)
			self.assertIn("not permitted", response.text.lower())
		self.assertEqual(self.feed_rows(), before)

	def test_a_user_who_is_no_clinician_is_told_so_and_gets_no_feed(self):
		response = self.site.post(ROTATE, self.auth["nobody"])
		self.assertEqual(response.status_code, 403, response.text)
		self.assertIn(f"Your user {self.nobody} is not linked to a Clinician", response.text)
		self.assertNotIn(self.nobody, [row.user for row in self.feed_rows()])

	def test_the_feed_records_are_readable_by_nobody_but_system_managers(self):
		self.rotate(self.coverer)
		for who in (self.coverer, "nobody"):
			response = self.site.get("/api/resource/Calendar Feed", self.auth[who])
			self.assertEqual(response.status_code, 403, response.text)


class TestCalendarFeedRecords(FeedTestCase):
	"""What the feed shows as records change, read in-process; every test rolls back."""

	def setUp(self):
		frappe.db.savepoint("calendar_feed_test")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="calendar_feed_test")

	def feed(self, token: str):
		return api.feed(token=token)

	def test_a_cancelled_cover_leaves_the_feed(self):
		frappe.get_doc("Cover Request", self.request).cancel()
		events = events_of(calendar_of(user_of(self.coverer)))
		self.assertFalse({uid("Clinician Shift", s) for s in self.shifts} & set(events))
		self.assertEqual(len(events), 5)  # the two rota days and the three meetings (one cancelled)

	def test_times_over_a_clock_change_are_the_instants_the_site_zone_gives(self):
		# The first Sunday of November next year, when New York's clocks go back an hour at 02:00.
		year = getdate().year + 1
		sunday = next(date(year, 11, d) for d in range(1, 8) if date(year, 11, d).weekday() == 6)
		with site_time_zone("America/New_York"):
			shift = frappe.get_doc(
				{
					"doctype": "Clinician Shift",
					"clinician": self.coverer,
					"duty_kind": "Night",
					"start": datetime.combine(sunday - timedelta(days=1), datetime.min.time()).replace(
						hour=20
					),
					"end": datetime.combine(sunday, datetime.min.time()).replace(hour=8),
					"source": "Cover",
				}
			).insert(ignore_permissions=True)
			event = events_of(calendar_of(user_of(self.coverer)))[uid("Clinician Shift", shift.name)]
		# 20:00 EDT is 00:00 UTC; 08:00 EST is 13:00 UTC: the night lasts 13 hours, not 12.
		self.assertEqual(event["start"], datetime(year, 11, sunday.day, 0, 0, tzinfo=timezone.utc))
		self.assertEqual(event["end"] - event["start"], timedelta(hours=13))

	def test_a_disabled_users_token_answers_404(self):
		token = tokens.issue(user_of(self.coverer))
		self.assertEqual(self.feed(token).status_code, 200)
		frappe.db.set_value("User", user_of(self.coverer), "enabled", 0)
		response = self.feed(token)
		self.assertEqual((response.status_code, response.get_data(as_text=True)), (404, NOT_FOUND))

	def test_nobody_writes_or_edits_a_feed_by_hand_not_even_administrator(self):
		with self.assertRaises(WrittenByAppError):
			frappe.get_doc(
				{
					"doctype": "Calendar Feed",
					"user": user_of(self.other),
					"token_hash": tokens.digest("chosen"),
				}
			).insert()
		tokens.issue(user_of(self.other))
		feed = frappe.get_doc("Calendar Feed", user_of(self.other))
		feed.token_hash = tokens.digest("chosen")
		with self.assertRaises(WrittenByAppError):
			feed.save()
		self.assertEqual(self.feed("chosen").status_code, 404)

	def test_a_system_manager_revokes_a_feed_by_deleting_it(self):
		token = tokens.issue(user_of(self.other))
		frappe.delete_doc("Calendar Feed", user_of(self.other))
		self.assertEqual(self.feed(token).status_code, 404)

	def test_deleting_a_user_deletes_their_feed_and_is_not_blocked_by_it(self):
		clinician = make_clinician(f"Feed Leaver {self.tag}")
		user = user_of(clinician)
		tokens.issue(user)
		frappe.delete_doc("Clinician", clinician, ignore_permissions=True)
		frappe.delete_doc("User", user, ignore_permissions=True)
		self.assertFalse(frappe.db.exists("Calendar Feed", {"user": user}))
