"""What filing, accepting, assigning, a member's standing and the ladder cost as a pool grows (issue 13).

    bench --site <site> execute collective_cover.devtools.benchmarks.cover_scale.run

Builds pools of 50, 200 and 1,000 members in one programme and, in each, times REPEATS of every action
(median, each in a transaction of its own and committed, as in production; the pools take turns, so a
shared machine's drift falls on every size alike), counts its queries, runs
the every-minute ladder job once over DUE requests that are all due for assignment, and releases
PARALLEL accepts of one request at once over HTTP against a gunicorn of its own. It prints each figure
as a ratio to the 50-member pool, with the issue's targets, as a Markdown table. Everything it makes
carries one tag and is removed at the end, whether it finishes or fails. Records must be committed
for the HTTP server to see them, so the run cannot simply roll back.

Only the first PARALLEL members of a pool have a user (they accept); the others are members without
a login, as in the query-count test, so building a 1,000-member pool stays cheap.

The site needs a System Manager besides Administrator (any site past its setup wizard has one):
Frappe refuses to delete users otherwise, and the run deletes the ones it made.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import timedelta

import frappe
from frappe.utils import now_datetime

from collective_cover.api.cover import my_position
from collective_cover.cover import jobs, lifecycle, notify
from collective_cover.tests.factories import (
	QueryCounter,
	make_absence,
	make_clinician,
	make_outgoing_email_account,
	make_pool,
	make_program,
	make_request,
	remove_committed_records,
	user_of,
)
from collective_cover.tests.live_site import LiveSite, api_token
from collective_cover.tests.parallel import at_once

SIZES = (50, 200, 1000)
REPEATS = 7  # as the issue measured: a median of seven steadies a shared machine's timings
DUE = 100
PARALLEL = 50
# Each measured request starts a day after the previous one, so no two of a requester's overlap and no
# member is asked to be in two places at once.
SPACING_HOURS = 24

# Filing among real schedules: every member works a 12-hour day shift every other day for SCHEDULED_DAYS,
# half the pool on even days and half on odd ones, far past every other request of the run; the
# requests fall four weeks in (the work-hour rules read four weeks either side, about 28 shifts a
# member). A one-day request finds half the pool at work; a three-day absence finds everyone at work on
# one of its days, so nobody can take all three and it is planned day by day.
SCHEDULED_FROM_DAYS = 200
SCHEDULED_DAYS = 12 * 7
# Filing ranks the pool's roster, kept while nothing it depends on changes and read again by a job
# after a cover; an absence recorded just before a call-out is read by the call-out itself.
FILE_AFTER_A_CHANGE = "file, the first call-out after an absence is recorded"
ABSENCE_FROM_DAYS = 400  # far past every request of the run: it changes no ranking, only the roster
FILE_AMONG_SCHEDULES = "file, every member on a schedule"
FILE_ABSENCE_AMONG_SCHEDULES = "file a three-day absence, every member on a schedule"
ABSENCE_DAYS = 3

TARGETS = {
	"file": "≤ 2×",
	FILE_AFTER_A_CHANGE: "≤ 2×",
	FILE_AMONG_SCHEDULES: "≤ 2×",
	FILE_ABSENCE_AMONG_SCHEDULES: "≤ 2×",
	"accept": "≤ 2×",
	"assign": "—",
	"my_position": "≤ 2×",
	f"escalation run, {DUE} due": "< 10 s at 1,000",
	f"{PARALLEL} parallel accepts (total)": "≤ 2×",
}


def run(sizes: str | None = None, repeats: int = REPEATS) -> None:
	frappe.set_user("Administrator")
	if not other_system_managers():
		print("This site has no System Manager but Administrator; finish its setup wizard first.")
		return
	tag = frappe.generate_hash(length=6)
	sizes_ = tuple(int(s) for s in sizes.split(",")) if sizes else SIZES
	try:
		placeholder_outgoing_account()
		program = make_program(f"Benchmark Programme {tag}")
		pools = [Pool(size, tag, program, int(repeats)) for size in sizes_]
		print(ratio_table(measure(pools, int(repeats)), sizes_))
	finally:
		frappe.set_user("Administrator")
		frappe.db.rollback()
		remove_committed_records(tag)


def other_system_managers() -> list[str]:
	user, role = frappe.qb.DocType("User"), frappe.qb.DocType("Has Role")
	return (
		frappe.qb.from_(user)
		.join(role)
		.on(role.parent == user.name)
		.select(user.name)
		.where((role.role == "System Manager") & (user.enabled == 1) & (user.name != "Administrator"))
	).run(pluck=True)


def placeholder_outgoing_account() -> None:
	"""Offers are queued as e-mail, which needs a default outgoing account. The run sends nothing (it
	never flushes the queue), so the tests' account on a server that does not answer will do; Frappe
	checks the server when an account is saved, except in tests, so it is saved as the tests save it."""
	in_test = frappe.flags.in_test
	frappe.flags.in_test = True
	try:
		make_outgoing_email_account()
	finally:
		frappe.flags.in_test = in_test


class Pool:
	"""A committed pool of `size` members, and requesters outside it who file into it."""

	def __init__(self, size: int, tag: str, program: str, repeats: int):
		self.size = size
		self.program = program
		self.accepters = [
			make_clinician(f"Bench {size} Accepter {i} {tag}", program=program) for i in range(PARALLEL)
		]
		filler = [
			make_clinician(f"Bench {size} Member {i} {tag}", program=program, user=False)
			for i in range(size - PARALLEL)
		]
		self.name = make_pool(f"Bench Pool {size} {tag}", [*self.accepters, *filler], program=program)
		self.requesters = iter(
			make_clinician(f"Bench {size} Requester {i} {tag}", program=program, user=False)
			# one each: the warm-up, the filings (four times), the assignments, the due requests, the
			# parallel accepts
			for i in range(1 + 5 * repeats + DUE + 1)
		)
		self.next_start = 48
		self.repeats = repeats
		self.filed: list[str] = []
		self.first_day = None  # of the members' schedules (`write_schedules`)
		frappe.db.commit()

	def file(self):
		"""A request by a requester of its own, for a day duty a day after the last one filed."""
		self.next_start += SPACING_HOURS
		doc = make_request(next(self.requesters), self.name, hours_from_now=self.next_start)
		frappe.db.commit()
		return doc


def timed(action: Callable, as_user: str = "Administrator") -> tuple[float, int]:
	"""Seconds and queries of `action`, committed as a web request would be."""
	frappe.set_user(as_user)
	# A web request starts with an empty per-request cache: Redis values (the cached pool) are read again.
	frappe.local.cache = {}
	try:
		with QueryCounter() as queries:
			began = time.perf_counter()
			action()
			frappe.db.commit()
			seconds = time.perf_counter() - began
	finally:
		frappe.set_user("Administrator")
	return seconds, queries.count


def measure(pools: list[Pool], repeats: int) -> dict[int, dict[str, tuple[float, int]]]:
	"""Median seconds and queries of each action in each pool. An action's repeats are taken in every
	pool in turn (50, 200, 1,000, 50, …), so a shared machine's drift falls on every size alike rather
	than on the pool measured last."""
	samples: dict[int, dict[str, list[tuple[float, int]]]] = {pool.size: {} for pool in pools}

	def each(action: str, sample: Callable[[Pool, int], tuple[float, int]], times: int = repeats):
		for i in range(times):
			for pool in pools:
				samples[pool.size].setdefault(action, []).append(sample(pool, i))

	for pool in pools:
		pool.file()  # warms Frappe's caches (doctype meta, link checks) for this pool
	each("file", file_one)
	each(FILE_AFTER_A_CHANGE, file_after_an_absence)
	each(
		"accept",
		lambda pool, i: timed(lambda: lifecycle.accept(pool.filed[i]), user_of(pool.accepters[i])),
	)
	each("assign", lambda pool, i: assign_one(pool, pool.accepters[repeats + i]))
	each("my_position", lambda pool, i: timed(lambda: my_position(pool.name), user_of(pool.accepters[0])))
	for pool in pools:
		write_schedules(pool)
	each(FILE_AMONG_SCHEDULES, file_a_day_among_schedules)
	each(FILE_ABSENCE_AMONG_SCHEDULES, file_an_absence_among_schedules)
	each(f"escalation run, {DUE} due", lambda pool, i: escalation_run(pool), times=1)
	each(f"{PARALLEL} parallel accepts (total)", lambda pool, i: parallel_accepts(pool), times=1)
	return {
		size: {
			action: (statistics.median(s for s, _ in runs), statistics.median(q for _, q in runs))
			for action, runs in actions.items()
		}
		for size, actions in samples.items()
	}


def file_one(pool: Pool, i: int) -> tuple[float, int]:
	pool.next_start += SPACING_HOURS
	doc = make_request(next(pool.requesters), pool.name, hours_from_now=pool.next_start, submit=False)
	sample = timed(doc.submit)
	pool.filed.append(doc.name)
	return sample


def file_after_an_absence(pool: Pool, i: int) -> tuple[float, int]:
	away = (now_datetime() + timedelta(days=ABSENCE_FROM_DAYS + i)).date()
	make_absence(pool.accepters[-1], away, away)
	frappe.db.commit()
	return file_one(pool, i)


def assign_one(pool: Pool, accepter: str) -> tuple[float, int]:
	request = pool.file().name
	return timed(lambda: lifecycle.assign(request, accepter))


def write_schedules(pool: Pool) -> None:
	"""Every member works (SCHEDULED_DAYS of shifts, written in one bulk insert, half the pool on even
	days): the first offers judge the first few in line, so only their weeks of shifts are read (and,
	for an absence, the pool's shifts across it)."""
	pool.first_day = (now_datetime() + timedelta(days=SCHEDULED_FROM_DAYS)).replace(
		hour=7, minute=0, second=0, microsecond=0
	)
	members = frappe.get_all(
		"Jeopardy Pool Member",
		filters={"parent": pool.name, "parenttype": "Jeopardy Pool"},
		pluck="clinician",
	)
	fields = ["name", "clinician", "duty_kind", "start", "end", "source", "owner", "modified_by"]
	fields += ["creation", "modified"]
	rows = []
	for parity, member in enumerate(members):
		for day in range(parity % 2, SCHEDULED_DAYS, 2):
			start = pool.first_day + timedelta(days=day)
			end, stamp, admin = start + timedelta(hours=12), now_datetime(), "Administrator"
			rows.append(
				(
					frappe.generate_hash(length=12),
					member,
					"Day",
					start,
					end,
					"Benchmark",
					admin,
					admin,
					stamp,
					stamp,
				)
			)
	frappe.db.bulk_insert("Clinician Shift", fields, rows)
	frappe.db.commit()


def file_a_day_among_schedules(pool: Pool, i: int) -> tuple[float, int]:
	day = pool.first_day + timedelta(days=28 + 2 * i)
	hours_from_now = (day - now_datetime()).total_seconds() / 3600 + 1 / 60  # on the minute
	doc = make_request(next(pool.requesters), pool.name, hours_from_now=hours_from_now, submit=False)
	return timed(doc.submit)


def file_an_absence_among_schedules(pool: Pool, i: int) -> tuple[float, int]:
	# After the days filed one by one, a day apart from them.
	first = pool.first_day + timedelta(days=28 + 2 * pool.repeats + ABSENCE_DAYS * i)
	days = [first + timedelta(days=d) for d in range(ABSENCE_DAYS)]
	duties = [
		{"start": d, "end": d + timedelta(hours=12), "duty_kind": "Day", "service": "Wards A"} for d in days
	]
	doc = make_request(next(pool.requesters), pool.name, duties=duties, submit=False)
	return timed(doc.submit)


def escalation_run(pool: Pool) -> tuple[float, int]:
	"""One run of the every-minute job over DUE requests filed half an hour ago and offered to all:
	each is due for assignment."""
	due = [pool.file().name for _ in range(DUE)]
	request = frappe.qb.DocType("Cover Request")
	(
		frappe.qb.update(request)
		.set(request.submitted_at, now_datetime() - timedelta(minutes=31))
		.set(request.next_escalation_at, now_datetime() - timedelta(minutes=1))
		.set(request.ladder_stage, "Offered to all eligible")
		.where(request.name.isin(due))
	).run()
	frappe.db.commit()
	deliver_everything_owed()
	return timed(jobs.escalate_due_requests)


def deliver_everything_owed() -> None:
	"""Send what the RQ workers would have sent by now (the run starts none), so the timed ladder run
	does its own work rather than send the earlier actions' messages as lost ones. A 1,000-member
	pool takes longest to build, so more of them would count as lost there."""
	delivery = frappe.qb.DocType("Cover Delivery")
	for request, event, occasion in (
		frappe.qb.from_(delivery)
		.select(delivery.cover_request, delivery.event, delivery.occasion)
		.distinct()
		.where(delivery.status == "Owed")
	).run():
		notify.send_owed(request, event, occasion)
	frappe.db.commit()


def parallel_accepts(pool: Pool) -> tuple[float, int]:
	"""Wall time of PARALLEL members accepting one request at once over HTTP (one wins)."""
	tokens = [api_token(user_of(accepter)) for accepter in pool.accepters]
	request = pool.file().name
	site = LiveSite().start()
	try:
		began = time.perf_counter()
		responses = at_once(
			*(
				lambda token=token: site.post(
					"/api/method/collective_cover.api.cover.accept", token, cover_request=request
				)
				for token in tokens
			)
		)
		seconds = time.perf_counter() - began
	finally:
		site.stop()
	codes = sorted(getattr(r, "status_code", type(r).__name__) for r in responses)
	if codes.count(200) != 1 or set(codes) - {200, 417}:
		print(f"parallel accepts in the {pool.size}-member pool answered {codes}")
	return seconds, 0


def ratio_table(results: dict[int, dict[str, tuple[float, int]]], sizes) -> str:
	base = results[sizes[0]]
	head = ["action", *(f"{s} members" for s in sizes), f"× at {sizes[-1]}", "queries", "target", "met"]
	lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
	for action, (base_seconds, base_queries) in base.items():
		seconds = [results[s][action][0] for s in sizes]
		queries = [results[s][action][1] for s in sizes]
		ratio = seconds[-1] / base_seconds
		lines.append(
			"| "
			+ " | ".join(
				[
					action,
					*(f"{t:.3f} s" for t in seconds),
					f"{ratio:.1f}×",
					" / ".join(str(round(q)) for q in queries) if base_queries else "—",
					TARGETS[action],
					verdict(action, ratio, seconds[-1]),
				]
			)
			+ " |"
		)
	return "\n".join(lines)


def verdict(action: str, ratio: float, seconds: float) -> str:
	if action.startswith("escalation"):
		return "yes" if seconds < 10 else "no"
	if TARGETS[action] == "≤ 2×":
		return "yes" if ratio <= 2 else "no"
	return "—"
