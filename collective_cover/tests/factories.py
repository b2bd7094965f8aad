"""Records for integration tests: a programme, clinicians with users, pools, cover requests; and, for the
reports, pools with dated memberships, ledger rows at chosen times, absences and programme restrictions,
so every figure a report shows can be worked out by hand."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import frappe
from frappe.utils import add_days, getdate, now_datetime

from collective_cover.cover.ledger import write_entry
from collective_cover.engine.model import TRAINEE_ROLES, EntryKind, LedgerEntry
from collective_cover.kernel.dates import aware

PROGRAM = "Test IM Residency"


def make_program(name: str = PROGRAM) -> str:
	if not frappe.db.exists("Residency Program", name):
		frappe.get_doc({"doctype": "Residency Program", "program_name": name}).insert(ignore_permissions=True)
	return name


def make_outgoing_email_account() -> None:
	"""Offers are emailed through the Email Queue, which needs a default outgoing account."""
	if not frappe.db.exists("Email Account", {"default_outgoing": 1}):
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": "CC Test Outgoing",
				"email_id": "cover@cc-test.example",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "localhost",
				"no_smtp_authentication": 1,
			}
		).insert(ignore_permissions=True)


def before_tests() -> None:
	"""hooks.py `before_tests`: Frappe refuses to delete any user while Administrator is the only System
	Manager, as on a new site, and the test classes delete the users they made; one standing test System
	Manager (never removed) keeps their clean-up possible."""
	make_user("cc-tests-system-manager@cc-test.example", roles=("System Manager",))
	frappe.db.commit()


def make_user(email: str, roles=("Clinician",)) -> str:
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0],
				"send_welcome_email": 0,
				"roles": [{"role": role} for role in roles],
			}
		)
		user.flags.no_welcome_mail = True
		# Race tests make 50 users at once; Frappe throttles more than 60 sign-ups a minute.
		frappe.local.conf.throttle_user_limit = 100_000
		user.insert(ignore_permissions=True)
	return email


def make_clinician(
	full_name: str,
	role: str = "Resident",
	level: str | None = "PGY-2",
	program: str = PROGRAM,
	user: bool = True,
) -> str:
	email = f"{frappe.scrub(full_name)}@cc-test.example" if user else None
	if email:
		make_user(email)
	existing = frappe.db.get_value("Clinician", {"full_name": full_name, "program": program}, "name")
	if existing:
		return existing
	return (
		frappe.get_doc(
			{
				"doctype": "Clinician",
				"full_name": full_name,
				"role": role,
				"training_level": level if role in TRAINEE_ROLES else None,
				"program": program,
				"user": email,
				"fte": 1,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def make_coachable(full_name: str, role: str, clinics, effective_from, capacity: int = 0) -> str:
	"""A resident or faculty member with weekly clinic half-days [(weekday, "AM"/"PM", site), ...]."""
	name = make_clinician(full_name, role=role, level="PGY-2" if role == "Resident" else None)
	doc = frappe.get_doc("Clinician", name)
	if not doc.clinic_templates:
		for weekday, half, site in clinics:
			doc.append(
				"clinic_templates",
				{"weekday": weekday, "half_day": half, "site": site, "effective_from": effective_from},
			)
		doc.coach_capacity = capacity
		doc.save(ignore_permissions=True)
	return name


def make_pool(name: str, members, program: str = PROGRAM, **fields) -> str:
	if frappe.db.exists("Jeopardy Pool", name):
		return name
	joined = add_days(getdate(), -60)
	doc = frappe.get_doc(
		{
			"doctype": "Jeopardy Pool",
			"pool_name": name,
			"program": program,
			"members": [{"clinician": m, "joined_on": joined} for m in members],
			**fields,
		}
	)
	return doc.insert(ignore_permissions=True).name


def shift_at(hours_from_now: float, hours: float = 12) -> tuple[datetime, datetime]:
	start = (now_datetime() + timedelta(hours=hours_from_now)).replace(second=0, microsecond=0)
	return start, start + timedelta(hours=hours)


def make_shift(clinician: str, start: datetime, end: datetime, duty_kind: str = "Day", **fields):
	"""One of the clinician's scheduled shifts, as the schedule import writes it."""
	return frappe.get_doc(
		{
			"doctype": "Clinician Shift",
			"clinician": clinician,
			"duty_kind": duty_kind,
			"start": start,
			"end": end,
			**fields,
		}
	).insert(ignore_permissions=True)


def make_request(
	requester: str,
	pool: str,
	hours_from_now: float = 48,
	hours: float = 12,
	kind: str = "Day",
	submit: bool = True,
	**fields,
):
	start, end = shift_at(hours_from_now, hours)
	doc = frappe.get_doc(
		{
			"doctype": "Cover Request",
			"requester": requester,
			"pool": pool,
			"duties": [{"start": start, "end": end, "duty_kind": kind, "service": "Wards A"}],
			**fields,
		}
	)
	doc.insert(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc


def make_dated_pool(name: str, memberships, program: str = PROGRAM, **fields) -> str:
	"""A pool whose members join (and leave) on given dates: [(clinician, joined_on, left_on, fte)]."""
	return (
		frappe.get_doc(
			{
				"doctype": "Jeopardy Pool",
				"pool_name": name,
				"program": program,
				"members": [
					{"clinician": c, "joined_on": joined, "left_on": left, "fte": fte}
					for c, joined, left, fte in memberships
				],
				**fields,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def post(
	pool: str,
	clinician: str,
	kind: EntryKind,
	units: float,
	at: datetime,
	request: str | None = None,
	reversed_kind: EntryKind | None = None,
) -> str:
	"""One ledger row, written the way the app writes it (the ledger refuses rows typed by hand)."""
	entry = LedgerEntry(clinician, kind, units, aware(at), request=request, reversed_kind=reversed_kind)
	return write_entry(entry, frappe.get_doc("Jeopardy Pool", pool))


def cover_and_reversal(
	pool: str,
	clinician: str,
	units: float,
	covered: datetime,
	reversed_at: datetime,
	request: str | None = None,
) -> None:
	"""A cover that was later cancelled: the cover row and its reversal."""
	post(pool, clinician, EntryKind.COVER, units, covered, request=request)
	post(
		pool,
		clinician,
		EntryKind.REVERSAL,
		-units,
		reversed_at,
		request=request,
		reversed_kind=EntryKind.COVER,
	)


def filed_request(
	requester: str,
	pool: str,
	submitted_at: datetime,
	status: str,
	covered_at: datetime | None = None,
	cover_method: str | None = None,
	docstatus: int = 1,
	**fields,
) -> str:
	"""A request as the lifecycle leaves it, filed and answered at chosen times (the ladder, which runs
	on the real clock, is not replayed). Each request's duty lies a day after the last one's, so a
	requester's requests never overlap."""
	hours_from_now = 48 + 24 * frappe.db.count("Cover Request", {"requester": requester})
	name = make_request(requester, pool, hours_from_now=hours_from_now, submit=False, **fields).name
	frappe.db.set_value(
		"Cover Request",
		name,
		{
			"docstatus": docstatus,
			"status": status,
			"submitted_at": submitted_at,
			"covered_at": covered_at,
			"cover_method": cover_method,
		},
	)
	return name


def make_absence(clinician: str, first_day: date, last_day: date, kind: str = "Vacation") -> str:
	"""Whole days away, typed the way Desk's picker allows: first day 00:00 to last day 23:59."""
	return (
		frappe.get_doc(
			{
				"doctype": "Clinician Unavailability",
				"clinician": clinician,
				"kind": kind,
				"from_datetime": datetime.combine(first_day, time()),
				"to_datetime": datetime.combine(last_day, time(23, 59)),
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def restrict_to_program(user: str, program: str) -> None:
	"""Limit a coordinator or director to one programme, Frappe's standard way."""
	frappe.get_doc(
		{"doctype": "User Permission", "user": user, "allow": "Residency Program", "for_value": program}
	).insert(ignore_permissions=True)


def offers_of(request: str) -> list[dict]:
	"""The request's offers in the order they were made (coordinator-only records)."""
	return frappe.get_all(
		"Cover Request Offer",
		filters={"cover_request": request},
		fields=["clinician", "offered_at", "stage", "declined_at", "decline_note"],
		order_by="idx asc",
	)


def ranking_of(request: str) -> list[dict]:
	"""Every ranking snapshot row of the request, oldest snapshot first."""
	return frappe.get_all(
		"Cover Request Ranking",
		filters={"cover_request": request},
		fields=["clinician", "rank", "eligible", "deviation", "reasons", "snapshot"],
		order_by="idx asc",
	)


def user_of(clinician: str) -> str:
	return frappe.db.get_value("Clinician", clinician, "user")


class QueryCounter:
	"""Counts the SQL statements run inside a `with` block (assertQueryCount only checks a ceiling)."""

	def __enter__(self):
		self.queries = []
		self._original = frappe.db.__class__.sql
		original, queries = self._original, self.queries

		def counting_sql(db, *args, **kwargs):
			queries.append(args[0] if args else kwargs.get("query"))
			return original(db, *args, **kwargs)

		frappe.db.__class__.sql = counting_sql
		return self

	def __exit__(self, *exc):
		frappe.db.__class__.sql = self._original

	@property
	def count(self) -> int:
		return len(self.queries)

	@property
	def reads(self) -> int:
		return sum(1 for query in self.queries if str(query).lstrip().upper().startswith("SELECT"))


def remove_committed_records(tag: str) -> None:
	"""Tests whose records other processes must see commit them; this removes everything tagged."""
	clinicians = frappe.get_all("Clinician", filters={"full_name": ("like", f"%{tag}")}, pluck="name")
	requests_ = frappe.get_all(
		"Cover Request", filters={"requester": ("in", clinicians or [""])}, pluck="name"
	)
	frappe.db.delete("Cover Request Duty", {"parent": ("in", requests_ or [""])})
	for doctype in ("Cover Request Ranking", "Cover Request Offer", "Cover Delivery"):
		frappe.db.delete(doctype, {"cover_request": ("in", requests_ or [""])})
	# The ledger refuses deletes through documents; test clean-up removes its own rows directly.
	frappe.db.delete("Cover Ledger Entry", {"clinician": ("in", clinicians or [""])})
	frappe.db.delete("Clinician Shift", {"clinician": ("in", clinicians or [""])})
	frappe.db.delete("Clinician Unavailability", {"clinician": ("in", clinicians or [""])})
	frappe.db.delete("Cover Request Reason", {"cover_request": ("in", requests_ or [""])})
	check_ins = frappe.get_all(
		"Wellness Check-in", filters={"clinician": ("in", clinicians or [""])}, pluck="name"
	)
	for doctype, field in (("ToDo", "reference_name"), ("Comment", "reference_name"), ("Version", "docname")):
		frappe.db.delete(doctype, {field: ("in", check_ins or [""])})
	frappe.db.delete("Wellness Check-in", {"name": ("in", check_ins or [""])})
	frappe.db.delete("Cover Request", {"name": ("in", requests_ or [""])})
	pairings = frappe.get_all(
		"Coach Pairing",
		or_filters={"resident": ("in", clinicians or [""]), "coach": ("in", clinicians or [""])},
		pluck="name",
	)
	meetings = frappe.get_all("Coaching Meeting", filters={"pairing": ("in", pairings or [""])}, pluck="name")
	# Proposed meetings were emailed to both people.
	emails = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "Coaching Meeting", "reference_name": ("in", meetings or [""])},
		pluck="name",
	)
	frappe.db.delete("Email Queue Recipient", {"parent": ("in", emails or [""])})
	frappe.db.delete("Email Queue", {"name": ("in", emails or [""])})
	frappe.db.delete("Coaching Meeting", {"name": ("in", meetings or [""])})
	frappe.db.delete("Coach Pairing", {"name": ("in", pairings or [""])})
	pools = frappe.get_all("Jeopardy Pool", filters={"pool_name": ("like", f"%{tag}")}, pluck="name")
	frappe.db.delete("Jeopardy Rota", {"pool": ("in", pools or [""])})
	for pool in pools:
		frappe.delete_doc("Jeopardy Pool", pool, force=True, ignore_permissions=True)
	frappe.db.delete("Clinic Session Template", {"parent": ("in", clinicians or [""])})
	frappe.db.delete("Clinician", {"name": ("in", clinicians or [""])})
	frappe.db.delete("Residency Program", {"name": ("like", f"%{tag}")})
	# The clinicians' users and any other user the class made, such as coordinators: all carry the tag.
	users = frappe.get_all("User", filters={"name": ("like", f"%{tag}%")}, pluck="name")
	frappe.db.delete("Notification Log", {"for_user": ("in", users or [""])})
	for user in users:
		frappe.delete_doc("User", user, force=True, ignore_permissions=True)
	frappe.db.commit()
