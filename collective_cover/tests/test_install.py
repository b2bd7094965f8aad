import frappe
from frappe.tests.utils import FrappeTestCase

APP_ROLES = ("Clinician", "Coach", "Cover Coordinator", "Program Director")


class TestInstall(FrappeTestCase):
	def test_app_is_installed_with_its_metadata(self):
		self.assertIn("collective_cover", frappe.get_installed_apps())
		self.assertEqual(frappe.get_hooks("app_title", app_name="collective_cover"), ["Collective Cover"])
		self.assertEqual(frappe.get_hooks("app_license", app_name="collective_cover"), ["mit"])

	def test_module_is_registered_to_the_app(self):
		self.assertEqual(
			frappe.db.get_value("Module Def", "Collective Cover", "app_name"), "collective_cover"
		)

	def test_app_roles_exist_with_desk_access(self):
		for role in APP_ROLES:
			with self.subTest(role=role):
				self.assertEqual(frappe.db.get_value("Role", role, ["disabled", "desk_access"]), (0, 1))

	def test_role_fixture_exports_only_this_apps_roles(self):
		(fixture,) = frappe.get_hooks("fixtures", app_name="collective_cover")
		self.assertEqual(fixture["dt"], "Role")
		self.assertEqual(sorted(fixture["filters"][0][2]), sorted(APP_ROLES))
