"""The title a cover request is listed under: "Day · Wards A · Tue 15 Dec (Ana Ruiz → Farid Haddad)", or
with several coverers of its duties "Day ×5 · Wards A · Mon 14 – Fri 18 Dec (Ana Ruiz → Ben Ode, Cy Li)".

It is stored (the doctype's title field) so lists, the calendar and the form header show it without a
query per row, and the lifecycle refreshes it whenever the coverer changes. It names the requester, so
it appears only where the request itself is readable: its requester, its coverer and staff
(cover.permissions). It must never be shown in Link fields of other records
(`show_title_field_in_link` stays off): those reach users who may not read the request.
"""

from __future__ import annotations

from collections import Counter
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.utils import format_date

from collective_cover.kernel.dates import aware, zone_or_site

# The width of the title column (a Data field).
TITLE_LENGTH = 140


def request_title(doc) -> str:
	"""What the duties are, where and when (in the pool's time zone), and who covers whom."""
	duties = sorted(doc.duties, key=lambda row: aware(row.start))
	zone = ZoneInfo(zone_or_site(frappe.get_cached_value("Jeopardy Pool", doc.pool, "time_zone")))
	days = [aware(row.start).astimezone(zone).date() for row in duties]
	services = list(dict.fromkeys(row.service for row in duties if row.service))
	where = services[0] if len(services) == 1 else None
	if len(services) > 1:
		where = _("{0} and {1} more").format(services[0], len(services) - 1)
	people = full_name(doc.requester)
	if doc.covered_by and doc.status != "Cancelled":
		# Per-duty cover: every coverer, in the order of their first duty.
		coverers = list(dict.fromkeys(row.covered_by for row in duties if row.get("covered_by")))
		people = f"{people} → {', '.join(full_name(c) for c in coverers or [doc.covered_by])}"
	head = " · ".join(part for part in (duty_kinds(duties), where, day_span(days[0], days[-1])) if part)
	title = f"{head} ({people})"
	return title if len(title) <= TITLE_LENGTH else title[: TITLE_LENGTH - 1] + "…"


def refresh_title(doc) -> None:
	"""Store the title after a lifecycle change (a covered, reassigned or cancelled request)."""
	doc.db_set("title", request_title(doc), update_modified=False)


def duty_kinds(duties) -> str:
	""" "Day", or "Day ×3 + Night" for a multi-duty absence."""
	counts = Counter(row.duty_kind for row in duties)
	return " + ".join(_(kind) if n == 1 else f"{_(kind)} ×{n}" for kind, n in counts.items())


def day_span(first, last) -> str:
	""" "Tue 15 Dec", "Tue 15 – Thu 17 Dec" or "Wed 30 Dec – Fri 1 Jan"."""
	if first == last:
		return format_date(first, "EEE d MMM")
	same_month = (first.year, first.month) == (last.year, last.month)
	return f"{format_date(first, 'EEE d' if same_month else 'EEE d MMM')} – {format_date(last, 'EEE d MMM')}"


def full_name(clinician: str) -> str:
	return frappe.db.get_value("Clinician", clinician, "full_name") or clinician
