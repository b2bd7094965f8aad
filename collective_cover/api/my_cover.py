"""The clinician's phone: what the "My cover" home (www/my-cover) reads and changes.

Every read is the session member's own: their requests, covers, shifts, standing and coaching, read
through Frappe's permissions. The one exception is open offers, which members see only as the public
offer (duty, service, site, time and units), never the requester or the reason. Changes are POST-only
and check that the record is the member's own.
"""

from __future__ import annotations

import json
import math
from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import format_datetime, get_datetime, get_system_timezone, now_datetime

from collective_cover.api.cover import POOL_FIELDS, distribution_of, member_pools, open_to, position_in
from collective_cover.cover import handover, lifecycle
from collective_cover.cover.standing import standing_of
from collective_cover.kernel.dates import pool_zone, when
from collective_cover.kernel.validators import parse_datetime, parse_pool_wall_time

# Ended requests stay on "My requests" this long, so their outcome is seen after the day.
RECENT = timedelta(days=14)
# Own shifts this far ahead are offered as one-tap call-outs.
SHIFTS_AHEAD = timedelta(days=14)
DUTY_FIELDS = ("duty_kind", "service", "site", "start", "end")
CANCELLABLE = ("Open", "Unfilled")  # the requester may cancel until the request is covered
COVERED = ("Covered", "Completed")
UPCOMING_MEETINGS = ("Proposed", "Confirmed")


class CallOutError(frappe.ValidationError):
	pass


class MeetingChangeError(frappe.ValidationError):
	pass


def shown_zone(pools: list[str]) -> str:
	"""The zone a member's own shifts are shown in: their pools' zone when they share one (the common
	case), else the site's, which the page then names."""
	zones = {pool_zone(pool) for pool in pools}
	return zones.pop() if len(zones) == 1 else get_system_timezone()


def input_value(moment) -> str:
	"""A stored datetime as an <input type="datetime-local"> value (the site's time zone)."""
	return get_datetime(moment).strftime("%Y-%m-%dT%H:%M")


def active_clinician() -> str | None:
	return frappe.db.get_value("Clinician", {"user": frappe.session.user, "status": "Active"}, "name")


def duties_of(
	requests: list[str], upcoming_only: bool = False, viewer: str | None = None, with_coverers: bool = False
) -> dict[str, list[dict]]:
	"""Each request's duties, in order, with their span in words; only those not yet ended on request.
	Each duty says whether it is still open and whether `viewer` covers it; `with_coverers` (for the
	requester) names each duty's coverer."""
	filters = {"parent": ("in", requests or [""]), "parenttype": "Cover Request"}
	if upcoming_only:
		filters["end"] = (">", now_datetime())
	rows = frappe.get_all(
		"Cover Request Duty",
		filters=filters,
		fields=["name", "parent", "covered_by", "units", *DUTY_FIELDS],
		order_by="start asc",
	)
	names = names_of(row.covered_by for row in rows) if with_coverers else {}
	duties = {}
	zones = {
		name: pool_zone(pool)
		for name, pool in frappe.get_all(
			"Cover Request", filters={"name": ("in", requests or [""])}, fields=["name", "pool"], as_list=True
		)
	}
	for row in rows:
		duties.setdefault(row.parent, []).append(
			{
				"duty": row.name,
				"duty_kind": _(row.duty_kind),
				"service": row.service or "",
				"site": row.site or "",
				"when": when(row.start, row.end, zones.get(row.parent)),
				"units": row.units,
				"open": not row.covered_by,
				"mine": bool(viewer) and row.covered_by == viewer,
				"coverer": names.get(row.covered_by, ""),
			}
		)
	return duties


def names_of(clinicians) -> dict[str, str]:
	return dict(
		frappe.get_all(
			"Clinician",
			filters={"name": ("in", [c for c in clinicians if c] or [""])},
			fields=["name", "full_name"],
			as_list=True,
		)
	)


@frappe.whitelist()
def my_pools() -> list[str]:
	"""The pools the session member can call out to: those they are a member of today."""
	return member_pools(lifecycle.current_clinician())


@frappe.whitelist()
def my_shifts() -> list[dict]:
	"""The member's own scheduled shifts of the next two weeks that no request of theirs covers yet,
	each ready to be called out of with one tap (kind, service, site and times come from the shift)."""
	clinician = lifecycle.current_clinician()
	zone = shown_zone(member_pools(clinician))
	now = now_datetime()
	shifts = frappe.get_list(
		"Clinician Shift",
		filters={
			"clinician": clinician,
			"start": ("between", [now, now + SHIFTS_AHEAD]),
			"displaced_by": ("is", "not set"),
			"handed_over_by_request": ("is", "not set"),
			"source": ("!=", "Cover"),
		},
		fields=["name", *DUTY_FIELDS],
		order_by="start asc",
	)
	filed = frappe.get_list(
		"Cover Request",
		filters={"requester": clinician, "docstatus": ("<", 2), "ends_at": (">", now)},
		pluck="name",
	)
	taken = [
		(get_datetime(row.start), get_datetime(row.end))
		for row in frappe.get_all(
			"Cover Request Duty",
			filters={"parent": ("in", filed or [""]), "parenttype": "Cover Request"},
			fields=["start", "end"],
		)
	]
	return [
		{
			"shift": shift.name,
			"duty_kind": shift.duty_kind,
			"label": _(shift.duty_kind),
			"service": shift.service or "",
			"site": shift.site or "",
			"when": when(shift.start, shift.end, zone),
			# As stored (the site's zone): Desk's "Pick from my schedule" puts them in the duty grid.
			"start": str(shift.start),
			"end": str(shift.end),
		}
		for shift in shifts
		if not any(start < shift.end and end > shift.start for start, end in taken)
	]


@frappe.whitelist()
def open_offers() -> list[dict]:
	"""Open requests of the member's pools that still have a duty ahead, as the public offer: no
	requester, no reason. Each duty says whether it is still open or the member's own cover, so a
	multi-day request can be taken one duty at a time."""
	clinician = lifecycle.current_clinician()
	rows = frappe.get_all(
		"Cover Request",
		filters={"name": ("in", open_to(clinician) or [""])},
		fields=["name", "pool", "status"],
		order_by="starts_at asc",
		ignore_permissions=True,  # members see their pools' open requests, through this payload only
	)
	duties = duties_of([row.name for row in rows], upcoming_only=True, viewer=clinician)
	return [
		{
			"request": row.name,
			"pool": row.pool,
			"status": row.status,
			# What can still be taken: duties already covered (by anyone) or over are not.
			"units": round(sum(d["units"] or 0 for d in duties.get(row.name, []) if d["open"]), 2),
			"duties": duties.get(row.name, []),
		}
		for row in rows
	]


@frappe.whitelist()
def my_covers() -> list[dict]:
	"""Covers the member gives that have not ended, with the requester they cover for: every request
	with a duty of theirs, listing only their own duties."""
	clinician = lifecycle.current_clinician()
	request, duty = frappe.qb.DocType("Cover Request"), frappe.qb.DocType("Cover Request Duty")
	# The member's own duties: read as theirs, whoever else covers the request's other duties.
	rows = (
		frappe.qb.from_(request)
		.join(duty)
		.on((duty.parent == request.name) & (duty.parenttype == "Cover Request"))
		.select(request.name, request.pool, request.requester)
		.distinct()
		.where(
			(duty.covered_by == clinician)
			& request.status.isin(["Partially covered", "Covered"])
			& (request.docstatus == 1)
			& (request.ends_at > now_datetime())
		)
		.orderby(request.starts_at)
	).run(as_dict=True)
	duties, names = (
		duties_of([row.name for row in rows], viewer=clinician),
		names_of(row.requester for row in rows),
	)
	covers = []
	for row in rows:
		mine = [d for d in duties.get(row.name, []) if d["mine"]]
		covers.append(
			{
				"request": row.name,
				"pool": row.pool,
				"units": round(sum(d["units"] or 0 for d in mine), 4),
				"covering_for": names.get(row.requester, ""),
				"duties": mine,
			}
		)
	return covers


@frappe.whitelist()
def my_requests() -> list[dict]:
	"""The member's filed requests that have not ended (or ended in the last two weeks): status, the
	coverer once covered, and whether the member may still cancel."""
	clinician = lifecycle.current_clinician()
	rows = frappe.get_list(
		"Cover Request",
		filters={
			"requester": clinician,
			"docstatus": ("in", [1, 2]),
			"ends_at": (">", now_datetime() - RECENT),
		},
		fields=["name", "pool", "status", "covered_by", "docstatus"],
		order_by="starts_at asc",
	)
	duties = duties_of([row.name for row in rows], with_coverers=True)
	names = names_of(row.covered_by for row in rows if row.status in COVERED)
	return [
		{
			"request": row.name,
			"pool": row.pool,
			"status": row.status,
			"status_label": _(row.status),
			"covered_by": names.get(row.covered_by, "") if row.status in COVERED else "",
			"can_cancel": row.docstatus == 1 and row.status in CANCELLABLE,
			"duties": duties.get(row.name, []),
		}
		for row in rows
	]


def ordinal(number: int) -> str:
	"""36 → "36th" (English ordinals; the suffixes are translatable)."""
	last = 0 if number % 100 in (11, 12, 13) else number % 10
	suffix = {1: _("st"), 2: _("nd"), 3: _("rd")}.get(last, _("th"))
	return f"{number}{suffix}"


def deviation_words(deviation: float) -> str:
	# To one decimal, halves up as people round by hand: +1.25 reads "1.3 units above", not "1.2".
	words = f"{math.floor(abs(deviation) * 10 + 0.5) / 10:.1f}"
	if deviation <= -0.05:
		return _("{0} units below your fair share").format(words)
	if deviation >= 0.05:
		return _("{0} units above your fair share").format(words)
	return _("At your fair share")


@frappe.whitelist()
def my_standing() -> list[dict]:
	"""In each of the member's pools: their burden, fair share, deviation and place in line, and the
	pool's anonymised distribution of deviations (nobody's name)."""
	clinician = lifecycle.current_clinician()
	standings = []
	for pool in member_pools(clinician):
		standing = standing_of(
			frappe.db.get_value("Jeopardy Pool", pool, POOL_FIELDS, as_dict=True), clinician
		)
		position = position_in(*standing)
		distribution = distribution_of(*standing)
		spread = distribution["deviation_percentiles"]
		standings.append(
			{
				**position,
				"deviation_words": deviation_words(position["deviation"]),
				"position_words": _("{0} of {1} in line").format(
					ordinal(position["position"]), position["members"]
				),
				"gini": distribution["gini"],
				"percentiles": spread,
				# The chart's half-width, in units: every figure drawn fits inside it.
				"extent": max(0.5, distribution["max_abs_deviation"], abs(position["deviation"])),
			}
		)
	return standings


@frappe.whitelist()
def my_coaching() -> list[dict]:
	"""The member's active coaching pairings (as resident or as coach), each with its next meeting."""
	clinician = lifecycle.current_clinician()
	pairings = frappe.get_list(
		"Coach Pairing",
		filters={"status": "Active"},
		or_filters={"resident": clinician, "coach": clinician},
		fields=[
			"name",
			"resident",
			"resident_name",
			"coach_name",
			"pace",
			"meetings_held",
			"meetings_required",
		],
		order_by="start_date asc",
	)
	upcoming = {}
	for meeting in frappe.get_list(
		"Coaching Meeting",
		filters={
			"pairing": ("in", [p.name for p in pairings] or [""]),
			"status": ("in", UPCOMING_MEETINGS),
			"ends_at": (">", now_datetime()),
		},
		fields=["name", "pairing", "status", "starts_at", "ends_at", "site", "mode"],
		order_by="starts_at asc",
	):
		upcoming.setdefault(meeting.pairing, meeting)
	coaching = []
	for pairing in pairings:
		as_resident = pairing.resident == clinician
		meeting = upcoming.get(pairing.name)
		coaching.append(
			{
				"pairing": pairing.name,
				"role": _("Your coach") if as_resident else _("Your resident"),
				"name": pairing.coach_name if as_resident else pairing.resident_name,
				"pace": _(pairing.pace) if pairing.pace else "",
				"meetings": _("{0} of {1} meetings held this year").format(
					pairing.meetings_held or 0, pairing.meetings_required or 0
				),
				"next": {
					"meeting": meeting.name,
					"status": meeting.status,
					"status_label": _(meeting.status),
					"when": when(meeting.starts_at, meeting.ends_at),
					"starts_at": input_value(meeting.starts_at),
					"site": meeting.site or "",
					"mode": _(meeting.mode) if meeting.mode else "",
					"can_confirm": meeting.status == "Proposed",
				}
				if meeting
				else None,
			}
		)
	return coaching


@frappe.whitelist(methods=["POST"])
def call_out(
	pool: str,
	duties: str | list,
	reason_category: str | None = None,
	reason_note: str | None = None,
) -> dict:
	"""File and submit a cover request for the session member in one of their pools. Each duty is
	either {shift} — one of the member's own upcoming Clinician Shift rows, whose kind, service, site and
	times are taken from the schedule, and which is handed over once covered — or a duty not in the
	schedule, {duty_kind, start, end, service, site}, its times wall times in the pool's time zone."""
	clinician = lifecycle.current_clinician()
	if pool not in member_pools(clinician):
		frappe.throw(
			_("You are not a member of pool {0}.").format(pool),
			frappe.PermissionError,
			title=_("Not your pool"),
		)
	shifts, typed = split_duties(duties)
	zone = pool_zone(pool)
	doc = frappe.get_doc(
		{
			"doctype": "Cover Request",
			"requester": clinician,
			"pool": pool,
			"duties": handover.claim_shifts(clinician, shifts)
			+ [typed_duty(duty, zone, row) for row, duty in enumerate(typed, start=len(shifts) + 1)],
			"reason_category": reason_category,
			"reason_note": reason_note,
		}
	)
	doc.insert()
	# Before submit: a start within the ladder's near-start window is assigned during submit.
	handover.call_out_of(doc.name, shifts)
	doc.submit()
	return {"request": doc.name, "status": doc.status}


def typed_duty(duty: dict, zone: str, row: int) -> dict:
	"""A duty typed by hand, its times read as wall times of the pool's zone `zone`."""
	values = {field: duty.get(field) for field in DUTY_FIELDS}
	for field, label in (("start", _("Start")), ("end", _("End"))):
		if values[field] not in (None, ""):
			values[field] = parse_pool_wall_time(values[field], zone, _("{0} in row {1}").format(label, row))
	return values


def split_duties(duties) -> tuple[list[str], list[dict]]:
	"""The duties a caller sent: the names of own shifts picked from the schedule, and typed duties."""
	if isinstance(duties, str):
		try:
			duties = json.loads(duties)
		except ValueError:
			duties = None
	if not isinstance(duties, list) or not duties or not all(isinstance(d, dict) for d in duties):
		frappe.throw(
			_("Choose at least one duty to call out of: a shift, or a kind with a start and an end."),
			CallOutError,
			title=_("No duty"),
		)
	picked = [duty for duty in duties if "shift" in duty]
	if not all(isinstance(duty["shift"], str) and duty["shift"] for duty in picked):
		frappe.throw(_("A shift is named by its ID."), CallOutError, title=_("No such shift"))
	return [duty["shift"] for duty in picked], [duty for duty in duties if "shift" not in duty]


def own_meeting(meeting: str):
	"""The meeting, if the session user may change it (one of its pairing's two people, or staff)."""
	doc = frappe.get_doc("Coaching Meeting", meeting)
	doc.check_permission("write")
	return doc


@frappe.whitelist(methods=["POST"])
def confirm_meeting(meeting: str) -> dict:
	"""Either person of the pairing confirms a proposed meeting."""
	doc = own_meeting(meeting)
	if doc.status != "Proposed":
		frappe.throw(
			_("Meeting {0} is {1}; only a proposed meeting can be confirmed.").format(
				doc.name, _(doc.status)
			),
			MeetingChangeError,
			title=_("Cannot confirm"),
		)
	doc.status = "Confirmed"
	doc.save()
	return {"meeting": doc.name, "status": doc.status}


@frappe.whitelist(methods=["POST"])
def reschedule_meeting(meeting: str, starts_at: str) -> dict:
	"""Move a proposed or confirmed meeting to a new start (site's time zone), keeping its length. The
	other person is told, and it is proposed again until one of them confirms."""
	doc = own_meeting(meeting)
	if doc.status not in UPCOMING_MEETINGS:
		frappe.throw(
			_("Meeting {0} is {1}; only a proposed or confirmed meeting can be moved.").format(
				doc.name, _(doc.status)
			),
			MeetingChangeError,
			title=_("Cannot move"),
		)
	start = parse_datetime(starts_at, _("New time"))
	if start <= now_datetime():
		frappe.throw(
			_("Choose a time from now on, not {0}.").format(format_datetime(start, "EEE d MMM HH:mm")),
			MeetingChangeError,
			title=_("In the past"),
		)
	length = get_datetime(doc.ends_at) - get_datetime(doc.starts_at)
	doc.update({"starts_at": start, "ends_at": start + length, "status": "Proposed"})
	doc.save()
	return {"meeting": doc.name, "status": doc.status, "when": when(doc.starts_at, doc.ends_at)}
