"""The demo programme, built through the app's own code so every figure in the workspace is real.

Everything hangs off the programme "Demo Internal Medicine Residency" (and the users of its clinicians),
which is how clear.py finds exactly what `create_demo` made. The past year of cover is replayed in
order, each step at the moment it happened: a request is filed at its time (`flags.filed_at`), then
accepted, declined or escalated by the same lifecycle and ladder code the scheduler runs, each told
that moment as `now`, so the ledger, rankings and statuses are those the product would have written.
Nobody is told anything while the demo builds (`silenced`): not its fictional people, and not
the site's real coordinators, who would otherwise hear of alerts and check-ins about people who do not
exist.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import date, time, timedelta

import frappe
from frappe.utils import add_days, add_years

from collective_cover.coaching.meetings import meeting_bookings, meeting_minutes
from collective_cover.coaching.pairings import suggest_for_program
from collective_cover.coaching.schedule import clinic_half_days
from collective_cover.cover import lifecycle
from collective_cover.devtools.demo.plan import (
	DEMO_PROGRAM,
	FACULTY_POOL,
	NIGHTS_POOL,
	SEED,
	WARDS_POOL,
	DemoPlan,
	Person,
	PlannedRequest,
	at,
	plan_demo,
)
from collective_cover.engine.clinic import half_day_span, shared_half_days
from collective_cover.engine.meetings import free_slot, meeting_length
from collective_cover.kernel.dates import aware, fairness_window, naive, site_tz
from collective_cover.kernel.messaging import silenced

Echo = Callable[[str], None]


def create_demo(size: float = 1.0, echo: Echo = print, commit: bool = True) -> Counter:
	"""Create what is missing of the demo programme; returns how many records of each doctype it
	created (nothing on a second run). `commit` is off in tests, which roll back instead."""
	plan = plan_demo(size)
	steps = (
		("Programme and users", create_people),
		("Pools", create_pools),
		("Vacations and the PGY-3 retreat", create_unavailability),
		("A year of cover requests", replay_requests),
		("Coach pairings and meetings", create_coaching),
	)
	with silenced():
		for label, step in steps:
			before = sum(plan.created.values())
			step(plan, echo, commit)
			if commit:
				frappe.db.commit()  # each step is whole on its own; a rerun resumes after the last one
			echo(f"{label}: {sum(plan.created.values()) - before} records created")
	summary = ", ".join(f"{n} {doctype}" for doctype, n in sorted(plan.created.items()) if n)
	echo(f"Demo programme {DEMO_PROGRAM}: {summary or 'nothing new'}")
	return plan.created


def clinician_names(plan: DemoPlan) -> dict[str, str]:
	"""Full name → Clinician of everyone in the demo programme."""
	return dict(
		frappe.get_all(
			"Clinician", filters={"program": DEMO_PROGRAM}, fields=["full_name", "name"], as_list=True
		)
	)


def create_people(plan: DemoPlan, echo: Echo, commit: bool) -> None:
	if not frappe.db.exists("Residency Program", DEMO_PROGRAM):
		frappe.get_doc({"doctype": "Residency Program", "program_name": DEMO_PROGRAM}).insert(
			ignore_permissions=True
		)
		plan.created["Residency Program"] += 1
	existing = clinician_names(plan)
	for i, person in enumerate(plan.people):
		if person.full_name in existing:
			continue
		create_user(person, plan)
		frappe.get_doc(
			{
				"doctype": "Clinician",
				"full_name": person.full_name,
				"role": person.role,
				"training_level": f"PGY-{person.level}" if person.level else None,
				"program": DEMO_PROGRAM,
				"user": person.email,
				"fte": 1 if person.role == "Resident" or i % 5 else 0.8,
				"coach_capacity": 3 if person.role == "Faculty" else 0,
				"expected_graduation": add_days(add_years(person.started_on, 3), -1)
				if person.role == "Resident"
				else None,
				"clinic_templates": plan.templates[person.full_name],
			}
		).insert(ignore_permissions=True)
		plan.created["Clinician"] += 1
		if (i + 1) % 25 == 0:
			echo(f"  clinicians: {i + 1}/{len(plan.people)}")


def create_user(person: Person, plan: DemoPlan) -> None:
	if frappe.db.exists("User", person.email):
		return
	first, last = person.full_name.split(" ", 1)
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": person.email,
			"first_name": first,
			"last_name": last,
			"send_welcome_email": 0,
			"roles": [{"role": "Clinician"}] + ([{"role": "Coach"}] if person.role == "Faculty" else []),
		}
	)
	user.flags.no_welcome_mail = True
	# Frappe throttles more than 60 sign-ups an hour; the demo signs up 130 people at once.
	frappe.local.conf.throttle_user_limit = max(frappe.local.conf.get("throttle_user_limit") or 60, 1_000)
	user.insert(ignore_permissions=True)
	plan.created["User"] += 1
	# Fictional people are never notified: no bell, no email, whatever the replayed year does.
	settings = frappe.db.exists("Notification Settings", person.email)
	if settings:
		frappe.db.set_value("Notification Settings", person.email, "enabled", 0)
	else:
		doc = frappe.new_doc("Notification Settings")
		doc.name, doc.enabled = person.email, 0
		doc.insert(ignore_permissions=True)


def create_pools(plan: DemoPlan, echo: Echo, commit: bool) -> None:
	names = clinician_names(plan)

	def members(people):
		return [{"clinician": names[p.full_name], "joined_on": p.started_on} for p in people]

	pools = (
		(FACULTY_POOL, plan.faculty, ["Faculty"], {"max_activations_per_block": 4}),
		(
			NIGHTS_POOL,
			[p for p in plan.residents if p.level >= 2],
			["Resident"],
			{"max_activations_per_block": 2},
		),
		(
			WARDS_POOL,
			plan.residents,
			["Resident"],
			{"overflow_pool": FACULTY_POOL, "max_activations_per_block": 3},
		),
	)
	for pool_name, people, roles, settings in pools:
		if frappe.db.exists("Jeopardy Pool", pool_name):
			continue
		frappe.get_doc(
			{
				"doctype": "Jeopardy Pool",
				"pool_name": pool_name,
				"program": DEMO_PROGRAM,
				"reciprocity_policy": "Collective",
				"members": members(people),
				"allowed_roles": [{"role": role} for role in roles],
				**settings,
			}
		).insert(ignore_permissions=True)
		plan.created["Jeopardy Pool"] += 1


def create_unavailability(plan: DemoPlan, echo: Echo, commit: bool) -> None:
	"""Two vacation weeks each (one past, one to come) and the PGY-3 retreat (protected time)."""
	names = clinician_names(plan)
	away = set(
		frappe.get_all(
			"Clinician Unavailability", filters={"clinician": ("in", list(names.values()))}, pluck="clinician"
		)
	)
	rng = random.Random(SEED + 2)
	for person in plan.people:
		weeks = [rng.randrange(-50, -1), rng.randrange(1, 30)]  # drawn for everyone, so reruns agree
		clinician = names[person.full_name]
		if clinician in away:
			continue
		periods = [("Vacation", week_of(plan.today, w), 7) for w in weeks]
		if person.level == 3 and person.full_name != plan.excused_senior:
			periods.append(("Protected time", plan.retreat[0], 5))
		for kind, start, days in periods:
			frappe.get_doc(
				{
					"doctype": "Clinician Unavailability",
					"clinician": clinician,
					"kind": kind,
					"from_datetime": at(start, time(0)),
					"to_datetime": at(add_days(start, days), time(0)),
				}
			).insert(ignore_permissions=True)
			plan.created["Clinician Unavailability"] += 1


def week_of(today: date, weeks_from_now: int) -> date:
	monday = add_days(today, -today.weekday())
	return add_days(monday, 7 * weeks_from_now)


def replay_requests(plan: DemoPlan, echo: Echo, commit: bool) -> None:
	names = clinician_names(plan)
	users = dict(
		frappe.get_all("Clinician", filters={"program": DEMO_PROGRAM}, fields=["name", "user"], as_list=True)
	)
	todo = [
		r
		for r in plan.requests
		if not frappe.db.exists(
			"Cover Request",
			{"requester": names[r.requester], "starts_at": r.starts_at, "program": DEMO_PROGRAM},
		)
	]
	if not todo:
		return
	rng = random.Random(SEED + 3)
	written_by_lifecycle = {
		"Cover Request Reason": {"program": DEMO_PROGRAM},
		"Cover Ledger Entry": {"program": DEMO_PROGRAM},
		"Clinician Shift": {"source": "Cover", "clinician": ("in", list(names.values()))},
		"Wellness Check-in": {"program": DEMO_PROGRAM},
	}
	before = {doctype: frappe.db.count(doctype, filters) for doctype, filters in written_by_lifecycle.items()}
	for i, planned in enumerate(todo, start=1):
		replay(planned, names[planned.requester], users, rng)
		plan.created["Cover Request"] += 1
		if commit:
			frappe.db.commit()  # one request at a time, as the scheduler would; a rerun resumes here
		if i % 25 == 0 or i == len(todo):
			echo(f"  cover requests: {i}/{len(todo)}")
	for doctype, filters in written_by_lifecycle.items():
		plan.created[doctype] += frappe.db.count(doctype, filters) - before[doctype]


def replay(planned: PlannedRequest, requester: str, users: dict, rng: random.Random) -> None:
	"""File one request at its time, then resolve it the way it was resolved, each step at its moment."""
	frappe.set_user("Administrator")
	doc = frappe.get_doc(
		{
			"doctype": "Cover Request",
			"requester": requester,
			"pool": planned.pool,
			"duties": [dict(d) for d in planned.duties],
			"reason_category": planned.reason_category,
		}
	)
	doc.flags.filed_at = planned.submitted_at
	doc.insert(ignore_permissions=True)
	doc.submit()

	if planned.outcome == "cancel":
		doc.reload()
		if doc.status == "Open":
			doc.cancel()
		return
	if planned.outcome == "volunteer":
		offered = offered_members(doc.name)
		if offered:
			accepted_at = aware(planned.submitted_at + timedelta(minutes=rng.randrange(2, 14)))
			try:
				as_user(users[rng.choice(offered)], lifecycle.accept, doc.name, now=accepted_at)
			except lifecycle.NotEligibleError:
				pass  # their duties changed since the offer; the ladder covers the request instead
	elif planned.outcome == "decline then ladder":
		offered = offered_members(doc.name)
		if offered:
			declined_at = aware(planned.submitted_at + timedelta(minutes=rng.randrange(1, 10)))
			as_user(users[offered[0]], lifecycle.decline, doc.name, now=declined_at)
	escalate_until_resolved(doc.name)


def offered_members(request: str) -> list[str]:
	if frappe.db.get_value("Cover Request", request, "status") != "Open":
		return []
	return frappe.get_all("Cover Request Offer", filters={"cover_request": request}, pluck="clinician")


def as_user(user: str, action, request: str, **kwargs) -> None:
	frappe.set_user(user)
	try:
		action(request, **kwargs)
	finally:
		frappe.set_user("Administrator")


def escalate_until_resolved(request: str) -> None:
	"""Let the ladder run: apply each rung it schedules at the moment it is due, as the scheduler's
	minute job does, until the request is covered or unfilled."""
	while True:
		status, due = frappe.db.get_value("Cover Request", request, ["status", "next_escalation_at"])
		if status != "Open" or not due:
			return
		lifecycle.escalate(request, now=aware(due))


def create_coaching(plan: DemoPlan, echo: Echo, commit: bool) -> None:
	"""Pair the unpaired residents with the pairing tool's optimiser, each pairing from the day the
	resident started; most pairs have met this year, some are overdue."""
	year_start, year_end = fairness_window(plan.today)
	suggestion, _names = suggest_for_program(DEMO_PROGRAM, year_start, year_end)
	people = {p.full_name: p for p in plan.people}
	full_name = dict(
		frappe.get_all(
			"Clinician", filters={"program": DEMO_PROGRAM}, fields=["name", "full_name"], as_list=True
		)
	)
	rng = random.Random(SEED + 4)
	for pairing in sorted(suggestion.pairings, key=lambda p: p.resident):
		start_date = people[full_name[pairing.resident]].started_on
		doc = frappe.get_doc(
			{
				"doctype": "Coach Pairing",
				"resident": pairing.resident,
				"coach": pairing.coach,
				"start_date": start_date,
			}
		).insert(ignore_permissions=True)
		plan.created["Coach Pairing"] += 1
		plan.created["Coaching Meeting"] += frappe.db.count("Coaching Meeting", {"pairing": doc.name})
		roll = rng.random()
		if roll < 0.7:
			recent = max(start_date, add_days(plan.today, -140))
			plan.created["Coaching Meeting"] += hold_meeting(doc, recent, plan.today, rng)
		elif roll < 0.85:
			plan.created["Coaching Meeting"] += hold_meeting(
				doc, start_date, min(add_days(plan.today, -200), add_days(start_date, 150)), rng
			)


def hold_meeting(pairing, from_date: date, to_date: date, rng: random.Random) -> int:
	"""A held meeting in the first free slot of one of the pair's shared clinic half-days between the
	dates, if they share one and that half-day has room."""
	if to_date <= from_date:
		return 0
	clinics = clinic_half_days([pairing.resident, pairing.coach], from_date, add_days(to_date, -1))
	shared = sorted(shared_half_days(clinics[pairing.resident], clinics[pairing.coach]))
	if not shared:
		return 0
	half_day = rng.choice(shared)
	begins, ends = (naive(moment) for moment in half_day_span(half_day, site_tz()))
	booked = meeting_bookings([pairing.resident, pairing.coach], begins, ends)
	slot = free_slot(
		half_day, meeting_length(meeting_minutes()), [(b.start, b.end) for b in booked], site_tz()
	)
	if slot is None:
		return 0
	frappe.get_doc(
		{
			"doctype": "Coaching Meeting",
			"pairing": pairing.name,
			"status": "Held",
			"mode": "In person",
			"site": half_day.site,
			"starts_at": naive(slot[0]),
			"ends_at": naive(slot[1]),
			"relationship_pulse": rng.choice((0.8, 1.0)),
		}
	).insert(ignore_permissions=True)
	return 1
