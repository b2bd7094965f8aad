import itertools

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.query_builder import Criterion
from frappe.utils import get_datetime, now_datetime

from collective_cover.collective_cover.doctype.clinician_unavailability.clinician_unavailability import (
	validate_period,
)
from collective_cover.cover import lifecycle
from collective_cover.cover.permissions import is_staff
from collective_cover.cover.records import engine_duty, engine_pool
from collective_cover.engine.units import duty_units


class OverlappingRequestError(frappe.ValidationError):
	pass


class RequesterError(frappe.ValidationError):
	pass


class DutyError(frappe.ValidationError):
	pass


class CannotCancelCoveredError(frappe.ValidationError):
	pass


def request_only(fieldname: str) -> property:
	"""A virtual field that carries what the form sent during this request and is never stored."""
	return property(
		lambda doc: doc.__dict__.get(fieldname),
		lambda doc, value: doc.__dict__.__setitem__(fieldname, value),
	)


class CoverRequest(Document):
	# Typed by the requester, moved to Cover Request Reason on save (see save_private_reason).
	reason_category = request_only("reason_category")
	reason_note = request_only("reason_note")

	def before_validate(self):
		self.set_requester_for_clinicians()
		self.set_units_and_span()

	def validate(self):
		self.validate_requester()
		self.validate_duties()
		self.validate_no_overlapping_request()

	def onload(self):
		self.load_private_reason()

	def after_insert(self):
		self.save_private_reason()
		# The web form is the 5 a.m. path: saving it files the request at once. A fresh copy is
		# submitted because Frappe runs this document's post-save hooks after after_insert, and a
		# submit of `self` here would make them run on_submit (and its offers) a second time.
		if frappe.flags.in_web_form:
			filed = frappe.get_doc(self.doctype, self.name)
			filed.flags.ignore_permissions = True
			filed.submit()

	def on_update(self):
		if not self.is_new():
			self.save_private_reason()

	def on_submit(self):
		self.db_set({"status": "Open", "submitted_at": now_datetime(), "ladder_stage": "New"})
		ctx = lifecycle.RequestContext(self)
		lifecycle.write_ranking_snapshot(ctx, _("At submission"))
		lifecycle.run_ladder(ctx)

	def before_cancel(self):
		if self.status in ("Covered", "Completed") and not is_staff():
			frappe.throw(
				_("{0} is already covered; ask a coordinator to cancel it.").format(self.name),
				CannotCancelCoveredError,
				title=_("Already covered"),
			)

	def on_cancel(self):
		self.db_set({"status": "Cancelled", "next_escalation_at": None})

	def save_private_reason(self):
		"""The reason fields are virtual: what the requester typed goes to Cover Request Reason, which
		only coordinators and directors can read, so no list filter or export here can reveal it."""
		category, note = self.get("reason_category"), (self.get("reason_note") or "").strip()
		if not (category or note):
			return
		reason = (
			frappe.get_doc("Cover Request Reason", self.name)
			if frappe.db.exists("Cover Request Reason", self.name)
			else frappe.new_doc("Cover Request Reason", cover_request=self.name)
		)
		reason.update(
			{
				"program": self.program,
				"requester": self.requester,
				"reason_category": category,
				"reason_note": note,
			}
		)
		reason.save(ignore_permissions=True)  # the requester writes a record they may never read

	def load_private_reason(self):
		if frappe.has_permission("Cover Request Reason", "read") and frappe.db.exists(
			"Cover Request Reason", self.name
		):
			reason = frappe.get_doc("Cover Request Reason", self.name)
			if reason.has_permission("read"):
				self.reason_category, self.reason_note = reason.reason_category, reason.reason_note

	def set_requester_for_clinicians(self):
		if not is_staff() and not self.requester:
			self.requester = lifecycle.current_clinician()

	def set_units_and_span(self):
		if not self.duties or not self.pool:
			return
		weights = engine_pool(frappe.get_cached_doc("Jeopardy Pool", self.pool)).weights
		for row in self.duties:
			if row.start and row.end and get_datetime(row.end) > get_datetime(row.start):
				row.units = duty_units(engine_duty(row), weights)
		starts = [get_datetime(r.start) for r in self.duties if r.start]
		ends = [get_datetime(r.end) for r in self.duties if r.end]
		self.starts_at = min(starts) if starts else None
		self.ends_at = max(ends) if ends else None
		self.total_units = sum(r.units or 0 for r in self.duties)

	def validate_requester(self):
		"""Clinicians file for themselves; coordinators may file on someone's behalf."""
		if is_staff():
			return
		if self.requester != lifecycle.current_clinician():
			frappe.throw(
				_("You can only file cover requests for yourself."),
				RequesterError,
				title=_("Not your request"),
			)

	def validate_duties(self):
		if not self.duties:
			frappe.throw(_("Add at least one duty to cover."), DutyError, title=_("No duty"))
		now = now_datetime()
		for row in self.duties:
			validate_period(row.start, row.end, _("Duty in row {0}").format(row.idx))
			if get_datetime(row.end) <= now:
				frappe.throw(
					_("Duty in row {0} has already ended ({1}).").format(row.idx, row.end),
					DutyError,
					title=_("Duty in the past"),
				)
		rows = sorted(self.duties, key=lambda r: get_datetime(r.start))
		for earlier, later in itertools.pairwise(rows):
			if get_datetime(later.start) < get_datetime(earlier.end):
				frappe.throw(
					_("Duties in rows {0} and {1} overlap.").format(earlier.idx, later.idx),
					DutyError,
					title=_("Overlapping duties"),
				)

	def validate_no_overlapping_request(self):
		"""One request per requester per overlapping time span (a multi-day absence is one request)."""
		req, duty = frappe.qb.DocType("Cover Request"), frappe.qb.DocType("Cover Request Duty")
		overlaps = Criterion.any([(duty.start < row.end) & (duty.end > row.start) for row in self.duties])
		clash = (
			frappe.qb.from_(req)
			.join(duty)
			.on((duty.parent == req.name) & (duty.parenttype == "Cover Request"))
			.select(req.name)
			.where(
				(req.requester == self.requester)
				& (req.name != (self.name or ""))
				& (req.docstatus < 2)
				& (req.status.notin(["Cancelled"]))
				& overlaps
			)
			.limit(1)
		).run(pluck=True)
		if clash:
			frappe.throw(
				_(
					"You already have cover request {0} for an overlapping time; add duties to it instead."
				).format(clash[0]),
				OverlappingRequestError,
				title=_("Overlapping request"),
			)
