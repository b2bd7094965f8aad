"""Explained ranking: who should cover a request, in what order, and why everyone else may not.

Order (DOMAIN.md "Fairness", "Reciprocity policies", "Cover request lifecycle"):
1. members that pass every rule before members that fail only "should" rules;
2. individual payback only: members who owe the requester, largest debt first;
3. care-team members within 1 unit of the best deviation (continuity of care);
4. smallest deviation first — under pool payback, less the member's outstanding debt to the pool;
5. ties: fewer activations in the trailing 28 days, then longer since the last activation, then a
   stable hash of (request, member). Never alphabetical, never by seniority.
Under the collective policy nothing about a member's own call-outs enters this order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property

from .eligibility import Eligibility, Reason, check_eligibility
from .fairness import deviations
from .model import Candidate, CoverRequest, Policy, Pool

CARE_TEAM_MARGIN = 1.0
# Aware, like every activation time it is compared with: never activated sorts as longest ago.
_NEVER = datetime.min.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class RankedMember:
	member: str
	position: int  # 1-based
	deviation: float  # bᵢ − fᵢ
	sort_deviation: float  # the deviation the order used, after the pool's policy
	care_team: bool
	owes_requester: float
	reasons: tuple[Reason, ...]  # "should" rules this member fails, if any
	explanation: str


@dataclass(frozen=True)
class Ranking:
	request: str
	ranked: tuple[RankedMember, ...]
	excluded: tuple[Eligibility, ...]
	complete: bool = True  # False: only the first places (`rank(..., head=n)`)

	@property
	def order(self) -> tuple[str, ...]:
		return tuple(r.member for r in self.ranked)


def stable_hash(request: str, member: str) -> int:
	return int.from_bytes(hashlib.sha256(f"{request}\x1f{member}".encode()).digest()[:8], "big")


def rank(
	request: CoverRequest,
	pool: Pool,
	candidates: Sequence[Candidate],
	*,
	care_team: Collection[str] = (),
	head: int | None = None,
	judgeable: Collection[str] | None = None,
	order: StandingOrder | None = None,
) -> Ranking:
	"""Rank every candidate (all members of the pool) for `request`.

	Deviations are computed across all candidates, so pass the whole pool, requester included.

	`head`: only the first places are needed (the first offers). Members are then judged in standing
	order and judging stops once `head` of them pass every rule: nobody judged later could rank before
	them. The ranking returned is the full one's first places, exactly (`complete` says whether it is
	all of it); `excluded` holds only the members judged. Whoever owes the requester or is in the care
	team can rank ahead of their standing, so they are always judged (`judging_order`).

	`judgeable` (with `head`): the members whose schedules the caller has loaded; everyone else carries
	part of theirs (some of their shifts, or none). More shifts never make a member eligible, so a
	member found ineligible on part of their schedule stays excluded (`excluded` then gives the reasons
	read on that part). When judging finds anyone else eligible, `ScheduleUnread` is raised: the caller
	reads their schedule and the next few along `judging_order`, and asks again. A large pool's filing
	thus reads the schedules of the first few members only.

	`order`: the `StandingOrder` of the pool's members for this request, computed before some of their
	schedules were read (nothing else of them changed since); a caller asking again after
	`ScheduleUnread` passes it rather than have a large pool sorted anew. Its deviations are the whole
	pool's, so `candidates` may then be fewer: those worth judging (the rest would be excluded).
	"""
	order = order or StandingOrder(request, pool, candidates, care_team)
	devs, sort_deviation, owes_requester, standing = (
		order.devs,
		order.sort_deviation,
		order.owes_requester,
		order.standing,
	)

	verdicts: dict[str, Eligibility] = {}
	last_judged = None  # the standing of the last member judged in standing order, when judging stopped
	if head is None:
		verdicts = {c.member.id: check_eligibility(c, request, pool) for c in candidates}
	else:
		ahead, by_standing = order.judging(candidates)
		for c in ahead:
			verdicts[c.member.id] = verdict_as_read(c, request, pool, judgeable)
		clean = 0
		for c in by_standing:
			if clean >= head:
				break
			verdict = verdicts[c.member.id] = verdict_as_read(c, request, pool, judgeable)
			clean += verdict.eligible and not verdict.soft_only
			last_judged = standing(c)
		else:
			last_judged = None
	judged = [c for c in candidates if c.member.id in verdicts]
	eligible = [c for c in judged if verdicts[c.member.id].eligible]

	# The best deviation among those passing every rule: under `head`, one of them is the last judged,
	# and everyone not judged stands after them.
	best = min((sort_deviation(c) for c in eligible if not verdicts[c.member.id].soft_only), default=None)

	def in_care_team(c: Candidate) -> bool:
		return (
			c.member.id in care_team
			and best is not None
			and not verdicts[c.member.id].soft_only
			and sort_deviation(c) <= best + CARE_TEAM_MARGIN
		)

	def key(c: Candidate):
		return (verdicts[c.member.id].soft_only, -owes_requester(c), not in_care_team(c), *standing(c))

	placed = sorted(eligible, key=key)
	if last_judged is not None:
		# A member not judged would rank right after the last one judged in standing order.
		placed = [c for c in placed if key(c) <= (False, 0.0, True, *last_judged)]
	ranked = []
	for position, c in enumerate(placed, start=1):
		ranked.append(
			RankedMember(
				member=c.member.id,
				position=position,
				deviation=round(devs[c.member.id], 6),
				sort_deviation=sort_deviation(c),
				care_team=in_care_team(c),
				owes_requester=owes_requester(c),
				reasons=verdicts[c.member.id].reasons,
				explanation=_explain(
					c,
					devs[c.member.id],
					sort_deviation(c),
					in_care_team(c),
					owes_requester(c),
					verdicts[c.member.id],
				),
			)
		)
	excluded = tuple(verdicts[c.member.id] for c in judged if not verdicts[c.member.id].eligible)
	return Ranking(request.id, tuple(ranked), excluded, complete=last_judged is None)


class ScheduleUnread(Exception):
	"""Judging found `member` eligible on part of their schedule; the rest could still exclude them."""

	def __init__(self, member: str):
		super().__init__(member)
		self.member = member


def verdict_as_read(
	candidate: Candidate, request: CoverRequest, pool: Pool, judgeable: Collection[str] | None
) -> Eligibility:
	"""`check_eligibility`, for a caller that has read the whole schedules of `judgeable` only (None:
	everyone's). A verdict of ineligible on part of a schedule stands (more shifts never make anyone
	eligible); an eligible one raises `ScheduleUnread`, for the rest could still exclude them."""
	verdict = check_eligibility(candidate, request, pool)
	if verdict.eligible and judgeable is not None and candidate.member.id not in judgeable:
		raise ScheduleUnread(candidate.member.id)
	return verdict


class StandingOrder:
	"""What `rank` orders a request's members by: deviations across the whole pool, the policy's sort
	deviation, debts to the requester, the standing key, and the order they are judged in. It reads
	only the members' burden and exposure, never their schedules."""

	def __init__(self, request: CoverRequest, pool: Pool, candidates: Sequence[Candidate], care_team):
		self.request, self.pool, self.candidates, self.care_team = request, pool, candidates, care_team
		self.devs = deviations(
			{c.member.id: c.burden.burden for c in candidates}, {c.member.id: c.exposure for c in candidates}
		)

	def sort_deviation(self, c: Candidate) -> float:
		return _sort_deviation(self.pool, c, self.devs[c.member.id])

	def owes_requester(self, c: Candidate) -> float:
		if self.pool.policy is not Policy.INDIVIDUAL_PAYBACK:
			return 0.0
		return c.burden.owes(self.request.requester)

	def standing(self, c: Candidate) -> tuple:
		return _standing_key(c, self.sort_deviation(c), self.request.id)

	@cached_property
	def _judging_ids(self) -> tuple[list[str], list[str]]:
		ahead = [c for c in self.candidates if c.member.id in self.care_team or self.owes_requester(c) > 0]
		first = {c.member.id for c in ahead}
		by_standing = sorted((c for c in self.candidates if c.member.id not in first), key=self.standing)
		return [c.member.id for c in ahead], [c.member.id for c in by_standing]

	@property
	def judging_order(self) -> list[str]:
		"""The members in the order `rank(..., head=n)` judges them: the schedules a caller loads first."""
		ahead, by_standing = self._judging_ids
		return [*ahead, *by_standing]

	def judging(self, candidates: Sequence[Candidate]) -> tuple[list[Candidate], list[Candidate]]:
		"""`candidates` (these members or some of them, as read now): those judged first (they can rank
		ahead of their standing), then everyone else by standing."""
		by_id = {c.member.id: c for c in candidates}
		ahead, by_standing = self._judging_ids
		return [by_id[m] for m in ahead if m in by_id], [by_id[m] for m in by_standing if m in by_id]


def judging_order(
	request: CoverRequest, pool: Pool, candidates: Sequence[Candidate], *, care_team: Collection[str] = ()
) -> list[str]:
	"""The members in the order `rank(..., head=n)` judges them (`StandingOrder.judging_order`)."""
	return StandingOrder(request, pool, candidates, care_team).judging_order


def _sort_deviation(pool: Pool, c: Candidate, deviation: float) -> float:
	"""The deviation a member is ordered by: under pool payback, what they owe the pool counts too."""
	if pool.policy is Policy.POOL_PAYBACK:
		deviation -= c.burden.owed_to_pool
	return round(deviation, 6)


def _standing_key(c: Candidate, sort_deviation: float, tie_seed: str) -> tuple:
	"""Furthest below fair share first, then fewer recent activations, then longest since the last
	one; remaining ties by a hash seeded per request (never alphabetical)."""
	return (
		sort_deviation,
		c.burden.activations_28d,
		c.burden.last_activation or _NEVER,
		stable_hash(tie_seed, c.member.id),
	)


def _explain(
	c: Candidate, deviation: float, sort_dev: float, care: bool, owes: float, verdict: Eligibility
) -> str:
	parts = []
	if owes > 0:
		parts.append(f"owes the requester {owes:g} units (individual payback)")
	if care:
		parts.append("in the requester's care team, within 1 unit of the best deviation")
	if deviation < 0:
		parts.append(f"{-deviation:.2f} units below fair share")
	else:
		parts.append(f"{deviation:.2f} units above fair share")
	if abs(sort_dev - round(deviation, 6)) > 1e-9:
		parts.append(f"{c.burden.owed_to_pool:g} units owed to the pool (pool payback)")
	parts.append(f"{c.burden.activations_28d} activations in the last 28 days")
	if verdict.soft_only:
		parts.append(
			"ranked after members who pass every rule: " + "; ".join(r.message for r in verdict.reasons)
		)
	return "; ".join(parts)


def pool_order(pool: Pool, candidates: Sequence[Candidate]) -> list[str]:
	"""The pool's standing order outside any request: who would be asked first if everyone were
	eligible. Members see their own place in it."""
	devs = deviations(
		{c.member.id: c.burden.burden for c in candidates}, {c.member.id: c.exposure for c in candidates}
	)

	def key(c: Candidate):
		return _standing_key(c, _sort_deviation(pool, c, devs[c.member.id]), pool.name)

	return [c.member.id for c in sorted(candidates, key=key)]
