"""Per-duty cover: eligibility duty by duty, the continuity plan, the request's state and the ledger
rows, with figures worked out by hand."""

from factories import at, candidate, duty, request, wards

from collective_cover.engine.duty_cover import (
	DutySlot,
	RequestState,
	cover_plan,
	duty_ledger_entries,
	eligible_duties,
	offer_order,
	request_state,
)
from collective_cover.engine.model import Caps, DutyKind, EntryKind, MemberBurden, Policy, Unavailability

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
