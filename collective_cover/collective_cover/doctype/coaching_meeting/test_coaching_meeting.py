from datetime import timedelta

import frappe
from frappe.utils import now_datetime

from collective_cover.collective_cover.doctype.coaching_meeting.coaching_meeting import (
	MeetingTimeError,
	PulseError,
)
from collective_cover.tests.cases import CoachingTestCase
from collective_cover.tests.factories import user_of


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
