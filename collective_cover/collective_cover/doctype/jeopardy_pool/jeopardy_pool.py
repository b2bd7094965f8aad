from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_system_timezone, getdate, now_datetime

LADDER_FIELDS = ("offer_top_n", "offer_all_after_minutes", "assign_after_minutes", "near_start_minutes")


class PoolMembershipError(frappe.ValidationError):
	pass


class OverflowPoolError(frappe.ValidationError):
	pass


class LadderError(frappe.ValidationError):
	pass


class UnitWeightError(frappe.ValidationError):
	pass


class PoolTimeZoneError(frappe.ValidationError):
	pass


class JeopardyPool(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from collective_cover.collective_cover.doctype.jeopardy_pool_member.jeopardy_pool_member import (
			JeopardyPoolMember,
		)
		from collective_cover.collective_cover.doctype.jeopardy_pool_role.jeopardy_pool_role import (
			JeopardyPoolRole,
		)
		from collective_cover.collective_cover.doctype.jeopardy_pool_unit_weight.jeopardy_pool_unit_weight import (
			JeopardyPoolUnitWeight,
		)

		allowed_roles: DF.Table[JeopardyPoolRole]
		assign_after_minutes: DF.Int
		block_days: DF.Int
		disabled: DF.Check
		faculty_weekly_hours_limit: DF.Float
		filing_horizon_days: DF.Int
		holiday_multiplier: DF.Float
		max_activations_per_block: DF.Int
		max_activations_per_window: DF.Int
		max_clinic_half_days_lost: DF.Int
		max_duty_hours: DF.Float
		max_rota_days_per_block: DF.Int
		max_units_per_block: DF.Float
		max_units_per_window: DF.Float
		members: DF.Table[JeopardyPoolMember]
		min_level_gap: DF.Int
		near_start_minutes: DF.Int
		offer_all_after_minutes: DF.Int
		offer_top_n: DF.Int
		overflow_pool: DF.Link | None
		policy_changed_on: DF.Datetime | None
		pool_name: DF.Data
		program: DF.Link
		reciprocity_policy: DF.Literal["Collective", "Pool payback", "Individual payback"]
		standby_credit: DF.Float
		time_zone: DF.Autocomplete | None
		unit_weights: DF.Table[JeopardyPoolUnitWeight]
		weekend_multiplier: DF.Float

	# end: auto-generated types
	def before_validate(self):
		self.set_missing_ladder_offsets()
		self.set_time_zone()
		self.stamp_policy_change()

	def validate(self):
		self.validate_members()
		self.validate_unit_weights()
		self.validate_overflow_pool()
		self.validate_ladder()
		self.validate_time_zone()

	def set_missing_ladder_offsets(self):
		"""A blank ladder field takes its value from Collective Cover Settings; 0 is a value, not a blank.
		The pool's JSON has no defaults for these fields: Frappe would fill them in before this runs."""
		settings = frappe.get_cached_doc("Collective Cover Settings")
		for field in LADDER_FIELDS:
			if self.get(field) is None:
				self.set(field, settings.get(field))

	def set_time_zone(self):
		"""DOMAIN.md: each pool has a time zone, by default the site's."""
		self.time_zone = (self.time_zone or "").strip() or get_system_timezone()

	def validate_time_zone(self):
		try:
			ZoneInfo(self.time_zone)
		except (ZoneInfoNotFoundError, ValueError):
			frappe.throw(
				_("{0} is not a time zone; choose one from the list, such as {1}.").format(
					frappe.bold(self.time_zone), get_system_timezone()
				),
				PoolTimeZoneError,
				title=_("Time zone"),
			)

	def stamp_policy_change(self):
		before = self.get_doc_before_save()
		if self.is_new() or (before and before.reciprocity_policy != self.reciprocity_policy):
			self.policy_changed_on = now_datetime()

	def validate_members(self):
		# One query for every member's name, not one per row: pools have hundreds of members.
		names = dict(
			frappe.get_all(
				"Clinician",
				filters={"name": ("in", [row.clinician for row in self.members] or [""])},
				fields=["name", "full_name"],
				as_list=True,
			)
		)
		spans = {}
		for row in self.members:
			name = names.get(row.clinician) or row.clinician
			if row.left_on and getdate(row.left_on) < getdate(row.joined_on):
				frappe.throw(
					_("Row {0}: {1} cannot leave the pool ({2}) before joining it ({3}).").format(
						row.idx, name, row.left_on, row.joined_on
					),
					PoolMembershipError,
					title=_("Invalid membership"),
				)
			if row.fte and not 0 < row.fte <= 1:
				frappe.throw(
					_("Row {0}: FTE in pool for {1} must be more than 0 and at most 1.").format(
						row.idx, name
					),
					PoolMembershipError,
					title=_("Invalid membership"),
				)
			if row.clinician in spans:
				frappe.throw(
					_("Row {0}: {1} is already a member (row {2}); edit that row's dates instead.").format(
						row.idx, name, spans[row.clinician]
					),
					PoolMembershipError,
					title=_("Duplicate member"),
				)
			spans[row.clinician] = row.idx

	def validate_unit_weights(self):
		seen = set()
		for row in self.unit_weights:
			if row.duty_kind in seen:
				frappe.throw(
					_("Unit weight for {0} is set twice.").format(_(row.duty_kind)),
					UnitWeightError,
					title=_("Unit weights"),
				)
			if row.units <= 0:
				frappe.throw(
					_("Unit weight for {0} must be more than 0.").format(_(row.duty_kind)),
					UnitWeightError,
					title=_("Unit weights"),
				)
			seen.add(row.duty_kind)

	def validate_overflow_pool(self):
		"""No pool may overflow into itself, directly or through a chain."""
		seen, pool = {self.name}, self.overflow_pool
		while pool:
			if pool in seen:
				frappe.throw(
					_("Overflow pool {0} leads back to {1}: overflow must not go round in a circle.").format(
						self.overflow_pool, self.name
					),
					OverflowPoolError,
					title=_("Overflow loop"),
				)
			seen.add(pool)
			pool = frappe.db.get_value("Jeopardy Pool", pool, "overflow_pool")

	def validate_ladder(self):
		if any((self.get(f) or 0) < 0 for f in LADDER_FIELDS) or (self.offer_top_n or 0) < 1:
			frappe.throw(
				_("Ladder offsets cannot be negative and at least one member must be offered first."),
				LadderError,
				title=_("Escalation ladder"),
			)
		if self.offer_all_after_minutes > self.assign_after_minutes:
			frappe.throw(
				_("Offer to all ({0} min) must come before assignment ({1} min).").format(
					self.offer_all_after_minutes, self.assign_after_minutes
				),
				LadderError,
				title=_("Escalation ladder"),
			)

	@frappe.whitelist(methods=["POST"])
	def plan_rota(self, from_date: str, to_date: str) -> dict:
		"""Plan the first back-up for each day (see collective_cover.cover.rota)."""
		from collective_cover.cover.rota import plan_pool_rota

		self.check_permission("write")
		return plan_pool_rota(self, getdate(from_date), getdate(to_date))
