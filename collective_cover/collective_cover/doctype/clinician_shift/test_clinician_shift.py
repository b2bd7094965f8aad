import frappe
from frappe.tests.utils import FrappeTestCase

from collective_cover.collective_cover.doctype.clinician_shift.clinician_shift import (
	UnknownScheduleNameError,
)
from collective_cover.tests.factories import make_clinician, make_program, remove_committed_records

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
