from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, get_system_timezone, getdate

from collective_cover.api.my_cover import call_out, my_requests, my_shifts
from collective_cover.collective_cover.doctype.clinician_shift.clinician_shift import (
	UnknownScheduleNameError,
)
from collective_cover.cover import lifecycle
from collective_cover.cover.handover import ShiftAlreadyCalledOutError, ShiftNotYoursError
from collective_cover.tests.cases import CoverRequestTestCase
from collective_cover.tests.factories import (
	make_clinician,
	make_pool,
	make_program,
	make_shift,
	remove_committed_records,
	shift_at,
	user_of,
)

TEMPLATE = frappe.get_app_path("collective_cover", "templates", "imports", "clinician_shift.csv")


class TestClinicianShiftImport(FrappeTestCase):
	"""Scheduled duties arrive from Amion or QGenda exports through Frappe's own Data Import, which
	commits row by row; so this class commits its records and removes them afterwards."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tag = frappe.generate_hash(length=6)
		make_program()
		cls.ada = make_clinician(f"Ada Lovelace {cls.tag}")
		cls.grace = make_clinician(f"Grace Hopper {cls.tag}", role="Faculty")
		frappe.db.set_value("Clinician", cls.ada, "schedule_name", "Ada Lovelace")
		frappe.db.set_value("Clinician", cls.grace, "schedule_name", "Grace Hopper")
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		for data_import in frappe.get_all(
			"Data Import", filters={"reference_doctype": "Clinician Shift"}, pluck="name"
		):
			frappe.db.delete("Data Import Log", {"data_import": data_import})
			frappe.delete_doc("Data Import", data_import, force=True, ignore_permissions=True)
		remove_committed_records(cls.tag)
		super().tearDownClass()

	def import_csv(self, content: bytes):
		file = frappe.get_doc(
			{"doctype": "File", "file_name": "shifts.csv", "content": content, "is_private": 1}
		).insert()
		data_import = frappe.get_doc(
			{
				"doctype": "Data Import",
				"reference_doctype": "Clinician Shift",
				"import_type": "Insert New Records",
				"import_file": file.file_url,
			}
		).insert()
		frappe.db.commit()
		data_import.start_import()
		return data_import.reload()

	def imported(self):
		return frappe.get_all(
			"Clinician Shift",
			filters={"clinician": ("in", [self.ada, self.grace])},
			fields=["clinician", "duty_kind", "start", "end", "service", "in_house_call"],
			order_by="start asc",
		)

	def test_the_shipped_template_imports_with_frappes_data_import(self):
		with open(TEMPLATE, "rb") as template:
			data_import = self.import_csv(template.read())
		self.assertEqual(data_import.status, "Success")
		self.assertEqual(
			[(s.clinician, s.duty_kind, str(s.start), str(s.end)) for s in self.imported()],
			[
				(self.ada, "Day", "2026-09-01 07:00:00", "2026-09-01 19:00:00"),
				(self.grace, "Clinic half-day", "2026-09-02 08:00:00", "2026-09-02 12:00:00"),
				(self.ada, "Night", "2026-09-03 19:00:00", "2026-09-04 07:00:00"),
			],
		)
		frappe.db.delete("Clinician Shift", {"clinician": ("in", [self.ada, self.grace])})
		frappe.db.commit()

	def test_a_full_name_matches_when_no_schedule_name_does(self):
		content = f"Schedule Name,Duty Kind,Start,End\nAda Lovelace {self.tag},24h call,2026-10-01 08:00:00,2026-10-02 08:00:00\n"
		data_import = self.import_csv(content.encode())
		self.assertEqual(data_import.status, "Success")
		self.assertEqual(
			[(s.clinician, s.duty_kind, s.in_house_call) for s in self.imported()],
			[(self.ada, "24h call", 1)],
		)
		frappe.db.delete("Clinician Shift", {"clinician": ("in", [self.ada, self.grace])})
		frappe.db.commit()

	def test_an_unknown_schedule_name_fails_that_row_with_a_clear_message(self):
		content = (
			b"Schedule Name,Duty Kind,Start,End\nNobody Known,Day,2026-09-01 07:00:00,2026-09-01 19:00:00\n"
		)
		data_import = self.import_csv(content)
		self.assertEqual(data_import.status, "Error")
		messages = " ".join(
			frappe.get_all("Data Import Log", filters={"data_import": data_import.name}, pluck="messages")
		)
		self.assertIn("No clinician is known as", messages)
		self.assertFalse(frappe.db.exists("Clinician Shift", {"schedule_name": "Nobody Known"}))

	def test_a_shift_must_name_someone(self):
		with self.assertRaisesRegex(UnknownScheduleNameError, "Set the clinician or their schedule name"):
			frappe.get_doc(
				{"doctype": "Clinician Shift", "start": "2026-09-01 07:00:00", "end": "2026-09-01 19:00:00"}
			).insert()
		frappe.db.rollback()


class TestShiftHandover(CoverRequestTestCase):
	"""A shift called out of from the schedule is handed over to its coverer and given back on cancel."""

	def own_shift(self, clinician=None, hours_from_now: float = 48, **fields):
		start, end = shift_at(hours_from_now)
		fields = {"service": "Wards B", "site": "North Site", **fields}
		return make_shift(clinician or self.requester, start, end, "Night", **fields)

	def call_out_of(self, *shifts) -> str:
		frappe.set_user(user_of(self.requester))
		filed = call_out(self.pool, [{"shift": shift.name} for shift in shifts])
		frappe.set_user("Administrator")
		return filed["request"]

	def handover_of(self, shift) -> tuple:
		request, status = frappe.db.get_value(
			"Clinician Shift", shift.name, ["handed_over_by_request", "handover_status"]
		)
		return request or None, status or None  # a new row's blank Select is "", a cleared one NULL

	def requester_free_for(self, shift, colleague: int = 1) -> bool:
		"""Whether the requester is eligible to cover a request colleague `colleague` files for the
		shift's times."""
		other = frappe.get_doc(
			{
				"doctype": "Cover Request",
				"requester": self.members[colleague],
				"pool": self.pool,
				"duties": [{"duty_kind": "Night", "start": shift.start, "end": shift.end}],
			}
		).insert(ignore_permissions=True)
		return self.requester in lifecycle.RequestContext(other).ranking.order

	def test_a_duty_filed_from_a_shift_takes_the_shifts_kind_service_site_and_times(self):
		shift = self.own_shift()
		request = self.call_out_of(shift)
		self.assertEqual(
			frappe.get_all(
				"Cover Request Duty",
				filters={"parent": request},
				fields=["duty_kind", "service", "site", "start", "end"],
			),
			[
				{
					"duty_kind": "Night",
					"service": "Wards B",
					"site": "North Site",
					"start": shift.start,
					"end": shift.end,
				}
			],
		)
		self.assertEqual(self.handover_of(shift), (request, "Called out"))

	def test_the_coverer_takes_the_shift_over_and_the_requesters_hours_no_longer_count_it(self):
		shift = self.own_shift()
		request = self.call_out_of(shift)
		self.assertFalse(self.requester_free_for(shift))  # still on the requester's schedule
		frappe.set_user(user_of(self.members[0]))
		lifecycle.accept(request)
		frappe.set_user("Administrator")
		self.assertEqual(self.handover_of(shift), (request, "Handed over"))
		self.assertTrue(self.requester_free_for(shift, colleague=2))
		self.assertEqual(
			frappe.get_all(
				"Clinician Shift",
				filters={"covers_shift": shift.name},
				fields=["clinician", "start", "end", "duty_kind", "source"],
			),
			[
				{
					"clinician": self.members[0],
					"start": shift.start,
					"end": shift.end,
					"duty_kind": "Night",
					"source": "Cover",
				}
			],
		)

	def test_a_cancelled_cover_gives_the_shift_back(self):
		shift = self.own_shift()
		request = self.call_out_of(shift)
		frappe.set_user(user_of(self.members[0]))
		lifecycle.accept(request)
		frappe.set_user("Administrator")
		frappe.get_doc("Cover Request", request).cancel()
		self.assertEqual(self.handover_of(shift), (None, None))
		self.assertFalse(frappe.db.exists("Clinician Shift", {"covers_shift": shift.name}))
		self.assertFalse(self.requester_free_for(shift, colleague=2))
		frappe.set_user(user_of(self.requester))
		self.assertEqual([s["shift"] for s in my_shifts()], [shift.name])  # free to call out of again

	def test_a_shift_is_called_out_of_once_and_only_by_its_clinician_before_it_starts(self):
		mine, theirs, started = (
			self.own_shift(),
			self.own_shift(self.members[0]),
			self.own_shift(hours_from_now=-1),
		)
		first = self.call_out_of(mine)
		before = frappe.db.count("Cover Request", {"requester": self.requester})
		frappe.set_user(user_of(self.requester))
		for shift, error, said in (
			(
				mine,
				ShiftAlreadyCalledOutError,
				f"Your shift {mine.name} is already in your cover request {first}.",
			),
			(theirs, ShiftNotYoursError, f"Shift {theirs.name} is not one of your scheduled shifts."),
			(started, ShiftNotYoursError, f"Your shift {started.name} has started"),
		):
			with self.assertRaises(error) as refused:
				call_out(self.pool, [{"shift": shift.name}])
			self.assertIn(said, str(refused.exception))
		with self.assertRaisesRegex(ShiftAlreadyCalledOutError, "Choose each shift once"):
			call_out(self.pool, [{"shift": theirs.name}, {"shift": theirs.name}])
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.count("Cover Request", {"requester": self.requester}), before)
		self.assertEqual(self.handover_of(theirs), (None, None))

	def test_a_typed_duty_is_a_wall_time_of_the_pools_zone(self):
		pool = make_pool(
			f"Far Pool {self.requester}", [self.requester, *self.members], time_zone="Pacific/Auckland"
		)
		day = add_days(getdate(), 5)
		frappe.set_user(user_of(self.requester))
		filed = call_out(
			pool, [{"duty_kind": "Day", "start": f"{day}T07:00", "end": f"{day}T19:00", "service": "Wards A"}]
		)
		frappe.set_user("Administrator")
		auckland, site = ZoneInfo("Pacific/Auckland"), ZoneInfo(get_system_timezone())
		start = datetime.combine(day, time(7)).replace(tzinfo=auckland).astimezone(site).replace(tzinfo=None)
		self.assertEqual(
			frappe.db.get_value("Cover Request Duty", {"parent": filed["request"]}, ["start", "end"]),
			(start, start + timedelta(hours=12)),
		)
		frappe.set_user(user_of(self.requester))
		(mine,) = [r for r in my_requests() if r["request"] == filed["request"]]
		self.assertTrue(mine["duties"][0]["when"].endswith("07:00 – 19:00 (Pacific/Auckland)"), mine)

	def test_a_desk_filing_of_a_picked_shift_gives_that_shift_away(self):
		shift, other_day = self.own_shift(), self.own_shift(hours_from_now=96)
		frappe.set_user(user_of(self.requester))
		picked = next(s for s in my_shifts() if s["shift"] == shift.name)  # as "Pick from my schedule" does
		doc = frappe.get_doc(
			{
				"doctype": "Cover Request",
				"requester": self.requester,
				"pool": self.pool,
				"duties": [{k: picked[k] for k in ("duty_kind", "service", "site", "start", "end")}],
			}
		).insert()
		doc.submit()
		frappe.set_user("Administrator")
		self.assertEqual(self.handover_of(shift), (doc.name, "Called out"))
		self.assertEqual(self.handover_of(other_day), (None, None))
