import json
from datetime import timedelta

import frappe
from frappe.utils import now_datetime
from frappe.website.doctype.web_form.web_form import accept as accept_web_form

from collective_cover.collective_cover.doctype.cover_ledger_entry.cover_ledger_entry import (
	LedgerIsAppendOnlyError,
)
from collective_cover.collective_cover.doctype.cover_request.cover_request import (
	CannotCancelCoveredError,
	DutyError,
	OverlappingRequestError,
)
from collective_cover.cover import lifecycle
from collective_cover.cover.lifecycle import (
	AlreadyCoveredError,
	NotEligibleError,
	OverrideReasonRequiredError,
)
from collective_cover.tests.cases import CoverRequestTestCase
from collective_cover.tests.factories import (
	make_clinician,
	make_request,
	make_shift,
	offers_of,
	ranking_of,
	user_of,
)


class TestFilingAndOffers(CoverRequestTestCase):
	def test_the_web_form_files_the_request_and_offers_each_member_once(self):
		start = (now_datetime() + timedelta(hours=30)).replace(second=0, microsecond=0)
		frappe.set_user(user_of(self.requester))
		filed = accept_web_form(
			"file-cover-request",
			json.dumps(
				{
					"doctype": "Cover Request",
					"pool": self.pool,
					"duties": [
						{"start": str(start), "end": str(start + timedelta(hours=12)), "duty_kind": "Day"}
					],
					"reason_category": "Illness",
					"reason_note": "fever since 3 am",
				}
			),
		)
		frappe.set_user("Administrator")
		doc = frappe.get_doc("Cover Request", filed.name)
		self.assertEqual((doc.docstatus, doc.status, doc.requester), (1, "Open", self.requester))
		self.assertEqual(len({r.clinician for r in offers_of(doc.name)}), 3)
		self.assertEqual(len(offers_of(doc.name)), 3)
		self.assertEqual(len(ranking_of(doc.name)), len(self.members) + 1)
		self.assertEqual(
			frappe.db.get_value("Cover Request Reason", doc.name, "reason_note"), "fever since 3 am"
		)

	def test_submit_opens_the_request_ranks_the_pool_and_offers_the_top_three(self):
		doc = make_request(
			self.requester, self.pool, reason_category="Illness", reason_note="fever since 3 am"
		)
		doc.reload()
		self.assertEqual(doc.status, "Open")
		self.assertEqual(doc.ladder_stage, "Offered to top ranked")
		self.assertEqual(doc.total_units, 1.0)
		ranked = [r for r in ranking_of(doc.name) if r.eligible]
		excluded = [r for r in ranking_of(doc.name) if not r.eligible]
		self.assertEqual(sorted(r.clinician for r in ranked), sorted(self.members))
		self.assertEqual([r.rank for r in ranked], [1, 2, 3, 4, 5])
		self.assertEqual([(r.clinician, r.reasons) for r in excluded], [(self.requester, "is the requester")])
		top_three = [r.clinician for r in ranked[:3]]
		self.assertEqual([o.clinician for o in offers_of(doc.name)], top_three)
		self.assertEqual(doc.next_escalation_at, doc.submitted_at + timedelta(minutes=15))

	def test_offer_notifications_reach_the_offered_and_never_carry_the_reason_or_requester(self):
		doc = make_request(
			self.requester, self.pool, reason_category="Illness", reason_note="fever since 3 am"
		)
		doc.reload()
		offered_users = {user_of(o.clinician) for o in offers_of(doc.name)}
		self.assertEqual(len(offered_users), 3)
		logs = frappe.get_all(
			"Notification Log",
			filters={"link": ("like", f"%{doc.name}%")},
			fields=["for_user", "subject", "email_content"],
		)
		self.assertEqual({log.for_user for log in logs}, offered_users)
		emails = frappe.get_all(
			"Email Queue", filters={"reference_name": doc.name}, fields=["name", "message"]
		)
		self.assertEqual(len(emails), 1)
		recipients = set(
			frappe.get_all("Email Queue Recipient", filters={"parent": emails[0].name}, pluck="recipient")
		)
		self.assertEqual(recipients, offered_users)
		for text in [log.subject + (log.email_content or "") for log in logs] + [emails[0].message]:
			self.assertNotIn("fever", text)
			self.assertNotIn("Illness", text)
			self.assertNotIn("Ada Requester", text)
		self.assertIn("Cover needed: Day Wards A", logs[0].subject)

	def test_overlapping_request_from_the_same_requester_is_refused_and_nothing_written(self):
		make_request(self.requester, self.pool, hours_from_now=48)
		before = frappe.db.count("Cover Request")
		with self.assertRaises(OverlappingRequestError):
			make_request(self.requester, self.pool, hours_from_now=54)
		self.assertEqual(frappe.db.count("Cover Request"), before)

	def test_duties_must_be_in_the_future_and_must_not_overlap(self):
		with self.assertRaisesRegex(DutyError, "has already ended"):
			make_request(self.requester, self.pool, hours_from_now=-20, hours=8)
		start = now_datetime() + timedelta(days=2)
		doc = frappe.get_doc(
			{
				"doctype": "Cover Request",
				"requester": self.requester,
				"pool": self.pool,
				"duties": [
					{"start": start, "end": start + timedelta(hours=12), "duty_kind": "Day"},
					{
						"start": start + timedelta(hours=6),
						"end": start + timedelta(hours=18),
						"duty_kind": "Night",
					},
				],
			}
		)
		with self.assertRaisesRegex(DutyError, "Duties in rows 1 and 2 overlap"):
			doc.insert()


class TestAcceptAssignCancel(CoverRequestTestCase):
	def test_first_accept_wins_and_writes_one_ledger_row(self):
		doc = make_request(self.requester, self.pool)
		winner, late = self.members[3], self.members[4]
		frappe.set_user(user_of(winner))
		lifecycle.accept(doc.name)
		frappe.set_user(user_of(late))
		with self.assertRaisesRegex(AlreadyCoveredError, f"Cover request {doc.name} is already covered"):
			lifecycle.accept(doc.name)
		frappe.set_user("Administrator")
		doc.reload()
		self.assertEqual((doc.status, doc.covered_by, doc.cover_method), ("Covered", winner, "Volunteered"))
		self.assertEqual(self.ledger(doc.name), [{"clinician": winner, "entry_type": "Cover", "units": 1.0}])
		shift = frappe.get_all(
			"Clinician Shift", filters={"cover_request": doc.name}, fields=["clinician", "source"]
		)
		self.assertEqual(shift, [{"clinician": winner, "source": "Cover"}])

	def test_the_requester_cannot_accept_their_own_request(self):
		doc = make_request(self.requester, self.pool)
		frappe.set_user(user_of(self.requester))
		with self.assertRaisesRegex(NotEligibleError, "is the requester"):
			lifecycle.accept(doc.name)
		frappe.set_user("Administrator")
		self.assertEqual(self.ledger(doc.name), [])

	def test_an_ineligible_member_cannot_accept(self):
		doc = make_request(self.requester, self.pool)
		busy = self.members[0]
		make_shift(busy, doc.duties[0].start, doc.duties[0].end)
		frappe.set_user(user_of(busy))
		with self.assertRaisesRegex(NotEligibleError, "has their own day shift"):
			lifecycle.accept(doc.name)

	def test_coordinator_override_needs_a_reason_for_an_ineligible_member(self):
		doc = make_request(self.requester, self.pool)
		with self.assertRaisesRegex(OverrideReasonRequiredError, "not a member of pool"):
			lifecycle.assign(doc.name, make_clinician("Otto Outsider"))
		# The requester is never assigned their own request, not even with a reason.
		with self.assertRaisesRegex(lifecycle.NotEligibleError, "assign somebody else"):
			lifecycle.assign(doc.name, self.requester, override_reason="nobody else")
		lifecycle.assign(doc.name, self.members[2], override_reason=None)
		doc.reload()
		self.assertEqual((doc.covered_by, doc.cover_method), (self.members[2], "Assigned"))

	def test_cancel_writes_reversals_and_keeps_the_original_rows(self):
		doc = make_request(self.requester, self.pool)
		lifecycle.assign(doc.name, self.members[0])
		doc.reload()
		doc.cancel()
		self.assertEqual(
			self.ledger(doc.name),
			[
				{"clinician": self.members[0], "entry_type": "Cover", "units": 1.0},
				{"clinician": self.members[0], "entry_type": "Reversal", "units": -1.0},
			],
		)
		self.assertEqual(frappe.db.count("Clinician Shift", {"cover_request": doc.name}), 0)
		self.assertEqual(frappe.db.get_value("Cover Request", doc.name, "status"), "Cancelled")

	def test_requester_cannot_cancel_once_covered(self):
		doc = make_request(self.requester, self.pool)
		lifecycle.assign(doc.name, self.members[0])
		frappe.set_user(user_of(self.requester))
		doc = frappe.get_doc("Cover Request", doc.name)
		with self.assertRaisesRegex(CannotCancelCoveredError, "ask a coordinator"):
			doc.cancel()

	def test_ledger_rows_cannot_be_written_edited_or_deleted_by_hand(self):
		doc = make_request(self.requester, self.pool)
		lifecycle.assign(doc.name, self.members[0])
		with self.assertRaises(LedgerIsAppendOnlyError):
			frappe.get_doc(
				{
					"doctype": "Cover Ledger Entry",
					"clinician": self.members[1],
					"pool": self.pool,
					"program": "Test IM Residency",
					"entry_type": "Cover",
					"units": 5,
					"posting_datetime": now_datetime(),
				}
			).insert(ignore_permissions=True)
		row = frappe.get_doc("Cover Ledger Entry", {"cover_request": doc.name})
		row.units = 0
		with self.assertRaisesRegex(LedgerIsAppendOnlyError, "cannot be edited"):
			row.save(ignore_permissions=True)
		with self.assertRaisesRegex(LedgerIsAppendOnlyError, "cannot be deleted"):
			frappe.delete_doc("Cover Ledger Entry", row.name, ignore_permissions=True)
