import json
import sys
from collections import Counter
from dataclasses import replace

import pytest
from factories import at, candidate, duty, request, wards

from collective_cover.engine.model import DutyKind, Member, Membership, Policy, Role, Unavailability
from collective_cover.engine.ranking import rank
from collective_cover.engine.simulate import (
	COLLECTIVE,
	COLUMNS,
	INDIVIDUAL_PAYBACK,
	LOAD_BALANCING,
	POLICY_NAMES,
	POOL_PAYBACK,
	ROUND_ROBIN,
	STRATEGIES,
	AbsenceOutcome,
	Programme,
	Strategy,
	caller_demotions,
	compare_absence_cover,
	load_balancing_choice,
	main,
	ranked_choice,
	round_robin_choice,
	simulate,
	synthetic_programme,
	text_table,
)
from collective_cover.engine.work_hours import (
	CALL_FREQUENCY,
	CONTINUOUS_HOURS,
	DAYS_OFF,
	REST_AFTER_CALL,
	WEEKLY_HOURS,
)

SMALL = {"seed": 7, "member_count": 8}
NIGHT = request(duty("2026-09-10", 19, 12, kind=DutyKind.NIGHT))
NOW = at("2026-09-10", 6)
AWAY = Unavailability(at("2026-09-09"), at("2026-09-12"), kind="Vacation")


@pytest.fixture(scope="module")
def default_outcomes():
	return {o.policy: o for o in simulate(synthetic_programme())}


@pytest.fixture(scope="module")
def small_programme():
	return synthetic_programme(**SMALL)


@pytest.fixture(scope="module")
def small_outcomes(small_programme):
	return {o.policy: o for o in simulate(small_programme)}


def test_collective_policy_meets_the_targets_on_the_default_programme(default_outcomes):
	collective = default_outcomes[COLLECTIVE]
	assert collective.max_abs_deviation <= 1.0
	assert collective.gini_burden_rate <= 0.05
	assert collective.variance_vs_round_robin <= 0.1  # at least 10× lower than round robin
	assert collective.work_hour_violations == 0
	assert collective.unfilled_requests == 0
	assert collective.caller_demotions == 0


def test_no_policy_or_baseline_breaks_a_work_hour_rule(default_outcomes):
	assert {name: o.work_hour_violations for name, o in default_outcomes.items()} == dict.fromkeys(
		POLICY_NAMES, 0
	)


def test_collective_is_fairer_than_every_alternative(default_outcomes):
	collective = default_outcomes[COLLECTIVE]
	for name in (POOL_PAYBACK, INDIVIDUAL_PAYBACK, ROUND_ROBIN, LOAD_BALANCING):
		assert collective.gini_burden_rate < default_outcomes[name].gini_burden_rate
		assert collective.variance_vs_round_robin < default_outcomes[name].variance_vs_round_robin


def test_only_the_payback_policies_demote_callers(default_outcomes, small_outcomes):
	for outcomes in (default_outcomes, small_outcomes):
		assert outcomes[COLLECTIVE].caller_demotions == 0
		assert outcomes[POOL_PAYBACK].caller_demotions > 0
		assert outcomes[INDIVIDUAL_PAYBACK].caller_demotions > 0
		assert outcomes[ROUND_ROBIN].caller_demotions == outcomes[LOAD_BALANCING].caller_demotions == 0


def test_round_robin_is_the_variance_reference(default_outcomes, small_outcomes):
	assert default_outcomes[ROUND_ROBIN].variance_vs_round_robin == 1.0
	assert small_outcomes[ROUND_ROBIN].variance_vs_round_robin == 1.0


def test_same_seed_gives_identical_figures_in_one_process_or_several(small_programme, small_outcomes):
	again = synthetic_programme(**SMALL)
	assert again == small_programme
	serial = {o.policy: o for o in simulate(again, processes=1)}
	assert serial == small_outcomes
	assert synthetic_programme(seed=8, member_count=8).requests != small_programme.requests


def test_the_synthetic_programme_has_the_mix_it_promises():
	programme = synthetic_programme()
	assert {m.fte for m in programme.members} == {1.0, 0.8, 0.5}
	assert {m.level for m in programme.members} == {1, 2, 3}
	for member in programme.members:
		kinds = Counter(u.kind for u in programme.unavailability[member.id])
		assert kinds["Vacation"] == 3
	duties = [r.duties[0] for r in programme.requests]
	assert {d.kind for d in duties} == {DutyKind.DAY, DutyKind.NIGHT, DutyKind.CALL}
	assert any(d.start.weekday() >= 5 for d in duties)
	assert any(d.level == 2 for d in duties)  # senior slots only PGY-2 and above may cover
	requests = Counter(d.start.month for d in duties)
	shifts = Counter(d.start.month for own in programme.schedules.values() for d in own)

	def call_out_rate(*months: int) -> float:
		return sum(requests[m] for m in months) / sum(shifts[m] for m in months)

	# The rate per shift doubles towards mid-January (about 1.8× over January–February).
	assert call_out_rate(1, 2) > 1.5 * call_out_rate(7, 8)


def test_the_work_hour_rules_bind_in_the_synthetic_programme(small_programme):
	"""Eligibility must actually exclude members for ACGME reasons, or zero violations would prove nothing."""
	codes: Counter[str] = Counter()

	def recording_choice(request, pool, candidates, coverers, now):
		for verdict in rank(request, pool, candidates).excluded:
			codes.update(r.code for r in verdict.reasons if r.hard)
		return ranked_choice(request, pool, candidates, coverers, now)

	simulate(small_programme, [Strategy(COLLECTIVE, Policy.COLLECTIVE, recording_choice)], processes=1)
	work_hour_codes = {WEEKLY_HOURS, CONTINUOUS_HOURS, REST_AFTER_CALL, DAYS_OFF, CALL_FREQUENCY}
	assert sum(codes[c] for c in work_hour_codes) > 0


def test_round_robin_takes_the_next_eligible_member_after_the_last_assignee():
	pool = wards()
	members = [candidate(m) for m in ("a", "b", "c", "d")]
	members[2] = candidate("c", unavailability=[AWAY])
	assert round_robin_choice(NIGHT, pool, members, ["a"], NOW) == ("b", 0)
	assert round_robin_choice(NIGHT, pool, members, ["a", "b"], NOW) == ("d", 0)  # c is away
	assert round_robin_choice(NIGHT, pool, members, ["d"], NOW) == ("a", 0)  # wraps around
	assert round_robin_choice(NIGHT, pool, members, [], NOW) == ("a", 0)


def test_load_balancing_takes_the_fewest_assignments_blind_to_units_and_fte():
	pool = wards()
	members = [
		candidate("a", covered_units=0.0),
		candidate("b", fte=0.5, covered_units=9.0),  # most units, half-time: load balancing cannot see it
		candidate("c", unavailability=[AWAY]),
	]
	assert load_balancing_choice(NIGHT, pool, members, ["a", "a", "c"], NOW) == ("b", 0)
	assert load_balancing_choice(NIGHT, pool, members, ["b"], NOW) == ("a", 0)
	assert load_balancing_choice(NIGHT, pool, members, [], NOW) == ("a", 0)  # ties: list order


def test_caller_demotions_count_members_ranked_earlier_for_their_debts():
	members = [
		candidate("debtor", covered_units=2.0, owed_to_pool=3.0),
		candidate("other", covered_units=1.0),
	]
	for policy, demoted in (
		(Policy.COLLECTIVE, 0),
		(Policy.POOL_PAYBACK, 1),
		(Policy.INDIVIDUAL_PAYBACK, 0),  # owes the pool, not the requester
	):
		pool = wards(policy=policy)
		assert caller_demotions(NIGHT, pool, members, rank(NIGHT, pool, members)) == demoted
	owes_requester = [
		replace(members[0], burden=replace(members[0].burden, owed_to=(("req", 1.0),))),
		members[1],
	]
	individual = wards(policy=Policy.INDIVIDUAL_PAYBACK)
	assert caller_demotions(NIGHT, individual, owes_requester, rank(NIGHT, individual, owes_requester)) == 1


def test_ranked_choice_assigns_the_top_ranked_or_nobody():
	pool = wards()
	members = [candidate("heavy", covered_units=5.0), candidate("light", covered_units=1.0)]
	assert ranked_choice(NIGHT, pool, members, [], NOW) == ("light", 0)
	away = [candidate(m, unavailability=[AWAY]) for m in ("x", "y")]
	assert ranked_choice(NIGHT, pool, away, [], NOW) == (None, 0)


def test_table_lists_every_policy_and_column(capsys):
	assert main(["--seed", "7", "--members", "8"]) == 0
	lines = capsys.readouterr().out.splitlines()
	assert lines[0].startswith("Synthetic programme year 2026–27 (seed 7): 8 residents")
	header = [cell.strip() for cell in lines[1].split(" | ")]
	assert header == ["policy", *(title for _, title, _ in COLUMNS)]
	assert [line.split(" | ")[0].strip() for line in lines[3:-1]] == list(POLICY_NAMES)
	assert lines[-1].startswith("Multi-day absences (60 requests of 3–5 own shifts): whole-request cover")


def test_json_has_every_policy_and_column(capsys, small_outcomes):
	assert main(["--seed", "7", "--members", "8", "--json"]) == 0
	figures = json.loads(capsys.readouterr().out)
	assert figures["programme"]["seed"] == 7
	assert figures["programme"]["members"] == 8
	assert list(figures["policies"]) == list(POLICY_NAMES)
	for name, columns in figures["policies"].items():
		assert list(columns) == [key for key, _, _ in COLUMNS]
		assert columns == small_outcomes[name].figures()


def test_plot_without_matplotlib_says_how_to_get_it(monkeypatch, tmp_path):
	monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
	with pytest.raises(SystemExit, match=r"--plot needs matplotlib: pip install 'collective_cover\[plot\]'"):
		main(["--seed", "7", "--members", "8", "--plot", str(tmp_path / "burden.png")])


def test_plot_draws_a_png_when_matplotlib_is_installed(tmp_path, capsys):
	pytest.importorskip("matplotlib")
	target = tmp_path / "burden.png"
	assert main(["--seed", "7", "--members", "8", "--plot", str(target)]) == 0
	assert target.read_bytes().startswith(b"\x89PNG")


def test_strategies_cover_the_three_policies_and_two_baselines():
	assert [s.name for s in STRATEGIES] == list(POLICY_NAMES)
	assert [s.ledger_policy for s in STRATEGIES[:3]] == list(Policy)


def test_text_table_aligns_columns():
	assert text_table(("name", "ratio"), [("a", "1.00"), ("longer", "10.5")]).splitlines() == [
		"name   | ratio",
		"-------+------",
		"a      |  1.00",
		"longer |  10.5",
	]


def test_per_duty_cover_fills_an_absence_nobody_can_take_whole():
	week = tuple(duty(f"2026-09-1{d}", 7, 12) for d in (4, 5, 6))
	members = tuple(Member(m, Role.RESIDENT, 2) for m in ("req", "ana", "ben"))
	pool = wards(memberships=tuple(Membership(m.id, at("2026-07-01").date()) for m in members))
	programme = Programme(
		seed=0,
		pool=pool,
		members=members,
		schedules={"req": week, "ana": (), "ben": ()},
		clinic_sessions={"req": (), "ana": (), "ben": ()},
		unavailability={
			"req": (),
			# Ana is away on the 16th, Ben on the 14th: nobody can take all three days.
			"ana": (Unavailability(at("2026-09-16"), at("2026-09-17"), kind="Leave"),),
			"ben": (Unavailability(at("2026-09-14"), at("2026-09-15"), kind="Leave"),),
		},
		requests=(),
	)
	split = request(*week, id="AB-1")
	one_day = request(week[1], id="AB-2")
	outcome = compare_absence_cover(programme, [split, one_day])
	assert outcome == AbsenceOutcome(requests=2, filled_whole=1, filled_per_duty=2, split_coverers=2)
	assert outcome.per_duty_only == 1
