import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from collective_cover.engine.model import Caps
from collective_cover.engine.resilience import at_block_cap, block_resilience, members_needed


def brute_force_members_needed(covers, max_activations, max_units):
	"""Try every way of handing the covers to 1, 2, … members."""
	for members in range(1, len(covers) + 1):
		for owners in itertools.product(range(members), repeat=len(covers)):
			counts = [owners.count(m) for m in range(members)]
			units = [sum(u for u, o in zip(covers, owners, strict=True) if o == m) for m in range(members)]
			if (max_activations is None or max(counts) <= max_activations) and (
				max_units is None or max(units) <= max_units + 1e-9
			):
				return members
	return None


def test_an_empty_block_needs_nobody_and_is_resilient_even_without_members():
	assert members_needed([], 2, 3.0) == 0
	assert block_resilience([], 0, Caps(max_activations_per_block=2)).resilient


def test_the_activation_cap_alone_counts_covers():
	assert members_needed([1.0] * 5, max_activations=2) == 3


def test_the_unit_cap_alone_packs_units():
	# 2 + 1 and 2 + 1 fit in two members of 3 units; the lower bound ⌈6 / 3⌉ is exact here.
	assert members_needed([2.0, 2.0, 1.0, 1.0], max_units=3.0) == 2


def test_indivisible_covers_need_more_members_than_the_units_suggest():
	# 4.5 units under a cap of 3 suggests two members, but no two of 1.5, 1.5, 1.5 share one.
	assert members_needed([1.5, 1.5, 1.5], max_units=3.0) == 2
	assert members_needed([2.0, 2.0, 2.0], max_units=3.0) == 3


def test_without_caps_one_member_could_carry_everything():
	assert members_needed([2.0, 1.0, 0.5]) == 1


def test_a_cover_larger_than_the_unit_cap_cannot_be_carried_by_anyone():
	assert members_needed([4.0, 1.0], max_units=3.0) is None
	assert members_needed([1.0], max_activations=0) is None
	verdict = block_resilience([4.0], 5, Caps(max_units_per_block=3.0))
	assert (verdict.needed, verdict.spare, verdict.resilient) == (None, None, False)


def test_resilient_when_one_member_fewer_still_suffices():
	caps = Caps(max_activations_per_block=2, max_units_per_block=3.0)
	four_covers = block_resilience([1.0] * 4, 3, caps)
	assert (four_covers.needed, four_covers.spare, four_covers.resilient) == (2, 1, True)
	five_covers = block_resilience([1.0] * 5, 3, caps)
	assert (five_covers.covers, five_covers.units, five_covers.needed) == (5, 5.0, 3)
	assert (five_covers.spare, five_covers.resilient) == (0, False)


def test_float_sums_meet_the_cap_exactly():
	assert members_needed([0.1, 0.2, 0.3, 0.4], max_units=1.0) == 1


@settings(max_examples=300, deadline=None)
@given(
	covers=st.lists(st.sampled_from([0.5, 1.0, 1.5, 2.0]), max_size=6),
	max_activations=st.one_of(st.none(), st.integers(1, 3)),
	max_units=st.one_of(st.none(), st.sampled_from([2.0, 2.5, 3.0, 4.0])),
)
def test_matches_brute_force(covers, max_activations, max_units):
	expected = 0 if not covers else brute_force_members_needed(covers, max_activations, max_units)
	assert members_needed(covers, max_activations, max_units) == expected


def test_busy_blocks_are_solved_exactly():
	# 40 covers of mixed sizes for a pool capped at 3 covers and 4 units per member.
	assert members_needed([2.0] * 10 + [1.5] * 10 + [1.0] * 10 + [0.5] * 10, 3, 4.0) == 14
	# The bounds say 12 (35 units / 3); but a 2-unit cover shares with nothing here, and 1.5s go in pairs.
	assert members_needed([2.0] * 10 + [1.5] * 10, 3, 3.0) == 15


def test_a_member_is_at_cap_once_another_activation_or_unit_would_break_it():
	caps = Caps(max_activations_per_block=2, max_units_per_block=3.0)
	assert not at_block_cap(1, 2.0, caps)
	assert at_block_cap(2, 2.0, caps)
	assert at_block_cap(1, 3.0, caps)
	assert not at_block_cap(5, 9.0, Caps())
