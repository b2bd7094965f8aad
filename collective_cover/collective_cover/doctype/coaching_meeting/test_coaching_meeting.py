import json
from datetime import timedelta

import frappe
from frappe.utils import get_datetime, now_datetime

from collective_cover.collective_cover.doctype.coaching_meeting.coaching_meeting import (
	DoubleBookingError,
	MeetingTimeError,
	PulseError,
)
from collective_cover.kernel.dates import fairness_window
from collective_cover.tests.cases import CoachingTestCase, CommittedRecordsTestCase
from collective_cover.tests.coaching import (
	first_tuesday,
	freeze_before_the_first_tuesday,
	make_tuesday_resident,
	slot,
	slots_of,
)
from collective_cover.tests.factories import (
	make_coachable,
	make_program,
	make_user,
	user_of,
)
from collective_cover.tests.live_site import api_token
from collective_cover.tests.parallel import at_once


class TestCoachingMeeting(CoachingTestCase):
	def first_meeting(self):
		pairing = self.pair(self.ada, self.xavier)
		name = frappe.get_all("Coaching Meeting", filters={"pairing": pairing.name}, pluck="name")[0]
		return frappe.get_doc("Coaching Meeting", name)

	def test_a_meeting_ends_after_it_starts(self):
		meeting = self.first_meeting()
		meeting.ends_at = meeting.starts_at
		with self.assertRaises(MeetingTimeError):
			meeting.save()

	def test_only_the_resident_gives_the_pulse_after_a_held_meeting(self):
		meeting = self.first_meeting()
		frappe.set_user(user_of(self.ada))
		meeting.relationship_pulse = 0.8
		with self.assertRaises(PulseError):
			meeting.save()  # not held yet
		meeting.reload()
		meeting.status = "Held"
		with self.assertRaises(MeetingTimeError):
			meeting.save()  # it is still in the future
		meeting.reload()
		meeting.status = "Held"
		meeting.starts_at = now_datetime().replace(microsecond=0) - timedelta(hours=2)
		meeting.ends_at = meeting.starts_at + timedelta(hours=1)
		meeting.save()
		frappe.set_user(user_of(self.xavier))
		meeting.reload()
		meeting.relationship_pulse = 0.2
		with self.assertRaises(PulseError):
			meeting.save()
		frappe.set_user(user_of(self.ada))
		meeting.reload()
		meeting.relationship_pulse = 0.8
		meeting.save()
		self.assertEqual(frappe.db.get_value("Coaching Meeting", meeting.name, "relationship_pulse"), 0.8)

	def test_rescheduling_tells_both(self):
		meeting = self.first_meeting()
		frappe.set_user(user_of(self.xavier))
		meeting.starts_at = meeting.starts_at + timedelta(days=7)
		meeting.ends_at = meeting.ends_at + timedelta(days=7)
		meeting.save()
		frappe.set_user("Administrator")
		told = frappe.get_all(
			"Notification Log", filters={"subject": ("like", "Coaching meeting moved%")}, pluck="for_user"
		)
		self.assertEqual(sorted(told), sorted([user_of(self.ada), user_of(self.xavier)]))


def spoken(day) -> str:
	"""A date as the app's messages say it: "Tue 7 Jul"."""
	return f"{day:%a} {day.day} {day:%b}"


class TestDoubleBooking(CoachingTestCase):
	"""Ada's and Cleo's first meetings with Coach Xavier are 13:00–13:45 and 13:45–14:30 on the year's
	first Tuesday (time is frozen the day before)."""

	def setUp(self):
		super().setUp()
		self.cleo = make_tuesday_resident("Coaching Cleo")
		freeze_before_the_first_tuesday(self)
		self.tuesday = first_tuesday()
		self.ada_pairing = self.pair(self.ada, self.xavier).name
		self.cleo_pairing = self.pair(self.cleo, self.xavier).name
		self.ada_meeting, self.cleo_meeting = (
			self.first_meeting_of(pairing) for pairing in (self.ada_pairing, self.cleo_pairing)
		)

	def first_meeting_of(self, pairing):
		name = frappe.get_all(
			"Coaching Meeting", filters={"pairing": pairing}, pluck="name", order_by="starts_at asc"
		)[0]
		return frappe.get_doc("Coaching Meeting", name)

	def at(self, hour, minute=0) -> str:
		return f"{self.tuesday} {hour:02}:{minute:02}:00"

	def move(self, meeting, start, end):
		meeting.reload()
		meeting.starts_at, meeting.ends_at = self.at(*start), self.at(*end)
		meeting.save()

	def test_moving_a_meeting_onto_the_coachs_other_meeting_is_refused_in_words(self):
		frappe.set_user(user_of(self.xavier))
		with self.assertRaises(DoubleBookingError) as refused:
			self.move(self.cleo_meeting, (13, 30), (14, 15))
		self.assertEqual(
			str(refused.exception),
			f"Coach Xavier already has a coaching meeting then ({spoken(self.tuesday)} 13:00–13:45). "
			"Choose a time that is free for both of you.",
		)
		self.assertEqual(slots_of(self.cleo_pairing)[0], slot(self.tuesday, "13:45", "14:30"))
		# Back to back is free time.
		self.move(self.cleo_meeting, (14, 30), (15, 15))
		self.assertEqual(slots_of(self.cleo_pairing)[0], slot(self.tuesday, "14:30", "15:15"))

	def test_a_meeting_added_by_hand_over_the_residents_own_meeting_is_refused(self):
		frappe.set_user(make_user("slots-coordinator@cc-test.example", roles=("Cover Coordinator",)))
		meeting = frappe.get_doc(
			{
				"doctype": "Coaching Meeting",
				"pairing": self.ada_pairing,
				"starts_at": self.at(13, 30),
				"ends_at": self.at(14, 30),
			}
		)
		with self.assertRaises(DoubleBookingError) as refused:
			meeting.insert()
		self.assertIn("Coaching Ada already has a coaching meeting then", str(refused.exception))
		self.assertEqual(frappe.db.count("Coaching Meeting", {"pairing": self.ada_pairing}), 2)

	def test_a_missed_meeting_frees_its_time_until_it_is_planned_again(self):
		self.assert_frees_its_time_until_planned_again("Missed")

	def test_a_cancelled_meeting_frees_its_time_until_it_is_planned_again(self):
		self.assert_frees_its_time_until_planned_again("Cancelled")

	def assert_frees_its_time_until_planned_again(self, status):
		self.ada_meeting.status = status
		self.ada_meeting.save()
		self.move(self.cleo_meeting, (13, 0), (13, 45))
		self.ada_meeting.reload()
		self.ada_meeting.status = "Proposed"
		with self.assertRaises(DoubleBookingError) as refused:
			self.ada_meeting.save()
		self.assertIn("Coach Xavier already has a coaching meeting then", str(refused.exception))

	def test_meetings_that_already_overlap_can_still_be_logged(self):
		# Written before slots existed: both meetings held the whole afternoon.
		for meeting in (self.ada_meeting, self.cleo_meeting):
			frappe.db.set_value(
				"Coaching Meeting", meeting.name, {"starts_at": self.at(13), "ends_at": self.at(17)}
			)
		self.cleo_meeting.reload()
		self.cleo_meeting.status = "Confirmed"
		self.cleo_meeting.mode = "Video"
		self.cleo_meeting.save()
		self.assertEqual(frappe.db.get_value("Coaching Meeting", self.cleo_meeting.name, "mode"), "Video")


class TwoResidentsOfOneCoach(CommittedRecordsTestCase):
	"""A live server, and a coach with two residents who each have their year's first meeting."""

	serve = True

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_program()
		tuesdays = [("Tuesday", "PM", "Main Clinic")]
		year_start = fairness_window()[0]
		cls.coach = make_coachable(f"Slot Coach {cls.tag}", "Faculty", tuesdays, year_start, capacity=2)
		cls.pairings = [
			frappe.get_doc(
				{
					"doctype": "Coach Pairing",
					"resident": make_coachable(
						f"Slot Resident {i} {cls.tag}", "Resident", tuesdays, year_start
					),
					"coach": cls.coach,
				}
			)
			.insert()
			.name
			for i in range(2)
		]
		cls.first, cls.second = (
			frappe.get_all(
				"Coaching Meeting",
				filters={"pairing": pairing},
				fields=["name", "starts_at", "ends_at", "modified"],
				order_by="starts_at asc",
			)[0]
			for pairing in cls.pairings
		)
		cls.coach_token = api_token(user_of(cls.coach))
		cls.resident_tokens = [
			api_token(user_of(frappe.db.get_value("Coach Pairing", pairing, "resident")))
			for pairing in cls.pairings
		]
		cls.stranger_token = api_token(make_user(f"slot-stranger-{cls.tag}@cc-test.example"))
		frappe.db.commit()


class TestDoubleBookingOverHttp(TwoResidentsOfOneCoach):
	"""A coach reschedules through the REST API of a live server onto their other resident's meeting."""

	def overlapping(self) -> dict:
		"""The second resident's meeting moved to start halfway through the first one's."""
		start = get_datetime(self.first.starts_at) + timedelta(minutes=15)
		return {"starts_at": str(start), "ends_at": str(start + timedelta(minutes=45))}

	def assert_unchanged(self):
		frappe.db.rollback()  # a fresh snapshot of what the server committed
		stored = frappe.db.get_value(
			"Coaching Meeting", self.second.name, ["starts_at", "ends_at", "modified"], as_dict=True
		)
		self.assertEqual(
			(stored.starts_at, stored.ends_at, stored.modified),
			(self.second.starts_at, self.second.ends_at, self.second.modified),
		)

	def test_the_coach_is_refused_with_a_readable_message_and_nothing_is_written(self):
		response = self.site.put(
			f"/api/resource/Coaching Meeting/{self.second.name}", self.coach_token, json=self.overlapping()
		)
		self.assertEqual(response.status_code, 417, response.text[:500])
		messages = [json.loads(m)["message"] for m in json.loads(response.json()["_server_messages"])]
		first_start = get_datetime(self.first.starts_at)
		self.assertEqual(
			messages,
			[
				f"Slot Coach {self.tag} already has a coaching meeting then "
				f"({spoken(first_start)} {first_start:%H:%M}–{get_datetime(self.first.ends_at):%H:%M}). "
				"Choose a time that is free for both of you."
			],
		)
		self.assertEqual(response.json()["exc_type"], "DoubleBookingError")
		self.assert_unchanged()

	def test_guests_and_strangers_cannot_move_it_and_learn_nothing_of_it(self):
		for token in (None, self.stranger_token):
			with self.subTest(guest=token is None):
				response = self.site.put(
					f"/api/resource/Coaching Meeting/{self.second.name}", token, json=self.overlapping()
				)
				self.assertIn(response.status_code, (403, 404), response.text[:500])
				self.assertNotIn("already has a coaching meeting", response.text)
				self.assertNotIn("Slot Coach", response.text)
		self.assert_unchanged()


class TestTwoReschedulesAtOnce(TwoResidentsOfOneCoach):
	"""Both residents move their meeting onto the same free hour of their coach at the same moment."""

	def test_one_gets_the_hour_and_the_other_is_told_it_is_taken(self):
		start = get_datetime(self.first.starts_at) + timedelta(days=7)
		hour = {"starts_at": str(start), "ends_at": str(start + timedelta(minutes=45))}
		meetings = (self.first.name, self.second.name)
		responses = at_once(
			*(
				lambda token=token, meeting=meeting: self.site.put(
					f"/api/resource/Coaching Meeting/{meeting}", token, json=hour
				)
				for token, meeting in zip(self.resident_tokens, meetings, strict=True)
			)
		)
		self.assertEqual(
			sorted(r.status_code for r in responses), [200, 417], [r.text[:300] for r in responses]
		)
		refused = next(r for r in responses if r.status_code == 417)
		self.assertEqual(refused.json()["exc_type"], "DoubleBookingError")
		self.assertIn(f"Slot Coach {self.tag} already has a coaching meeting then", refused.text)
		frappe.db.rollback()  # a fresh snapshot of what the server committed
		moved = frappe.get_all(
			"Coaching Meeting", filters={"name": ("in", meetings), "starts_at": str(start)}, pluck="name"
		)
		self.assertEqual(len(moved), 1)


class TestCancellingOverHttp(TwoResidentsOfOneCoach):
	"""Only the pairing's own people cancel a meeting, and a cancelled meeting's time is free again."""

	def status_of(self, meeting: str) -> str:
		frappe.db.rollback()  # a fresh snapshot of what the server committed
		return frappe.db.get_value("Coaching Meeting", meeting, "status")

	def test_the_resident_cancels_their_own_and_the_coach_can_book_that_time(self):
		cancel = {"status": "Cancelled"}
		others = {
			"a guest": None,
			"a stranger": self.stranger_token,
			"the coach's other resident": self.resident_tokens[1],
		}
		for who, token in others.items():
			with self.subTest(who=who):
				response = self.site.put(
					f"/api/resource/Coaching Meeting/{self.first.name}", token, json=cancel
				)
				self.assertIn(response.status_code, (403, 404), response.text[:500])
				self.assertNotIn("Slot Resident 0", response.text)
				self.assertEqual(self.status_of(self.first.name), "Proposed")

		response = self.site.put(
			f"/api/resource/Coaching Meeting/{self.first.name}", self.resident_tokens[0], json=cancel
		)
		self.assertEqual(response.status_code, 200, response.text[:500])
		self.assertEqual(self.status_of(self.first.name), "Cancelled")

		freed = {"starts_at": str(self.first.starts_at), "ends_at": str(self.first.ends_at)}
		response = self.site.put(
			f"/api/resource/Coaching Meeting/{self.second.name}", self.coach_token, json=freed
		)
		self.assertEqual(response.status_code, 200, response.text[:500])
		frappe.db.rollback()
		self.assertEqual(
			frappe.db.get_value("Coaching Meeting", self.second.name, ["starts_at", "ends_at"]),
			(self.first.starts_at, self.first.ends_at),
		)
