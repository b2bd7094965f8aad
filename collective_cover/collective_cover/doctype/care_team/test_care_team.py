import frappe

from collective_cover.collective_cover.doctype.care_team.care_team import (
	CareTeamMemberError,
	PatientIdentifierError,
)
from collective_cover.tests.cases import CoverRequestTestCase
from collective_cover.tests.factories import PROGRAM, make_request, ranking_of, user_of


class TestCareTeam(CoverRequestTestCase):
	def care_team(self, label, members):
		return frappe.get_doc(
			{
				"doctype": "Care Team",
				"label": label,
				"program": PROGRAM,
				"members": [{"clinician": c, "team_role": role} for c, role in members],
			}
		).insert()

	def test_labels_that_look_like_patient_identifiers_are_refused(self):
		for label in ("Team for MRN 1234567", "Mr B, DOB 12/03/1987"):
			with self.subTest(label=label), self.assertRaises(PatientIdentifierError):
				self.care_team(label, [(self.requester, "Resident")])
		self.assertEqual(frappe.db.count("Care Team"), 0)

	def test_a_clinician_is_on_a_team_once(self):
		with self.assertRaises(CareTeamMemberError):
			self.care_team(
				"Heart failure clinic team", [(self.requester, "Resident"), (self.requester, "Nurse")]
			)

	def test_the_ranking_prefers_the_requesters_care_team_colleague(self):
		colleague = self.members[4]
		self.care_team("Heart failure clinic team", [(self.requester, "Resident"), (colleague, "Nurse")])
		doc = make_request(self.requester, self.pool)
		first = ranking_of(doc.name)[0]
		self.assertEqual((first.clinician, first.rank), (colleague, 1))
		self.assertIn("care team", first.reasons)

	def test_clinicians_see_only_the_teams_they_are_on(self):
		team = self.care_team(
			"Complex care team", [(self.requester, "Resident"), (self.members[0], "Faculty")]
		)
		frappe.set_user(user_of(self.members[0]))
		self.assertEqual(frappe.get_list("Care Team", pluck="name"), [team.name])
		frappe.set_user(user_of(self.members[1]))
		self.assertEqual(frappe.get_list("Care Team", pluck="name"), [])
