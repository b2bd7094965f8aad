"""The escalation ladder as a pure function: given a request's state and the clock, what to do now.

Default ladder (per pool): at submission offer the top 3 ranked; after 15 min offer every eligible
member; after 30 min assign the top-ranked eligible member; when the pool has nobody eligible,
assign from the overflow pool; when that has nobody either, the request is Unfilled. A request whose
first duty starts within 2 h skips straight to assignment. A request still Open when its last duty
has ended becomes Unfilled and is never offered again. Offers decide who is notified, not who
may help: any eligible member may accept an Open request at any time.

The Frappe shell stores the stage it reached and calls `next_step` again on every scheduler tick; the
function is deterministic, so running it twice for the same state and clock asks for the same step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from .model import Ladder


class Stage(str, Enum):
	NEW = "New"
	OFFERED_TOP = "Offered to top ranked"
	OFFERED_ALL = "Offered to all eligible"
	DONE = "Done"  # assigned, sent to overflow assignment, or unfilled


class Step(str, Enum):
	OFFER = "offer"
	ASSIGN = "assign"
	ASSIGN_FROM_OVERFLOW = "assign_from_overflow"
	MARK_UNFILLED = "mark_unfilled"
	WAIT = "wait"
	NOTHING = "nothing"


@dataclass(frozen=True)
class LadderState:
	open: bool  # status is Open (not Draft, Covered, Cancelled, Unfilled, Completed)
	stage: Stage
	submitted_at: datetime
	starts_at: datetime
	offered: frozenset[str] = frozenset()
	ends_at: datetime | None = None  # the last duty's end
	declined: frozenset[str] = frozenset()  # members who said they cannot: asked last, never again


@dataclass(frozen=True)
class LadderStep:
	step: Step
	members: tuple[str, ...] = ()  # whom to offer to, or whom to assign (one)
	next_stage: Stage | None = None
	wake_at: datetime | None = None  # when the ladder next has something to do
	why: str = ""


def next_step(
	state: LadderState,
	ladder: Ladder,
	now: datetime,
	ranked: Sequence[str],
	overflow_ranked: Sequence[str] | None = None,
) -> LadderStep:
	"""What to do for one request now. `ranked` is the pool's current eligible order, `overflow_ranked`
	the overflow pool's (None when the pool has no overflow pool). Members who declined stay in the
	order, after everyone else, so nobody is left uncovered when only they can help."""
	ranked = [m for m in ranked if m not in state.declined] + [m for m in ranked if m in state.declined]
	if not state.open or state.stage is Stage.DONE:
		return LadderStep(Step.NOTHING, why="request is not open")
	if state.ends_at is not None and now >= state.ends_at:
		return LadderStep(Step.MARK_UNFILLED, (), Stage.DONE, why="the last duty ended uncovered")

	offer_all_at = state.submitted_at + ladder.offer_all_after
	assign_at = state.submitted_at + ladder.assign_after
	near_start = now >= state.starts_at - ladder.near_start

	if near_start or now >= assign_at:
		why = "the duty starts soon" if near_start and now < assign_at else "no one accepted in time"
		return _assign(ranked, overflow_ranked, why)

	already = state.offered
	if state.stage is Stage.NEW:
		top = tuple(m for m in ranked[: ladder.offer_top_n] if m not in already)
		return LadderStep(
			Step.OFFER, top, Stage.OFFERED_TOP, offer_all_at, f"offer to the top {ladder.offer_top_n} ranked"
		)
	if state.stage is Stage.OFFERED_TOP and now >= offer_all_at:
		rest = tuple(m for m in ranked if m not in already)
		return LadderStep(Step.OFFER, rest, Stage.OFFERED_ALL, assign_at, "offer to every eligible member")
	wake_at = offer_all_at if state.stage is Stage.OFFERED_TOP else assign_at
	return LadderStep(Step.WAIT, wake_at=wake_at, why="waiting for an accept")


def places_needed(state: LadderState, ladder: Ladder, now: datetime) -> int | None:
	"""How many places of the ranked order `next_step` reads for this state and clock: the top N (plus
	those it passes by, already offered or declined) for the first offers, the first who has not
	declined to assign, none while it waits or when it stops, every place (None) to offer to all. A
	caller may rank only that far."""
	if not state.open or state.stage is Stage.DONE:
		return 0
	if state.ends_at is not None and now >= state.ends_at:
		return 0
	if now >= state.starts_at - ladder.near_start or now >= state.submitted_at + ladder.assign_after:
		return 1 + len(state.declined)
	if state.stage is Stage.NEW:
		return ladder.offer_top_n + len(state.offered | state.declined)
	if state.stage is Stage.OFFERED_TOP and now >= state.submitted_at + ladder.offer_all_after:
		return None
	return 0


def _assign(ranked: Sequence[str], overflow_ranked: Sequence[str] | None, why: str) -> LadderStep:
	if ranked:
		return LadderStep(Step.ASSIGN, (ranked[0],), Stage.DONE, why=f"{why}: assign the top-ranked member")
	if overflow_ranked:
		return LadderStep(
			Step.ASSIGN_FROM_OVERFLOW,
			(overflow_ranked[0],),
			Stage.DONE,
			why=f"{why}: nobody eligible in the pool, assign from the overflow pool",
		)
	return LadderStep(Step.MARK_UNFILLED, (), Stage.DONE, why=f"{why}: nobody eligible, mark Unfilled")
