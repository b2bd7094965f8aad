"""The committed records, the HTTP client and the state checks behind the hostile-door tests.

Every record is committed, because the gunicorn that answers the calls runs in other processes, and
tagged with a random hash so `remove_world` takes away exactly what `build_world` made.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import timedelta
from html import unescape

import frappe
import requests
from frappe.utils import add_days, getdate, now_datetime

from collective_cover.calendar_feed import tokens
from collective_cover.cover import lifecycle
from collective_cover.tests.factories import (
	make_clinician,
	make_outgoing_email_account,
	make_pool,
	make_program,
	make_request,
	make_user,
	remove_committed_records,
	user_of,
)
from collective_cover.tests.live_site import LiveSite, api_token

MODULE = "Collective Cover"
DATETIME = "%Y-%m-%d %H:%M:%S"


def at(hours: float) -> str:
	"""A datetime `hours` from now as Desk and REST send it, in the site's time zone."""
	return (now_datetime() + timedelta(hours=hours)).replace(second=0, microsecond=0).strftime(DATETIME)


def app_doctypes() -> list[str]:
	return frappe.get_all(
		"DocType", filters={"module": MODULE, "is_virtual": 0}, pluck="name", order_by="name"
	)


def stored_doctypes() -> list[str]:
	"""The app doctypes with a table of their own (singles live in tabSingles)."""
	return frappe.get_all(
		"DocType", filters={"module": MODULE, "is_virtual": 0, "issingle": 0}, pluck="name", order_by="name"
	)


def single_doctypes() -> list[str]:
	return frappe.get_all("DocType", filters={"module": MODULE, "issingle": 1}, pluck="name", order_by="name")


class StateGuard:
	"""Row counts and content checksums of every app table, straight from the database; and a copy of
	those tables in temporary tables of this connection, so a call that wrongly wrote something can be
	undone before the next call runs (one hole must not change what the next case sees)."""

	def __init__(self):
		self.tables = stored_doctypes()
		self.backups = {dt: f"hostile_backup_{i}" for i, dt in enumerate(self.tables)}
		self.baseline = None

	def snapshot(self) -> dict:
		frappe.db.rollback()  # a fresh read view: what the server has committed by now
		counts = dict(
			frappe.db.sql(
				" union all ".join(
					f"select {frappe.db.escape(dt)}, count(*) from `tab{dt}`" for dt in self.tables
				)
			)
		)
		tables = ", ".join(f"`tab{dt}`" for dt in self.tables)
		checksums = {row[0].split(".")[-1][3:]: row[1] for row in frappe.db.sql(f"checksum table {tables}")}
		singles = frappe.db.sql(
			"select doctype, field, value from tabSingles where doctype in %(singles)s order by doctype, field",
			{"singles": single_doctypes() or [""]},
		)
		return {"counts": counts, "checksums": checksums, "singles": singles}

	def save_baseline(self) -> None:
		frappe.db.commit()
		for dt, backup in self.backups.items():
			# sql_ddl commits first: Frappe refuses statements that could commit a transaction implicitly.
			frappe.db.sql_ddl(f"drop temporary table if exists `{backup}`")
			frappe.db.sql_ddl(f"create temporary table `{backup}` like `tab{dt}`")
			frappe.db.sql(f"insert into `{backup}` select * from `tab{dt}`")
		frappe.db.commit()
		self.baseline = self.snapshot()

	def changes(self, after: dict | None = None) -> str:
		"""What differs from the baseline, for a person: '' when nothing does."""
		after = after or self.snapshot()
		parts = []
		for dt in self.tables:
			before_n, after_n = self.baseline["counts"].get(dt), after["counts"].get(dt)
			if before_n != after_n:
				parts.append(f"{dt} {before_n}→{after_n}")
			elif self.baseline["checksums"].get(dt) != after["checksums"].get(dt):
				parts.append(f"{dt} rows changed")
		if self.baseline["singles"] != after["singles"]:
			parts.append("settings changed")
		return ", ".join(parts)

	def restore(self) -> None:
		frappe.db.rollback()
		for dt, backup in self.backups.items():
			frappe.db.sql(f"delete from `tab{dt}`")
			frappe.db.sql(f"insert into `tab{dt}` select * from `{backup}`")
		for doctype, fieldname, value in self.baseline["singles"]:
			frappe.db.sql(
				"update tabSingles set value = %s where doctype = %s and field = %s",
				(value, doctype, fieldname),
			)
		frappe.db.commit()
		frappe.clear_cache()  # the server's cached documents must not outlive the rows they came from


def readable_message(response: requests.Response) -> str:
	"""The human text of an error answer: what frappe.throw / msgprint put in `_server_messages` (or, in
	the v2 API, in `errors`), a plain-text `message`, or else the sentence after the class name in
	`exception` (Frappe's own argument-type check raises without a message log, and the app cannot add
	one there). A traceback or a bare exception class ("frappe.exceptions.PermissionError") is not a
	message."""
	try:
		body = response.json()
	except ValueError:
		return ""
	if not isinstance(body, dict) or not (
		body.get("exc_type") or body.get("exception") or body.get("errors")
	):
		return ""
	# The v2 API puts each error's message beside its type.
	texts = [e.get("message") for e in body.get("errors") or [] if isinstance(e, dict)]
	try:
		for raw in json.loads(body.get("_server_messages") or "[]"):
			message = json.loads(raw) if isinstance(raw, str) else raw
			texts.append(message.get("message") if isinstance(message, dict) else str(message))
	except (TypeError, ValueError):
		pass
	if isinstance(body.get("message"), str):
		texts.append(body["message"])
	if not any(isinstance(t, str) and t.strip() for t in texts) and isinstance(body.get("exception"), str):
		texts.append(body["exception"].partition(": ")[2])
	text = unescape(re.sub(r"<[^>]+>", " ", " ".join(t for t in texts if isinstance(t, str))))
	text = " ".join(text.split())
	return text if re.search(r"[A-Za-z]{3,}", text) and "Traceback" not in text else ""


def crash_site(response: requests.Response) -> str:
	"""Where a 5xx was raised: the innermost frame of the app if the traceback passes through it, else
	the innermost frame (so a report can say whether the app or Frappe itself crashed)."""
	try:
		trace = "".join(json.loads(response.json().get("exc") or "[]"))
	except (TypeError, ValueError, AttributeError):
		return ""
	frames = re.findall(r'File "(?:[^"]*/)?apps/([^"]+)", line (\d+), in (\w+)', trace)
	ours = [f for f in frames if f[0].startswith("collective_cover/")]
	if not (ours or frames):
		return ""
	path, line, function = (ours or frames)[-1]
	return f"{'/'.join(path.split('/')[-2:])}:{line} {function}"


def short(response: requests.Response, width: int = 110) -> str:
	if response.status_code >= 500 and crash_site(response):
		width -= 40
		return f"[{crash_site(response)}] " + short_text(response, width)
	return short_text(response, width)


def short_text(response: requests.Response, width: int) -> str:
	text = readable_message(response)
	if not text:
		try:
			body = response.json()
			text = body.get("exception") or body.get("exc_type") or json.dumps(body)[:width]
		except ValueError:
			text = response.text[:width]
	text = " ".join(str(text).split())
	return text if len(text) <= width else text[: width - 1] + "…"


@dataclass
class Client:
	"""Talks to the live site as each actor: token auth, no session, JSON bodies (so a list or a dict
	reaches the method as a list or a dict, not as a string)."""

	site: LiveSite
	tokens: dict = field(default_factory=dict)

	def call(self, actor: str, method: str, path: str, payload: dict | None = None) -> requests.Response:
		url = f"{self.site.url}{path}"
		headers = self.site.headers(self.tokens.get(actor))
		if method in ("GET", "DELETE"):
			params = {
				k: v if isinstance(v, str) else json.dumps(v, default=str) for k, v in (payload or {}).items()
			}
			return requests.request(method, url, params=params, headers=headers, timeout=120)
		return requests.request(method, url, json=payload or {}, headers=headers, timeout=120)


def build_world(tag: str) -> frappe._dict:
	"""Two programmes; in A a pool with a requester, a coverer and a member, a plain clinician outside
	the pool, a coach; in B one clinician and its pool. One covered request (with a private reason and
	a decline), one open, one open whose duty has ended, one cancelled, one draft; a coach pairing with
	a held meeting and a private note; a care team, a leave, a shift, a rota day."""
	w = frappe._dict(tag=tag)
	make_outgoing_email_account()
	w.prog_a = make_program(f"Hostile A {tag}")
	w.prog_b = make_program(f"Hostile B {tag}")
	w.private_note = f"fever{tag} since three"
	w.decline_note = f"away{tag} at a wedding"
	w.coaching_secret = f"struggling{tag} with the rotation"
	w.nomatch = f"nomatch{tag}"

	w.requester = make_clinician(f"Hostile Requester {tag}", program=w.prog_a)
	w.coverer = make_clinician(f"Hostile Coverer {tag}", program=w.prog_a)
	w.member = make_clinician(f"Hostile Member {tag}", program=w.prog_a)
	w.clinician = make_clinician(f"Hostile Plain {tag}", program=w.prog_a)
	w.outsider = make_clinician(f"Hostile Outsider {tag}", program=w.prog_b)
	w.coach = make_clinician(f"Hostile Coach {tag}", role="Faculty", level=None, program=w.prog_a)
	frappe.get_doc("User", user_of(w.coach)).add_roles("Coach")
	coach = frappe.get_doc("Clinician", w.coach)
	coach.coach_capacity = 2
	coach.append(
		"clinic_templates",
		{
			"weekday": "Tuesday",
			"half_day": "PM",
			"site": "Main Clinic",
			"effective_from": add_days(getdate(), -90),
		},
	)
	coach.save(ignore_permissions=True)

	w.pool = make_pool(
		f"Hostile Pool {tag}",
		[w.requester, w.coverer, w.member],
		program=w.prog_a,
		allowed_roles=[{"role": role} for role in ("Resident", "Fellow", "Faculty")],
		unit_weights=[{"duty_kind": "Day", "units": 1.0}],
	)
	w.pool_b = make_pool(f"Hostile Pool B {tag}", [w.outsider], program=w.prog_b)

	w.coordinator = coordinator(f"hostile-coord-{tag}@cc-test.example", w.prog_a, ("Cover Coordinator",))
	w.other_coordinator = coordinator(
		f"hostile-coord-b-{tag}@cc-test.example", w.prog_b, ("Cover Coordinator",)
	)
	# A coordinator who is also a clinician and a coach: each role grants only what it may see.
	w.coord_clinician = coordinator(
		f"hostile-coord-clin-{tag}@cc-test.example", w.prog_a, ("Cover Coordinator", "Clinician", "Coach")
	)

	covered = make_request(
		w.requester, w.pool, hours_from_now=24 * 5, reason_category="Illness", reason_note=w.private_note
	)
	w.covered_req = covered.name
	frappe.set_user(user_of(w.member))
	lifecycle.decline(w.covered_req, w.decline_note)
	frappe.set_user("Administrator")
	lifecycle.assign(w.covered_req, w.coverer, "hostile-door tests need this cover")
	w.open_req = make_request(w.requester, w.pool, hours_from_now=24 * 9, reason_category="Personal").name
	ended = make_request(w.requester, w.pool, hours_from_now=24 * 12)
	w.ended_req = ended.name
	# The duty has ended while the request is still Open: the scheduler has not got to it yet.
	start, end = now_datetime() - timedelta(hours=30), now_datetime() - timedelta(hours=18)
	frappe.db.set_value("Cover Request Duty", ended.duties[0].name, {"start": start, "end": end})
	frappe.db.set_value("Cover Request", w.ended_req, {"starts_at": start, "ends_at": end})
	cancelled = make_request(w.requester, w.pool, hours_from_now=24 * 14)
	cancelled.reload().cancel()
	w.cancelled_req = cancelled.name
	w.draft_req = make_request(w.requester, w.pool, hours_from_now=24 * 16, submit=False).name

	w.ledger_entry = frappe.get_all(
		"Cover Ledger Entry", filters={"cover_request": w.covered_req}, pluck="name"
	)[0]
	w.duty_row = frappe.db.get_value("Cover Request Duty", {"parent": w.covered_req}, "name")

	w.pairing = (
		frappe.get_doc(
			{
				"doctype": "Coach Pairing",
				"resident": w.requester,
				"coach": w.coach,
				"status": "Active",
				"start_date": add_days(getdate(), -30),
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
	w.held_meeting = (
		frappe.get_doc(
			{
				"doctype": "Coaching Meeting",
				"pairing": w.pairing,
				"status": "Held",
				"starts_at": at(-72),
				"ends_at": at(-71),
				"mode": "In person",
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
	w.coaching_note = (
		frappe.get_doc({"doctype": "Coaching Note", "meeting": w.held_meeting, "note": w.coaching_secret})
		.insert(ignore_permissions=True)
		.name
	)
	w.care_team = (
		frappe.get_doc(
			{
				"doctype": "Care Team",
				"label": "Complex heart failure follow-up",
				"program": w.prog_a,
				"start_date": getdate(),
				"members": [
					{"clinician": w.requester, "team_role": "Resident"},
					{"clinician": w.coach, "team_role": "Faculty"},
				],
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
	w.leave = (
		frappe.get_doc(
			{
				"doctype": "Clinician Unavailability",
				"clinician": w.member,
				"kind": "Leave",
				"from_datetime": at(24 * 40),
				"to_datetime": at(24 * 42),
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
	w.shift = (
		frappe.get_doc(
			{
				"doctype": "Clinician Shift",
				"clinician": w.member,
				"duty_kind": "Day",
				"start": at(24 * 44),
				"end": at(24 * 44 + 12),
				"service": "Wards B",
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
	w.rota = (
		frappe.get_doc(
			{
				"doctype": "Jeopardy Rota",
				"pool": w.pool,
				"rota_date": add_days(getdate(), 3),
				"clinician": w.member,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
	# One row of each child table, for the REST doors that name a row directly.
	parents = {
		"Care Team Member": w.care_team,
		"Clinic Session Template": w.coach,
		"Cover Request Duty": w.covered_req,
		"Cover Request Offer": w.covered_req,
		"Cover Request Ranking": w.covered_req,
		"Jeopardy Pool Member": w.pool,
		"Jeopardy Pool Role": w.pool,
		"Jeopardy Pool Unit Weight": w.pool,
	}
	# Offers and ranking rows are records of their own, found by their request.
	w.rows = {
		dt: frappe.db.get_value(
			dt,
			{"cover_request" if dt in ("Cover Request Offer", "Cover Request Ranking") else "parent": parent},
			"name",
		)
		for dt, parent in parents.items()
	}
	w.feed_user = user_of(w.member)
	tokens.issue(w.feed_user)
	check_in = frappe.get_doc(
		{
			"doctype": "Wellness Check-in",
			"clinician": w.requester,
			"program": w.prog_a,
			"status": "Open",
			"prompted_at": now_datetime(),
			"call_outs": 3,
			"window_days": 30,
		}
	)
	check_in.flags.written_by_app = True
	w.check_in = check_in.insert(ignore_permissions=True).name
	w.full_names = {c: frappe.db.get_value("Clinician", c, "full_name") for c in (w.requester, w.coverer)}
	frappe.db.commit()
	return w


def coordinator(email: str, program: str, roles: tuple[str, ...]) -> str:
	make_user(email, roles=roles)
	frappe.get_doc(
		{"doctype": "User Permission", "user": email, "allow": "Residency Program", "for_value": program}
	).insert(ignore_permissions=True)
	return email


def actor_users(w) -> dict[str, str]:
	return {
		"requester": user_of(w.requester),
		"coverer": user_of(w.coverer),
		"member": user_of(w.member),
		"clinician": user_of(w.clinician),
		"outsider": user_of(w.outsider),
		"coach": user_of(w.coach),
		"coordinator": w.coordinator,
		"other_coordinator": w.other_coordinator,
		"coord_clinician": w.coord_clinician,
		"sysmgr": "Administrator",
	}


def remove_world(tag: str) -> None:
	"""Everything tagged: the coaching and scheduling records first (they link the clinicians), then
	what `remove_committed_records` knows, then the coordinators and the programmes."""
	frappe.db.rollback()
	programs = [f"Hostile A {tag}", f"Hostile B {tag}"]
	clinicians = frappe.get_all("Clinician", filters={"full_name": ("like", f"%{tag}")}, pluck="name")
	pairings = frappe.get_all("Coach Pairing", filters={"program": ("in", programs)}, pluck="name")
	meetings = frappe.get_all("Coaching Meeting", filters={"pairing": ("in", pairings or [""])}, pluck="name")
	frappe.db.delete("Coaching Note", {"meeting": ("in", meetings or [""])})
	frappe.db.delete("Coaching Meeting", {"name": ("in", meetings or [""])})
	frappe.db.delete("Coach Pairing", {"name": ("in", pairings or [""])})
	teams = frappe.get_all("Care Team", filters={"program": ("in", programs)}, pluck="name")
	frappe.db.delete("Care Team Member", {"parent": ("in", teams or [""])})
	frappe.db.delete("Care Team", {"name": ("in", teams or [""])})
	frappe.db.delete("Clinician Unavailability", {"clinician": ("in", clinicians or [""])})
	pools = frappe.get_all("Jeopardy Pool", filters={"pool_name": ("like", f"%{tag}")}, pluck="name")
	frappe.db.delete("Jeopardy Rota", {"pool": ("in", pools or [""])})
	users = frappe.get_all("Clinician", filters={"name": ("in", clinicians or [""])}, pluck="user")
	frappe.db.delete("Calendar Feed", {"user": ("in", users or [""])})
	remove_committed_records(tag)
	for user in frappe.get_all(
		"User", filters={"name": ("like", f"hostile-coord%{tag}@cc-test.example")}, pluck="name"
	):
		frappe.db.delete("User Permission", {"user": user})
		frappe.delete_doc("User", user, force=True, ignore_permissions=True)
	for program in programs:
		if frappe.db.exists("Residency Program", program):
			frappe.delete_doc("Residency Program", program, force=True, ignore_permissions=True)
	frappe.db.commit()


def start_client(w) -> Client:
	tokens = {actor: api_token(user) for actor, user in actor_users(w).items()}
	frappe.db.commit()
	return Client(LiveSite(workers=2).start(), tokens)
