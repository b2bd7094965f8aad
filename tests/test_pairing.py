import itertools
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collective_cover.engine.pairing import (
	PairingPlan,
	SuggestedPairing,
	benchmark_pairing,
	suggest_pairings,
)


def brute_force_best(residents, coach_capacity, overlap, active) -> tuple[int, int, int]:
	"""The lexicographic optimum (paired, shared, −max load) over every possible assignment."""
	needing = sorted(set(residents) - set(active))
	active_load = Counter(active.values())
	coaches = sorted(set(coach_capacity) | set(active_load))
	best = None
	for choice in itertools.product([None, *coaches], repeat=len(needing)):
		new = Counter(c for c in choice if c is not None)
		if any(new[c] > max(0, coach_capacity.get(c, 0) - active_load[c]) for c in new):
			continue
		load = {c: active_load[c] + new[c] for c in coaches}
		key = (
			sum(new.values()),
			sum(overlap.get((r, c), 0) for r, c in zip(needing, choice, strict=True) if c is not None),
			-max(load.values(), default=0),
		)
		best = key if best is None else max(best, key)
	return best


def assert_plan_is_valid(plan: PairingPlan, residents, coach_capacity, overlap, active):
	needing = set(residents) - set(active)
	new = Counter(p.coach for p in plan.pairings)
	active_load = Counter(active.values())
	# Continuity: no active resident is re-suggested; capacity: new pairings only fill spare places.
	assert {p.resident for p in plan.pairings} <= needing
	assert len({p.resident for p in plan.pairings}) == len(plan.pairings)
	for coach, n in new.items():
		assert n <= coach_capacity.get(coach, 0) - active_load[coach]
	assert plan.coach_load == {c: active_load[c] + new[c] for c in set(coach_capacity) | set(active_load)}
	assert [p.resident for p in plan.pairings] == sorted(p.resident for p in plan.pairings)
	assert set(plan.unpaired) == needing - {p.resident for p in plan.pairings}
	assert list(plan.unpaired) == sorted(plan.unpaired)
	for p in plan.pairings:
		assert p.shared_half_days == overlap.get((p.resident, p.coach), 0)
	assert plan.total_shared == sum(p.shared_half_days for p in plan.pairings)
	assert plan.optimal


@st.composite
def small_programmes(draw):
	residents = [f"r{i}" for i in range(draw(st.integers(0, 5)))]
	coaches = [f"c{j}" for j in range(draw(st.integers(0, 3)))]
	capacity = {c: draw(st.integers(0, 3)) for c in coaches}
	overlap = {(r, c): draw(st.integers(0, 4)) for r in residents for c in coaches if draw(st.booleans())}
	# Existing pairings: some with residents also listed as needing one, some with a coach that has no
	# capacity listed (or more pairings than capacity).
	pool = [*residents, "a0", "a1"]
	active = {r: draw(st.sampled_from([*coaches, "retired"])) for r in pool if draw(st.integers(0, 3)) == 0}
	return residents, capacity, overlap, active


@settings(max_examples=300, deadline=None)
@given(small_programmes())
def test_matches_brute_force_and_never_breaks_capacity_or_continuity(programme):
	residents, capacity, overlap, active = programme
	plan = suggest_pairings(residents, capacity, overlap, active)
	assert_plan_is_valid(plan, residents, capacity, overlap, active)
	achieved = (len(plan.pairings), plan.total_shared, -max(plan.coach_load.values(), default=0))
	assert achieved == brute_force_best(residents, capacity, overlap, active)


@settings(max_examples=100, deadline=None)
@given(small_programmes(), st.randoms(use_true_random=False))
def test_same_programme_in_any_order_gives_the_same_plan(programme, rnd):
	residents, capacity, overlap, active = programme
	plan = suggest_pairings(residents, capacity, overlap, active)

	def shuffled(mapping):
		items = list(mapping.items())
		rnd.shuffle(items)
		return dict(items)

	again = suggest_pairings(
		rnd.sample(residents, len(residents)), shuffled(capacity), shuffled(overlap), shuffled(active)
	)
	assert again == plan


def test_most_shared_half_days_wins():
	# A–X and B–Y share 8; B–X and A–Y only 5. C shares nothing with anyone but still gets the last place.
	overlap = {("A", "X"): 5, ("B", "X"): 4, ("A", "Y"): 1, ("B", "Y"): 3}
	plan = suggest_pairings(["C", "B", "A"], {"X": 1, "Y": 2}, overlap)
	assert plan.pairings == (
		SuggestedPairing("A", "X", 5),
		SuggestedPairing("B", "Y", 3),
		SuggestedPairing("C", "Y", 0),
	)
	assert plan.unpaired == ()
	assert plan.coach_load == {"X": 1, "Y": 2}
	assert plan.total_shared == 8
	assert plan.optimal


def test_residents_without_any_overlap_still_get_a_coach():
	plan = suggest_pairings(["A", "B", "C"], {"X": 2, "Y": 2}, {})
	assert len(plan.pairings) == 3 and plan.unpaired == ()
	assert plan.total_shared == 0
	assert sorted(plan.coach_load.values()) == [1, 2]


def test_load_is_balanced_when_overlap_is_equal():
	# Four residents, equal overlap everywhere: 2 + 2, never 3 + 1.
	overlap = {(r, c): 2 for r in "ABCD" for c in "XY"}
	plan = suggest_pairings(list("ABCD"), {"X": 3, "Y": 3}, overlap)
	assert plan.coach_load == {"X": 2, "Y": 2}
	assert plan.total_shared == 8


def test_overlap_comes_before_balance():
	# Everyone shares most with X; filling X to capacity beats an even spread.
	overlap = {("A", "X"): 3, ("B", "X"): 3, ("C", "X"): 3, ("A", "Y"): 2, ("B", "Y"): 2, ("C", "Y"): 2}
	plan = suggest_pairings(list("ABC"), {"X": 3, "Y": 3}, overlap)
	assert plan.coach_load == {"X": 3, "Y": 0}
	assert plan.total_shared == 9


def test_active_pairings_use_capacity_and_count_in_the_load():
	overlap = {("A", "X"): 6, ("B", "X"): 6, ("B", "Y"): 1, ("D", "X"): 9}
	# D is already with Y: listed as needing a coach, it is ignored; E fills X's second place.
	plan = suggest_pairings(["A", "B", "D"], {"X": 2, "Y": 2}, overlap, {"D": "Y", "E": "X"})
	assert plan.pairings == (SuggestedPairing("A", "X", 6), SuggestedPairing("B", "Y", 1))
	assert plan.coach_load == {"X": 2, "Y": 2}
	assert plan.total_shared == 7


def test_when_capacity_runs_out_the_rest_are_unpaired():
	overlap = {("A", "X"): 1, ("B", "X"): 4, ("C", "X"): 2, ("C", "Y"): 5}
	plan = suggest_pairings(["A", "B", "C", "D"], {"X": 1, "Y": 1, "Z": 0}, overlap, {"E": "Z"})
	assert plan.pairings == (SuggestedPairing("B", "X", 4), SuggestedPairing("C", "Y", 5))
	assert plan.unpaired == ("A", "D")
	assert plan.coach_load == {"X": 1, "Y": 1, "Z": 1}


def test_no_coaches_or_no_residents():
	nobody = suggest_pairings(["B", "A"], {}, {})
	assert nobody.pairings == () and nobody.unpaired == ("A", "B") and nobody.coach_load == {}
	assert nobody.optimal
	empty = suggest_pairings([], {"X": 2}, {}, {"A": "X"})
	assert empty == PairingPlan((), (), {"X": 1}, 0, True)


def test_duplicate_residents_are_paired_once():
	plan = suggest_pairings(["A", "A"], {"X": 2}, {("A", "X"): 3})
	assert plan.pairings == (SuggestedPairing("A", "X", 3),)


def test_ties_are_not_alphabetical():
	# Identical residents and coaches: who goes where is decided by a hash, so across many programmes
	# the alphabetically first resident is not always with the alphabetically first coach.
	firsts = set()
	for n in range(20):
		residents = [f"R{n}-{i}" for i in range(2)]
		plan = suggest_pairings(residents, {f"C{n}-a": 1, f"C{n}-b": 1}, {})
		firsts.add(plan.pairings[0].coach.endswith("a"))
	assert firsts == {True, False}


def test_negative_figures_are_refused():
	with pytest.raises(ValueError, match="coach capacity must not be negative: X has -1"):
		suggest_pairings(["A"], {"X": -1}, {})
	with pytest.raises(ValueError, match="shared half-days must not be negative"):
		suggest_pairings(["A"], {"X": 1}, {("A", "X"): -2})


def test_larger_random_programme_is_valid_and_complete():
	rng = random.Random(7)
	residents = [f"R{i}" for i in range(60)]
	capacity = {f"C{j}": rng.randint(0, 4) for j in range(25)}
	overlap = {(r, c): rng.randint(0, 12) for r in residents for c in capacity if rng.random() < 0.3}
	active = {f"old{i}": rng.choice(list(capacity)) for i in range(15)}
	plan = suggest_pairings(residents, capacity, overlap, active)
	assert_plan_is_valid(plan, residents, capacity, overlap, active)
	spare = sum(max(0, capacity[c] - Counter(active.values())[c]) for c in capacity)
	assert len(plan.pairings) == min(len(residents), spare)


def test_benchmark_reports_its_size():
	result = benchmark_pairing(residents=30, coaches=12, seed=3)
	assert result["residents"] == 30 and result["coaches"] == 12
	assert result["candidate_pairs"] == 360
	assert result["paired"] == min(30, result["capacity"])
	assert result["optimal"] is True
	assert result["seconds"] >= 0
