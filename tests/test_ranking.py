from dataclasses import replace

import pytest
from factories import at, candidate, duty, request, wards
from hypothesis import given, settings
from hypothesis import strategies as st

from collective_cover.engine.model import DutyKind, Policy, Unavailability
from collective_cover.engine.ranking import (
	ScheduleUnread,
	StandingOrder,
	judging_order,
	rank,
	stable_hash,
)

POOL = wards()
REQ = request(duty("2026-09-10", 19, 12, kind=DutyKind.NIGHT))


def test_furthest_below_fair_share_first_and_exclusions_explained():
	pool = [
		candidate("req", covered_units=0.0),
		candidate("heavy", covered_units=6.0),
		candidate("light", covered_units=1.0),
		candidate("mid", covered_units=3.0),
		candidate("away", unavailability=[Unavailability(at("2026-09-09"), at("2026-09-12"), kind="Leave")]),
	]
	ranking = rank(REQ, POOL, pool)
	# Load 10 over five equal exposures: fair share 2 each.
	assert ranking.order == ("light", "mid", "heavy")
	assert [r.deviation for r in ranking.ranked] == [-1.0, 1.0, 4.0]
	assert ranking.ranked[0].explanation == "1.00 units below fair share; 0 activations in the last 28 days"
	assert {e.member: e.reasons[0].code for e in ranking.excluded} == {
		"req": "requester",
		"away": "unavailable",
	}


def test_ties_break_on_recent_activations_then_recency_then_a_stable_hash():
	pool = [
		candidate("a", covered_units=2.0, activations_28d=2, last_activation=at("2026-09-01")),
		candidate("b", covered_units=2.0, activations_28d=1, last_activation=at("2026-09-08")),
		candidate("c", covered_units=2.0, activations_28d=1, last_activation=at("2026-08-20")),
	]
	assert rank(REQ, POOL, pool).order == ("c", "b", "a")
	same = [candidate(name, covered_units=1.0) for name in ("ann", "bea", "cal", "dov", "eve")]
	order = rank(REQ, POOL, same).order
	assert order == tuple(sorted(order, key=lambda m: stable_hash("CR-1", m)))
	assert order != tuple(sorted(order))  # never alphabetical
	# A different request shuffles the ties differently, but deterministically.
	other = request(REQ.duties[0], id="CR-2")
	assert rank(other, POOL, same).order == rank(other, POOL, same).order != order


def test_never_activated_ties_with_an_activated_member_and_goes_first():
	# Equal burden (standby credit vs one cover) and equal recent activations: longest since the
	# last activation wins, and "never" is longest.
	pool = [
		candidate("covered_once", covered_units=1.0, last_activation=at("2026-08-01")),
		candidate("standby_only", standby_units=1.0),
	]
	assert rank(REQ, POOL, pool).order == ("standby_only", "covered_once")


def test_members_failing_only_should_rules_rank_after_everyone_clean():
	tired = candidate("tired", covered_units=0.0, schedule=[duty("2026-09-10", 5, 8)])  # 6 h rest
	ranking = rank(REQ, POOL, [tired, candidate("busy", covered_units=5.0)])
	assert ranking.order == ("busy", "tired")
	assert "ranked after members who pass every rule" in ranking.ranked[1].explanation


def test_care_team_preference_within_one_unit_of_the_best():
	pool = [candidate("best", covered_units=0.0), candidate("team", covered_units=0.9)]
	assert rank(REQ, POOL, pool, care_team={"team"}).order == ("team", "best")
	far = [candidate("best", covered_units=0.0), candidate("team", covered_units=1.5)]
	assert rank(REQ, POOL, far, care_team={"team"}).order == ("best", "team")


def test_collective_ignores_debts_pool_payback_moves_debtors_earlier():
	pool = [candidate("debtor", covered_units=2.0, owed_to_pool=3.0), candidate("other", covered_units=1.0)]
	assert rank(REQ, POOL, pool).order == ("other", "debtor")
	payback = wards(policy=Policy.POOL_PAYBACK)
	ranking = rank(REQ, payback, pool)
	assert ranking.order == ("debtor", "other")
	assert "3 units owed to the pool (pool payback)" in ranking.ranked[0].explanation


def test_individual_payback_puts_whoever_owes_the_requester_first():
	pool = [
		candidate("owes", covered_units=9.0, owed_to=(("req", 1.0),)),
		candidate("owes_someone_else", covered_units=9.0, owed_to=(("x", 4.0),)),
		candidate("light", covered_units=0.0),
	]
	individual = wards(policy=Policy.INDIVIDUAL_PAYBACK)
	assert rank(REQ, individual, pool).order[0] == "owes"
	assert rank(REQ, POOL, pool).order[0] == "light"


member_ids = st.sampled_from(["req", "m1", "m2", "m3", "m4", "m5", "m6"])


@st.composite
def pools(draw):
	ids = draw(st.lists(member_ids, min_size=1, max_size=7, unique=True))
	cands = []
	for m in ids:
		away = draw(st.booleans())
		cands.append(
			candidate(
				m,
				covered_units=draw(st.floats(0, 20, allow_nan=False)),
				exposure=draw(st.floats(1, 365, allow_nan=False)),
				activations_28d=draw(st.integers(0, 5)),
				unavailability=[Unavailability(at("2026-09-10"), at("2026-09-12"), kind="Leave")]
				if away
				else [],
			)
		)
	return cands


@settings(max_examples=150, deadline=None)
@given(pools())
def test_requester_and_ineligible_members_are_never_ranked(cands):
	ranking = rank(REQ, POOL, cands)
	assert "req" not in ranking.order
	excluded = {e.member for e in ranking.excluded}
	assert not excluded & set(ranking.order)
	assert excluded | set(ranking.order) == {c.member.id for c in cands}
	assert [r.position for r in ranking.ranked] == list(range(1, len(ranking.ranked) + 1))


@settings(max_examples=150, deadline=None)
@given(pools(), st.data())
def test_under_collective_calling_out_never_changes_anyones_rank(cands, data):
	"""Payback balances only exist because somebody called out; the collective order ignores them."""
	from dataclasses import replace

	with_debts = [
		replace(
			c,
			burden=replace(
				c.burden,
				owed_to_pool=data.draw(st.floats(0, 10, allow_nan=False)),
				owed_to=(("req", data.draw(st.floats(0, 5, allow_nan=False))),),
			),
		)
		for c in cands
	]
	assert rank(REQ, POOL, cands).order == rank(REQ, POOL, with_debts).order


@st.composite
def large_pools(draw):
	"""Up to 40 members: some away (excluded), some tired (a "should" rule), some owing the requester,
	some in the requester's care team, with burdens that tie often."""
	cands, care_team = [candidate("req")], set()
	for i in range(draw(st.integers(1, 40))):
		m = f"m{i}"
		tired, away = draw(st.booleans()), draw(st.integers(0, 4)) == 0
		cands.append(
			candidate(
				m,
				covered_units=float(draw(st.integers(0, 8))),
				exposure=draw(st.sampled_from([50.0, 100.0, 200.0])),
				activations_28d=draw(st.integers(0, 2)),
				owed_to=(("req", 1.0),) if draw(st.integers(0, 5)) == 0 else (),
				owed_to_pool=float(draw(st.integers(0, 3))),
				schedule=[duty("2026-09-10", 5, 8)] if tired else [],  # 6 h rest before the night
				unavailability=[Unavailability(at("2026-09-09"), at("2026-09-12"), kind="Leave")]
				if away
				else [],
			)
		)
		if draw(st.integers(0, 6)) == 0:
			care_team.add(m)
	return cands, care_team


@settings(max_examples=300, deadline=None)
@given(large_pools(), st.integers(1, 6), st.sampled_from(list(Policy)))
def test_the_head_of_the_ranking_is_the_full_rankings_first_places(pool_and_team, head, policy):
	"""Judging in standing order and stopping after `head` clean members changes no place."""
	cands, care_team = pool_and_team
	pool = wards(policy=policy)
	full = rank(REQ, pool, cands, care_team=care_team)
	first = rank(REQ, pool, cands, care_team=care_team, head=head)
	assert first.ranked == full.ranked[: len(first.ranked)]
	clean = sum(1 for r in full.ranked if not r.reasons)
	assert len(first.ranked) >= min(head, clean)
	assert set(first.excluded) <= set(full.excluded)
	if first.complete:
		assert first.ranked == full.ranked and set(first.excluded) == set(full.excluded)


def test_the_head_stops_judging_after_the_clean_members_it_needs():
	cands = [candidate(f"m{i}", covered_units=float(i)) for i in range(10)]
	first = rank(REQ, POOL, cands, head=3)
	assert first.order == ("m0", "m1", "m2") and not first.complete
	assert rank(REQ, POOL, cands, head=10).complete


@settings(max_examples=200, deadline=None)
@given(large_pools(), st.integers(1, 6), st.sampled_from(list(Policy)), st.integers(0, 45))
def test_judging_only_members_whose_schedules_are_loaded_asks_for_more_or_ranks_exactly(
	pool_and_team, head, policy, loaded
):
	"""The shell loads the schedules of the first `loaded` members in judging order; the others are
	passed with none (a tired member looks rested). The head is then either the true one or None; the
	members it excludes are the true head's, each with its reasons as read (all of them when loaded)."""
	cands, care_team = pool_and_team
	pool = wards(policy=policy)
	truth = rank(REQ, pool, cands, care_team=care_team, head=head)
	order = judging_order(REQ, pool, cands, care_team=care_team)
	with_schedules = set(order[:loaded])
	as_loaded = [c if c.member.id in with_schedules else replace(c, schedule=()) for c in cands]
	try:
		first = rank(REQ, pool, as_loaded, care_team=care_team, head=head, judgeable=with_schedules)
	except ScheduleUnread as unread:
		assert unread.member not in with_schedules and loaded < len(cands)
		return
	assert (first.ranked, first.complete) == (truth.ranked, truth.complete)
	assert [e.member for e in first.excluded] == [e.member for e in truth.excluded]
	read = {e.member: e for e in first.excluded if e.member in with_schedules}
	assert read == {e.member: e for e in truth.excluded if e.member in with_schedules}


@settings(max_examples=200, deadline=None)
@given(large_pools(), st.integers(1, 6), st.sampled_from(list(Policy)))
def test_a_standing_sorted_before_the_schedules_were_read_ranks_as_one_sorted_after(
	pool_and_team, head, policy
):
	"""The shell sorts a request's members once and asks again with the same order after reading more
	schedules: the ranking is the one a fresh sort gives, whole or its head."""
	cands, care_team = pool_and_team
	pool = wards(policy=policy)
	unread = [replace(c, schedule=()) for c in cands]
	sorted_before = StandingOrder(REQ, pool, unread, care_team)
	for places in (head, None):
		assert rank(REQ, pool, cands, care_team=care_team, head=places, order=sorted_before) == rank(
			REQ, pool, cands, care_team=care_team, head=places
		)


def test_the_judging_order_puts_the_care_team_first_then_standing():
	cands = [candidate(f"m{i}", covered_units=float(i)) for i in range(5)]
	assert judging_order(REQ, POOL, cands, care_team={"m3"}) == ["m3", "m0", "m1", "m2", "m4"]
	with pytest.raises(ScheduleUnread, match="m1"):
		rank(REQ, POOL, cands, head=2, judgeable={"m0"})
	assert rank(REQ, POOL, cands, head=2, judgeable={"m0", "m1"}).order == ("m0", "m1")


def test_a_member_excluded_on_part_of_their_schedule_needs_no_more_of_it():
	"""m0 stands first but is away: whatever else they work, they cannot cover, so ranking goes on to
	m1 without their shifts; m1, free on what was read, could still be busy, so theirs are asked for."""
	away = [Unavailability(at("2026-09-09"), at("2026-09-12"), kind="Leave")]
	cands = [
		candidate("m0", unavailability=away),
		*(candidate(f"m{i}", covered_units=float(i)) for i in (1, 2)),
	]
	first = rank(REQ, POOL, cands, head=1, judgeable={"m1"})
	assert (first.order, [e.member for e in first.excluded]) == (("m1",), ["m0"])
	with pytest.raises(ScheduleUnread, match="m1"):
		rank(REQ, POOL, cands, head=1, judgeable={"m0"})
