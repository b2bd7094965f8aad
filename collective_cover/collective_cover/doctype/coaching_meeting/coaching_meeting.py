import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime, now_datetime

from collective_cover.coaching.meetings import PLANNED, meeting_bookings, meeting_time, rescheduled
from collective_cover.coaching.pairings import connectedness
from collective_cover.engine.meetings import double_booking
from collective_cover.kernel.access import clinician_of, is_staff
from collective_cover.kernel.dates import aware, naive
from collective_cover.kernel.locks import lock_clinicians


class MeetingTimeError(frappe.ValidationError):
	pass


class PulseError(frappe.ValidationError):
	pass


class DoubleBookingError(frappe.ValidationError):
	pass


class CoachingMeeting(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		coach_name: DF.Data | None
		ends_at: DF.Datetime
		mode: DF.Literal["In person", "Video", "Phone"]
		pairing: DF.Link
		program: DF.Link | None
		relationship_pulse: DF.Rating
		resident_name: DF.Data | None
		site: DF.Data | None
		starts_at: DF.Datetime
		status: DF.Literal["Proposed", "Confirmed", "Held", "Missed", "Cancelled"]

	# end: auto-generated types
	def validate(self):
		if not (self.pairing and self.starts_at and self.ends_at):
			return  # Frappe's mandatory check, after validate, names what is missing
		self.validate_times()
		self.validate_not_double_booked()
		self.validate_held_after_start()
		self.validate_pulse()

	def on_update(self):
		# Held meetings and reschedules change the pairing's pace.
		pairing = frappe.get_doc("Coach Pairing", self.pairing)
		pairing.db_set(connectedness(pairing), update_modified=False)
		if not self.flags.in_insert and self.has_value_changed("starts_at"):
			rescheduled(self)

	def validate_times(self):
		if get_datetime(self.ends_at) <= get_datetime(self.starts_at):
			frappe.throw(
				_("The meeting must end after it starts ({0} → {1}).").format(self.starts_at, self.ends_at),
				MeetingTimeError,
				title=_("Meeting time"),
			)

	def validate_not_double_booked(self):
		"""Neither person may be in two meetings at once, in this pairing or any other. Checked when the
		meeting takes time anew (new, moved, or no longer missed), so marking an old meeting held or
		giving its pulse is never refused."""
		before = self.get_doc_before_save()
		takes_time_anew = (
			before is None
			or before.status not in PLANNED
			or any(self.has_value_changed(field) for field in ("pairing", "starts_at", "ends_at"))
		)
		if self.status not in PLANNED or not takes_time_anew:
			return
		pair = frappe.db.get_value(
			"Coach Pairing", self.pairing, ["resident", "coach", "resident_name", "coach_name"], as_dict=True
		)
		starts, ends = get_datetime(self.starts_at), get_datetime(self.ends_at)
		people = [pair.resident, pair.coach]
		lock_clinicians(people)  # then meeting_bookings(committed=True) sees saves that held them
		clash = double_booking(
			aware(starts),
			aware(ends),
			people,
			meeting_bookings(people, starts, ends, leave_out=self.name, committed=True),
		)
		if clash:
			frappe.throw(
				_(
					"{0} already has a coaching meeting then ({1}). Choose a time that is free for both of you."
				).format(
					pair.resident_name if clash.person == pair.resident else pair.coach_name,
					meeting_time(naive(clash.start), naive(clash.end)),
				),
				DoubleBookingError,
				title=_("Already booked"),
			)

	def validate_held_after_start(self):
		if self.status == "Held" and get_datetime(self.starts_at) > now_datetime():
			frappe.throw(
				_("A meeting can be marked held once it has started ({0}).").format(self.starts_at),
				MeetingTimeError,
				title=_("Not yet"),
			)

	def validate_pulse(self):
		if not self.relationship_pulse or not self.has_value_changed("relationship_pulse"):
			return
		# Frappe keeps a rating as the fraction of stars given: 1 to 5 stars is 0.2 to 1.
		if not 0 < float(self.relationship_pulse) <= 1:
			frappe.throw(
				_("The relationship pulse is 1 to 5 stars (stored as 0.2 to 1), not {0}.").format(
					self.relationship_pulse
				),
				PulseError,
				title=_("Pulse"),
			)
		if self.status != "Held":
			frappe.throw(
				_("The relationship pulse is given after a held meeting."), PulseError, title=_("Pulse")
			)
		resident = frappe.db.get_value("Coach Pairing", self.pairing, "resident")
		if not is_staff() and clinician_of(frappe.session.user) != resident:
			frappe.throw(_("Only the resident gives the relationship pulse."), PulseError, title=_("Pulse"))
