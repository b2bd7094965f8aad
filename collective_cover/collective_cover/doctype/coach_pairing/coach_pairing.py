import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate

from collective_cover.coaching.meetings import propose_meetings_for
from collective_cover.coaching.pairings import ACTIVE, connectedness
from collective_cover.engine.model import TRAINEE_ROLES
from collective_cover.kernel.locks import lock_clinicians


class CoachingRoleError(frappe.ValidationError):
	pass


class DuplicatePairingError(frappe.ValidationError):
	pass


class CoachCapacityError(frappe.ValidationError):
	pass


class PairingDatesError(frappe.ValidationError):
	pass


class CoachPairing(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		coach: DF.Link
		coach_name: DF.Data | None
		last_meeting: DF.Date | None
		meetings_held: DF.Int
		meetings_required: DF.Int
		pace: DF.Literal["", "On pace", "Behind", "Overdue"]
		planned_end: DF.Date | None
		program: DF.Link | None
		resident: DF.Link
		resident_name: DF.Data | None
		shared_half_days: DF.Int
		start_date: DF.Date
		status: DF.Literal["Active", "Ended"]

	# end: auto-generated types
	def validate(self):
		self.validate_roles()
		self.set_planned_end()
		self.validate_dates()
		if self.status == ACTIVE:
			# Both people at once, in the app's lock order: two coordinators pairing the same resident
			# or coach at once queue here until the first commits.
			lock_clinicians([self.resident, self.coach])
			self.validate_one_active_pairing()
			self.validate_coach_capacity()
		self.update(connectedness(self))

	def onload(self):
		self.set_onload(
			"meetings",
			frappe.get_all(
				"Coaching Meeting",
				filters={"pairing": self.name},
				fields=["name", "status", "starts_at", "mode", "site"],
				order_by="starts_at asc",
			),
		)

	def after_insert(self):
		# The pairing tool proposes for all the pairings it creates at once, once they all exist.
		if self.status == ACTIVE and not self.flags.meetings_proposed_by_caller:
			propose_meetings_for([self])

	def validate_roles(self):
		roles = dict(
			frappe.get_all(
				"Clinician",
				filters={"name": ("in", [self.resident, self.coach])},
				fields=["name", "role"],
				as_list=True,
			)
		)
		if roles.get(self.resident) not in TRAINEE_ROLES:
			frappe.throw(
				_("{0} is not a resident or fellow, so they cannot be coached here.").format(
					self.resident_name
				),
				CoachingRoleError,
				title=_("Not a resident"),
			)
		if roles.get(self.coach) != "Faculty":
			frappe.throw(
				_("{0} is not faculty, so they cannot be a coach.").format(self.coach_name),
				CoachingRoleError,
				title=_("Not faculty"),
			)

	def set_planned_end(self):
		if not self.planned_end:
			self.planned_end = frappe.db.get_value("Clinician", self.resident, "expected_graduation")

	def validate_dates(self):
		if self.planned_end and getdate(self.planned_end) < getdate(self.start_date):
			frappe.throw(
				_("The planned end {0} is before the start {1}.").format(self.planned_end, self.start_date),
				PairingDatesError,
				title=_("Dates"),
			)

	def validate_one_active_pairing(self):
		other = self.other_active_pairings("resident")
		if other:
			frappe.throw(
				_("{0} already has an active coach, {1} ({2}); end that pairing first.").format(
					self.resident_name, other[0].coach_name, other[0].name
				),
				DuplicatePairingError,
				title=_("Already paired"),
			)

	def validate_coach_capacity(self):
		load = len(self.other_active_pairings("coach"))
		capacity = frappe.db.get_value("Clinician", self.coach, "coach_capacity") or 0
		if load + 1 > capacity:
			frappe.throw(
				_("{0} coaches {1} residents already, their capacity is {2}.").format(
					self.coach_name, load, capacity
				),
				CoachCapacityError,
				title=_("Coach at capacity"),
			)

	def other_active_pairings(self, person: str) -> list[dict]:
		"""The other active pairings of this pairing's resident or coach (`person` names the field).

		The caller holds both people's Clinician rows (`validate`). The pairings are read with a locking
		read too: a plain read would see this transaction's snapshot, taken before the first
		coordinator's pairing was committed."""
		clinician = self.get(person)
		pairing = frappe.qb.DocType("Coach Pairing")
		return (
			frappe.qb.from_(pairing)
			.select(pairing.name, pairing.coach_name)
			.where((pairing[person] == clinician) & (pairing.status == ACTIVE) & (pairing.name != self.name))
			.for_update()
		).run(as_dict=True)

	@frappe.whitelist(methods=["POST"])
	def propose_meetings(self) -> list[str]:
		"""Propose the meetings still needed this academic year (from the form's button)."""
		self.check_permission("write")
		return propose_meetings_for([self])
