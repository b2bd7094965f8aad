"""The hostile-door catalogue: every whitelisted method of the app and every app doctype's REST
insert, update and delete, called by people who must be refused or with input that must be refused.

A case is data: who calls, how, with what, and what the answer must be. `test_hostile_doors` runs each
one over HTTP and checks, beyond the case's own expectation, that no answer is a 5xx, that a refusal
carries a message a person can read, and that a refused call wrote nothing to any app table.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import frappe
from frappe.utils import add_days, get_datetime, getdate

from collective_cover.tests.hostile_world import at

API = "/api/method/collective_cover.api.cover."
MY_COVER = "/api/method/collective_cover.api.my_cover."
CALENDAR = "/api/method/collective_cover.api.calendar."
CORE = "/api/method/frappe."  # core methods this app overrides (kernel/core_queries.py)
TOOL = "/api/method/collective_cover.collective_cover.doctype.coach_pairing_tool.coach_pairing_tool."
CHARTS = "/api/method/collective_cover.collective_cover.dashboard_chart_source."
RUN_DOC = "/api/method/run_doc_method"
WEB_FORM = "/api/method/frappe.website.doctype.web_form.web_form.accept"
HUGE = "x" * 100_000  # bigger than any Small Text / Data column
SQLISH = "CR' OR '1'='1' -- "

# The six actors of the matrix; the others (member, outsider, coach, the coordinator who is also
# a clinician, Administrator) appear in hand-written cases.
MATRIX_ACTORS = ("guest", "clinician", "requester", "coverer", "other_coordinator", "coordinator")


@dataclass(frozen=True)
class Case:
	name: str
	actor: str
	method: str
	path: str
	payload: dict | None = None
	status: int | tuple[int, ...] | None = None  # None: any 4xx
	message: str | None = None  # a substring of the readable message
	outcome: str = "refused"  # "refused", or "either" when a 2xx is fine too (then `check` runs)
	secret: str | None = None  # text the answer must not contain, whatever its status
	check: Callable | None = None  # (world, response) -> a problem, or None; for 2xx answers


def whitelisted_calls(w) -> dict[str, tuple[str, str, dict]]:
	"""Each whitelisted method of the app with well-formed arguments: (HTTP method, path, payload).
	Keyed by module:function so `test_every_whitelisted_method_is_in_the_catalogue` can compare with
	the source."""
	span = {"from_date": str(getdate()), "to_date": str(add_days(getdate(), 90))}
	return {
		"api/cover.py:accept": ("POST", API + "accept", {"cover_request": w.open_req}),
		"api/cover.py:decline": ("POST", API + "decline", {"cover_request": w.open_req}),
		"api/cover.py:assign": ("POST", API + "assign", {"cover_request": w.open_req, "clinician": w.member}),
		"api/cover.py:my_position": ("GET", API + "my_position", {"pool": w.pool}),
		"api/cover.py:pool_fairness": ("GET", API + "pool_fairness", {"pool": w.pool}),
		"api/cover.py:open_requests": ("GET", API + "open_requests", {}),
		"coach_pairing_tool.py:preview": ("GET", TOOL + "preview", {"program": w.prog_a, **span}),
		"coach_pairing_tool.py:create": ("POST", TOOL + "create", {"program": w.prog_a, **span}),
		"coach_pairing.py:propose_meetings": (
			"POST",
			RUN_DOC,
			{"dt": "Coach Pairing", "dn": w.pairing, "method": "propose_meetings"},
		),
		"jeopardy_pool.py:plan_rota": (
			"POST",
			RUN_DOC,
			{"dt": "Jeopardy Pool", "dn": w.pool, "method": "plan_rota", "args": json.dumps(span)},
		),
		"burden_distribution.py:get": ("GET", CHARTS + "burden_distribution.burden_distribution.get", {}),
		"cover_requests_by_outcome.py:get": (
			"GET",
			CHARTS + "cover_requests_by_outcome.cover_requests_by_outcome.get",
			{},
		),
		"api/calendar.py:rotate_feed": ("POST", CALENDAR + "rotate_feed", {}),
		"api/calendar.py:revoke_feed": ("POST", CALENDAR + "revoke_feed", {}),
		"api/calendar.py:feed": ("GET", CALENDAR + "feed", {"token": "not-a-token"}),
		**{
			f"api/my_cover.py:{name}": ("GET", MY_COVER + name, {})
			for name in ("my_pools", "my_shifts", "open_offers", "my_covers", "my_requests", "my_standing")
		},
		"api/my_cover.py:my_coaching": ("GET", MY_COVER + "my_coaching", {}),
		"api/my_cover.py:call_out": (
			"POST",
			MY_COVER + "call_out",
			{"pool": w.pool, "duties": [duty(24 * 35)], "reason_category": "Illness"},
		),
		"api/my_cover.py:confirm_meeting": (
			"POST",
			MY_COVER + "confirm_meeting",
			{"meeting": w.held_meeting},
		),
		"api/my_cover.py:reschedule_meeting": (
			"POST",
			MY_COVER + "reschedule_meeting",
			{"meeting": w.held_meeting, "starts_at": at(24 * 80)},
		),
		"core_queries.py:get_count": ("GET", CORE + "client.get_count", {"doctype": "Cover Request"}),
		"core_queries.py:get": ("GET", CORE + "client.get", {"doctype": "Cover Request", "name": w.open_req}),
		"core_queries.py:search_link": (
			"GET",
			CORE + "desk.search.search_link",
			{"doctype": "Cover Request", "txt": ""},
		),
		"core_queries.py:search_widget": (
			"GET",
			CORE + "desk.search.search_widget",
			{"doctype": "Cover Request", "txt": ""},
		),
		"core_queries.py:get_group_by_count": (
			"GET",
			CORE + "desk.listview.get_group_by_count",
			{"doctype": "Cover Request", "current_filters": "[]", "field": "owner"},
		),
	}


# Methods a Guest may call by design: the calendar feed answers calendar clients, which carry no session
# (its own tests cover unknown, replaced and revoked tokens).
GUEST_METHODS = ("api/calendar.py:feed",)


@dataclass(frozen=True)
class Door:
	"""How to reach one doctype over REST: an existing record of programme A, a well-formed new one,
	and a harmless-looking change. Child rows name their parent, as a hostile client would."""

	target: Callable
	insert: Callable
	update: dict
	parent: tuple[str, str] | None = None  # (parent doctype, parentfield) for child doctypes


def child(parenttype: str, parentfield: str, parent: Callable, **fields) -> Callable:
	return lambda w: {"parent": parent(w), "parenttype": parenttype, "parentfield": parentfield, **fields}


def doors(w) -> dict[str, Door]:
	"""Every app doctype; `test_every_app_doctype_has_a_door` keeps this list complete."""
	row = w.rows.get
	return {
		"Calendar Feed": Door(
			lambda w: w.feed_user,
			lambda w: {"user": w.feed_user, "token_hash": "0" * 64},
			{"token_hash": "f" * 64},
		),
		"Care Team": Door(
			lambda w: w.care_team,
			lambda w: {
				"label": "Another complex-care team",
				"program": w.prog_a,
				"start_date": str(getdate()),
				"members": [{"clinician": w.member, "team_role": "Resident"}],
			},
			{"label": "Renamed team"},
		),
		"Care Team Member": Door(
			lambda w: row("Care Team Member"),
			child("Care Team", "members", lambda w: w.care_team, clinician=w.member, team_role="Resident"),
			{"team_role": "Nurse"},
			("Care Team", "members"),
		),
		"Clinic Session Template": Door(
			lambda w: row("Clinic Session Template"),
			child(
				"Clinician",
				"clinic_templates",
				lambda w: w.coach,
				weekday="Monday",
				half_day="AM",
				site="Main Clinic",
				effective_from=str(getdate()),
			),
			{"site": "Elsewhere"},
			("Clinician", "clinic_templates"),
		),
		"Clinician": Door(
			lambda w: w.member,
			lambda w: {
				"full_name": f"Hostile Intruder {w.tag}",
				"program": w.prog_a,
				"role": "Faculty",
				"fte": 1,
			},
			{"fte": 0.5},
		),
		"Clinician Shift": Door(
			lambda w: w.shift,
			lambda w: {
				"clinician": w.member,
				"duty_kind": "Day",
				"start": at(24 * 50),
				"end": at(24 * 50 + 12),
			},
			{"service": "Moved"},
		),
		"Clinician Unavailability": Door(
			lambda w: w.leave,
			lambda w: {
				"clinician": w.member,
				"kind": "Vacation",
				"from_datetime": at(24 * 60),
				"to_datetime": at(24 * 61),
			},
			{"kind": "Protected time"},
		),
		"Coach Pairing": Door(
			lambda w: w.pairing,
			lambda w: {
				"resident": w.member,
				"coach": w.coach,
				"status": "Active",
				"start_date": str(getdate()),
			},
			{"meetings_required": 9},
		),
		"Coach Pairing Tool": Door(
			lambda w: "Coach Pairing Tool",
			lambda w: {
				"program": w.prog_a,
				"from_date": str(getdate()),
				"to_date": str(add_days(getdate(), 9)),
			},
			{"program": w.prog_a},
		),
		"Coaching Meeting": Door(
			lambda w: w.held_meeting,
			lambda w: {
				"pairing": w.pairing,
				"status": "Proposed",
				"starts_at": at(24 * 70),
				"ends_at": at(24 * 70 + 1),
			},
			{"mode": "Video"},
		),
		"Coaching Note": Door(
			lambda w: w.coaching_note,
			lambda w: {"meeting": w.held_meeting, "note": "an intruder's note"},
			{"note": "overwritten"},
		),
		"Collective Cover Settings": Door(
			lambda w: "Collective Cover Settings",
			lambda w: {"offer_top_n": 99},
			{"offer_top_n": 99, "checkin_threshold": 999},
		),
		"Cover Ledger Entry": Door(
			lambda w: w.ledger_entry,
			lambda w: {
				"clinician": w.coverer,
				"pool": w.pool,
				"program": w.prog_a,
				"entry_type": "Cover",
				"units": -5,
				"posting_datetime": at(0),
			},
			{"units": 99},
		),
		"Cover Delivery": Door(
			lambda w: frappe.db.get_value("Cover Delivery", {"cover_request": w.covered_req}, "name"),
			lambda w: {
				"cover_request": w.covered_req,
				"program": w.prog_a,
				"event": "Offer",
				"occasion": "forged",
				"recipient_type": "Clinician",
				"recipient": w.member,
				"status": "Owed",
			},
			{"status": "Owed", "attempts": 0},
		),
		"Cover Request": Door(
			lambda w: w.covered_req,
			lambda w: {
				"requester": w.requester,
				"pool": w.pool,
				"duties": [{"start": at(24 * 30), "end": at(24 * 30 + 12), "duty_kind": "Day"}],
			},
			{"status": "Cancelled"},
		),
		"Cover Request Duty": Door(
			lambda w: row("Cover Request Duty"),
			child(
				"Cover Request",
				"duties",
				lambda w: w.covered_req,
				start=at(24 * 6),
				end=at(24 * 6 + 12),
				duty_kind="Day",
			),
			{"end": at(24 * 5 + 40)},
			("Cover Request", "duties"),
		),
		"Cover Request Offer": Door(
			lambda w: row("Cover Request Offer"),
			child(
				"Cover Request", "offers", lambda w: w.covered_req, clinician=w.clinician, offered_at=at(0)
			),
			{"declined_at": None, "decline_note": "never mind"},
			("Cover Request", "offers"),
		),
		"Cover Request Ranking": Door(
			lambda w: row("Cover Request Ranking"),
			child(
				"Cover Request", "ranking", lambda w: w.covered_req, clinician=w.clinician, rank=1, eligible=1
			),
			{"rank": 99, "reasons": "rewritten"},
			("Cover Request", "ranking"),
		),
		"Cover Request Reason": Door(
			lambda w: w.covered_req,
			lambda w: {"cover_request": w.draft_req, "reason_category": "Other", "reason_note": "forged"},
			{"reason_note": "rewritten", "reason_category": "Personal"},
		),
		"Jeopardy Pool": Door(
			lambda w: w.pool,
			lambda w: {
				"pool_name": f"Hostile Intruder Pool {w.tag}",
				"program": w.prog_a,
				"reciprocity_policy": "Collective",
				"members": [{"clinician": w.member, "joined_on": str(getdate())}],
			},
			{"reciprocity_policy": "Individual payback"},
		),
		"Jeopardy Pool Member": Door(
			lambda w: row("Jeopardy Pool Member"),
			child(
				"Jeopardy Pool", "members", lambda w: w.pool, clinician=w.clinician, joined_on=str(getdate())
			),
			{"left_on": str(getdate())},
			("Jeopardy Pool", "members"),
		),
		"Jeopardy Pool Role": Door(
			lambda w: row("Jeopardy Pool Role"),
			child("Jeopardy Pool", "allowed_roles", lambda w: w.pool, role="Nurse"),
			{"role": "Nurse"},
			("Jeopardy Pool", "allowed_roles"),
		),
		"Jeopardy Pool Unit Weight": Door(
			lambda w: row("Jeopardy Pool Unit Weight"),
			child("Jeopardy Pool", "unit_weights", lambda w: w.pool, duty_kind="Night", units=9),
			{"units": 0.01},
			("Jeopardy Pool", "unit_weights"),
		),
		"Jeopardy Rota": Door(
			lambda w: w.rota,
			lambda w: {"pool": w.pool, "rota_date": str(add_days(getdate(), 45)), "clinician": w.coverer},
			{"clinician": w.coverer},
		),
		"Residency Program": Door(
			lambda w: w.prog_a,
			lambda w: {"program_name": f"Hostile Intruder Programme {w.tag}"},
			{"program_director": "Administrator"},
		),
		"Wellness Check-in": Door(
			lambda w: w.check_in,
			lambda w: {"clinician": w.member, "program": w.prog_a, "status": "Open", "prompted_at": at(0)},
			{"call_outs": 0},
		),
	}


# What each actor may legitimately do through plain REST, by (actor, operation, doctype); the matrix
# tries everything else. Singles have no insert or delete of their own.
ALLOWED = {
	*{
		("coordinator", op, dt)
		for op in ("insert", "update", "delete")
		for dt in (
			"Care Team",
			"Care Team Member",
			"Clinician Shift",
			"Clinician Unavailability",
			"Coach Pairing",
			"Coaching Meeting",
			"Jeopardy Pool Member",
			"Jeopardy Pool Role",
			"Jeopardy Pool Unit Weight",
			"Clinic Session Template",
		)
	},
	*{("coordinator", op, dt) for op in ("insert", "update") for dt in ("Clinician", "Jeopardy Pool")},
	("coordinator", "insert", "Cover Request"),  # on someone's behalf
	("coordinator", "update", "Cover Request Reason"),
	("coordinator", "update", "Jeopardy Rota"),
	("coordinator", "delete", "Jeopardy Rota"),
	("coordinator", "update", "Coach Pairing Tool"),
	("requester", "insert", "Cover Request"),  # their own
	("requester", "update", "Coaching Meeting"),  # the resident of the pairing
	("requester", "insert", "Coaching Note"),
	("requester", "update", "Coaching Note"),
}


def matrix_cases(w) -> list[Case]:
	"""Insert, update and delete of every app doctype by each of the six actors, where not allowed."""
	cases = []
	for doctype, door in doors(w).items():
		single = frappe.get_meta(doctype).issingle
		target = door.target(w)
		ops = {
			"insert": ("POST", f"/api/resource/{doctype}", door.insert(w)),
			"update": ("PUT", f"/api/resource/{doctype}/{target}", door.update),
			"delete": ("DELETE", f"/api/resource/{doctype}/{target}", None),
		}
		for actor in MATRIX_ACTORS:
			for op, (method, path, payload) in ops.items():
				if (single and op != "update") or (actor, op, doctype) in ALLOWED:
					continue
				cases.append(Case(f"{op} {doctype} as {actor}", actor, method, path, payload))
	return cases


def guest_cases(w) -> list[Case]:
	cases = [
		Case(f"guest calls {key}", "guest", method, path, payload, status=(401, 403))
		for key, (method, path, payload) in whitelisted_calls(w).items()
		if key not in GUEST_METHODS
	]
	cases += [
		Case(
			"guest files through the web form",
			"guest",
			"POST",
			WEB_FORM,
			{"web_form": "file-cover-request", "data": json.dumps(door_payload(w, "Cover Request"))},
		),
		Case("guest reads a covered request", "guest", "GET", f"/api/resource/Cover Request/{w.covered_req}"),
		Case("guest lists cover requests", "guest", "GET", "/api/resource/Cover Request"),
		Case("guest reads the offers page data", "guest", "GET", API + "open_requests", {"pool": w.pool}),
	]
	return cases


def door_payload(w, doctype: str) -> dict:
	return doors(w)[doctype].insert(w)


def method_abuse_cases(w) -> list[Case]:
	"""Wrong HTTP method, missing, extra, mistyped, nonexistent, huge and SQL-ish arguments."""
	calls = whitelisted_calls(w)
	legit = {  # who would call each method for real
		"api/cover.py:accept": "member",
		"api/cover.py:decline": "member",
		"api/cover.py:assign": "coordinator",
		"api/cover.py:my_position": "member",
		"api/cover.py:pool_fairness": "member",
		"coach_pairing_tool.py:preview": "coordinator",
		"coach_pairing_tool.py:create": "coordinator",
		"coach_pairing.py:propose_meetings": "coordinator",
		"jeopardy_pool.py:plan_rota": "coordinator",
		"api/my_cover.py:call_out": "member",
		"api/my_cover.py:confirm_meeting": "requester",
		"api/my_cover.py:reschedule_meeting": "requester",
		**{
			f"core_queries.py:{name}": "clinician"
			for name in ("get_count", "get", "search_link", "search_widget", "get_group_by_count")
		},
	}
	cases = []
	for key, actor in legit.items():
		method, path, payload = calls[key]
		if method == "POST":
			cases.append(Case(f"GET on POST-only {key}", actor, "GET", path, payload, status=403))
		if path != RUN_DOC:
			cases.append(Case(f"{key} with no arguments", actor, method, path, {}))
	mistyped = {
		"api/cover.py:accept": {"cover_request": [w.open_req, w.covered_req]},
		"api/cover.py:decline": {"cover_request": {"name": w.open_req}},
		"api/cover.py:assign": {"cover_request": w.open_req, "clinician": {"$in": [w.member]}},
		"api/cover.py:my_position": {"pool": [w.pool]},
		"api/cover.py:pool_fairness": {"pool": {"name": w.pool}},
		"coach_pairing_tool.py:create": {"program": [w.prog_a], "from_date": {"y": 1}, "to_date": 7},
		"api/my_cover.py:call_out": {"pool": [w.pool], "duties": [duty(24 * 35)]},
		"api/my_cover.py:confirm_meeting": {"meeting": [w.held_meeting]},
		"api/my_cover.py:reschedule_meeting": {"meeting": w.held_meeting, "starts_at": {"at": "noon"}},
		"core_queries.py:get_count": {"doctype": ["Cover Request"]},
		"core_queries.py:search_link": {"doctype": "Cover Request", "txt": ["x"]},
	}
	for key, payload in mistyped.items():
		method, path, _ = calls[key]
		cases.append(Case(f"{key} with a list or dict for a string", legit[key], "POST", path, payload))
	cases += [
		Case(
			"accept a request that does not exist",
			"member",
			"POST",
			API + "accept",
			{"cover_request": "CR-1999-99999"},
			status=404,
		),
		Case(
			"decline a request that does not exist",
			"member",
			"POST",
			API + "decline",
			{"cover_request": "CR-1999-99999"},
			status=404,
		),
		Case(
			"accept with an SQL-ish name",
			"member",
			"POST",
			API + "accept",
			{"cover_request": SQLISH},
			status=404,
		),
		Case("accept with a 100 kB name", "member", "POST", API + "accept", {"cover_request": HUGE}),
		Case(
			"my_position of a pool that does not exist",
			"member",
			"GET",
			API + "my_position",
			{"pool": "No Such Pool"},
			status=404,
		),
		Case(
			"pool_fairness with an SQL-ish pool",
			"member",
			"GET",
			API + "pool_fairness",
			{"pool": "x' UNION SELECT reason_note FROM `tabCover Request Reason` -- "},
			status=404,
		),
		# POST: a 100 kB query string is refused by gunicorn before the app sees it.
		Case("my_position with a 100 kB pool", "member", "POST", API + "my_position", {"pool": HUGE}),
		Case(
			"decline with a 100 kB note",
			"member",
			"POST",
			API + "decline",
			{"cover_request": w.open_req, "note": HUGE},
		),
		Case(
			"call out with a 100 kB reason note",
			"member",
			"POST",
			MY_COVER + "call_out",
			{"pool": w.pool, "duties": [duty(24 * 35)], "reason_note": HUGE},
			message="at most 2000",
		),
		Case(
			"accept naming another request's duty",
			"member",
			"POST",
			API + "accept",
			{"cover_request": w.open_req, "duties": [w.rows["Cover Request Duty"]]},
		),
		Case(
			"accept with a set of fields for duties",
			"member",
			"POST",
			API + "accept",
			{"cover_request": w.open_req, "duties": {"name": "CRD-1"}},
		),
		Case(
			"accept with duties that are not JSON",
			"member",
			"POST",
			API + "accept",
			{"cover_request": w.open_req, "duties": '["unterminated'},
		),
		Case(
			"assign a duty of another request",
			"coordinator",
			"POST",
			API + "assign",
			{"cover_request": w.open_req, "clinician": w.member, "duties": [w.rows["Cover Request Duty"]]},
		),
		Case(
			"accept with no arguments through a legacy cmd post",
			"member",
			"POST",
			"/",
			{"cmd": "collective_cover.api.cover.accept"},
			status=417,
			message="is required",
		),
		Case(
			"the pairing tool's preview with no arguments through /api/v2/method/<doctype>",
			"coordinator",
			"POST",
			"/api/v2/method/Coach Pairing Tool/preview",
			{},
			status=417,
			message="is required",
		),
		Case(
			"call out with a colleague's shift",
			"requester",
			"POST",
			MY_COVER + "call_out",
			{"pool": w.pool, "duties": [{"shift": w.shift}]},
			secret="Wards B",  # nothing of the colleague's shift comes back
		),
		Case(
			"call out with a shift that does not exist",
			"member",
			"POST",
			MY_COVER + "call_out",
			{"pool": w.pool, "duties": [{"shift": "CS-NOPE-0001"}]},
		),
		Case(
			"call out with a dict for a shift's name",
			"member",
			"POST",
			MY_COVER + "call_out",
			{"pool": w.pool, "duties": [{"shift": {"name": w.shift}}]},
		),
		Case(
			"accept with an extra argument naming someone else",
			"clinician",
			"POST",
			API + "accept",
			{"cover_request": w.open_req, "clinician": w.member, "user": w.coordinator},
		),
		Case(
			"propose_meetings on a pairing that does not exist",
			"coordinator",
			"POST",
			RUN_DOC,
			{"dt": "Coach Pairing", "dn": "CP-99999", "method": "propose_meetings"},
			status=404,
		),
		Case(
			"run a controller method that is not whitelisted",
			"coordinator",
			"POST",
			RUN_DOC,
			{"dt": "Jeopardy Pool", "dn": w.pool, "method": "validate_members"},
			status=403,
		),
		Case(
			"plan_rota with no arguments",
			"coordinator",
			"POST",
			RUN_DOC,
			{"dt": "Jeopardy Pool", "dn": w.pool, "method": "plan_rota"},
		),
		Case(
			"plan_rota with lists for dates",
			"coordinator",
			"POST",
			RUN_DOC,
			{
				"dt": "Jeopardy Pool",
				"dn": w.pool,
				"method": "plan_rota",
				"args": json.dumps({"from_date": ["x"], "to_date": {}}),
			},
		),
	]
	return cases


def lifecycle_cases(w) -> list[Case]:
	"""accept, decline and assign by the wrong people or on requests in the wrong state."""

	def accept(name, actor, request, **kw):
		return Case(name, actor, "POST", API + "accept", {"cover_request": request}, **kw)

	def decline(name, actor, request, **kw):
		return Case(name, actor, "POST", API + "decline", {"cover_request": request, "note": "no"}, **kw)

	def assign(name, actor, request, clinician, reason=None, **kw):
		payload = {"cover_request": request, "clinician": clinician, "override_reason": reason}
		return Case(name, actor, "POST", API + "assign", payload, **kw)

	return [
		accept("the requester accepts their own request", "requester", w.open_req, status=417),
		accept("a clinician outside the pool accepts", "clinician", w.open_req, status=417),
		accept("a clinician of another programme accepts", "outsider", w.open_req),
		accept("a coordinator who is no clinician accepts", "coordinator", w.open_req, status=403),
		accept("the coverer accepts the covered request again", "coverer", w.covered_req, status=417),
		accept("a member accepts an open request whose duty has ended", "member", w.ended_req),
		accept("a member accepts a cancelled request", "member", w.cancelled_req, status=417),
		accept("a member accepts a draft", "member", w.draft_req, status=417),
		decline("a clinician never offered and outside the pool declines", "clinician", w.open_req),
		decline("a clinician of another programme declines", "outsider", w.open_req),
		decline("the requester declines their own request", "requester", w.open_req),
		decline("a coordinator who is no clinician declines", "coordinator", w.open_req, status=403),
		decline("a member declines a covered request", "member", w.covered_req, status=417),
		decline("a member declines an ended request", "member", w.ended_req),
		assign("a plain member assigns", "member", w.open_req, w.member, status=403),
		assign("the requester assigns", "requester", w.open_req, w.coverer, status=403),
		assign("the coverer assigns", "coverer", w.open_req, w.coverer, status=403),
		assign(
			"a coordinator of another programme assigns",
			"other_coordinator",
			w.open_req,
			w.coverer,
			"urgent",
			status=403,
		),
		assign(
			"a coordinator assigns the requester to their own request",
			"coordinator",
			w.open_req,
			w.requester,
			"nobody else",
		),
		assign(
			"a coordinator assigns a clinician who does not exist",
			"coordinator",
			w.open_req,
			"CLN-99999",
			"x",
		),
		assign(
			"a coordinator assigns an ineligible member with a blank reason",
			"coordinator",
			w.open_req,
			w.clinician,
			"   ",
			status=417,
		),
		assign(
			"a coordinator assigns on a covered request",
			"coordinator",
			w.covered_req,
			w.member,
			"again",
			status=417,
		),
		assign(
			"a coordinator assigns on a cancelled request",
			"coordinator",
			w.cancelled_req,
			w.member,
			"x",
			status=417,
		),
		assign(
			"a coordinator assigns with a 100 kB override reason",
			"coordinator",
			w.open_req,
			w.clinician,
			HUGE,
		),
		Case(
			"a clinician outside the pool reads my_position",
			"clinician",
			"GET",
			API + "my_position",
			{"pool": w.pool},
			status=403,
		),
		Case(
			"a clinician of another programme reads pool_fairness",
			"outsider",
			"GET",
			API + "pool_fairness",
			{"pool": w.pool},
			status=403,
		),
		Case(
			"a coordinator of another programme reads pool_fairness",
			"other_coordinator",
			"GET",
			API + "pool_fairness",
			{"pool": w.pool},
			status=403,
		),
		Case(
			"a coordinator who is no member reads my_position",
			"coordinator",
			"GET",
			API + "my_position",
			{"pool": w.pool},
			status=403,
		),
		Case(
			"a coordinator who is no clinician lists open requests",
			"coordinator",
			"GET",
			API + "open_requests",
			status=403,
		),
	]


def tool_and_chart_cases(w) -> list[Case]:
	def preview(name, actor, program, start, end, **kw):
		return Case(
			name,
			actor,
			"GET",
			TOOL + "preview",
			{"program": program, "from_date": start, "to_date": end},
			**kw,
		)

	def create(name, actor, program, start, end, **kw):
		return Case(
			name,
			actor,
			"POST",
			TOOL + "create",
			{"program": program, "from_date": start, "to_date": end},
			**kw,
		)

	today, later = str(getdate()), str(add_days(getdate(), 90))
	plan = {"dt": "Jeopardy Pool", "dn": w.pool, "method": "plan_rota"}
	burden = CHARTS + "burden_distribution.burden_distribution.get"
	outcome = CHARTS + "cover_requests_by_outcome.cover_requests_by_outcome.get"
	return [
		preview("pairing preview ending before it starts", "coordinator", w.prog_a, later, today, status=417),
		preview(
			"pairing preview with unparseable dates", "coordinator", w.prog_a, "soon", "later", status=417
		),
		preview(
			"pairing preview of another programme", "other_coordinator", w.prog_a, today, later, status=403
		),
		preview("pairing preview by a clinician", "clinician", w.prog_a, today, later, status=403),
		preview(
			"pairing preview of a programme that does not exist",
			"coordinator",
			"No Such Programme",
			today,
			later,
		),
		create(
			"pairing create for another programme", "other_coordinator", w.prog_a, today, later, status=403
		),
		create("pairing create by a clinician", "clinician", w.prog_a, today, later, status=403),
		create("pairing create in the year 10000", "coordinator", w.prog_a, "9999-12-31", "10000-01-01"),
		Case(
			"propose meetings for someone else's pairing",
			"clinician",
			"POST",
			RUN_DOC,
			{**plan, "dt": "Coach Pairing", "dn": w.pairing, "method": "propose_meetings"},
			status=403,
		),
		Case(
			"propose meetings in another programme",
			"other_coordinator",
			"POST",
			RUN_DOC,
			{"dt": "Coach Pairing", "dn": w.pairing, "method": "propose_meetings"},
			status=403,
		),
		Case(
			"plan rota as a clinician",
			"member",
			"POST",
			RUN_DOC,
			{**plan, "args": json.dumps({"from_date": today, "to_date": later})},
			status=403,
		),
		Case(
			"plan rota as the requester",
			"requester",
			"POST",
			RUN_DOC,
			{**plan, "args": json.dumps({"from_date": today, "to_date": later})},
			status=403,
		),
		Case(
			"plan rota in another programme",
			"other_coordinator",
			"POST",
			RUN_DOC,
			{**plan, "args": json.dumps({"from_date": today, "to_date": later})},
			status=403,
		),
		Case(
			"plan rota ending before it starts",
			"coordinator",
			"POST",
			RUN_DOC,
			{**plan, "args": json.dumps({"from_date": later, "to_date": today})},
			status=417,
		),
		Case(
			"plan rota with unparseable dates",
			"coordinator",
			"POST",
			RUN_DOC,
			{**plan, "args": json.dumps({"from_date": "someday", "to_date": "never"})},
			status=417,
		),
		Case("burden chart as a clinician", "clinician", "GET", burden, status=403),
		Case("outcome chart as a coverer", "coverer", "GET", outcome, status=403),
		Case("burden chart with filters that are not JSON", "coordinator", "GET", burden, {"filters": "{{{"}),
		Case("outcome chart with a list for filters", "coordinator", "GET", outcome, {"filters": [1, 2]}),
		Case(
			"burden chart of programme A for B's coordinator",
			"other_coordinator",
			"GET",
			burden,
			{"filters": {"program": w.prog_a}},
			outcome="either",
			secret=w.full_names[w.coverer],
		),
	]


def cover_request_rest_cases(w) -> list[Case]:
	"""The REST doors of the Cover Request: rewriting a submitted request, and filing bad ones."""

	def put(name, actor, request, changes, **kw):
		return Case(name, actor, "PUT", f"/api/resource/Cover Request/{request}", changes, **kw)

	cases = [
		put(
			f"the requester rewrites {field} of their covered request",
			"requester",
			w.covered_req,
			{field: value},
			status=417,
		)
		for field, value in {
			"status": "Open",
			"covered_by": w.member,
			"covered_at": at(-100),
			"cover_method": "Volunteered",
			"ladder_stage": "New",
			"next_escalation_at": at(1),
			"submitted_at": at(-500),
			"override_reason": "I say so",
		}.items()
	]

	def duties_covered_by(request, coverer):
		"""The request's duty rows as a REST client would send them back, each naming `coverer`."""
		rows = frappe.get_all(
			"Cover Request Duty",
			filters={"parent": request, "parenttype": "Cover Request"},
			fields=["name", "start", "end", "duty_kind", "service", "site", "units", "cover_method"],
		)
		return [{**row, "start": str(row.start), "end": str(row.end), "covered_by": coverer} for row in rows]

	cases += [
		put(
			"the requester names another coverer on their covered request's duties",
			"requester",
			w.covered_req,
			{"duties": duties_covered_by(w.covered_req, w.member)},
			status=417,
		),
		put(
			"the requester names a coverer on their open request's duties",
			"requester",
			w.open_req,
			{"duties": duties_covered_by(w.open_req, w.coverer)},
			status=417,
		),
	]
	cases += [
		put(
			"the requester marks their open request covered by themselves",
			"requester",
			w.open_req,
			{"status": "Covered", "covered_by": w.requester},
			status=417,
		),
		put(
			"the requester sets a coverer on their open request",
			"requester",
			w.open_req,
			{"covered_by": w.coverer},
			status=417,
		),
		put(
			"a coordinator rewrites covered_by",
			"coordinator",
			w.covered_req,
			{"covered_by": w.member},
			status=417,
		),
		put(
			"a coordinator reopens a covered request by status",
			"coordinator",
			w.covered_req,
			{"status": "Open"},
			status=417,
		),
		put(
			"the System Manager rewrites covered_by",
			"sysmgr",
			w.covered_req,
			{"covered_by": w.member},
			status=417,
		),
		put(
			"the System Manager rewrites cover_method",
			"sysmgr",
			w.covered_req,
			{"cover_method": "Volunteered"},
			status=417,
		),
		put(
			"the System Manager marks an open request Completed",
			"sysmgr",
			w.open_req,
			{"status": "Completed"},
			status=417,
		),
		put(
			"the requester lengthens a duty after submit",
			"requester",
			w.covered_req,
			{"duties": [{"name": w.duty_row, "end": at(24 * 5 + 40)}]},
			status=417,
		),
		put(
			"the requester cancels a covered request through docstatus",
			"requester",
			w.covered_req,
			{"docstatus": 2},
			status=417,
		),
		put("the coverer rewrites the status", "coverer", w.covered_req, {"status": "Completed"}, status=403),
		put(
			"a clinician rewrites someone's request",
			"clinician",
			w.open_req,
			{"status": "Cancelled"},
			status=403,
		),
		put(
			"the requester wipes the offers and ranking",
			"requester",
			w.covered_req,
			{"offers": [], "ranking": []},
			outcome="either",
			check=unchanged(w, "offers and ranking"),
		),
		Case(
			"the requester files with a pool as a list through the v2 API",
			"requester",
			"POST",
			"/api/v2/document/Cover Request",
			{**door_payload(w, "Cover Request"), "pool": [w.pool]},
			status=417,
		),
		Case(
			"a coordinator adds a duty row through the v2 API",
			"coordinator",
			"POST",
			"/api/v2/document/Cover Request Duty",
			door_payload(w, "Cover Request Duty"),
			status=403,
		),
		Case(
			"a coordinator deletes a pool member row through the v2 API",
			"coordinator",
			"DELETE",
			f"/api/v2/document/Jeopardy Pool Member/{w.rows['Jeopardy Pool Member']}",
			status=403,
		),
		Case(
			"the requester deletes their covered request",
			"requester",
			"DELETE",
			f"/api/resource/Cover Request/{w.covered_req}",
		),
		Case(
			"a clinician reads someone's covered request",
			"clinician",
			"GET",
			f"/api/resource/Cover Request/{w.covered_req}",
			status=403,
		),
		Case(
			"a coordinator of another programme reads a request",
			"other_coordinator",
			"GET",
			f"/api/resource/Cover Request/{w.covered_req}",
			status=403,
		),
		Case(
			"the decliner reads the request they declined",
			"member",
			"GET",
			f"/api/resource/Cover Request/{w.covered_req}",
			status=403,
		),
		Case(
			"the requester reads the private reason",
			"requester",
			"GET",
			f"/api/resource/Cover Request Reason/{w.covered_req}",
			status=403,
			secret=w.private_note,
		),
		Case(
			"the coverer reads the private reason",
			"coverer",
			"GET",
			f"/api/resource/Cover Request Reason/{w.covered_req}",
			status=403,
			secret=w.private_note,
		),
		Case(
			"a coordinator of another programme reads the reason",
			"other_coordinator",
			"GET",
			f"/api/resource/Cover Request Reason/{w.covered_req}",
			status=403,
			secret=w.private_note,
		),
		Case(
			"the coverer lists requests with the virtual reason note",
			"coverer",
			"GET",
			"/api/resource/Cover Request",
			{"fields": ["name", "reason_note", "reason_category"]},
			outcome="either",
			secret=w.private_note,
		),
		Case(
			"the coverer filters requests on the virtual reason category",
			"coverer",
			"GET",
			"/api/resource/Cover Request",
			{"filters": [["reason_category", "=", "Illness"]]},
			outcome="either",
		),
		Case(
			"a clinician asks for the reason through a subquery field",
			"coverer",
			"GET",
			"/api/resource/Cover Request",
			{"fields": ["name", "(select reason_note from `tabCover Request Reason` limit 1) as x"]},
			outcome="either",
			secret=w.private_note,
		),
		Case(
			"a clinician filters with an SQL-ish like",
			"clinician",
			"GET",
			"/api/resource/Cover Request",
			{"filters": [["name", "like", "%' or 1=1 -- "]]},
			outcome="either",
			check=empty_list,
		),
		Case(
			"a clinician orders by a subquery",
			"clinician",
			"GET",
			"/api/resource/Cover Request",
			{"order_by": "(select sleep(1))"},
			outcome="either",
			check=empty_list,
		),
	]

	def new(name, actor, duties=None, requester="requester", pool=None, extra=None, **kw):
		"""A new request as `actor` files it; `requester` names a world attribute, or None to leave it out."""
		payload = {
			"pool": pool or w.pool,
			"duties": [duty(30)] if duties is None else duties,
			**(extra or {}),
		}
		if requester:
			payload["requester"] = getattr(w, requester)
		return Case(name, actor, "POST", "/api/resource/Cover Request", payload, **kw)

	cases += [
		new("a 40-hour duty", "requester", [duty(30, 40)], status=417),
		new("a duty more than a year ahead", "requester", [duty(24 * 400)], status=417),
		new("an unknown duty kind", "requester", [duty(30, kind="Brunch")], status=417),
		new(
			"an unparseable datetime",
			"requester",
			[{"start": "tomorrow-ish", "end": at(40), "duty_kind": "Day"}],
			status=417,
		),
		new(
			"datetimes with a UTC offset",
			"requester",
			[{"start": iso(30, "+02:00"), "end": iso(42, "+02:00"), "duty_kind": "Day"}],
			outcome="either",
			check=filed_as(w, "requester"),
		),
		new("a duty ending before it starts", "requester", [duty(40, -6)], status=417),
		new("no duties", "requester", [], status=417),
		new("duties as a string", "requester", "junk"),
		new("a datetime as a dict", "requester", [{"start": {"$gt": ""}, "end": at(40), "duty_kind": "Day"}]),
		new(
			"a year 99999 duty",
			"requester",
			[{"start": "99999-01-01 08:00:00", "end": "99999-01-01 20:00:00", "duty_kind": "Day"}],
		),
		new("a pool that does not exist", "requester", pool="No Such Pool"),
		new("a pool as a list", "requester", pool=[w.pool]),
		new("a requester as a dict", "requester", requester=None, extra={"requester": {"name": w.requester}}),
		new("a request filed for someone else", "requester", requester="member", status=(403, 417)),
		new("a clinician of another programme files into pool A", "outsider", requester="outsider"),
		new(
			"a clinician of another programme files into pool A without naming anyone",
			"outsider",
			requester=None,
		),
		new("a coordinator of another programme files in programme A", "other_coordinator"),
		new("an invalid reason category", "requester", extra={"reason_category": "Hacked"}, status=417),
		new("a 100 kB reason note", "requester", extra={"reason_note": HUGE}),
		new(
			"a submitted request that claims to be covered already",
			"requester",
			extra={
				"docstatus": 1,
				"status": "Covered",
				"covered_by": w.coverer,
				"cover_method": "Volunteered",
			},
			outcome="either",
			check=filed_as(w, "requester", uncovered=True),
		),
		new(
			"a request that takes the name of a covered one",
			"requester",
			extra={"name": w.covered_req},
			outcome="either",
			check=filed_as(w, "requester"),
		),
		Case(
			"a clinician of another programme files through the web form",
			"outsider",
			"POST",
			WEB_FORM,
			{"web_form": "file-cover-request", "data": json.dumps({"pool": w.pool, "duties": [duty(32)]})},
		),
	]
	return cases


def other_rest_cases(w) -> list[Case]:
	"""Ledger, reasons, coaching, care teams, schedules and pools: bad values and the wrong people."""

	def post(name, actor, doctype, payload, **kw):
		return Case(name, actor, "POST", f"/api/resource/{doctype}", payload, **kw)

	def put(name, actor, doctype, target, payload, **kw):
		return Case(name, actor, "PUT", f"/api/resource/{doctype}/{target}", payload, **kw)

	def team(label):
		members = [{"clinician": w.requester, "team_role": "Resident"}]
		return {"label": label, "program": w.prog_a, "start_date": str(getdate()), "members": members}

	return [
		post(
			"a coordinator writes a ledger entry by hand",
			"coordinator",
			"Cover Ledger Entry",
			door_payload(w, "Cover Ledger Entry"),
		),
		post(
			"the System Manager writes a ledger entry by hand",
			"sysmgr",
			"Cover Ledger Entry",
			door_payload(w, "Cover Ledger Entry"),
			status=417,
		),
		Case(
			"the System Manager deletes a ledger entry",
			"sysmgr",
			"DELETE",
			f"/api/resource/Cover Ledger Entry/{w.ledger_entry}",
		),
		put(
			"the System Manager edits a ledger entry",
			"sysmgr",
			"Cover Ledger Entry",
			w.ledger_entry,
			{"units": 0},
		),
		put(
			"the coverer edits their own ledger entry",
			"coverer",
			"Cover Ledger Entry",
			w.ledger_entry,
			{"units": 0},
			status=403,
		),
		post(
			"a clinician writes a reason",
			"clinician",
			"Cover Request Reason",
			door_payload(w, "Cover Request Reason"),
			status=403,
		),
		put(
			"the requester edits their reason",
			"requester",
			"Cover Request Reason",
			w.covered_req,
			{"reason_note": "changed"},
			status=403,
		),
		post(
			"a care team labelled with an e-mail address",
			"coordinator",
			"Care Team",
			team("Team of jane.doe@example.com"),
			status=417,
		),
		post(
			"a care team labelled with a phone number",
			"coordinator",
			"Care Team",
			team("Call +1 (555) 123-4567 team"),
			status=417,
		),
		post(
			"a care team labelled with a record number",
			"coordinator",
			"Care Team",
			team("MRN 12345678 team"),
			status=417,
		),
		post(
			"a care team with a member twice",
			"coordinator",
			"Care Team",
			{**team("Twice team"), "members": [{"clinician": w.requester, "team_role": "Resident"}] * 2},
			status=417,
		),
		post(
			"a care team of programme A by B's coordinator",
			"other_coordinator",
			"Care Team",
			team("Sneaky team"),
			status=403,
		),
		post(
			"a clinician with an FTE of 5",
			"coordinator",
			"Clinician",
			{**door_payload(w, "Clinician"), "fte": 5},
			status=417,
		),
		post(
			"a clinician with a text FTE",
			"coordinator",
			"Clinician",
			{**door_payload(w, "Clinician"), "fte": "lots"},
		),
		post(
			"a clinician of programme B by A's coordinator",
			"coordinator",
			"Clinician",
			{**door_payload(w, "Clinician"), "program": w.prog_b},
			status=403,
		),
		post(
			"an unavailability ending before it starts",
			"coordinator",
			"Clinician Unavailability",
			{**door_payload(w, "Clinician Unavailability"), "to_datetime": at(24 * 59)},
			status=417,
		),
		post(
			"an unavailability with an unparseable start",
			"coordinator",
			"Clinician Unavailability",
			{**door_payload(w, "Clinician Unavailability"), "from_datetime": "whenever"},
			status=417,
		),
		post(
			"an unavailability of an unknown kind",
			"coordinator",
			"Clinician Unavailability",
			{**door_payload(w, "Clinician Unavailability"), "kind": "Sabbatical"},
			status=417,
		),
		post(
			"a shift with an unparseable start",
			"coordinator",
			"Clinician Shift",
			{**door_payload(w, "Clinician Shift"), "start": "banana"},
			status=417,
		),
		post(
			"a shift of an unknown kind",
			"coordinator",
			"Clinician Shift",
			{**door_payload(w, "Clinician Shift"), "duty_kind": "Brunch"},
			status=417,
		),
		post(
			"a pool that overflows into itself",
			"coordinator",
			"Jeopardy Pool",
			{**door_payload(w, "Jeopardy Pool"), "overflow_pool": f"Hostile Intruder Pool {w.tag}"},
			status=417,
		),
		post(
			"a pool member leaving before joining",
			"coordinator",
			"Jeopardy Pool",
			{
				**door_payload(w, "Jeopardy Pool"),
				"members": [
					{
						"clinician": w.member,
						"joined_on": str(getdate()),
						"left_on": str(add_days(getdate(), -9)),
					}
				],
			},
			status=417,
		),
		post(
			"a pool of programme B by A's coordinator",
			"coordinator",
			"Jeopardy Pool",
			{**door_payload(w, "Jeopardy Pool"), "program": w.prog_b},
			status=403,
		),
		post(
			"a pool with a negative unit weight",
			"coordinator",
			"Jeopardy Pool",
			{**door_payload(w, "Jeopardy Pool"), "unit_weights": [{"duty_kind": "Day", "units": -1}]},
			status=417,
		),
		post(
			"a meeting ending before it starts",
			"coordinator",
			"Coaching Meeting",
			{**door_payload(w, "Coaching Meeting"), "ends_at": at(24 * 69)},
			status=417,
		),
		post(
			"a coaching pairing of a resident with a resident",
			"coordinator",
			"Coach Pairing",
			{"resident": w.member, "coach": w.coverer, "status": "Active", "start_date": str(getdate())},
			status=417,
		),
		put(
			"the resident gives a relationship pulse of 6",
			"requester",
			"Coaching Meeting",
			w.held_meeting,
			{"relationship_pulse": 6},
			status=417,
		),
		put(
			"the resident gives a relationship pulse of -1",
			"requester",
			"Coaching Meeting",
			w.held_meeting,
			{"relationship_pulse": -1},
			status=417,
		),
		put(
			"the coach gives the relationship pulse",
			"coach",
			"Coaching Meeting",
			w.held_meeting,
			{"relationship_pulse": 0.6},
			status=417,
		),
		post(
			"a coordinator writes a coaching note",
			"coordinator",
			"Coaching Note",
			{"meeting": w.held_meeting, "note": "coordinator's view"},
			status=403,
		),
		Case(
			"a coordinator reads a coaching note",
			"coordinator",
			"GET",
			f"/api/resource/Coaching Note/{w.coaching_note}",
			status=403,
			secret=w.coaching_secret,
		),
		Case(
			"a coordinator who is also a clinician and coach reads a coaching note",
			"coord_clinician",
			"GET",
			f"/api/resource/Coaching Note/{w.coaching_note}",
			status=403,
			secret=w.coaching_secret,
		),
		Case(
			"a coordinator who is also a clinician and coach lists coaching notes",
			"coord_clinician",
			"GET",
			"/api/resource/Coaching Note",
			{"fields": ["name", "note"]},
			outcome="either",
			secret=w.coaching_secret,
		),
		Case(
			"a coordinator of another programme lists coaching notes",
			"other_coordinator",
			"GET",
			"/api/resource/Coaching Note",
			{"fields": ["name", "note"]},
			outcome="either",
			secret=w.coaching_secret,
		),
		put(
			"a clinician plans the rota by hand",
			"member",
			"Jeopardy Rota",
			w.rota,
			{"clinician": w.member},
			status=403,
		),
		put(
			"a coordinator edits the settings",
			"coordinator",
			"Collective Cover Settings",
			"Collective Cover Settings",
			{"offer_top_n": 1},
			status=403,
		),
		put(
			"a coordinator edits a programme",
			"coordinator",
			"Residency Program",
			w.prog_a,
			{"program_director": w.coordinator},
			status=403,
		),
	]


def catalogue(w) -> list[Case]:
	cases = (
		guest_cases(w)
		+ method_abuse_cases(w)
		+ lifecycle_cases(w)
		+ tool_and_chart_cases(w)
		+ cover_request_rest_cases(w)
		+ other_rest_cases(w)
		+ matrix_cases(w)
	)
	names = [c.name for c in cases]
	duplicates = {n for n in names if names.count(n) > 1}
	assert not duplicates, duplicates
	return cases


def duty(hours_from_now: float, hours: float = 12, kind: str = "Day") -> dict:
	return {
		"start": at(hours_from_now),
		"end": at(hours_from_now + hours),
		"duty_kind": kind,
		"service": "Wards A",
	}


def iso(hours_from_now: float, offset: str) -> str:
	return at(hours_from_now).replace(" ", "T") + offset


# Checks for answers that may be a 2xx: each returns a problem, or None.


def empty_list(w, response) -> str | None:
	data = response.json().get("data")
	return None if data == [] else f"expected no rows, got {str(data)[:80]}"


def unchanged(w, what: str):
	def check(w, response):
		# Offers and ranking rows are records of their own, found by their request.
		fresh = frappe.db.sql(
			"select count(*) from `tabCover Request Offer` where cover_request = %s", w.covered_req
		) + frappe.db.sql(
			"select count(*) from `tabCover Request Ranking` where cover_request = %s", w.covered_req
		)
		return None if fresh == w.baseline_rows else f"{what} changed"

	return check


def filed_as(w, actor: str, uncovered: bool = False):
	"""An accepted filing must be the filer's own, with duties inside the door rules, and not covered."""

	def check(w, response):
		doc = (response.json() or {}).get("data") or {}
		stored = frappe.db.get_value(
			"Cover Request", doc.get("name"), ["requester", "status", "covered_by", "docstatus"], as_dict=True
		)
		if not stored:
			return "answered 2xx but stored nothing"
		if doc.get("name") in (w.covered_req, w.open_req):
			return f"overwrote {doc['name']}"
		if stored.requester != getattr(w, actor):
			return f"filed for {stored.requester}"
		if uncovered and (stored.covered_by or stored.status not in ("Draft", "Open")):
			return f"filed as {stored.status} covered by {stored.covered_by}"
		return duty_problems(doc.get("name"))

	return check


def duty_problems(request: str) -> str | None:
	"""The door rules on a stored request: each duty within 28 h, starting within a year."""
	horizon = get_datetime(at(24 * 366))
	for row in frappe.get_all(
		"Cover Request Duty", filters={"parent": request}, fields=["start", "end", "duty_kind"]
	):
		hours = (get_datetime(row.end) - get_datetime(row.start)).total_seconds() / 3600
		if not 0 < hours <= 28:
			return f"stored a duty of {hours:g} h"
		if get_datetime(row.start) > horizon:
			return f"stored a duty starting {row.start}"
		if row.duty_kind not in ("Day", "Night", "Clinic half-day", "24h call", "Other"):
			return f"stored duty kind {row.duty_kind!r}"
	return None


# Probes: a fact nobody but coordinators of the programme may learn, asked of a counting, listing or
# searching endpoint with a filter that matches and one that does not. The two answers must be the same.


@dataclass(frozen=True)
class Fact:
	name: str
	doctype: str
	matching: list
	other: list
	actors: tuple[str, ...]


def facts(w) -> list[Fact]:
	outsiders = ("clinician", "coverer", "other_coordinator")
	return [
		Fact(
			"the reason note",
			"Cover Request Reason",
			[["reason_note", "like", f"%{w.private_note[:10]}%"]],
			[["reason_note", "like", f"%{w.nomatch}%"]],
			outsiders,
		),
		Fact(
			"a requester's reason category",
			"Cover Request Reason",
			[["requester", "=", w.requester], ["reason_category", "=", "Illness"]],
			[["requester", "=", w.requester], ["reason_category", "=", "Bereavement"]],
			outsiders,
		),
		Fact(
			"who called out (the reason's requester)",
			"Cover Request Reason",
			[["requester", "=", w.requester]],
			[["requester", "=", w.member]],
			outsiders,
		),
		Fact(
			"the coaching note",
			"Coaching Note",
			[["note", "like", f"%{w.coaching_secret[:14]}%"]],
			[["note", "like", f"%{w.nomatch}%"]],
			("clinician", "coverer", "other_coordinator", "coordinator", "coord_clinician"),
		),
		Fact(
			"how often a member called out",
			"Cover Request",
			[["requester", "=", w.requester]],
			[["requester", "=", w.member]],
			("clinician", "other_coordinator"),
		),
		Fact(
			"that the coverer's requester has other open requests",
			"Cover Request",
			[["requester", "=", w.requester], ["status", "=", "Open"]],
			[["requester", "=", w.member], ["status", "=", "Open"]],
			("coverer",),
		),
		Fact(
			"a colleague's leave",
			"Clinician Unavailability",
			[["clinician", "=", w.member], ["kind", "=", "Leave"]],
			[["clinician", "=", w.member], ["kind", "=", "Vacation"]],
			outsiders,
		),
		Fact(
			"the virtual reason category",
			"Cover Request",
			[["reason_category", "=", "Illness"]],
			[["reason_category", "=", "Bereavement"]],
			("coverer", "clinician", "other_coordinator"),
		),
		Fact(
			"the virtual reason note",
			"Cover Request",
			[["reason_note", "like", f"%{w.private_note[:10]}%"]],
			[["reason_note", "like", f"%{w.nomatch}%"]],
			("coverer",),
		),
		Fact(
			"who was ranked (through the request)",
			"Cover Request",
			[[ranking_doctype(), "clinician", "=", w.member]],
			[[ranking_doctype(), "clinician", "=", w.clinician]],
			("requester", "coverer"),
		),
		Fact(
			"who declined and why (through the request)",
			"Cover Request",
			[[offer_doctype(), "decline_note", "like", f"%{w.decline_note[:10]}%"]],
			[[offer_doctype(), "decline_note", "like", f"%{w.nomatch}%"]],
			("requester", "coverer"),
		),
		Fact(
			"the ranking rows",
			ranking_doctype(),
			[["clinician", "=", w.member]],
			[["clinician", "=", w.clinician]],
			("requester", "coverer", "clinician", "other_coordinator"),
		),
		Fact(
			"the decline note",
			offer_doctype(),
			[["decline_note", "like", f"%{w.decline_note[:10]}%"]],
			[["decline_note", "like", f"%{w.nomatch}%"]],
			("requester", "coverer", "clinician", "other_coordinator"),
		),
	]


def ranking_doctype() -> str:
	return "Cover Request Ranking"


def offer_doctype() -> str:
	return "Cover Request Offer"


def probe_calls(doctype: str, filters: list) -> dict[str, tuple[str, str, dict]]:
	"""Every stock endpoint that counts, lists, fetches or searches with a filter."""
	method = "/api/method/"
	return {
		"client.get_count": (
			"GET",
			method + "frappe.client.get_count",
			{"doctype": doctype, "filters": filters},
		),
		"reportview.get_count": (
			"GET",
			method + "frappe.desk.reportview.get_count",
			{"doctype": doctype, "filters": filters},
		),
		"reportview.get": (
			"GET",
			method + "frappe.desk.reportview.get",
			{"doctype": doctype, "fields": ["name"], "filters": filters},
		),
		"resource list": ("GET", f"/api/resource/{doctype}", {"filters": filters}),
		"client.get_list": (
			"GET",
			method + "frappe.client.get_list",
			{"doctype": doctype, "filters": filters},
		),
		"client.get": ("GET", method + "frappe.client.get", {"doctype": doctype, "filters": filters}),
		"client.get_value": (
			"GET",
			method + "frappe.client.get_value",
			{"doctype": doctype, "fieldname": "name", "filters": filters},
		),
		"listview.get_group_by_count": (
			"GET",
			method + "frappe.desk.listview.get_group_by_count",
			{"doctype": doctype, "current_filters": filters, "field": "owner"},
		),
		"reportview.get_sidebar_stats": (
			"GET",
			method + "frappe.desk.reportview.get_sidebar_stats",
			{"doctype": doctype, "stats": ["owner"], "filters": filters},
		),
		"search.search_link": (
			"GET",
			method + "frappe.desk.search.search_link",
			{"doctype": doctype, "txt": "", "filters": filters},
		),
		"search.search_link ignoring user permissions": (
			"GET",
			method + "frappe.desk.search.search_link",
			{"doctype": doctype, "txt": "", "filters": filters, "ignore_user_permissions": 1},
		),
		"search.search_widget": (
			"GET",
			method + "frappe.desk.search.search_widget",
			{"doctype": doctype, "txt": "", "filters": filters},
		),
	}


def filter_values(filters: list) -> list[str]:
	return [str(f[-1]) for f in filters]
