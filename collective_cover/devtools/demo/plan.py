"""What the demo programme consists of, derived deterministically from a size and today's date: its
people, their clinic templates and vacations, and a year of call-outs with the way each was resolved.
Nothing here writes a record (build.py does)."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import frappe
from frappe.utils import add_days, add_years, getdate

from collective_cover.coaching.schedule import WEEKDAYS
from collective_cover.devtools.demo.names import full_names
from collective_cover.engine.clinic import HALF_DAY_HOURS
from collective_cover.kernel.dates import fairness_window

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
