"""Filing keeps working on a site whose administrator set up Frappe's Assignment Rule on Cover Request,
over HTTP against a real server: the rule assigns and shares the request as configured, and the
clinician who filed it gains no share right."""

import calendar

import frappe

from collective_cover.tests.cases import CommittedPoolTestCase
from collective_cover.tests.factories import make_program, make_user, restrict_to_program, shift_at, user_of
from collective_cover.tests.live_site import api_token

CALL_OUT = "/api/method/collective_cover.api.my_cover.call_out"
SHARE = "/api/method/frappe.share.add"


class TestFilingBesideAnAssignmentRule(CommittedPoolTestCase):
	serve = True

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		# An assignee who cannot read the pool's requests (a coordinator of another programme), so the
		# rule has to share each request with them.
		cls.assignee = make_user(f"rule-assignee-{cls.tag}@cc-test.example", roles=("Cover Coordinator",))
		restrict_to_program(cls.assignee, make_program(f"Rule Programme {cls.tag}"))
		cls.rule = (
			frappe.get_doc(
				{
					"doctype": "Assignment Rule",
					"name": f"Cover triage {cls.tag}",
					"document_type": "Cover Request",
					"rule": "Round Robin",
					"assign_condition": f"pool == '{cls.pool}'",
					"description": "Triage {{ name }}",
					"users": [{"user": cls.assignee}],
					"assignment_days": [{"day": day} for day in calendar.day_name],
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		cls.token = api_token(user_of(cls.requester))
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		requests_ = frappe.get_all("Cover Request", filters={"requester": cls.requester}, pluck="name")
		frappe.db.delete(
			"ToDo", {"reference_type": "Cover Request", "reference_name": ("in", requests_ or [""])}
		)
		frappe.db.delete(
			"DocShare", {"share_doctype": "Cover Request", "share_name": ("in", requests_ or [""])}
		)
		frappe.delete_doc("Assignment Rule", cls.rule, force=True, ignore_permissions=True)
		frappe.db.delete("User Permission", {"user": cls.assignee})
		frappe.db.commit()
		super().tearDownClass()

	def test_a_clinician_files_and_the_rule_assigns_and_shares_as_configured(self):
		start, end = shift_at(72)
		response = self.site.post(
			CALL_OUT,
			self.token,
			json={
				"pool": self.pool,
				"duties": [{"duty_kind": "Day", "start": start.isoformat(), "end": end.isoformat()}],
			},
		)

		self.assertEqual(response.status_code, 200, response.text[:500])
		request = response.json()["message"]["request"]
		frappe.db.rollback()  # a fresh snapshot of what the server committed
		self.assertEqual(frappe.db.get_value("Cover Request", request, ["docstatus", "status"]), (1, "Open"))
		self.assertEqual(
			frappe.get_all(
				"ToDo",
				filters={"reference_type": "Cover Request", "reference_name": request, "status": "Open"},
				fields=["allocated_to", "assignment_rule", "description"],
			),
			[
				{
					"allocated_to": self.assignee,
					"assignment_rule": self.rule,
					"description": f"Triage {request}",
				}
			],
		)
		self.assertEqual(
			frappe.get_all(
				"DocShare",
				filters={"share_doctype": "Cover Request", "share_name": request},
				fields=["user", "read", "write", "submit", "share"],
			),
			[{"user": self.assignee, "read": 1, "write": 0, "submit": 0, "share": 0}],
		)

		# The requester gained no share right: sharing their own request themselves is still refused.
		refused = self.site.post(
			SHARE, self.token, doctype="Cover Request", name=request, user=self.assignee, read=1
		)
		self.assertEqual(refused.status_code, 403, refused.text[:500])
		self.assertIn(f"No permission to share Cover Request {request}", refused.text)
		frappe.db.rollback()
		self.assertEqual(
			frappe.db.count("DocShare", {"share_doctype": "Cover Request", "share_name": request}), 1
		)
