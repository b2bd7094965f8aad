import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime, now_datetime

from collective_cover.coaching.meetings import rescheduled
from collective_cover.coaching.pairings import connectedness
from collective_cover.cover.permissions import clinician_of, is_staff


class MeetingTimeError(frappe.ValidationError):
	pass


class PulseError(frappe.ValidationError):
	pass


class CoachingMeeting(Document):
	def validate(self):
		self.validate_times()
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
