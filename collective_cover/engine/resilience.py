"""Resilience of a jeopardy pool: could a block's covers still have been given with one member fewer?

DOMAIN.md caps every member per block: at most `max_activations_per_block` covers and at most
`max_units_per_block` units. A block is *resilient* when the covers given in it could have been given
within those caps by the members available in the block with any single one of them removed.

Every member has the same per-block caps, so removing any one member is the same as having one member
fewer, and the question becomes: is the fewest members who could carry the block's covers within the
caps smaller than the number of members available? A cover is indivisible (one member covers a request;
its size is the request's net units in the ledger). An empty block is resilient whoever is available.

Capacity is all this measures: work hours, schedules and who requested which cover are not replayed, so
"resilient" means the caps leave room for losing someone, not that a particular rota exists.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from .model import Caps

# Units are sums of weights such as 0.5 and 1.5; compare them with caps with a little slack.
EPSILON = 1e-9


@dataclass(frozen=True)
class BlockResilience:
	covers: int
	units: float
	available: int  # members who could take cover in the block (active and not away all of it)
	needed: int | None  # fewest members who could give every cover within the caps; None if nobody could

	@property
	def spare(self) -> int | None:
		"""Members the block could lose and still be covered within the caps."""
		return None if self.needed is None else self.available - self.needed

	@property
	def resilient(self) -> bool:
		return self.needed is not None and (self.needed == 0 or self.needed < self.available)


def at_block_cap(activations: int, units: float, caps: Caps) -> bool:
	"""A member has reached a per-block cap: no further activation (or unit) is allowed this block."""
	return (caps.max_activations_per_block is not None and activations >= caps.max_activations_per_block) or (
		caps.max_units_per_block is not None and units >= caps.max_units_per_block
	)


def block_resilience(cover_units: Sequence[float], available: int, caps: Caps) -> BlockResilience:
	return BlockResilience(
		covers=len(cover_units),
		units=sum(cover_units),
		available=available,
		needed=members_needed(cover_units, caps.max_activations_per_block, caps.max_units_per_block),
	)


def members_needed(
	cover_units: Sequence[float], max_activations: int | None = None, max_units: float | None = None
) -> int | None:
	"""The fewest members who could give all `cover_units` covers with at most `max_activations` covers
	and `max_units` units each (None: no cap). None when no number of members could: a single cover
	exceeds the unit cap, or the activation cap is zero."""
	covers = [round(units, 6) for units in cover_units]
	if not covers:
		return 0
	if max_activations == 0 or (max_units is not None and max(covers) > max_units + EPSILON):
		return None
	per_member = max_activations or len(covers)
	if max_units is None:
		return math.ceil(len(covers) / per_member)
	return _fewest_members(Counter(covers), per_member, max_units)


def _fewest_members(counts: Counter, per_member: int, unit_cap: float) -> int:
	"""Bin packing with a cardinality limit, exactly, as a cutting-stock integer programme: one integer
	variable per way one member's block can be filled (a pattern: how many covers of each size), minimise
	the members used so that the patterns hold every cover. Its LP bound is tight, so HiGHS settles a busy
	block in milliseconds where a search over members can take minutes."""
	sizes = sorted(counts, reverse=True)
	patterns = list(_patterns(sizes, [counts[s] for s in sizes], per_member, unit_cap))
	holds = np.array([[pattern[t] for pattern in patterns] for t in range(len(sizes))], dtype=float)
	result = milp(
		c=np.ones(len(patterns)),
		constraints=LinearConstraint(holds, lb=[counts[s] for s in sizes], ub=np.inf),
		integrality=np.ones(len(patterns)),
		bounds=Bounds(0, sum(counts.values())),
	)
	if result.status != 0:  # one member per cover is always a solution, so this is a solver failure
		raise RuntimeError(f"resilience: the solver failed ({result.message})")
	return round(result.fun)


def _patterns(sizes: list[float], available: list[int], per_member: int, unit_cap: float):
	"""Every non-empty way to fill one member's block: covers of each size, within both caps."""

	def fill(t: int, covers_left: int, units_left: float, chosen: tuple[int, ...]):
		if t == len(sizes):
			if any(chosen):
				yield chosen
			return
		most = min(available[t], covers_left, math.floor((units_left + EPSILON) / sizes[t]))
		for count in range(most + 1):
			yield from fill(t + 1, covers_left - count, units_left - count * sizes[t], (*chosen, count))

	yield from fill(0, per_member, unit_cap, ())
