from datetime import timedelta

import frappe
from frappe.tests.utils import change_settings
from frappe.utils import get_datetime, getdate, now_datetime

from collective_cover.coaching.meetings import busy_intervals
from collective_cover.coaching.reminders import remind_pairs_behind_pace, send_coordinator_digest
from collective_cover.collective_cover.doctype.coach_pairing.coach_pairing import (
	CoachCapacityError,
	CoachingRoleError,
	DuplicatePairingError,
)
from collective_cover.kernel.core_queries import get_count
from collective_cover.kernel.dates import aware
from collective_cover.tests.cases import CoachingTestCase
from collective_cover.tests.coaching import (
	first_tuesday,
	four_months_after,
	freeze_before_the_first_tuesday,
	make_tuesday_resident,
	slot,
	slots_of,
)
from collective_cover.tests.factories import (
	QueryCounter,
	make_program,
	make_user,
	restrict_to_program,
	user_of,
)

# Every Tuesday of the academic year that starts on 1 July 2026: 7 July 2026 … 29 June 2027.
TUESDAYS_IN_THE_YEAR = 52


class TestCoachPairing(CoachingTestCase):
	def test_pairing_counts_shared_half_days_and_proposes_two_meetings_four_months_apart(self):
		pairing = self.pair(self.ada, self.xavier)
		self.assertEqual(pairing.shared_half_days, TUESDAYS_IN_THE_YEAR)
		self.assertEqual((pairing.meetings_required, pairing.meetings_held), (2, 0))
		meetings = frappe.get_all(
			"Coaching Meeting",
			filters={"pairing": pairing.name},
			fields=["status", "starts_at", "ends_at", "site"],
			order_by="starts_at asc",
		)
		self.assertEqual([m.status for m in meetings], ["Proposed", "Proposed"])
		for meeting in meetings:
			self.assertEqual(get_datetime(meeting.starts_at).strftime("%A %H:%M"), "Tuesday 13:00")
			self.assertEqual(meeting.site, "Main Clinic")
			self.assertGreaterEqual(getdate(meeting.starts_at), getdate())
		gap = getdate(meetings[1].starts_at) - getdate(meetings[0].starts_at)
		self.assertGreaterEqual(gap, timedelta(days=122))
		frappe.desk.form.load.getdoc("Coach Pairing", pairing.name)
		shown = frappe.response.docs[-1].get_onload()["meetings"]
		self.assertEqual([m.status for m in shown], ["Proposed", "Proposed"])
		told = frappe.get_all(
			"Notification Log",
			filters={"subject": ("like", "Coaching meeting proposed%")},
			pluck="for_user",
		)
		self.assertEqual(sorted(set(told)), sorted([user_of(self.ada), user_of(self.xavier)]))

	def test_a_resident_has_one_active_coach(self):
		self.pair(self.ada, self.xavier)
		with self.assertRaises(DuplicatePairingError):
			self.pair(self.ada, self.yara)
		self.assertEqual(frappe.db.count("Coach Pairing", {"resident": self.ada}), 1)

	def test_a_coach_never_exceeds_their_capacity(self):
		self.pair(self.ben, self.yara)
		with self.assertRaises(CoachCapacityError) as raised:
			self.pair(self.ada, self.yara)
		self.assertIn("capacity is 1", str(raised.exception))

	def test_residents_are_coached_by_faculty_only(self):
		with self.assertRaises(CoachingRoleError):
			self.pair(self.ada, self.ben)
		with self.assertRaises(CoachingRoleError):
			self.pair(self.xavier, self.yara)
		self.assertEqual(frappe.db.count("Coach Pairing"), 0)

	def test_a_held_meeting_counts_towards_the_year(self):
		pairing = self.pair(self.ada, self.xavier)
		first = frappe.get_all("Coaching Meeting", filters={"pairing": pairing.name}, pluck="name")[0]
		meeting = frappe.get_doc("Coaching Meeting", first)
		meeting.starts_at = now_datetime().replace(microsecond=0) - timedelta(days=1)
		meeting.ends_at = meeting.starts_at + timedelta(hours=1)
		meeting.status = "Held"
		meeting.save()
		pairing.reload()
		self.assertEqual(pairing.meetings_held, 1)
		self.assertEqual(pairing.last_meeting, getdate(meeting.starts_at))


class TestMeetingSlots(CoachingTestCase):
	"""Coaching Cleo, like Ada, shares every Tuesday afternoon with Coach Xavier. Time stands on the
	Monday before the year's first Tuesday, so the first meetings fall on that Tuesday."""

	def setUp(self):
		super().setUp()
		self.cleo = make_tuesday_resident("Coaching Cleo")
		freeze_before_the_first_tuesday(self)
		self.tuesday = first_tuesday()

	def test_a_coachs_second_resident_gets_the_next_slot_not_the_same_afternoon(self):
		ada, cleo = self.pair(self.ada, self.xavier), self.pair(self.cleo, self.xavier)
		later = four_months_after(self.tuesday)
		self.assertEqual(
			slots_of(ada.name), [slot(self.tuesday, "13:00", "13:45"), slot(later, "13:00", "13:45")]
		)
		self.assertEqual(
			slots_of(cleo.name), [slot(self.tuesday, "13:45", "14:30"), slot(later, "13:45", "14:30")]
		)

	def test_either_persons_unavailability_moves_the_slot_or_the_day(self):
		week_later = self.tuesday + timedelta(days=7)
		for clinician, day, hours in (
			(self.xavier, self.tuesday, ((12, 0), (17, 0))),  # the whole first afternoon
			(self.ada, week_later, ((13, 0), (13, 20))),  # the start of the next one
		):
			(start_hour, start_minute), (end_hour, end_minute) = hours
			frappe.get_doc(
				{
					"doctype": "Clinician Unavailability",
					"clinician": clinician,
					"kind": "Protected time",
					"from_datetime": f"{day} {start_hour:02}:{start_minute:02}:00",
					"to_datetime": f"{day} {end_hour:02}:{end_minute:02}:00",
				}
			).insert()
		pairing = self.pair(self.ada, self.xavier)
		self.assertEqual(
			slots_of(pairing.name),
			[slot(week_later, "13:30", "14:15"), slot(four_months_after(week_later), "13:00", "13:45")],
		)

	def test_the_meeting_length_comes_from_the_settings(self):
		with change_settings("Collective Cover Settings", meeting_minutes=60):
			ada, cleo = self.pair(self.ada, self.xavier), self.pair(self.cleo, self.xavier)
		self.assertEqual(slots_of(ada.name)[0], slot(self.tuesday, "13:00", "14:00"))
		self.assertEqual(slots_of(cleo.name)[0], slot(self.tuesday, "14:00", "15:00"))

	def test_busy_time_of_any_number_of_people_is_read_in_two_queries(self):
		ada = self.pair(self.ada, self.xavier)
		people = [self.ada, self.ben, self.cleo, self.xavier, self.yara]
		since = get_datetime(f"{self.tuesday} 00:00:00")
		with QueryCounter() as queries:
			busy = busy_intervals(people, since)
		self.assertEqual(queries.count, 2)
		meetings = frappe.get_all(
			"Coaching Meeting", filters={"pairing": ada.name}, fields=["starts_at", "ends_at"]
		)
		expected = sorted((aware(m.starts_at), aware(m.ends_at)) for m in meetings)
		self.assertEqual(len(expected), 2)
		self.assertEqual(sorted(busy[self.xavier]), expected)
		self.assertEqual(sorted(busy[self.ada]), expected)
		self.assertNotIn(self.cleo, busy)


class TestCoachingPrivacy(CoachingTestCase):
	def test_each_sees_their_own_pairing_and_meetings_and_coordinators_never_read_notes(self):
		pairing = self.pair(self.ada, self.xavier)
		meeting = frappe.get_all("Coaching Meeting", filters={"pairing": pairing.name}, pluck="name")[0]
		frappe.set_user(user_of(self.ada))
		note = frappe.get_doc(
			{"doctype": "Coaching Note", "meeting": meeting, "note": "worried about nights"}
		)
		note.insert()

		frappe.set_user(user_of(self.xavier))
		self.assertEqual(frappe.get_list("Coach Pairing", pluck="name"), [pairing.name])
		self.assertEqual(frappe.get_list("Coaching Note", pluck="name"), [note.name])

		frappe.set_user(user_of(self.ben))
		self.assertEqual(frappe.get_list("Coach Pairing", pluck="name"), [])
		self.assertEqual(frappe.get_list("Coaching Meeting", pluck="name"), [])
		self.assertEqual(frappe.get_list("Coaching Note", pluck="name"), [])
		self.assertFalse(frappe.has_permission("Coaching Note", doc=note.name))

		frappe.set_user(make_user("coaching-coord@cc-test.example", roles=("Cover Coordinator",)))
		self.assertIn(pairing.name, frappe.get_list("Coach Pairing", pluck="name"))
		with self.assertRaises(frappe.PermissionError):
			frappe.get_list("Coaching Note", filters={"note": ("like", "%nights%")})
		with self.assertRaises(frappe.PermissionError):
			frappe.client.get("Coaching Note", note.name)

		frappe.set_user(make_user("coaching-director@cc-test.example", roles=("Program Director",)))
		self.assertEqual(frappe.client.get("Coaching Note", note.name)["note"], "worried about nights")

	def test_a_coordinator_who_also_coaches_reads_only_their_own_pairings_notes(self):
		own = self.pair(self.ben, self.yara)
		other = self.pair(self.ada, self.xavier)
		notes = {}
		for pairing, author in ((own, self.ben), (other, self.ada)):
			meeting = frappe.get_all("Coaching Meeting", filters={"pairing": pairing.name}, pluck="name")[0]
			frappe.set_user(user_of(author))
			notes[pairing.name] = frappe.get_doc(
				{"doctype": "Coaching Note", "meeting": meeting, "note": f"private to {pairing.name}"}
			).insert()
		frappe.set_user("Administrator")
		frappe.get_doc("User", user_of(self.yara)).add_roles("Cover Coordinator", "Coach")

		frappe.set_user(user_of(self.yara))
		self.assertEqual(frappe.get_list("Coaching Note", pluck="name"), [notes[own.name].name])
		self.assertFalse(frappe.has_permission("Coaching Note", doc=notes[other.name].name))
		# Counting through Frappe's count door sees the same rows: a probe of the other note finds nothing.
		probe = {"note": ("like", f"%{other.name}%")}
		self.assertEqual(get_count("Coaching Note", filters=probe), 0)
		self.assertEqual(get_count("Coaching Note", filters={"note": ("like", "%private%")}), 1)

	def test_coordinators_see_only_the_pairings_of_their_programmes(self):
		pairing = self.pair(self.ada, self.xavier)
		coordinator = make_user("other-coord@cc-test.example", roles=("Cover Coordinator",))
		restrict_to_program(coordinator, make_program("Other Residency"))
		frappe.set_user(coordinator)
		self.assertEqual(frappe.get_list("Coach Pairing", pluck="name"), [])
		self.assertFalse(frappe.has_permission("Coach Pairing", doc=pairing.name))


class TestCoachingReminders(CoachingTestCase):
	def test_pairs_without_a_meeting_for_six_months_and_their_coordinators_hear_about_it(self):
		year_start = getdate(f"{getdate().year if getdate().month >= 7 else getdate().year - 1}-07-01")
		pairing = self.pair(self.ada, self.xavier, start_date=year_start)
		frappe.db.delete("Coaching Meeting", {"pairing": pairing.name})
		coordinator = make_user("digest-coord@cc-test.example", roles=("Cover Coordinator",))

		with self.freeze_time(year_start + timedelta(days=100)):
			remind_pairs_behind_pace()
		self.assertEqual(frappe.db.get_value("Coach Pairing", pairing.name, "pace"), "On pace")
		for reminder in ("No coaching meeting%", "Coaching is behind pace%"):
			self.assertEqual(frappe.db.count("Notification Log", {"subject": ("like", reminder)}), 0)

		with self.freeze_time(year_start + timedelta(days=200)):
			remind_pairs_behind_pace()
			send_coordinator_digest()
		self.assertEqual(frappe.db.get_value("Coach Pairing", pairing.name, "pace"), "Overdue")
		overdue = frappe.get_all(
			"Notification Log",
			filters={"subject": ("like", "No coaching meeting for 6 months%")},
			pluck="for_user",
		)
		self.assertEqual(sorted(set(overdue)), sorted([user_of(self.ada), user_of(self.xavier)]))
		digest = frappe.get_all(
			"Notification Log", filters={"subject": ("like", "Coaching digest%")}, pluck="for_user"
		)
		self.assertIn(coordinator, digest)
		self.assertNotIn(user_of(self.ada), digest)
