from datetime import timedelta
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.query_builder import Criterion
from frappe.utils import format_datetime, get_datetime, now_datetime

from collective_cover.cover import lifecycle
from collective_cover.cover.ladder_view import ladder_summary
from collective_cover.cover.records import engine_duty, engine_weights
from collective_cover.cover.titles import refresh_title, request_title
from collective_cover.engine.filing import (
	DEFAULT_HORIZON,
	DEFAULT_MAX_DUTY_HOURS,
	FiledDuty,
	FilingRule,
	filing_problems,
)
from collective_cover.engine.units import duty_units
from collective_cover.kernel.access import is_staff
from collective_cover.kernel.dates import aware, naive, zone_or_site

# Set only by the lifecycle (accept, decline, assign, escalate, complete, cancel), never by a save.
LIFECYCLE_FIELDS = (
	"status",
	"submitted_at",
	"covered_by",
	"covered_at",
	"cover_method",
	"ladder_stage",
	"next_escalation_at",
	"starts_at",
	"ends_at",
	"total_units",
	"program",
)


class OverlappingRequestError(frappe.ValidationError):
	pass


class RequesterError(frappe.ValidationError):
	pass


class DutyError(frappe.ValidationError):
	pass


class CannotCancelCoveredError(frappe.ValidationError):
	pass


class LifecycleFieldError(frappe.ValidationError):
	pass


def request_only(fieldname: str) -> property:
	"""A virtual field that carries what the form sent during this request and is never stored."""
	return property(
		lambda doc: doc.__dict__.get(fieldname),
		lambda doc, value: doc.__dict__.__setitem__(fieldname, value),
	)


class CoverRequest(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from collective_cover.collective_cover.doctype.cover_request_duty.cover_request_duty import (
			CoverRequestDuty,
		)

		amended_from: DF.Link | None
		cover_method: DF.Literal[
			"", "Volunteered", "Assigned", "Assigned from overflow", "Coordinator override"
		]
		covered_at: DF.Datetime | None
		covered_by: DF.Link | None
		duties: DF.Table[CoverRequestDuty]
		ends_at: DF.Datetime | None
		ladder_stage: DF.Data | None
		next_escalation_at: DF.Datetime | None
		override_reason: DF.SmallText | None
		pool: DF.Link
		program: DF.Link | None
		reason_category: DF.Literal["", "Illness", "Family emergency", "Bereavement", "Personal", "Other"]
		reason_note: DF.SmallText | None
		requester: DF.Link
		starts_at: DF.Datetime | None
		status: DF.Literal[
			"Draft", "Open", "Partially covered", "Covered", "Completed", "Cancelled", "Unfilled"
		]
		submitted_at: DF.Datetime | None
		title: DF.Data | None
		total_units: DF.Float
	# end: auto-generated types
	# Typed by the requester (the reason) or set by a coordinator's assign (the override), kept in
	# Cover Request Reason, which only coordinators and directors can read (see save_private_reason).
	reason_category = request_only("reason_category")
	reason_note = request_only("reason_note")
	override_reason = request_only("override_reason")

	def before_validate(self):
		# Runs before the door checks (kernel.validators.check_values), so it reads no field values
		# beyond who is filing.
		self.set_requester_for_clinicians()

	def validate(self):
		self.validate_required()
		self.reset_lifecycle_fields()
		self.validate_requester()
		self.validate_filing()
		self.set_units_and_span()
		self.validate_no_overlapping_request()
		self.title = request_title(self)

	def before_update_after_submit(self):
		self.validate_lifecycle_unchanged()

	def onload(self):
		self.load_private_reason()
		# The form offers Cancel only to those who may cancel this request now.
		self.set_onload(
			"can_cancel", self.docstatus == 1 and self.has_permission("cancel") and not self.cancel_refusal()
		)
		if is_staff():
			self.set_onload("ladder", ladder_summary(self))

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
		filed_at = self.filing_time()
		self.db_set({"status": "Open", "submitted_at": filed_at, "ladder_stage": "New"})
		# Filing offers to the first few ranked: only their shifts need reading.
		ctx = lifecycle.RequestContext(self, now=aware(filed_at), lazy_schedules=True)
		lifecycle.run_ladder(ctx)
		lifecycle.schedule_submission_snapshot(ctx)

	def before_cancel(self):
		refusal = self.cancel_refusal()
		if refusal:
			frappe.throw(refusal, CannotCancelCoveredError, title=_("Already covered"))

	def cancel_refusal(self) -> str | None:
		"""Why a requester may not cancel this request, if they may not: once it is covered only a
		coordinator cancels it (the permission hook keeps everyone else but staff from cancelling)."""
		if self.status in ("Partially covered", *lifecycle.COVERED_STATUSES) and not is_staff():
			return _("{0} is already covered; ask a coordinator to cancel it.").format(self.name)
		return None

	def on_cancel(self):
		self.db_set({"status": "Cancelled", "next_escalation_at": None})
		refresh_title(self)  # a cancelled request has no coverer

	def filing_time(self):
		"""Now; or, when the demo replays a past year (`flags.filed_at`, which no request can set), the
		moment the request is filed in that history."""
		return self.flags.filed_at or now_datetime()

	def reset_lifecycle_fields(self):
		"""Until it is filed a request has no lifecycle: whatever a caller sent for the fields the
		lifecycle owns is dropped, so a request can never be filed already "covered"."""
		for field in LIFECYCLE_FIELDS:
			self.set(field, None)
		self.status = "Draft"
		self.program = frappe.db.get_value("Jeopardy Pool", self.pool, "program")

	def validate_lifecycle_unchanged(self):
		before = self.get_doc_before_save()
		changed = [
			self.meta.get_label(field)
			for field in LIFECYCLE_FIELDS
			if before
			and comparable(self.meta.get_field(field), self.get(field))
			!= comparable(self.meta.get_field(field), before.get(field))
		]
		if changed:
			frappe.throw(
				_(
					"{0} of a filed request change only when it is accepted, assigned, escalated, "
					"completed or cancelled, not by editing it."
				).format(", ".join(_(label) for label in changed)),
				LifecycleFieldError,
				title=_("Set by the request's progress"),
			)

	def save_private_reason(self):
		"""The reason fields are virtual: what the requester typed goes to Cover Request Reason, which
		only coordinators and directors can read, so no list filter or export here can reveal it.
		Every request has one, typed into or not, so not even its existence says anything."""
		category, note = self.get("reason_category"), (self.get("reason_note") or "").strip()
		exists = frappe.db.exists("Cover Request Reason", self.name)
		if exists and not (category or note):
			return
		reason = (
			frappe.get_doc("Cover Request Reason", self.name)
			if exists
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
		# Frappe's change log (Version) would otherwise keep what was typed, for every reader of the request.
		self.reason_category = self.reason_note = None

	def load_private_reason(self):
		if not frappe.db.exists("Cover Request Reason", self.name):
			return
		reason = frappe.get_doc("Cover Request Reason", self.name)
		if reason.has_permission("read"):
			self.reason_category, self.reason_note = reason.reason_category, reason.reason_note
			self.override_reason = reason.override_reason

	def set_requester_for_clinicians(self):
		if not is_staff() and not self.requester:
			self.requester = lifecycle.current_clinician()

	def set_units_and_span(self):
		# The pool's weights and zone only: building its members costs more, in a large pool.
		pool = frappe.get_cached_doc("Jeopardy Pool", self.pool)
		weights, zone = engine_weights(pool), ZoneInfo(zone_or_site(pool.time_zone))
		for row in self.duties:
			row.units = duty_units(engine_duty(row), weights, zone)
		self.starts_at = min(get_datetime(r.start) for r in self.duties)
		self.ends_at = max(get_datetime(r.end) for r in self.duties)
		self.total_units = sum(r.units for r in self.duties)

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

	def validate_required(self):
		# Frappe's mandatory check comes after `validate`; the rules below need these three.
		if not (self.pool and self.requester and self.duties):
			frappe.throw(
				_("A cover request needs a pool, a requester and at least one duty."),
				DutyError,
				title=_("Missing details"),
			)
		for row in self.duties:
			if not (row.start and row.end and row.duty_kind):
				frappe.throw(
					_("Duty in row {0} needs a kind, a start and an end.").format(row.idx),
					DutyError,
					title=_("Missing details"),
				)

	def validate_filing(self):
		"""The engine's filing rules (programme, duty times, length, horizon, overlaps); the first
		problem is said in words."""
		pool = frappe.get_cached_doc("Jeopardy Pool", self.pool)
		problems = filing_problems(
			[FiledDuty(row.idx, aware(row.start), aware(row.end)) for row in self.duties],
			frappe.db.get_value("Clinician", self.requester, "program"),
			pool.program,
			aware(self.filing_time()),
			max_duty_hours=pool.max_duty_hours or DEFAULT_MAX_DUTY_HOURS,
			horizon=timedelta(days=pool.filing_horizon_days or DEFAULT_HORIZON.days),
		)
		if problems:
			error = RequesterError if problems[0].rule is FilingRule.OTHER_PROGRAMME else DutyError
			frappe.throw(filing_message(problems[0], self), error, title=_("Cannot file"))

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


def comparable(df, value):
	"""A field's value in one form whatever the caller sent: "2026-12-03T07:00" is the stored datetime."""
	if value is None or value == "":
		return None
	try:
		if df.fieldtype == "Datetime":
			return get_datetime(value)
		if df.fieldtype in ("Float", "Int"):
			return float(value)
	except (TypeError, ValueError):
		return ("unreadable", str(value))
	return str(value)


def filing_message(problem, doc) -> str:
	"""The engine's filing problem in words."""
	rows, figures, rule = problem.rows, problem.figures, problem.rule
	if rule is FilingRule.OTHER_PROGRAMME:
		requester = frappe.db.get_value("Clinician", doc.requester, "full_name") or doc.requester
		return _("{0} is not in programme {1}, so cannot file into pool {2}.").format(
			requester, figures["programme"], doc.pool
		)
	if rule is FilingRule.NO_DUTY:
		return _("Add at least one duty to cover.")
	if rule is FilingRule.ENDS_BEFORE_START:
		return _("Duty in row {0} must end after it starts.").format(rows[0])
	if rule is FilingRule.ALREADY_ENDED:
		return _("Duty in row {0} has already ended ({1}).").format(
			rows[0], format_datetime(naive(figures["end"]))
		)
	if rule is FilingRule.TOO_LONG:
		return _(
			"Duty in row {0} lasts {1} hours; pool {2} takes duties of at most {3} hours. Split it into shifts."
		).format(rows[0], round(figures["hours"], 1), doc.pool, round(figures["max_hours"], 1))
	if rule is FilingRule.BEYOND_HORIZON:
		return _("Duty in row {0} starts more than {1} days ahead; file it closer to the date.").format(
			rows[0], figures["days"]
		)
	return _("Duties in rows {0} and {1} overlap.").format(*rows)
