import frappe

from collective_cover.kernel.app_records import AppWrittenRecord


class CoverDelivery(AppWrittenRecord):
	"""The outbox of cover messages: written by cover/notify.py in the transaction of the change that owes
	the message, marked Delivered by the job that sends it; read by coordinators only."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		attempts: DF.Int
		cover_request: DF.Link
		delivered_at: DF.Datetime | None
		event: DF.Literal["Offer", "Covered", "Unfilled", "Ended"]
		occasion: DF.Data | None
		program: DF.Link | None
		recipient: DF.DynamicLink
		recipient_type: DF.Link
		status: DF.Literal["Owed", "Delivered", "Withdrawn"]
	# end: auto-generated types


def on_doctype_update():
	"""A message is owed once per request, event, occasion and recipient, kept by the database: a retried
	transaction or a second ladder run cannot owe it twice. `occasion` is never NULL (notify writes ""),
	so the key holds for events a request has once too."""
	frappe.db.add_unique(
		"Cover Delivery",
		["cover_request", "event", "occasion", "recipient"],
		constraint_name="one_delivery_per_recipient",
	)
	frappe.db.add_index("Cover Delivery", ["status", "creation"])
