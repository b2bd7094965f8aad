"""What a coordinator reads on Desk: the request's title, who may cancel it, and the ranking summary."""

from datetime import date, datetime, time, timedelta

import frappe
from frappe.desk.search import get_link_title, search_link
from frappe.utils import getdate

from collective_cover.collective_cover.doctype.cover_request.cover_request import CannotCancelCoveredError
from collective_cover.cover import lifecycle
from collective_cover.cover.ladder_view import excluded_groups
from collective_cover.tests.cases import CoverRequestTestCase
from collective_cover.tests.factories import (
	make_clinician,
	make_pool,
	make_request,
	make_shift,
	make_user,
	user_of,
)


def day_shift(day: date, service: str = "Wards A") -> dict:
	return {
		"start": datetime.combine(day, time(7)),
		"end": datetime.combine(day, time(19)),
		"duty_kind": "Day",
		"service": service,
	}


def said(day: date, month: bool = True) -> str:
	"""A day as the title says it, spelt out independently of the app's formatting: "Tue 15 Dec"."""
	return f"{day:%a} {day.day} {day:%b}" if month else f"{day:%a} {day.day}"


class TestCoverRequestTitle(CoverRequestTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		# A day at least three days ahead with two more days after it in the same month.
		day = getdate() + timedelta(days=3)
		while day.day > 26:
			day += timedelta(days=1)
		cls.day = day

	def title(self, doc) -> str:
		return frappe.db.get_value("Cover Request", doc.name, "title")

	def test_the_title_says_what_where_when_and_who_and_follows_the_coverer(self):
		doc = make_request(self.requester, self.pool, duties=[day_shift(self.day)])
		self.assertEqual(self.title(doc), f"Day · Wards A · {said(self.day)} (Ada Requester)")

		frappe.set_user(user_of(self.members[0]))
		lifecycle.accept(doc.name)
		frappe.set_user("Administrator")
		self.assertEqual(self.title(doc), f"Day · Wards A · {said(self.day)} (Ada Requester → Member 1)")

		doc.reload()
		doc.cancel()
		self.assertEqual(self.title(doc), f"Day · Wards A · {said(self.day)} (Ada Requester)")

	def test_an_assigned_request_names_the_assigned_coverer(self):
		doc = make_request(self.requester, self.pool, duties=[day_shift(self.day)])
		lifecycle.assign(doc.name, self.members[2])
		self.assertEqual(self.title(doc), f"Day · Wards A · {said(self.day)} (Ada Requester → Member 3)")
		self.assertEqual(
			frappe.get_list("Cover Request", filters={"name": doc.name}, pluck="title"),
			[f"Day · Wards A · {said(self.day)} (Ada Requester → Member 3)"],
		)

	def test_a_multi_day_absence_counts_its_duties_and_spans_its_days(self):
		days = [self.day + timedelta(days=i) for i in range(3)]
		duties = [day_shift(d) for d in days[:2]] + [{**day_shift(days[2], "Wards B"), "duty_kind": "Night"}]
		doc = make_request(self.requester, self.pool, duties=duties)
		self.assertEqual(
			self.title(doc),
			f"Day ×2 + Night · Wards A and 1 more · {said(days[0], month=False)} – {said(days[2])} "
			"(Ada Requester)",
		)

	def test_a_span_across_months_names_both_months(self):
		last_of_month = date(self.day.year + self.day.month // 12, self.day.month % 12 + 1, 1) - timedelta(1)
		days = [last_of_month, last_of_month + timedelta(days=1)]
		doc = make_request(self.requester, self.pool, duties=[day_shift(d) for d in days])
		self.assertEqual(
			self.title(doc), f"Day ×2 · Wards A · {said(days[0])} – {said(days[1])} (Ada Requester)"
		)

	def test_other_members_of_the_pool_cannot_read_the_title_through_links_or_search(self):
		doc = make_request(self.requester, self.pool, duties=[day_shift(self.day)])
		frappe.set_user(user_of(self.members[4]))
		self.assertEqual(get_link_title("Cover Request", doc.name), doc.name)
		found = search_link("Cover Request", "", page_length=100)
		self.assertNotIn(doc.name, [row["value"] for row in found])
		self.assertNotIn("Ada Requester", frappe.as_json(found))
		self.assertEqual(frappe.get_list("Cover Request", fields=["title"]), [])


class TestWhoMayCancel(CoverRequestTestCase):
	def can_cancel(self, doc) -> bool:
		loaded = frappe.get_doc("Cover Request", doc.name)
		loaded.run_method("onload")
		return loaded.get_onload().can_cancel

	def test_the_coverer_is_not_offered_cancel_and_cannot_cancel(self):
		doc = make_request(self.requester, self.pool)
		frappe.set_user(user_of(self.requester))
		self.assertTrue(self.can_cancel(doc))
		frappe.set_user(user_of(self.members[0]))
		lifecycle.accept(doc.name)
		self.assertFalse(self.can_cancel(doc))
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc("Cover Request", doc.name).cancel()
		frappe.set_user(user_of(self.requester))
		self.assertFalse(self.can_cancel(doc))
		with self.assertRaisesRegex(CannotCancelCoveredError, "ask a coordinator"):
			frappe.get_doc("Cover Request", doc.name).cancel()
		frappe.set_user("Administrator")
		self.assertEqual(
			frappe.db.get_value("Cover Request", doc.name, ["docstatus", "status"]), (1, "Covered")
		)
		self.assertEqual(len(self.ledger(doc.name)), 1)  # no reversal was written

	def test_a_coordinator_is_offered_cancel_on_any_filed_request(self):
		doc = make_request(self.requester, self.pool)
		lifecycle.assign(doc.name, self.members[1])
		frappe.set_user(make_user("desk-coordinator@cc-test.example", roles=("Cover Coordinator",)))
		self.assertTrue(self.can_cancel(doc))


class TestRankingSummary(CoverRequestTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.big = [make_clinician(f"Summary Member {i:02d}") for i in range(1, 13)]
		cls.big_pool = make_pool("Summary Pool", [cls.requester, *cls.big])

	def summary(self, doc) -> dict:
		loaded = frappe.get_doc("Cover Request", doc.name)
		loaded.run_method("onload")
		return loaded.get_onload().ladder

	def own_shift(self, clinician, start, end):
		make_shift(clinician, start, end)

	def test_excluded_members_are_grouped_by_reason_and_the_requester_left_out(self):
		day = getdate() + timedelta(days=3)
		duty = day_shift(day)
		self.own_shift(self.members[0], duty["start"], duty["end"])
		self.own_shift(
			self.members[1], duty["start"] - timedelta(hours=2), duty["start"] + timedelta(hours=1)
		)
		frappe.get_doc(
			{
				"doctype": "Clinician Unavailability",
				"clinician": self.members[2],
				"kind": "Vacation",
				"from_datetime": datetime.combine(day, time()),
				"to_datetime": datetime.combine(day, time(23, 59)),
			}
		).insert(ignore_permissions=True)
		doc = make_request(self.requester, self.pool, duties=[duty])

		summary = self.summary(doc)
		self.assertEqual(
			summary["excluded"],
			[
				{"reason": "Working a shift of their own", "members": ["Member 1", "Member 2"]},
				{"reason": "On leave or otherwise away", "members": ["Member 3"]},
			],
		)
		# Members 4 and 5 tie; the engine breaks ties by a hash of the request, so either may be first.
		self.assertEqual([row.rank for row in summary["top"]], [1, 2])
		self.assertEqual(sorted(row.clinician_name for row in summary["top"]), ["Member 4", "Member 5"])
		self.assertEqual(summary["eligible"], 2)
		# The full snapshot keeps everyone, requester included, with the engine's sentences.
		self.assertEqual(len(summary["ranking"]), 6)
		self.assertIn(
			("Ada Requester", "is the requester"), [(r.clinician_name, r.reasons) for r in summary["ranking"]]
		)

	def test_the_summary_shows_the_first_ten_of_a_larger_pool(self):
		doc = make_request(self.requester, self.big_pool)
		summary = self.summary(doc)
		self.assertEqual([row.rank for row in summary["top"]], list(range(1, 11)))
		self.assertEqual(summary["eligible"], 12)
		self.assertEqual(summary["excluded"], [])
		self.assertTrue(
			all(row.reasons.endswith("activations in the last 28 days") for row in summary["top"])
		)

	def test_clinicians_get_no_ranking_with_the_form(self):
		doc = make_request(self.requester, self.pool)
		frappe.set_user(user_of(self.requester))
		self.assertIsNone(self.summary(doc))

	def test_snapshots_written_before_reason_codes_group_by_their_first_sentence(self):
		rows = [
			frappe._dict(
				eligible=0, reason_codes=None, reasons="role Faculty may not cover; x", clinician_name=n
			)
			for n in ("Zed", "Amy")
		]
		self.assertEqual(
			excluded_groups(rows), [{"reason": "role Faculty may not cover", "members": ["Amy", "Zed"]}]
		)
