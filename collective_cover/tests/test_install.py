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

	def test_workspace_number_cards_and_charts_ship_with_the_app(self):
		workspace = frappe.get_doc("Workspace", "Collective Cover")
		self.assertTrue(workspace.public)
		cards = ("Open Cover Requests", "Unfilled This Month", "Coaching Overdue")
		charts = ("Cover Requests per Week by Outcome", "Burden Distribution")
		self.assertEqual(tuple(row.number_card_name for row in workspace.number_cards), cards)
		self.assertEqual(tuple(row.chart_name for row in workspace.charts), charts)
		for card in cards:
			self.assertTrue(frappe.db.exists("Number Card", {"name": card, "is_standard": 1}), card)
		for chart in charts:
			self.assertEqual(frappe.db.get_value("Dashboard Chart", chart, "chart_type"), "Custom", chart)
		report = frappe.get_doc("Report", "Open Cover Requests")
		self.assertEqual((report.report_type, report.is_standard), ("Report Builder", "Yes"))
