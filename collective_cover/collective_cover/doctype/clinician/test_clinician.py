import frappe
from frappe.tests.utils import FrappeTestCase

from collective_cover.boot import boot_session
from collective_cover.collective_cover.doctype.clinician.clinician import (
	ClinicTemplateError,
	InvalidFTEError,
	TrainingLevelError,
)
from collective_cover.engine.model import TRAINEE_ROLES, Role
from collective_cover.tests.factories import make_program


class TestClinician(FrappeTestCase):
	def setUp(self):
		frappe.db.savepoint("clinician_test")

	def tearDown(self):
		frappe.db.rollback(save_point="clinician_test")

	def new_clinician(self, **fields):
		return frappe.get_doc(
			{
				"doctype": "Clinician",
				"full_name": "Carla Checks",
				"program": make_program(),
				"role": "Resident",
				"training_level": "PGY-1",
				"fte": 1,
				**fields,
			}
		)

	def test_fte_must_be_more_than_zero_and_at_most_one(self):
		for fte in (0, 1.2):
			with self.assertRaisesRegex(
				InvalidFTEError, r"FTE of Carla Checks must be more than 0 and at most 1"
			):
				self.new_clinician(fte=fte).insert()
		self.assertFalse(frappe.db.exists("Clinician", {"full_name": "Carla Checks"}))
		self.assertEqual(self.new_clinician(fte=0.6).insert().fte, 0.6)

	def test_residents_need_a_training_level_and_faculty_have_none(self):
		with self.assertRaisesRegex(
			TrainingLevelError, "Carla Checks is a Resident: set their training level"
		):
			self.new_clinician(training_level=None).insert()
		faculty = self.new_clinician(role="Faculty", training_level="PGY-3").insert()
		self.assertIsNone(faculty.training_level)

	def test_a_cycled_clinic_template_needs_its_anchor_and_a_week_inside_the_cycle(self):
		row = {"weekday": "Tuesday", "half_day": "PM", "site": "Main Clinic", "effective_from": "2026-07-01"}
		for bad in (
			{"cycle_weeks": 5, "cycle_week": 5},
			{"cycle_weeks": 5, "cycle_week": 6, "cycle_anchor": "2026-07-06"},
		):
			with self.subTest(bad=bad), self.assertRaisesRegex(ClinicTemplateError, "Clinic template row 1"):
				self.new_clinician(clinic_templates=[{**row, **bad}]).insert()
		ok = self.new_clinician(
			clinic_templates=[{**row, "cycle_weeks": 5, "cycle_week": 5, "cycle_anchor": "2026-07-06"}]
		).insert()
		self.assertEqual(len(ok.clinic_templates), 1)

	def test_the_form_takes_its_roles_from_the_engine_through_the_boot(self):
		boot = frappe._dict()
		boot_session(boot)
		self.assertEqual(boot.collective_cover["clinician_roles"], [role.value for role in Role])
		self.assertEqual(boot.collective_cover["trainee_roles"], list(TRAINEE_ROLES))
		self.assertEqual(boot.collective_cover["trainee_roles"], ["Resident", "Fellow"])
		meta = frappe.get_meta("Clinician")
		self.assertEqual(meta.get_field("role").options.split("\n"), boot.collective_cover["clinician_roles"])
		# The training fields show, and the level is required, for the trainees the boot names.
		trainees = "eval:frappe.boot.collective_cover.trainee_roles.includes(doc.role)"
		self.assertEqual(
			[
				(df.fieldname, df.depends_on, df.mandatory_depends_on)
				for df in meta.fields
				if df.fieldname in ("training_level", "expected_graduation")
			],
			[("training_level", trainees, trainees), ("expected_graduation", trainees, None)],
		)
