"""Removing the demo programme: everything `create_demo` made and the trail it left — and nothing else."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import frappe

from collective_cover.devtools.demo.plan import DEMO_PROGRAM, EMAIL_DOMAIN

Echo = Callable[[str], None]


def clear_demo(echo: Echo = print, commit: bool = True) -> Counter:
	"""Remove everything `create_demo` made — the programme's records, its clinicians' users and their
	contacts — and the trail Frappe and the app left about them: versions, comments, shares, to-dos,
	emails and notifications. Nothing else is touched."""
	removed = Counter()
	if not frappe.db.exists("Residency Program", DEMO_PROGRAM):
		echo("No demo programme on this site.")
		return removed
	records = demo_records()
	clear_trail(records)
	for doctype, names in records.items():
		if not names:
			continue
		# Straight deletes: ledger rows refuse document deletes, requests are submitted, and Frappe refuses
		# to delete a user while no System Manager but Administrator exists, as on a fresh site.
		for table in frappe.get_meta(doctype).get_table_fields():
			frappe.db.delete(table.options, {"parenttype": doctype, "parent": ("in", names)})
		frappe.db.delete(doctype, {"name": ("in", names)})
		removed[doctype] += len(names)
	users = records["User"]
	frappe.db.delete("DefaultValue", {"parent": ("in", users or [""])})
	for user in users:
		frappe.clear_cache(user=user)
	if commit:
		frappe.db.commit()
	echo("Removed: " + ", ".join(f"{n} {dt}" for dt, n in sorted(removed.items()) if n))
	return removed


def demo_records() -> dict[str, list[str]]:
	"""Every record the demo made, by doctype; child rows go with their parents."""

	def names(doctype: str, **filters) -> list[str]:
		return frappe.get_all(doctype, filters=filters, pluck="name")

	def any_of(values: list[str]) -> tuple[str, list[str]]:
		return ("in", values or [""])

	clinicians = names("Clinician", program=DEMO_PROGRAM)
	users = sorted(
		(
			set(frappe.get_all("Clinician", filters={"name": any_of(clinicians)}, pluck="user"))
			| set(names("User", name=("like", f"%@{EMAIL_DOMAIN}")))
		)
		- {None}
	)
	pools = names("Jeopardy Pool", program=DEMO_PROGRAM)
	pairings = names("Coach Pairing", program=DEMO_PROGRAM)
	meetings = names("Coaching Meeting", pairing=any_of(pairings))
	contact_email = frappe.qb.DocType("Contact Email")
	contacts = sorted(
		set(names("Contact", user=any_of(users)))
		| set(
			frappe.qb.from_(contact_email)
			.select(contact_email.parent)
			.where((contact_email.parenttype == "Contact") & contact_email.email_id.isin(users or [""]))
			.run(pluck=True)
		)
	)
	return {
		"Cover Request": names("Cover Request", program=DEMO_PROGRAM),
		"Cover Request Reason": names("Cover Request Reason", program=DEMO_PROGRAM),
		"Cover Request Offer": names("Cover Request Offer", program=DEMO_PROGRAM),
		"Cover Request Ranking": names("Cover Request Ranking", program=DEMO_PROGRAM),
		"Cover Ledger Entry": names("Cover Ledger Entry", program=DEMO_PROGRAM),
		"Wellness Check-in": names("Wellness Check-in", program=DEMO_PROGRAM),
		"Clinician Shift": names("Clinician Shift", clinician=any_of(clinicians)),
		"Clinician Unavailability": names("Clinician Unavailability", clinician=any_of(clinicians)),
		"Coaching Note": names("Coaching Note", meeting=any_of(meetings)),
		"Coaching Meeting": meetings,
		"Coach Pairing": pairings,
		"Jeopardy Rota": names("Jeopardy Rota", pool=any_of(pools)),
		"Jeopardy Pool": pools,
		"Clinician": clinicians,
		"Contact": contacts,
		"Notification Settings": names("Notification Settings", name=any_of(users)),
		"User": users,
		"Residency Program": [DEMO_PROGRAM],
	}


def clear_trail(records: dict[str, list[str]]) -> None:
	"""What Frappe and the app wrote about the demo's records elsewhere, and everything addressed to its
	users: versions, comments, shares, to-dos, emails and notifications."""
	users = records["User"] or [""]
	about = [
		("Version", "ref_doctype", "docname"),
		("Comment", "reference_doctype", "reference_name"),
		("DocShare", "share_doctype", "share_name"),
		("ToDo", "reference_type", "reference_name"),
		("Email Queue", "reference_doctype", "reference_name"),
		("Notification Log", "document_type", "document_name"),
	]
	queued = set()
	for doctype, names in records.items():
		for trail, doctype_field, name_field in about:
			filters = {doctype_field: doctype, name_field: ("in", names or [""])}
			if trail == "Email Queue":
				queued.update(frappe.get_all(trail, filters=filters, pluck="name"))
			else:
				frappe.db.delete(trail, filters)
	frappe.db.delete("DocShare", {"user": ("in", users)})
	frappe.db.delete("ToDo", {"allocated_to": ("in", users)})
	frappe.db.delete("Notification Log", {"for_user": ("in", users)})
	queued.update(
		frappe.get_all("Email Queue Recipient", filters={"recipient": ("in", users)}, pluck="parent")
	)
	frappe.db.delete("Email Queue Recipient", {"parent": ("in", list(queued) or [""])})
	frappe.db.delete("Email Queue", {"name": ("in", list(queued) or [""])})
