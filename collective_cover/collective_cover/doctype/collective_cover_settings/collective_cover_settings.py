import frappe
from frappe import _
from frappe.model.document import Document

from collective_cover.engine.meetings import (
	DEFAULT_MEETING_MINUTES,
	LONGEST_MEETING_MINUTES,
	SHORTEST_MEETING_MINUTES,
)


class MeetingLengthError(frappe.ValidationError):
	pass


class CollectiveCoverSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		assign_after_minutes: DF.Int
		checkin_threshold: DF.Int
		checkin_window_days: DF.Int
		meeting_minutes: DF.Int
		near_start_minutes: DF.Int
		notify_by_email: DF.Check
		notify_by_sms: DF.Check
		offer_all_after_minutes: DF.Int
		offer_top_n: DF.Int
		window_start_day: DF.Int
		window_start_month: DF.Int

	# end: auto-generated types
	def before_validate(self):
		if self.meeting_minutes in (None, ""):
			self.meeting_minutes = DEFAULT_MEETING_MINUTES

	def validate(self):
		self.validate_meeting_minutes()

	def validate_meeting_minutes(self):
		# The door check has made sure it is a number; proposals need whole minutes within the range.
		minutes = float(self.meeting_minutes)
		if not minutes.is_integer() or not SHORTEST_MEETING_MINUTES <= minutes <= LONGEST_MEETING_MINUTES:
			frappe.throw(
				_("A coaching meeting lasts {0} to {1} whole minutes, not {2}.").format(
					SHORTEST_MEETING_MINUTES, LONGEST_MEETING_MINUTES, self.meeting_minutes
				),
				MeetingLengthError,
				title=_("Meeting length"),
			)
		self.meeting_minutes = int(minutes)
