"""Hostile input at every door, over real HTTP: the catalogue of malformed and unauthorised calls
(`hostile_catalogue`), probes that try to infer private facts from counts, lists and searches, and
generated Cover Request payloads. Every answer must be no 5xx; every refusal must carry a message a
person can read and leave every app table as it was."""

from __future__ import annotations

import json
import re
from pathlib import Path

import frappe
from frappe.tests.utils import FrappeTestCase
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from collective_cover.tests import hostile_catalogue as catalogue
from collective_cover.tests.hostile_world import (
	StateGuard,
	app_doctypes,
	at,
	build_world,
	readable_message,
	remove_world,
	short,
	start_client,
)

APP = Path(__file__).resolve().parents[1]


def judge(w, case: catalogue.Case, response, changed: str) -> list[str]:
	"""What is wrong with one answer, as short phrases; empty when nothing is."""
	code, problems = response.status_code, []
	if code >= 500:
		problems.append(f"HTTP {code}")
	elif code >= 400:
		text = readable_message(response)
		expected = case.status if isinstance(case.status, tuple) else (case.status,) if case.status else ()
		if not text:
			problems.append("no readable message")
		elif case.message and case.message.lower() not in text.lower():
			problems.append(f"message lacks {case.message!r}")
		if expected and code not in expected:
			problems.append(f"HTTP {code}, expected {'/'.join(map(str, expected))}")
	elif case.outcome == "refused":
		problems.append(f"accepted (HTTP {code})")
	elif case.check:
		problem = case.check(w, response)
		if problem:
			problems.append(problem)
	if changed and not (code < 400 and case.outcome == "either"):
		problems.append(f"wrote {changed}")
	if case.secret and case.secret in response.text:
		problems.append("leaked a private value")
	return problems


def table(rows: list[tuple]) -> str:
	widths = [min(60, max(len(str(r[i])) for r in rows)) for i in range(len(rows[0]))]
	return "\n".join(" | ".join(str(c)[:60].ljust(wd) for c, wd in zip(r, widths, strict=True)) for r in rows)


# Generated payloads: symbolic, so explicit examples can name the world's records before it exists.
# ("@", h) is a datetime h hours from now; ("@iso", h, offset) the same in ISO form with a UTC offset;
# "$name" is an attribute of the world.

KINDS = ("Day", "Night", "Clinic half-day", "24h call", "Other")
junk = st.recursive(
	st.none()
	| st.booleans()
	| st.integers()
	| st.floats(allow_nan=False, allow_infinity=False)
	| st.text(max_size=12),
	lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
	max_leaves=6,
)
hours = st.floats(min_value=-48, max_value=24 * 500, allow_nan=False)
datetimes = st.one_of(
	hours.map(lambda h: ("@", h)),
	st.tuples(st.just("@iso"), hours, st.sampled_from(["+02:00", "-05:30", "Z", "+14:00", "+00:00"])),
	st.integers(min_value=10_000, max_value=999_999).map(lambda y: f"{y}-01-01 08:00:00"),
	st.text(max_size=25),
	junk,
)


def mutated(draw, sane, wild, one_in: int = 4):
	"""Mostly the sane value, sometimes a wild one: a payload that is wrong in one or two places gets
	further into the app than one that is wrong everywhere."""
	return draw(wild) if draw(st.integers(min_value=1, max_value=one_in)) == 1 else sane


@st.composite
def duty_rows(draw):
	start_h = mutated(draw, draw(st.floats(min_value=24 * 20, max_value=24 * 360)), hours)
	length = mutated(draw, draw(st.sampled_from([4, 8, 12, 24, 28])), st.floats(min_value=-12, max_value=60))
	row = {
		"start": mutated(draw, ("@", start_h), datetimes),
		"end": mutated(draw, ("@", start_h + length), datetimes),
		"duty_kind": mutated(draw, draw(st.sampled_from(KINDS)), st.one_of(st.text(max_size=15), junk)),
		"service": mutated(draw, "Wards A", st.text(max_size=40)),
	}
	row.update(
		draw(
			st.dictionaries(st.sampled_from(["units", "holiday", "required_level", "idx"]), junk, max_size=2)
		)
	)
	return row


@st.composite
def payloads(draw):
	payload = {
		# Link fields get strings: a list or dict there crashes Frappe's own link check before any app
		# code runs (the catalogue's "a requester as a dict" case shows it).
		"pool": mutated(draw, "$pool", st.one_of(st.just("$pool_b"), st.text(max_size=20))),
		"requester": mutated(
			draw, "$requester", st.sampled_from(["$member", "$outsider", "", "CLN-99999", "x' or '1'='1"])
		),
		# Rows stay dicts: a row that is no dict crashes Frappe's Document constructor before any app
		# code runs, so the catalogue names those cases ("duties as a string") instead of drawing them.
		"duties": draw(st.lists(duty_rows(), min_size=mutated(draw, 1, st.just(0)), max_size=3)),
	}
	payload.update(
		draw(
			st.fixed_dictionaries(
				{},
				optional={
					"docstatus": st.sampled_from([0, 1, "1", 2, 7]),
					"reason_category": st.one_of(st.sampled_from(["Illness", "Personal", "Hacked"]), junk),
					"reason_note": st.one_of(st.text(max_size=60), st.just("y" * 70_000)),
					"status": st.sampled_from(["Covered", "Completed", "Open"]),
					"covered_by": st.just("$coverer"),
					"junk": junk,
				},
			)
		)
	)
	return payload


def explicit_examples(*payloads_):
	"""The door rules the issue names, tried on every run whatever Hypothesis draws."""

	def decorate(test):
		for payload in reversed(payloads_):
			test = example(payload)(test)
		return test

	return decorate


def filed(duties: list, requester: str | None = "$requester") -> dict:
	return {"pool": "$pool", "duties": duties, **({"requester": requester} if requester else {})}


EXPLICIT_EXAMPLES = explicit_examples(
	filed([{"start": ("@", 30), "end": ("@", 70), "duty_kind": "Day"}]),  # a 40-hour duty
	filed([{"start": ("@", 24 * 400), "end": ("@", 24 * 400 + 8), "duty_kind": "Night"}]),  # past the horizon
	filed([{"start": ("@iso", 30, "+02:00"), "end": ("@iso", 40, "+02:00"), "duty_kind": "Day"}]),
	filed([{"start": ("@", 30), "end": ("@", 40), "duty_kind": "Brunch"}]),
	filed([{"start": ("@", 30), "end": ("@", 40), "duty_kind": "Day"}], "$outsider"),
)


def resolve(value, w):
	if isinstance(value, tuple) and value and value[0] == "@":
		return at(value[1])
	if isinstance(value, tuple) and value and value[0] == "@iso":
		return at(value[1]).replace(" ", "T") + value[2]
	if isinstance(value, str) and value.startswith("$") and value[1:] in w:
		return w[value[1:]]
	if isinstance(value, dict):
		return {k: resolve(v, w) for k, v in value.items()}
	if isinstance(value, list):
		return [resolve(v, w) for v in value]
	return value


class TestHostileDoors(FrappeTestCase):
	"""One committed world and one gunicorn serving it for every test here, and a guard that undoes
	anything a case wrote."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tag = frappe.generate_hash(length=6)
		cls.client = None
		try:
			frappe.set_user("Administrator")
			cls.w = build_world(cls.tag)
			cls.w.baseline_rows = frappe.db.sql(
				"select count(*) from `tabCover Request Offer` where cover_request = %s", cls.w.covered_req
			) + frappe.db.sql(
				"select count(*) from `tabCover Request Ranking` where cover_request = %s", cls.w.covered_req
			)
			cls.client = start_client(cls.w)
			cls.guard = StateGuard()
			cls.guard.save_baseline()
		except Exception:
			cls.tearDownClass()
			raise

	@classmethod
	def tearDownClass(cls):
		if cls.client:
			cls.client.site.stop()
		remove_world(cls.tag)
		super().tearDownClass()

	def setUp(self):
		# Each test starts from the world as built, whatever an earlier test's holes wrote.
		if self.guard.changes():
			self.guard.restore()

	def run_case(self, case: catalogue.Case):
		response = self.client.call(case.actor, case.method, case.path, case.payload)
		changed = self.guard.changes()
		problems = judge(self.w, case, response, changed)
		if changed:
			self.guard.restore()
		return response, problems

	def test_every_whitelisted_method_is_in_the_catalogue(self):
		found = set()
		for path in APP.rglob("*.py"):
			if "tests" in path.parts or path.name.startswith("test_"):
				continue
			source = path.read_text()
			for match in re.finditer(r"@frappe\.whitelist\([^)]*\)\s*\n\s*def (\w+)", source):
				found.add(f"{'api/' if path.parent.name == 'api' else ''}{path.name}:{match[1]}")
		self.assertEqual(set(catalogue.whitelisted_calls(self.w)), found)

	def test_every_app_doctype_has_a_door(self):
		self.assertEqual(set(catalogue.doors(self.w)), set(app_doctypes()))

	def test_hostile_calls_are_refused_readably_and_write_nothing(self):
		cases = catalogue.catalogue(self.w)
		self.assertGreaterEqual(len(cases), 60)
		failures = []
		for case in cases:
			with self.subTest(case=case.name):
				response, problems = self.run_case(case)
				if problems:
					failures.append(
						(
							case.name,
							case.actor,
							case.method,
							response.status_code,
							"; ".join(problems),
							short(response),
						)
					)
					self.fail(
						f"{case.name}: {'; '.join(problems)} — HTTP {response.status_code}: {short(response)}"
					)
		if failures:
			print(f"\n{len(failures)} of {len(cases)} hostile calls failed:")
			print(table([("case", "actor", "method", "HTTP", "problem", "answer"), *failures]))

	def test_private_facts_cannot_be_inferred_from_counts_lists_or_searches(self):
		failures = []
		for fact in catalogue.facts(self.w):
			masks = sorted(
				set(catalogue.filter_values(fact.matching) + catalogue.filter_values(fact.other)),
				key=len,
				reverse=True,
			)
			for actor in fact.actors:
				matching = catalogue.probe_calls(fact.doctype, fact.matching)
				other = catalogue.probe_calls(fact.doctype, fact.other)
				for endpoint, call in matching.items():
					with self.subTest(fact=fact.name, actor=actor, endpoint=endpoint):
						yes = self.client.call(actor, *call)
						no = self.client.call(actor, *other[endpoint])
						problem = self.distinguishable(yes, no, masks)
						if problem:
							failures.append(
								(fact.name, actor, endpoint, yes.status_code, no.status_code, problem)
							)
							self.fail(f"{fact.name} / {actor} / {endpoint}: {problem}")
		self.assertEqual(self.guard.changes(), "")
		if failures:
			print(f"\n{len(failures)} probes told a match from a non-match:")
			print(table([("fact", "actor", "endpoint", "HTTP match", "HTTP other", "problem"), *failures]))

	@staticmethod
	def distinguishable(yes, no, masks) -> str | None:
		if max(yes.status_code, no.status_code) >= 500:
			return (
				f"HTTP {yes.status_code} / {no.status_code}: {short(yes if yes.status_code >= 500 else no)}"
			)
		if yes.status_code != no.status_code:
			return f"HTTP {yes.status_code} when it matches, {no.status_code} when not"

		def masked(response):
			# Each error answer carries a random id of its own; it tells nothing about the data.
			text = re.sub(r"(__frappe_exc_id[^0-9a-f]+)[0-9a-f]+", r"\1<id>", response.text)
			for value in masks:
				text = text.replace(value, "<value>")
			return text

		a, b = masked(yes), masked(no)
		if a != b:
			at_ = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
			return (
				f"answers differ at …{a[max(0, at_ - 30) : at_ + 30]}… / …{b[max(0, at_ - 30) : at_ + 30]}…"
			)
		return None

	def test_a_clinician_filing_without_naming_the_requester_files_for_themselves(self):
		payload = {"pool": self.w.pool, "duties": [catalogue.duty(24 * 33)]}
		response = self.client.call("clinician", "POST", "/api/resource/Cover Request", payload)
		try:
			self.assertEqual(response.status_code, 200, short(response))
			self.assertEqual(response.json()["data"]["requester"], self.w.clinician)
		finally:
			self.guard.restore()

	def test_an_open_request_whose_duties_have_ended_is_offered_no_more(self):
		try:
			# The per-minute jobs run first, as they would on a live site.
			for job in frappe.get_hooks("scheduler_events").get("cron", {}).get("* * * * *", []):
				for method in job if isinstance(job, list) else [job]:
					frappe.get_attr(method)()
			frappe.db.commit()
			response = self.client.call("member", "GET", catalogue.API + "open_requests")
			self.assertEqual(response.status_code, 200, short(response))
			offered = [offer["request"] for offer in response.json()["message"]]
			self.assertIn(self.w.open_req, offered)
			self.assertNotIn(self.w.ended_req, offered)
		finally:
			self.guard.restore()

	def test_generated_cover_request_payloads_never_crash_or_write_on_refusal(self):
		"""Hypothesis generates the payloads; the failures are collected rather than raised, so one run
		reports every bad example (and nothing is shrunk: each example is an HTTP round trip)."""
		failures = []

		@settings(
			max_examples=40,
			deadline=None,
			database=None,
			derandomize=True,  # the same examples on every run, so CI does not flake
			phases=(Phase.explicit, Phase.generate),
			suppress_health_check=list(HealthCheck),
		)
		@given(payloads())
		@EXPLICIT_EXAMPLES
		def file(payload):
			payload = resolve(payload, self.w)
			case = catalogue.Case(
				"generated", "requester", "POST", "/api/resource/Cover Request", payload,
				outcome="either", check=catalogue.filed_as(self.w, "requester", uncovered=True),
			)  # fmt: skip
			response, problems = self.run_case(case)
			if problems:
				failures.append(
					(
						json.dumps(payload, default=str)[:120],
						response.status_code,
						"; ".join(problems),
						short(response),
					)
				)

		file()
		if failures:
			print(f"\n{len(failures)} generated Cover Request payloads failed:")
			print(table([("payload", "HTTP", "problem", "answer"), *failures]))
			for payload, *_ in failures:
				print(" ", payload)
		self.assertEqual(failures, [])
