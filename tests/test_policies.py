from datetime import timedelta

import pytest
from factories import at

from collective_cover.engine.model import EntryKind, LedgerEntry, MemberBurden, Policy
from collective_cover.engine.policies import (
	aggregate_ledger,
	cover_entries,
	reversal_entries,
	standby_credits,
)

AT = at("2026-09-10", 6)


def kinds(entries):
	return [(e.member, e.kind, e.units, e.counterparty) for e in entries]


def test_collective_writes_one_row_for_the_coverer_and_nothing_for_the_caller():
	rows = cover_entries(Policy.COLLECTIVE, "CR-1", "caller", "coverer", 2.0, AT, MemberBurden("coverer"))
	assert kinds(rows) == [("coverer", EntryKind.COVER, 2.0, None)]


def test_pool_payback_caller_owes_the_pool_and_covers_settle_it():
	rows = cover_entries(
		Policy.POOL_PAYBACK, "CR-1", "caller", "coverer", 2.0, AT, MemberBurden("coverer", owed_to_pool=0.5)
	)
	assert kinds(rows) == [
		("coverer", EntryKind.COVER, 2.0, None),
		("caller", EntryKind.PAYBACK_OBLIGATION, 2.0, None),
		("coverer", EntryKind.SETTLEMENT, 0.5, None),
	]


def test_individual_payback_caller_owes_the_coverer_settled_by_covering_them():
	first = cover_entries(Policy.INDIVIDUAL_PAYBACK, "CR-1", "ann", "bob", 1.0, AT, MemberBurden("bob"))
	assert kinds(first) == [
		("bob", EntryKind.COVER, 1.0, None),
		("ann", EntryKind.PAYBACK_OBLIGATION, 1.0, "bob"),
	]
	# Later Bob calls out and Ann covers him: her debt to Bob is settled, not anybody else's.
	ann = MemberBurden("ann", owed_to=(("bob", 1.0),))
	later = cover_entries(Policy.INDIVIDUAL_PAYBACK, "CR-2", "bob", "ann", 2.0, AT, ann)
	assert ("ann", EntryKind.SETTLEMENT, 1.0, "bob") in kinds(later)


def test_aggregate_counts_window_and_balances():
	now = at("2026-09-30", 12)
	ledger = [
		LedgerEntry("a", EntryKind.COVER, 2.0, at("2026-06-20"), id="old"),  # before the window
		LedgerEntry("a", EntryKind.COVER, 1.0, at("2026-08-01"), id="r1"),
		LedgerEntry("a", EntryKind.COVER, 1.0, at("2026-09-20"), id="r2"),
		LedgerEntry("a", EntryKind.STANDBY, 0.1, at("2026-09-21"), id="r3"),
		LedgerEntry("b", EntryKind.PAYBACK_OBLIGATION, 2.0, at("2026-06-20"), id="r4"),
		LedgerEntry("b", EntryKind.SETTLEMENT, 0.5, at("2026-09-01"), id="r5"),
		LedgerEntry("c", EntryKind.PAYBACK_OBLIGATION, 1.0, at("2026-09-01"), counterparty="a", id="r6"),
	]
	agg = aggregate_ledger(ledger, now=now, window_start=at("2026-07-01"), block_start=at("2026-09-16"))
	a = agg["a"]
	assert (a.covered_units, a.standby_units, a.burden) == (2.0, 0.1, pytest.approx(2.1))
	assert (a.activations_in_window, a.activations_in_block, a.activations_28d) == (2, 1, 1)
	assert a.last_activation == at("2026-09-20")
	assert agg["b"].owed_to_pool == 1.5  # debts outlive the window
	assert agg["c"].owed_to == (("a", 1.0),)
	assert agg["c"].owes("a") == 1.0


def test_cancellation_reverses_every_row_and_aggregates_back_to_nothing():
	rows = cover_entries(Policy.POOL_PAYBACK, "CR-1", "caller", "coverer", 2.0, AT, MemberBurden("coverer"))
	rows = [LedgerEntry(**{**r.__dict__, "id": f"row-{i}"}) for i, r in enumerate(rows)]
	reversals = reversal_entries(rows, AT + timedelta(hours=1))
	assert [(r.kind, r.units, r.reverses, r.reversed_kind) for r in reversals] == [
		(EntryKind.REVERSAL, -2.0, "row-0", EntryKind.COVER),
		(EntryKind.REVERSAL, -2.0, "row-1", EntryKind.PAYBACK_OBLIGATION),
	]
	agg = aggregate_ledger(
		rows + reversals,
		now=AT + timedelta(days=1),
		window_start=at("2026-07-01"),
		block_start=at("2026-09-01"),
	)
	assert (agg["coverer"].covered_units, agg["coverer"].activations_in_window) == (0.0, 0)
	assert agg["caller"].owed_to_pool == 0.0


def test_each_first_back_up_earns_their_pools_standby_credit_once():
	day = at("2026-09-10", 0)
	rostered = [("Wards", "ann"), ("Nights", "ann"), ("Wards", "ann"), ("Clinic", "bob"), ("Wards", "cy")]
	earned = standby_credits(rostered, {"Wards": 0.1, "Nights": 0.25, "Clinic": 0.0}, set(), day)
	# Ann is first back-up in two pools and earns in each; listed twice for Wards, she earns once there.
	# The clinic pool gives no standby credit, so Bob earns nothing.
	assert [(pool, e.member, e.kind, e.units, e.at) for pool, e in earned] == [
		("Wards", "ann", EntryKind.STANDBY, 0.1, day),
		("Nights", "ann", EntryKind.STANDBY, 0.25, day),
		("Wards", "cy", EntryKind.STANDBY, 0.1, day),
	]


def test_members_already_credited_for_the_day_earn_nothing_more():
	day = at("2026-09-10", 0)
	earned = standby_credits([("Wards", "ann"), ("Wards", "cy")], {"Wards": 0.1}, {("Wards", "ann")}, day)
	assert [(pool, e.member) for pool, e in earned] == [("Wards", "cy")]
