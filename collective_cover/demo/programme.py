"""The demo programme: a residency with pools, clinic templates, vacations, a year of cover requests
and coach pairings, built through the app's own code so every figure in the workspace is real.

Everything hangs off the programme "Demo Internal Medicine Residency" (and the users of its
clinicians), which is how `clear_demo` finds exactly what `create_demo` made. The past year of cover is
replayed under a moving clock: each request is filed, offered, accepted, declined or escalated at the
time it happened, by the same lifecycle and ladder code the scheduler runs, so the ledger, rankings
and statuses are those the product would have written. The demo's users have notifications switched
off, so nobody is told about a year that never was.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import frappe
from frappe.query_builder import Criterion
from frappe.utils import add_days, add_years, getdate

from collective_cover.coaching.pairings import suggest_for_program
from collective_cover.coaching.schedule import WEEKDAYS, clinic_half_days
from collective_cover.cover import lifecycle
from collective_cover.cover.records import aware, fairness_window
from collective_cover.demo.names import full_names
from collective_cover.engine.clinic import HALF_DAY_HOURS, shared_half_days

DEMO_PROGRAM = "Demo Internal Medicine Residency"
EMAIL_DOMAIN = "demo-im.example"
SEED = 2026

WARDS_POOL = "Demo IM Wards (residents)"
NIGHTS_POOL = "Demo IM Nights (seniors)"
FACULTY_POOL = "Demo Hospitalist Faculty (overflow)"

CLINIC_SITES = ("Main Clinic", "North Clinic", "Riverside Clinic")
CLINIC_WEEKDAYS = WEEKDAYS[:5]  # the demo's clinics run Monday to Friday
# Full size, as the bench command builds it; tests build a fraction.
FULL_SIZE = {"residents": 90, "faculty": 40, "requests": 300}

# Every doctype the demo writes rows of (children included), for the clean-up of its audit trail.
DEMO_DOCTYPES = (
	"Residency Program",
	"Clinician",
	"Jeopardy Pool",
	"Clinician Unavailability",
	"Clinician Shift",
	"Cover Request",
	"Cover Request Reason",
	"Cover Ledger Entry",
	"Coach Pairing",
	"Coaching Meeting",
)

Echo = Callable[[str], None]


@dataclass(frozen=True)
class Person:
	full_name: str
	role: str  # Resident or Faculty
	level: int | None  # PGY year for residents
	started_on: date  # when they joined the programme (and its pools)

	@property
	def email(self) -> str:
		return f"{frappe.scrub(self.full_name).replace('_', '.')}@{EMAIL_DOMAIN}"


@dataclass(frozen=True)
class PlannedRequest:
	requester: str  # full name
	pool: str
	duties: tuple[dict, ...]
	submitted_at: datetime
	outcome: str  # "volunteer", "ladder", "decline then ladder" or "cancel"
	reason_category: str | None = None

	@property
	def starts_at(self) -> datetime:
		return min(d["start"] for d in self.duties)


@dataclass
class DemoPlan:
	"""What the demo consists of, derived deterministically from `size` and today's date."""

	today: date
	residents: list[Person]
	faculty: list[Person]
	requests: list[PlannedRequest]
	retreat: tuple[date, date]  # the PGY-3 class's protected retreat week
	excused_senior: str  # the PGY-3 on nights during the retreat, whose call-out nobody can cover
	templates: dict[str, list[dict]] = field(default_factory=dict)  # full name → clinic templates
	created: Counter = field(default_factory=Counter)

	@property
	def people(self) -> list[Person]:
		return self.residents + self.faculty


def plan_demo(size: float = 1.0, today: date | None = None) -> DemoPlan:
	today = getdate(today)
	rng = random.Random(SEED)
	year_start = fairness_window(today)[0]
	n_residents = max(6, round(FULL_SIZE["residents"] * size))
	n_faculty = max(3, round(FULL_SIZE["faculty"] * size))
	residents = [
		Person(name, "Resident", i % 3 + 1, add_years(year_start, -(i % 3)))
		for i, name in enumerate(full_names(n_residents))
	]
	faculty = [
		Person(name, "Faculty", None, add_years(year_start, -3))
		for name in full_names(n_faculty, offset=FULL_SIZE["residents"])
	]
	retreat_monday = add_days(today, -14 - add_days(today, -14).weekday())
	retreat = (retreat_monday, add_days(retreat_monday, 5))
	excused_senior = next(p.full_name for p in residents if p.level == 3)
	plan = DemoPlan(today, residents, faculty, [], retreat, excused_senior)
	plan.templates = plan_clinic_templates(plan, rng)
	plan.requests = plan_requests(plan, max(8, round(FULL_SIZE["requests"] * size)), rng)
	return plan


def plan_clinic_templates(plan: DemoPlan, rng: random.Random) -> dict[str, list[dict]]:
	"""Faculty precept two clinic half-days a week; each resident has one weekly half-day in a clinic
	some faculty member precepts (so everyone can be paired), a third of them on a 4+1 schedule."""
	slots = [
		(weekday, half, site)
		for weekday in CLINIC_WEEKDAYS
		for half in HALF_DAY_HOURS
		for site in CLINIC_SITES
	]
	templates, precepted = {}, []
	for person in plan.faculty:
		chosen = rng.sample(slots, 2)
		precepted.extend(chosen)
		templates[person.full_name] = [template(slot, person.started_on) for slot in chosen]
	for person in plan.residents:
		row = template(rng.choice(precepted), person.started_on)
		if rng.random() < 1 / 3:
			row.update(cycle_weeks=5, cycle_week=rng.randrange(1, 6), cycle_anchor=person.started_on)
		templates[person.full_name] = [row]
	return templates


def template(slot: tuple[str, str, str], effective_from: date) -> dict:
	weekday, half, site = slot
	return {"weekday": weekday, "half_day": half, "site": site, "effective_from": effective_from}


def at(day: date, hour: time) -> datetime:
	return datetime.combine(day, hour)


def plan_requests(plan: DemoPlan, count: int, rng: random.Random) -> list[PlannedRequest]:
	"""A year of call-outs: ward days, clinic half-days, nights and faculty days, each with the way it
	was resolved. One senior's nights during the retreat week cannot be covered by anybody."""
	first_day, last_day = add_days(plan.today, -365), add_days(plan.today, -2)
	taken: set[tuple[str, date]] = set()
	requests = []
	while len(requests) < count:
		day = add_days(first_day, rng.randrange((last_day - first_day).days))
		kind = rng.choices(("wards", "clinic", "nights", "faculty"), weights=(50, 10, 25, 15))[0]
		if kind == "faculty":
			candidates = [p for p in plan.faculty if p.started_on <= day]
		else:
			min_level = 2 if kind == "nights" else 1
			candidates = [p for p in plan.residents if p.started_on <= day and p.level >= min_level]
		candidates = [p for p in candidates if p.full_name != plan.excused_senior]
		if not candidates:
			continue
		requester = rng.choice(candidates).full_name
		days = [add_days(day, i) for i in range(rng.choice((1, 1, 2, 3)) if kind != "clinic" else 1)]
		if any((requester, d) in taken for d in days) or days[-1] > last_day:
			continue
		taken.update((requester, d) for d in days)
		duties = tuple(duty(kind, d, rng) for d in days)
		requests.append(resolved(requester, pool_of(kind), duties, rng))

	nights = (add_days(plan.retreat[0], 1), add_days(plan.retreat[0], 2))
	retreat_duties = tuple(duty("nights", d, rng, required_level="PGY-3") for d in nights)
	requests.append(
		PlannedRequest(
			plan.excused_senior,
			NIGHTS_POOL,
			retreat_duties,
			at(plan.retreat[0], time(6)),
			"ladder",
			"Illness",
		)
	)
	return sorted(requests, key=lambda r: r.submitted_at)


def pool_of(kind: str) -> str:
	return {"wards": WARDS_POOL, "clinic": WARDS_POOL, "nights": NIGHTS_POOL, "faculty": FACULTY_POOL}[kind]


def duty(kind: str, day: date, rng: random.Random, required_level: str | None = None) -> dict:
	if kind == "nights":
		return {
			"start": at(day, time(19)),
			"end": at(add_days(day, 1), time(7)),
			"duty_kind": "Night",
			"service": "Night float",
			"required_level": required_level or "PGY-2",
		}
	if kind == "clinic":
		half = rng.choice(("AM", "PM"))
		start, end = HALF_DAY_HOURS[half]
		return {
			"start": at(day, start),
			"end": at(day, end),
			"duty_kind": "Clinic half-day",
			"service": "Continuity clinic",
			"site": rng.choice(CLINIC_SITES),
		}
	service = "Hospitalist service" if kind == "faculty" else rng.choice(("Wards A", "Wards B", "Wards C"))
	return {"start": at(day, time(7)), "end": at(day, time(19)), "duty_kind": "Day", "service": service}


def resolved(requester: str, pool: str, duties: tuple[dict, ...], rng: random.Random) -> PlannedRequest:
	"""How the request was filed (a 5 a.m. call-out near the shift or days ahead) and resolved."""
	first_start = min(d["start"] for d in duties)
	if rng.random() < 0.2:
		submitted = first_start - timedelta(minutes=rng.randrange(30, 110))  # the ladder skips to assignment
	else:
		submitted = first_start - timedelta(hours=rng.randrange(6, 72))
	roll = rng.random()
	outcome = (
		"cancel"
		if roll < 0.05
		else "volunteer"
		if roll < 0.6
		else "decline then ladder"
		if roll < 0.75
		else "ladder"
	)
	category = rng.choice(("Illness", "Illness", "Family emergency", "Personal", None))
	return PlannedRequest(requester, pool, duties, submitted, outcome, category)


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


@contextmanager
def replayed_clock(start: datetime) -> Iterator[Callable[[datetime], None]]:
	"""Stand the clock at `start` (site time) and yield a function that moves it: the lifecycle, the
	ladder and the ledger read the time themselves, exactly as in production."""
	from freezegun import freeze_time  # a runtime dependency of this app, for this replay only

	steps = itertools.count(1)

	def move_to(when: datetime) -> None:
		# A microsecond more each move: Frappe compares `modified` as text, and a whole second prints
		# without its microseconds, which reads as somebody else's edit.
		clock.move_to(aware(when) + timedelta(microseconds=next(steps)))

	with freeze_time(aware(start)) as clock:
		yield move_to


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
	}
	before = {doctype: frappe.db.count(doctype, filters) for doctype, filters in written_by_lifecycle.items()}
	with replayed_clock(todo[0].submitted_at) as move_to:
		for i, planned in enumerate(todo, start=1):
			replay(planned, names[planned.requester], users, move_to, rng)
			plan.created["Cover Request"] += 1
			if commit:
				frappe.db.commit()  # one request at a time, as the scheduler would; a rerun resumes here
			if i % 25 == 0 or i == len(todo):
				echo(f"  cover requests: {i}/{len(todo)}")
	for doctype, filters in written_by_lifecycle.items():
		plan.created[doctype] += frappe.db.count(doctype, filters) - before[doctype]


def replay(planned: PlannedRequest, requester: str, users: dict, move_to, rng: random.Random) -> None:
	"""File one request at its time, then resolve it the way it was resolved."""
	move_to(planned.submitted_at)
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
	doc.insert(ignore_permissions=True)
	doc.submit()

	if planned.outcome == "cancel":
		move_to(planned.submitted_at + timedelta(minutes=5))
		doc.reload()
		if doc.status == "Open":
			doc.cancel()
		return
	if planned.outcome == "volunteer":
		offered = offered_members(doc.name)
		if offered:
			move_to(planned.submitted_at + timedelta(minutes=rng.randrange(2, 14)))
			try:
				as_user(users[rng.choice(offered)], lifecycle.accept, doc.name)
			except lifecycle.NotEligibleError:
				pass  # their duties changed since the offer; the ladder covers the request instead
	elif planned.outcome == "decline then ladder":
		offered = offered_members(doc.name)
		if offered:
			move_to(planned.submitted_at + timedelta(minutes=rng.randrange(1, 10)))
			as_user(users[offered[0]], lifecycle.decline, doc.name)
	escalate_until_resolved(doc.name, move_to)


def offered_members(request: str) -> list[str]:
	if frappe.db.get_value("Cover Request", request, "status") != "Open":
		return []
	return frappe.get_all("Cover Request Offer", filters={"cover_request": request}, pluck="clinician")


def as_user(user: str, action, request: str) -> None:
	frappe.set_user(user)
	try:
		action(request)
	finally:
		frappe.set_user("Administrator")


def escalate_until_resolved(request: str, move_to) -> None:
	"""Let the ladder run: stand the clock at each rung it schedules and apply it, as the scheduler's
	minute job does, until the request is covered or unfilled."""
	while True:
		status, due = frappe.db.get_value("Cover Request", request, ["status", "next_escalation_at"])
		if status != "Open" or not due:
			return
		move_to(due)
		lifecycle.escalate(request)


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
	"""A held meeting in one of the pair's shared clinic half-days between the dates, if they share one."""
	if to_date <= from_date:
		return 0
	clinics = clinic_half_days([pairing.resident, pairing.coach], from_date, add_days(to_date, -1))
	shared = sorted(shared_half_days(clinics[pairing.resident], clinics[pairing.coach]))
	if not shared:
		return 0
	half_day = rng.choice(shared)
	end = at(half_day.day, HALF_DAY_HOURS[half_day.half][1])
	frappe.get_doc(
		{
			"doctype": "Coaching Meeting",
			"pairing": pairing.name,
			"status": "Held",
			"mode": "In person",
			"site": half_day.site,
			"starts_at": end - timedelta(minutes=30),
			"ends_at": end,
			"relationship_pulse": rng.choice((0.8, 1.0)),
		}
	).insert(ignore_permissions=True)
	return 1


def clear_demo(echo: Echo = print, commit: bool = True) -> Counter:
	"""Remove everything `create_demo` made — the programme's records, its clinicians' users and the
	trail they left (versions, notifications, emails, wellness to-dos) — and nothing else."""
	removed = Counter()
	if not frappe.db.exists("Residency Program", DEMO_PROGRAM):
		echo("No demo programme on this site.")
		return removed
	clinicians = frappe.get_all("Clinician", filters={"program": DEMO_PROGRAM}, pluck="name")
	users = set(
		frappe.get_all("Clinician", filters={"name": ("in", clinicians or [""])}, pluck="user")
	) | set(frappe.get_all("User", filters={"name": ("like", f"%@{EMAIL_DOMAIN}")}, pluck="name"))
	users.discard(None)
	requests = frappe.get_all("Cover Request", filters={"program": DEMO_PROGRAM}, pluck="name")
	pairings = frappe.get_all("Coach Pairing", filters={"program": DEMO_PROGRAM}, pluck="name")
	meetings = frappe.get_all("Coaching Meeting", filters={"pairing": ("in", pairings or [""])}, pluck="name")
	pools = frappe.get_all("Jeopardy Pool", filters={"program": DEMO_PROGRAM}, pluck="name")

	clear_trail(requests, meetings, clinicians, users)

	def delete(doctype: str, filters: dict, count_as: str | None = None) -> None:
		rows = frappe.db.count(doctype, filters)
		# Straight deletes: ledger rows refuse document deletes and requests are submitted.
		frappe.db.delete(doctype, filters)
		if count_as or not frappe.get_meta(doctype).istable:
			removed[count_as or doctype] += rows

	delete("Cover Request Duty", {"parenttype": "Cover Request", "parent": ("in", requests or [""])})
	delete("Cover Request Ranking", {"program": DEMO_PROGRAM})
	delete("Cover Request Offer", {"program": DEMO_PROGRAM})
	delete("Cover Request Reason", {"program": DEMO_PROGRAM})
	delete("Cover Ledger Entry", {"program": DEMO_PROGRAM})
	delete("Clinician Shift", {"clinician": ("in", clinicians or [""])})
	delete("Clinician Unavailability", {"clinician": ("in", clinicians or [""])})
	delete("Cover Request", {"program": DEMO_PROGRAM})
	delete("Coaching Note", {"meeting": ("in", meetings or [""])})
	delete("Coaching Meeting", {"pairing": ("in", pairings or [""])})
	delete("Coach Pairing", {"program": DEMO_PROGRAM})
	delete("Jeopardy Rota", {"pool": ("in", pools or [""])})
	for child in ("Jeopardy Pool Member", "Jeopardy Pool Role", "Jeopardy Pool Unit Weight"):
		delete(child, {"parenttype": "Jeopardy Pool", "parent": ("in", pools or [""])})
	delete("Jeopardy Pool", {"program": DEMO_PROGRAM})
	delete("Clinic Session Template", {"parenttype": "Clinician", "parent": ("in", clinicians or [""])})
	delete("Clinician", {"program": DEMO_PROGRAM})
	removed["User"] += delete_users(users)
	delete("Residency Program", {"name": DEMO_PROGRAM})
	if commit:
		frappe.db.commit()
	echo("Removed: " + ", ".join(f"{n} {dt}" for dt, n in sorted(removed.items()) if n))
	return removed


def delete_users(users: set[str]) -> int:
	"""The demo users and the rows their insert wrote. Not through `frappe.delete_doc`: Frappe refuses to
	delete any user while no System Manager but Administrator exists, as on a fresh site."""
	if not users:
		return 0
	names = list(users)
	for table in frappe.get_meta("User").get_table_fields():
		frappe.db.delete(table.options, {"parenttype": "User", "parent": ("in", names)})
	frappe.db.delete("DefaultValue", {"parent": ("in", names)})
	frappe.db.delete("Notification Settings", {"name": ("in", names)})
	frappe.db.delete("Comment", {"reference_doctype": "User", "reference_name": ("in", names)})
	frappe.db.delete("User", {"name": ("in", names)})
	for user in names:
		frappe.clear_cache(user=user)
	return len(names)


def clear_trail(requests: list[str], meetings: list[str], clinicians: list[str], users: set[str]) -> None:
	"""What Frappe and the app wrote about demo records elsewhere: versions, comments, emails,
	notifications (offers to members, unfilled alerts to coordinators) and wellness to-dos."""
	names = requests + meetings + clinicians
	for doctype in ("Version",):
		frappe.db.delete(doctype, {"ref_doctype": ("in", DEMO_DOCTYPES), "docname": ("in", names or [""])})
	frappe.db.delete(
		"Comment", {"reference_doctype": ("in", DEMO_DOCTYPES), "reference_name": ("in", names or [""])}
	)
	queued = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": ("in", DEMO_DOCTYPES), "reference_name": ("in", names or [""])},
		pluck="name",
	)
	frappe.db.delete("Email Queue Recipient", {"parent": ("in", queued or [""])})
	frappe.db.delete("Email Queue", {"name": ("in", queued or [""])})
	links = [f"/app/cover-request/{name}" for name in requests] + [
		f"/app/coaching-meeting/{name}" for name in meetings
	]
	frappe.db.delete("Notification Log", {"for_user": ("in", list(users) or [""])})
	frappe.db.delete("Notification Log", {"link": ("in", links or [""])})
	todo = frappe.qb.DocType("ToDo")
	if clinicians:
		markers = Criterion.any([todo.description.like(f"%[{name}]%") for name in clinicians])
		frappe.qb.from_(todo).delete().where(markers).run()
