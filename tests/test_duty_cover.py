"""Per-duty cover: eligibility duty by duty, the continuity plan, the request's state and the ledger
rows, with figures worked out by hand."""

from dataclasses import replace

import pytest
from factories import at, candidate, duty, request, wards
from hypothesis import given, settings
from hypothesis import strategies as st

from collective_cover.engine.duty_cover import (
	DutySlot,
	RequestState,
	cover_plan,
	duty_ledger_entries,
	eligible_duties,
	in_order,
	ladder_order,
	offer_order,
	one_coverer,
	request_state,
	single,
	with_duties,
)
from collective_cover.engine.model import Caps, DutyKind, EntryKind, MemberBurden, Policy, Unavailability
from collective_cover.engine.ranking import ScheduleUnread, judging_order, rank

POOL = wards()
WEEK = ("2026-09-14", "2026-09-15", "2026-09-16", "2026-09-17", "2026-09-18")  # Monday to Friday


def away(*days: str) -> list[Unavailability]:
	return [Unavailability(at(day), at(day, 23, 59), kind="Leave") for day in days]


def slots(*duties, covered=None):
	covered = covered or {}
	return [DutySlot(f"row{i}", d, covered.get(i)) for i, d in enumerate(duties, start=1)]


def five_days():
	duties = [duty(day, 7, 12) for day in WEEK]
	return request(*duties), slots(*duties)


def test_a_five_day_absence_nobody_can_take_whole_is_covered_by_three_members_with_continuity():
	req, week = five_days()
	pool = [
		candidate("req"),
		candidate("ana", covered_units=0.5, unavailability=away("2026-09-16", "2026-09-17", "2026-09-18")),
		candidate("ben", covered_units=1.0, unavailability=away("2026-09-14", "2026-09-15", "2026-09-18")),
		candidate("cy", covered_units=2.0, unavailability=away("2026-09-14", "2026-09-15", "2026-09-16")),
		# Dee ranks first on Tuesday (furthest below fair share) but Ana, covering Monday, holds it.
		candidate(
			"dee",
			covered_units=0.0,
			unavailability=away("2026-09-14", "2026-09-16", "2026-09-17", "2026-09-18"),
		),
	]
	plan = cover_plan(req, week, POOL, pool)
	assert [(p.slot.id, p.member, p.held) for p in plan] == [
		("row1", "ana", False),
		("row2", "ana", True),
		("row3", "ben", False),
		("row4", "ben", True),
		("row5", "cy", False),
	]


def test_one_member_eligible_for_every_duty_covers_them_all_as_today():
	req, week = five_days()
	plan = cover_plan(req, week, POOL, [candidate("a", covered_units=1.0), candidate("b", covered_units=0.0)])
	assert [(p.member, p.held) for p in plan] == [("b", False)] + [("b", True)] * 4


def test_continuity_follows_a_duty_someone_already_covers():
	req, week = five_days()
	covered = [DutySlot(s.id, s.duty, "ana" if s.id == "row1" else None) for s in week]
	pool = [candidate("ana", covered_units=3.0), candidate("ben", covered_units=0.0)]
	plan = cover_plan(req, covered, POOL, pool)
	# Ben is further below fair share, but Ana covers Monday and stays eligible for the rest.
	assert [(p.slot.id, p.member, p.held) for p in plan] == [
		("row2", "ana", True),
		("row3", "ana", True),
		("row4", "ana", True),
		("row5", "ana", True),
	]


def test_a_member_who_declined_is_planned_only_where_nobody_else_can_cover():
	req, week = five_days()
	pool = [
		candidate("ana", covered_units=0.0),
		candidate("ben", covered_units=2.0, unavailability=away("2026-09-18")),
	]
	plan = cover_plan(req, week, POOL, pool, declined={"ana"})
	assert [p.member for p in plan] == ["ben", "ben", "ben", "ben", "ana"]


def test_a_duty_nobody_may_take_is_planned_for_nobody():
	req, week = five_days()
	pool = [candidate("ana", unavailability=away(*WEEK[2:]))]
	assert [p.member for p in cover_plan(req, week, POOL, pool)] == ["ana", "ana", None, None, None]


def test_eligible_duties_are_judged_in_time_order_with_the_duties_taken_before():
	# Two 24 h calls back to back are 48 h of continuous work: either alone is fine.
	calls = [duty("2026-09-14", 7, 24, kind=DutyKind.CALL), duty("2026-09-15", 7, 24, kind=DutyKind.CALL)]
	req, both = request(*calls), slots(*calls)
	taken, refused = eligible_duties(candidate("ana"), req, both, POOL)
	assert [s.id for s in taken] == ["row1"]
	assert [v.slot.id for v in refused] == ["row2"]
	assert any(r.hard for r in refused[0].eligibility.reasons)
	# Asked for the second alone, she may take it.
	taken, refused = eligible_duties(candidate("ana"), req, both, POOL, wanted={"row2"})
	assert ([s.id for s in taken], refused) == (["row2"], ())


def test_eligible_duties_skip_covered_duties_and_count_each_taken_duty_against_the_caps():
	req, week = five_days()
	capped = wards(caps=Caps(max_units_per_block=3.0))
	covered = [DutySlot(s.id, s.duty, "ben" if s.id == "row1" else None) for s in week]
	taken, refused = eligible_duties(candidate("ana", units_in_block=1.0), req, covered, capped)
	# 1 unit already this block, cap 3: Tuesday and Wednesday fit, Thursday and Friday do not.
	assert [s.id for s in taken] == ["row2", "row3"]
	assert [v.slot.id for v in refused] == ["row4", "row5"]
	assert refused[0].eligibility.reasons[0].code == "cap_units_block"


def test_request_state_from_its_duties():
	req, week = five_days()
	assert request_state(week) is RequestState.OPEN
	some = [DutySlot(s.id, s.duty, "ana" if s.id == "row3" else None) for s in week]
	assert request_state(some) is RequestState.PARTIALLY_COVERED
	every = [DutySlot(s.id, s.duty, "ana") for s in week]
	assert request_state(every) is RequestState.COVERED


def test_offers_go_to_the_planned_coverers_first_then_everyone_eligible_for_a_duty():
	req, week = five_days()
	pool = [
		candidate("ana", covered_units=0.5, unavailability=away(*WEEK[2:])),
		candidate("ben", covered_units=1.0, unavailability=away(*WEEK[:2])),
		candidate("cy", covered_units=2.0),
	]
	plan = cover_plan(req, week, POOL, pool)
	assert [p.member for p in plan] == ["cy"] * 5  # cy alone can take all five
	orders = [("ana", "cy"), ("ana", "cy"), ("ben", "cy"), ("ben", "cy"), ("ben", "cy")]
	assert offer_order(plan, orders) == ("cy", "ana", "ben")


def test_the_ledger_writes_one_row_per_duty_with_that_duty_s_units():
	entries = duty_ledger_entries(
		Policy.COLLECTIVE,
		"CR-1",
		"req",
		"ana",
		[("row1", 1.5), ("row2", 0.5)],
		at("2026-09-01"),
		MemberBurden("ana"),
	)
	assert [(e.member, e.kind, e.units, e.duty) for e in entries] == [
		("ana", EntryKind.COVER, 1.5, "row1"),
		("ana", EntryKind.COVER, 0.5, "row2"),
	]


def test_pool_payback_settles_no_more_than_the_coverer_owes_across_duties():
	entries = duty_ledger_entries(
		Policy.POOL_PAYBACK,
		"CR-1",
		"req",
		"ana",
		[("row1", 1.0), ("row2", 1.0), ("row3", 1.0)],
		at("2026-09-01"),
		MemberBurden("ana", owed_to_pool=1.5),
	)
	assert [(e.member, e.kind.value, e.units, e.duty) for e in entries] == [
		("ana", "Cover", 1.0, "row1"),
		("req", "Payback obligation", 1.0, "row1"),
		("ana", "Settlement", 1.0, "row1"),
		("ana", "Cover", 1.0, "row2"),
		("req", "Payback obligation", 1.0, "row2"),
		("ana", "Settlement", 0.5, "row2"),
		("ana", "Cover", 1.0, "row3"),
		("req", "Payback obligation", 1.0, "row3"),
	]


def test_individual_payback_settles_the_debt_to_the_requester_once():
	entries = duty_ledger_entries(
		Policy.INDIVIDUAL_PAYBACK,
		"CR-1",
		"req",
		"ana",
		[("row1", 1.0), ("row2", 1.0)],
		at("2026-09-01"),
		MemberBurden("ana", owed_to=(("req", 1.0), ("other", 2.0))),
	)
	settlements = [(e.units, e.counterparty, e.duty) for e in entries if e.kind is EntryKind.SETTLEMENT]
	assert settlements == [(1.0, "req", "row1")]


def test_one_coverer_for_the_whole_week_only_when_the_caps_allow_every_duty():
	req, week = five_days()
	capped = wards(caps=Caps(max_activations_per_block=3))
	pool = [candidate("ana", covered_units=0.0), candidate("ben", covered_units=1.0)]
	# Each duty is an activation in the ledger: Ana may take three this block, Ben the other two.
	plan = cover_plan(req, week, capped, pool)
	assert [(p.member, p.held) for p in plan] == [
		("ana", False),
		("ana", True),
		("ana", True),
		("ben", False),
		("ben", True),
	]


def judged_whole_plan(req, slots, pool, candidates, care_team=(), declined=()):
	"""The plan with every ranking judged whole, member by member: what the plan judged only as far as
	it reads must equal."""
	ordered = in_order(slots)
	open_slots = [s for s in ordered if not s.covered_by]
	if not open_slots:
		return []
	asked = lambda order: [m for m in order if m not in declined] + [m for m in order if m in declined]  # noqa: E731
	whole = rank(
		replace(req, duties=tuple(s.duty for s in open_slots)), pool, candidates, care_team=care_team
	)
	by_id = {c.member.id: c for c in candidates}
	takes_all = [
		m
		for m in whole.order
		if m not in declined and len(eligible_duties(by_id[m], req, open_slots, pool)[0]) == len(open_slots)
	]
	if takes_all and not any(s.covered_by for s in ordered):
		return [(s.id, takes_all[0]) for s in open_slots]
	plan, taken, previous = [], {}, None
	for slot in ordered:
		if slot.covered_by:
			previous = slot.covered_by
			continue
		with_taken = [with_duties(c, taken.get(c.member.id, ()), pool) for c in candidates]
		order = asked(rank(single(req, slot), pool, with_taken, care_team=care_team).order)
		member = previous if previous in order else (order[0] if order else None)
		plan.append((slot.id, member))
		if member:
			taken.setdefault(member, []).append(slot.duty)
		previous = member
	return plan


THREE_DAYS = ("2026-09-14", "2026-09-15", "2026-09-16")


@st.composite
def absences_and_pools(draw):
	"""A three-duty absence, some duties already covered, in a pool of up to 30 with burdens that tie
	often, days away, recent shifts too close to a duty, care team, decliners and tight caps."""
	duties = [duty(day, 7, 12) for day in THREE_DAYS]
	members = [f"m{i}" for i in range(draw(st.integers(1, 30)))]
	cands = [candidate("req")]
	for m in members:
		days_away = draw(st.lists(st.sampled_from(THREE_DAYS), max_size=3, unique=True))
		tired, busy = draw(st.sampled_from([None, *THREE_DAYS])), draw(st.sampled_from([None, *THREE_DAYS]))
		cands.append(
			candidate(
				m,
				covered_units=float(draw(st.integers(0, 6))),
				exposure=draw(st.sampled_from([50.0, 100.0])),
				activations_28d=draw(st.integers(0, 2)),
				activations_in_block=draw(st.integers(0, 3)),
				owed_to=(("req", 1.0),) if draw(st.integers(0, 6)) == 0 else (),
				# 2 h rest before the day's duty; a shift of their own across it
				schedule=[*([duty(tired, 0, 5)] if tired else []), *([duty(busy, 6, 4)] if busy else [])],
				unavailability=away(*days_away),
			)
		)
	covered = {i: draw(st.sampled_from([None, None, "outsider", *members])) for i in (1, 2, 3)}
	pool = wards(
		policy=draw(st.sampled_from(list(Policy))),
		caps=Caps(max_activations_per_block=draw(st.sampled_from([None, 3, 4]))),
	)
	care_team = set(draw(st.lists(st.sampled_from(members), max_size=3)))
	declined = set(draw(st.lists(st.sampled_from(members), max_size=4)))
	return request(*duties), slots(*duties, covered=covered), pool, cands, care_team, declined


@settings(max_examples=300, deadline=None)
@given(absences_and_pools(), st.integers(1, 8))
def test_the_plan_and_the_first_offers_equal_those_of_every_ranking_judged_whole(case, places):
	req, duty_slots, pool, cands, care_team, declined = case
	plan = cover_plan(req, duty_slots, pool, cands, care_team=care_team, declined=declined)
	assert [(p.slot.id, p.member) for p in plan] == judged_whole_plan(
		req, duty_slots, pool, cands, care_team, declined
	)
	orders = [
		rank(single(req, s), pool, cands, care_team=care_team).order
		for s in in_order(duty_slots)
		if not s.covered_by
	]
	every_offer = offer_order(plan, orders)
	kw = {"care_team": care_team, "declined": declined}
	one = one_coverer(req, duty_slots, pool, cands, **kw)
	assert cover_plan(req, duty_slots, pool, cands, coverer_of_all=one, **kw) == plan
	assert ladder_order(req, duty_slots, pool, cands, **kw) == (plan, every_offer)
	assert ladder_order(req, duty_slots, pool, cands, places=places, **kw) == (plan, every_offer[:places])


@settings(max_examples=300, deadline=None)
@given(absences_and_pools(), st.integers(1, 8), st.integers(0, 32), st.data())
def test_planning_on_the_first_schedules_loaded_asks_for_more_or_plans_exactly(case, places, loaded, data):
	"""The shell reads the shifts of the first `loaded` members in judging order; the others are passed
	with part of theirs (a tired member may look rested, a busy one free), the covered duties' coverers
	too (the shell reads theirs first, but the plan must not judge them on part either)."""
	req, duty_slots, pool, cands, care_team, declined = case
	kw = {"care_team": care_team, "declined": declined}
	truth = ladder_order(req, duty_slots, pool, cands, places=places, **kw)
	order = judging_order(req, pool, cands, care_team=care_team)
	with_schedules = set(order[:loaded])
	as_loaded = [
		c
		if c.member.id in with_schedules
		else replace(c, schedule=tuple(s for s in c.schedule if data.draw(st.booleans())))
		for c in cands
	]
	try:
		assert cover_plan(req, duty_slots, pool, as_loaded, judgeable=with_schedules, **kw) == truth[0]
		assert (
			ladder_order(req, duty_slots, pool, as_loaded, places=places, judgeable=with_schedules, **kw)
			== truth
		)
	except ScheduleUnread as unread:
		assert unread.member not in with_schedules and loaded < len(cands)


def test_a_large_pool_s_first_offers_judge_only_the_first_members():
	"""Forty members, everyone free: the plan and three offers need the first few judged, not all."""
	req, week = five_days()
	cands = [candidate(f"m{i}", covered_units=float(i)) for i in range(40)]
	first_five = set(judging_order(req, POOL, cands)[:5])
	plan, offers = ladder_order(req, week, POOL, cands, places=3, judgeable=first_five)
	assert [p.member for p in plan] == ["m0"] * 5
	assert offers == ("m0", "m1", "m2")
	with pytest.raises(ScheduleUnread, match="m5"):
		ladder_order(req, week, POOL, cands, judgeable=first_five)


def test_continuity_from_a_covered_duty_is_judged_on_its_coverer_s_schedule_never_unread():
	"""Ana covers Monday but has a clinic shift from 06:00 to 10:00 on Tuesday: she may not hold Tuesday's
	07:00 duty. Her shifts unread, she would look free, so the plan asks for them instead of holding it."""
	duties = [duty(day, 7, 12) for day in THREE_DAYS]
	req, three = request(*duties), slots(*duties, covered={1: "ana"})
	pool = [candidate("ana", schedule=[duty("2026-09-15", 6, 4)]), candidate("ben", covered_units=2.0)]
	plan = cover_plan(req, three, POOL, pool)
	assert [(p.slot.id, p.member, p.held) for p in plan] == [("row2", "ben", False), ("row3", "ben", True)]
	unread = [replace(pool[0], schedule=()), pool[1]]
	with pytest.raises(ScheduleUnread, match="ana"):
		cover_plan(req, three, POOL, unread, judgeable={"ben"})
	assert cover_plan(req, three, POOL, pool, judgeable={"ana", "ben"}) == plan
