import frappe
from frappe.tests.utils import FrappeTestCase

from collective_cover.collective_cover.doctype.collective_cover_settings.collective_cover_settings import (
	MeetingLengthError,
)
from collective_cover.kernel.validators import InvalidValueError
from collective_cover.tests.factories import make_clinician, make_program, make_user, user_of

SETTINGS = "Collective Cover Settings"


class TestMeetingLengthSetting(FrappeTestCase):
	def setUp(self):
		frappe.db.savepoint("settings_test")
		self.director = make_user("slots-director@cc-test.example", roles=("Program Director",))

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="settings_test")
		frappe.clear_document_cache(SETTINGS, SETTINGS)

	def save_minutes(self, minutes):
		settings = frappe.get_doc(SETTINGS)
		settings.meeting_minutes = minutes
		settings.save()
		return frappe.db.get_single_value(SETTINGS, "meeting_minutes")

	def test_a_director_sets_30_to_60_whole_minutes(self):
		frappe.set_user(self.director)
		self.assertEqual(self.save_minutes(30), 30)
		self.assertEqual(self.save_minutes(60), 60)
		self.assertEqual(self.save_minutes("50"), 50)
		self.assertEqual(self.save_minutes(None), 45)  # cleared: the default

	def test_other_lengths_are_refused_in_words_and_nothing_is_written(self):
		frappe.set_user(self.director)
		self.save_minutes(40)
		for minutes in (0, 29, 61, 240, -45, 45.5, True):
			with self.subTest(minutes=minutes), self.assertRaises(MeetingLengthError) as refused:
				self.save_minutes(minutes)
			self.assertIn("A coaching meeting lasts 30 to 60 whole minutes", str(refused.exception))
		for minutes in ("forty", [45], {"minutes": 45}):
			with self.subTest(minutes=minutes), self.assertRaises(InvalidValueError):
				self.save_minutes(minutes)
		self.assertEqual(frappe.db.get_single_value(SETTINGS, "meeting_minutes"), 40)

	def test_coordinators_and_clinicians_cannot_change_it(self):
		make_program()
		coordinator = make_user("slots-settings-coordinator@cc-test.example", roles=("Cover Coordinator",))
		for user in (coordinator, user_of(make_clinician("Settings Clinician"))):
			frappe.set_user(user)
			with self.subTest(user=user), self.assertRaises(frappe.PermissionError):
				self.save_minutes(30)
		frappe.set_user("Administrator")
		self.assertNotEqual(frappe.db.get_single_value(SETTINGS, "meeting_minutes"), 30)
