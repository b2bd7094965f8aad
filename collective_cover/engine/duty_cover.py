"""Per-duty cover: a request's duties may be covered by different members (DOMAIN.md "Cover request
lifecycle": "Duties may be covered by different members; continuity hold keeps the same coverer for
consecutive duties whenever they are eligible. A request is Covered when every duty is.").

- `eligible_duties`: which of a request's uncovered duties a member may take, duty by duty in time
  order, each judged with the duties the member takes before it added to their schedule (so two
  back-to-back nights are judged as the work hours they make together);
- `cover_plan`: who covers each uncovered duty when the ladder assigns: one member for all of them
  when anybody is eligible for all, otherwise duty by duty, keeping the previous duty's coverer
  (already covering it, or planned for it) whenever they are still eligible; judging members along
  the rankings only as far as the plan reads them, so a large pool is not judged whole;
- `one_coverer`: the member who may take every duty, if anybody may;
- `ladder_order`: the plan and whom the ladder offers to, in order (`offer_order`), or its first places;
- `request_state`: Open, Partially covered or Covered from the duties' coverers;
- `duty_ledger_entries`: the ledger rows of one member's covered duties, one cover row per duty with
  that duty's units; payback settlements never settle more than the member owes across the duties.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from itertools import islice

from .eligibility import Eligibility, check_eligibility
from .model import Candidate, CoverRequest, Duty, EntryKind, LedgerEntry, MemberBurden, Pool
from .policies import cover_entries
from .ranking import StandingOrder, rank, verdict_as_read
from .units import duty_units

_FIND = object()  # `cover_plan(coverer_of_all=…)` not given: it looks for one


class RequestState(str, Enum):
	OPEN = "Open"
	PARTIALLY_COVERED = "Partially covered"
	COVERED = "Covered"


@dataclass(frozen=True)
class DutySlot:
	"""One duty of a request and who covers it (None while uncovered). `id` is the duty row's name."""

	id: str
	duty: Duty
	covered_by: str | None = None


@dataclass(frozen=True)
class PlannedCover:
	slot: DutySlot
	member: str | None  # None: nobody in the pool is eligible for this duty
	held: bool  # the previous duty's coverer keeps this one (continuity hold)


@dataclass(frozen=True)
class DutyVerdict:
	slot: DutySlot
	eligibility: Eligibility


def request_state(slots: Sequence[DutySlot]) -> RequestState:
	covered = sum(1 for s in slots if s.covered_by)
	if covered == 0:
		return RequestState.OPEN
	return RequestState.COVERED if covered == len(slots) else RequestState.PARTIALLY_COVERED


def in_order(slots: Sequence[DutySlot]) -> list[DutySlot]:
	return sorted(slots, key=lambda s: (s.duty.start, s.id))


def single(request: CoverRequest, slot: DutySlot) -> CoverRequest:
	return replace(request, duties=(slot.duty,))


def with_duties(candidate: Candidate, duties: Sequence[Duty], pool: Pool) -> Candidate:
	"""`candidate` as if they already covered `duties`: on their schedule (work hours, conflicts) and in
	their caps, one activation and the duty's units each, as the per-duty ledger will count them."""
	if not duties:
		return candidate
	units = sum(duty_units(d, pool.weights, pool.zone) for d in duties)
	burden = candidate.burden
	return replace(
		candidate,
		schedule=candidate.schedule + tuple(duties),
		burden=replace(
			burden,
			activations_in_block=burden.activations_in_block + len(duties),
			units_in_block=burden.units_in_block + units,
			activations_in_window=burden.activations_in_window + len(duties),
			units_in_window=burden.units_in_window + units,
		),
	)


def eligible_duties(
	candidate: Candidate,
	request: CoverRequest,
	slots: Sequence[DutySlot],
	pool: Pool,
	wanted: Collection[str] | None = None,
) -> tuple[tuple[DutySlot, ...], tuple[DutyVerdict, ...]]:
	"""The uncovered duties (of `wanted`, or all) `candidate` may take, and the verdicts on the ones
	they may not. Judged in time order; each taken duty joins the schedule the next is judged with.
	The candidate's schedule already holds the duties of this request they cover (their cover shifts)."""
	taken: list[DutySlot] = []
	refused: list[DutyVerdict] = []
	for slot in in_order(slots):
		if slot.covered_by or (wanted is not None and slot.id not in wanted):
			continue
		verdict = check_eligibility(
			with_duties(candidate, [s.duty for s in taken], pool), single(request, slot), pool
		)
		if verdict.eligible:
			taken.append(slot)
		else:
			refused.append(DutyVerdict(slot, verdict))
	return tuple(taken), tuple(refused)


def cover_plan(
	request: CoverRequest,
	slots: Sequence[DutySlot],
	pool: Pool,
	candidates: Sequence[Candidate],
	*,
	care_team: Collection[str] = (),
	declined: Collection[str] = (),
	judgeable: Collection[str] | None = None,
	order: StandingOrder | None = None,
	coverer_of_all: str | None | object = _FIND,
) -> tuple[PlannedCover, ...]:
	"""Who covers each uncovered duty. Members who declined are asked last (they stay in the order, so
	a duty only they can take is not left uncovered). Covered duties keep their coverer and only lend
	continuity: the duty after one that Ana covers is planned for Ana whenever she is eligible.

	Members are judged along the rankings only as far as the plan reads them. `judgeable`: the members
	whose schedules the caller has loaded, everyone else carrying part of theirs; `ScheduleUnread` is
	raised when judging finds anyone else eligible (as by `rank(..., judgeable=…)`).
	`coverer_of_all`: what `one_coverer` answered for these slots, when the caller has asked it already
	(judging the whole pool for it once, however many times it then asks for the plan). `order`: the
	request's `StandingOrder` of these members, when the caller has sorted it (as for `rank`)."""
	ordered = in_order(slots)
	open_slots = [s for s in ordered if not s.covered_by]
	if not open_slots:
		return ()
	by_id = {c.member.id: c for c in candidates}
	# Every duty's ranking stands the members in one order: the request's (duties taken change no part
	# of it), sorted once.
	order = order or StandingOrder(request, pool, candidates, care_team)

	if coverer_of_all is _FIND:
		coverer_of_all = one_coverer(
			request,
			slots,
			pool,
			candidates,
			care_team=care_team,
			declined=declined,
			judgeable=judgeable,
			order=order,
		)
	if coverer_of_all:
		return tuple(PlannedCover(s, coverer_of_all, held=i > 0) for i, s in enumerate(open_slots))

	plan: dict[str, PlannedCover] = {}
	taken: dict[str, list[Duty]] = {}

	def eligible(member: str, slot: DutySlot) -> bool:
		with_taken = with_duties(by_id[member], taken.get(member, ()), pool)
		return verdict_as_read(with_taken, single(request, slot), pool, judgeable).eligible

	previous = None
	for slot in ordered:
		if slot.covered_by:
			previous = slot.covered_by
			continue
		if previous in by_id and eligible(previous, slot):
			member = previous
		else:
			with_taken = [with_duties(c, taken.get(c.member.id, ()), pool) for c in candidates]
			ranked = _ranked(
				single(request, slot), pool, with_taken, care_team, judgeable, 1 + len(declined), order
			)
			member = _first_asked(ranked, declined)
		plan[slot.id] = PlannedCover(slot, member, held=member is not None and member == previous)
		if member:
			taken.setdefault(member, []).append(slot.duty)
		previous = member
	return tuple(plan[s.id] for s in open_slots)


def one_coverer(
	request: CoverRequest,
	slots: Sequence[DutySlot],
	pool: Pool,
	candidates: Sequence[Candidate],
	*,
	care_team: Collection[str] = (),
	declined: Collection[str] = (),
	judgeable: Collection[str] | None = None,
	order: StandingOrder | None = None,
) -> str | None:
	"""The member who covers every duty, as for a single duty, while nobody covers any yet: the first in
	the whole request's ranking who has not declined and may take every duty, judged duty by duty as an
	accept would be (caps count every duty taken). None when a duty is covered or nobody may take all.
	`ScheduleUnread` as for `cover_plan`."""
	open_slots = [s for s in in_order(slots) if not s.covered_by]
	if not open_slots or len(open_slots) < len(slots):
		return None
	by_id = {c.member.id: c for c in candidates}

	def takes_all(member: str) -> bool:
		taken, _refused = eligible_duties(by_id[member], request, open_slots, pool)
		return len(taken) == len(open_slots)

	whole = replace(request, duties=tuple(s.duty for s in open_slots))
	order = order or StandingOrder(request, pool, candidates, care_team)
	# Whoever works during a duty cannot take every duty, on whatever part of their schedule is read:
	# they are not judged, so an absence nobody can take whole is answered without judging a large
	# pool member by member. Ranked in the whole pool's order, the rest come in the same order.
	free = [c for c in candidates if not any(s.overlaps(d) for s in c.schedule for d in whole.duties)]
	ranked = _ranked(whole, pool, free, care_team, judgeable, 1 + len(declined), order)
	return next((m for m in ranked if m not in declined and takes_all(m)), None)


def ladder_order(
	request: CoverRequest,
	slots: Sequence[DutySlot],
	pool: Pool,
	candidates: Sequence[Candidate],
	*,
	care_team: Collection[str] = (),
	declined: Collection[str] = (),
	places: int | None = None,
	judgeable: Collection[str] | None = None,
	order: StandingOrder | None = None,
	coverer_of_all: str | None | object = _FIND,
) -> tuple[tuple[PlannedCover, ...], tuple[str, ...]]:
	"""The continuity plan and the order the ladder offers in (`offer_order`): all of it, or its first
	`places` exactly, judging only the members those places depend on (`ScheduleUnread` as for
	`cover_plan`)."""
	order = order or StandingOrder(request, pool, candidates, care_team)
	plan = cover_plan(
		request,
		slots,
		pool,
		candidates,
		care_team=care_team,
		declined=declined,
		judgeable=judgeable,
		order=order,
		coverer_of_all=coverer_of_all,
	)
	# Each duty's first `places` fill the offer order's first `places`: one duty's alone are as many
	# distinct members.
	orders = duty_orders(
		request,
		slots,
		pool,
		candidates,
		care_team=care_team,
		depth=places,
		judgeable=judgeable,
		order=order,
	)
	offers = offer_order(plan, orders)
	return plan, offers if places is None else offers[:places]


def duty_orders(
	request: CoverRequest,
	slots: Sequence[DutySlot],
	pool: Pool,
	candidates: Sequence[Candidate],
	*,
	care_team: Collection[str] = (),
	depth: int | None = None,
	judgeable: Collection[str] | None = None,
	order: StandingOrder | None = None,
) -> list[tuple[str, ...]]:
	"""Each uncovered duty's eligible members in rank order: all, or the first `depth` (`ScheduleUnread`
	as for `cover_plan`)."""
	depth = len(candidates) if depth is None else depth
	order = order or StandingOrder(request, pool, candidates, care_team)
	return [
		tuple(
			islice(_ranked(single(request, s), pool, candidates, care_team, judgeable, depth, order), depth)
		)
		for s in in_order(slots)
		if not s.covered_by
	]


def _ranked(
	request, pool, candidates, care_team, judgeable, head: int, order: StandingOrder
) -> Iterator[str]:
	"""The members eligible for `request` in rank order, judged only as far as they are read."""
	given, head = 0, max(head, 1)
	while True:
		ranking = rank(
			request, pool, candidates, care_team=care_team, head=head, judgeable=judgeable, order=order
		)
		yield from ranking.order[given:]
		if ranking.complete:
			return
		given, head = len(ranking.order), head * 2


def _first_asked(order: Iterator[str], declined: Collection[str]) -> str | None:
	"""The first in `order` who has not declined, else the first who has."""
	first_declined = None
	for member in order:
		if member not in declined:
			return member
		first_declined = first_declined or member
	return first_declined


def offer_order(plan: Sequence[PlannedCover], per_duty_orders: Sequence[Sequence[str]]) -> tuple[str, ...]:
	"""Whom the ladder offers to, in order: the planned coverers (in the plan's order), then everyone
	else eligible for some uncovered duty, each where they first appear in a duty's ranking."""
	seen: dict[str, None] = {}
	for cover in plan:
		if cover.member:
			seen.setdefault(cover.member)
	for position in range(max((len(o) for o in per_duty_orders), default=0)):
		for order in per_duty_orders:
			if position < len(order):
				seen.setdefault(order[position])
	return tuple(seen)


def duty_ledger_entries(
	policy,
	request: str,
	requester: str,
	coverer: str,
	duty_units: Sequence[tuple[str, float]],
	at: datetime,
	coverer_burden: MemberBurden,
) -> list[LedgerEntry]:
	"""The ledger rows when `coverer` covers the duties `duty_units` [(duty row, units)]: per duty the
	rows today's whole-request cover writes for that duty's units, each tagged with its duty. What a
	settlement pays off is taken from what the coverer still owes after the duties before it."""
	entries: list[LedgerEntry] = []
	burden = coverer_burden
	for duty, units in duty_units:
		for entry in cover_entries(policy, request, requester, coverer, round(units, 4), at, burden):
			entries.append(replace(entry, duty=duty))
			if entry.kind is EntryKind.SETTLEMENT:
				burden = settled(burden, entry)
	return entries


def settled(burden: MemberBurden, settlement: LedgerEntry) -> MemberBurden:
	"""`burden` after `settlement` paid part of what the member owes (the pool, or one creditor)."""
	if settlement.counterparty is None:
		return replace(burden, owed_to_pool=max(burden.owed_to_pool - settlement.units, 0.0))
	return replace(
		burden,
		owed_to=tuple(
			(who, max(units - settlement.units, 0.0) if who == settlement.counterparty else units)
			for who, units in burden.owed_to
		),
	)
