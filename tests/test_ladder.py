from datetime import timedelta

from factories import at
from hypothesis import given, settings
from hypothesis import strategies as st

from collective_cover.engine.ladder import LadderState, Stage, Step, next_step, places_needed
from collective_cover.engine.model import Ladder

SUBMITTED = at("2026-09-01", 5)
STARTS = at("2026-09-01", 19)  # 14 h after submission
RANKED = ("m1", "m2", "m3", "m4", "m5")
LADDER = Ladder()


def state(stage=Stage.NEW, offered=(), open=True, starts=STARTS):
	return LadderState(open, stage, SUBMITTED, starts, frozenset(offered))


def minutes(n):
	return SUBMITTED + timedelta(minutes=n)


def test_submission_offers_the_top_three_and_wakes_at_fifteen_minutes():
	step = next_step(state(), LADDER, minutes(0), RANKED)
	assert (step.step, step.members, step.next_stage) == (Step.OFFER, ("m1", "m2", "m3"), Stage.OFFERED_TOP)
	assert step.wake_at == minutes(15)


def test_waits_between_rungs():
	step = next_step(state(Stage.OFFERED_TOP, RANKED[:3]), LADDER, minutes(14), RANKED)
	assert (step.step, step.wake_at) == (Step.WAIT, minutes(15))
	step = next_step(state(Stage.OFFERED_ALL, RANKED), LADDER, minutes(29), RANKED)
	assert (step.step, step.wake_at) == (Step.WAIT, minutes(30))


def test_fifteen_minutes_offers_everyone_eligible_not_yet_offered():
	step = next_step(state(Stage.OFFERED_TOP, ("m1", "m2", "m3")), LADDER, minutes(15), RANKED)
	assert (step.step, step.members, step.next_stage) == (Step.OFFER, ("m4", "m5"), Stage.OFFERED_ALL)
	assert step.wake_at == minutes(30)


def test_thirty_minutes_assigns_the_top_ranked():
	step = next_step(state(Stage.OFFERED_ALL, RANKED), LADDER, minutes(30), RANKED)
	assert (step.step, step.members, step.next_stage) == (Step.ASSIGN, ("m1",), Stage.DONE)


def test_a_late_tick_still_assigns_even_from_an_early_stage():
	# A scheduler outage must not leave a request stuck offering: time decides.
	step = next_step(state(Stage.NEW), LADDER, minutes(45), RANKED)
	assert step.step is Step.ASSIGN


def test_near_start_skips_straight_to_assignment():
	soon = state(starts=SUBMITTED + timedelta(minutes=90))
	step = next_step(soon, LADDER, minutes(0), RANKED)
	assert (step.step, step.members) == (Step.ASSIGN, ("m1",))
	assert step.why == "the duty starts soon: assign the top-ranked member"


def test_overflow_then_unfilled():
	step = next_step(state(Stage.OFFERED_ALL), LADDER, minutes(30), (), overflow_ranked=("f1", "f2"))
	assert (step.step, step.members) == (Step.ASSIGN_FROM_OVERFLOW, ("f1",))
	step = next_step(state(Stage.OFFERED_ALL), LADDER, minutes(30), (), overflow_ranked=())
	assert (step.step, step.members) == (Step.MARK_UNFILLED, ())
	step = next_step(state(Stage.OFFERED_ALL), LADDER, minutes(30), (), overflow_ranked=None)
	assert step.step is Step.MARK_UNFILLED


def test_pool_offsets_are_respected():
	quick = Ladder(offer_top_n=1, offer_all_after=timedelta(minutes=5), assign_after=timedelta(minutes=10))
	assert next_step(state(), quick, minutes(0), RANKED).members == ("m1",)
	assert next_step(state(Stage.OFFERED_TOP, ("m1",)), quick, minutes(5), RANKED).members == RANKED[1:]
	assert next_step(state(Stage.OFFERED_ALL, RANKED), quick, minutes(10), RANKED).step is Step.ASSIGN


def test_closed_or_finished_requests_do_nothing():
	assert next_step(state(open=False), LADDER, minutes(0), RANKED).step is Step.NOTHING
	assert next_step(state(Stage.DONE), LADDER, minutes(60), RANKED).step is Step.NOTHING


def test_same_state_and_clock_give_the_same_step():
	s = state(Stage.OFFERED_TOP, ("m1", "m2", "m3"))
	assert next_step(s, LADDER, minutes(20), RANKED) == next_step(s, LADDER, minutes(20), RANKED)


def test_a_request_whose_last_duty_has_ended_is_marked_unfilled_and_offered_to_nobody():
	ended = LadderState(
		True,
		Stage.OFFERED_TOP,
		SUBMITTED,
		SUBMITTED + timedelta(hours=1),
		frozenset(),
		ends_at=SUBMITTED + timedelta(hours=13),
	)
	step = next_step(ended, Ladder(), SUBMITTED + timedelta(hours=13), ["a", "b"])
	assert (step.step, step.members, step.next_stage) == (Step.MARK_UNFILLED, (), Stage.DONE)
	assert step.why == "the last duty ended uncovered"
	# a minute before the end it is still assigned as usual
	step = next_step(ended, Ladder(), SUBMITTED + timedelta(hours=12, minutes=59), ["a", "b"])
	assert (step.step, step.members) == (Step.ASSIGN, ("a",))


def test_members_who_declined_are_assigned_only_when_nobody_else_is_eligible():
	declined = LadderState(
		True, Stage.OFFERED_ALL, SUBMITTED, STARTS, frozenset(RANKED), declined=frozenset({"m1", "m2"})
	)
	step = next_step(declined, LADDER, minutes(30), RANKED)
	assert (step.step, step.members) == (Step.ASSIGN, ("m3",))
	everyone_declined = LadderState(
		True, Stage.OFFERED_ALL, SUBMITTED, STARTS, frozenset(RANKED), declined=frozenset(RANKED)
	)
	assert next_step(everyone_declined, LADDER, minutes(30), RANKED).members == ("m1",)


members = st.lists(st.sampled_from([f"m{i}" for i in range(12)]), unique=True, max_size=12)


@settings(max_examples=400, deadline=None)
@given(
	st.sampled_from(list(Stage)),
	st.integers(-10, 200),  # minutes since submission
	st.integers(0, 600),  # minutes from submission to the first duty
	members,
	members,
	members,
	st.booleans(),
)
def test_the_places_needed_are_all_the_next_step_reads(stage, elapsed, lead, ranked, offered, declined, open):
	"""Ranking only `places_needed` places changes no step: the ladder can rank the head alone."""
	submitted = at("2026-09-10", 6)
	now, starts = submitted + timedelta(minutes=elapsed), submitted + timedelta(minutes=lead)
	s = LadderState(
		open=open,
		stage=stage,
		submitted_at=submitted,
		starts_at=starts,
		ends_at=starts + timedelta(hours=12),
		offered=frozenset(offered),
		declined=frozenset(declined),
	)
	places = places_needed(s, LADDER, now)
	head = ranked if places is None else ranked[:places]
	assert next_step(s, LADDER, now, head, ["o1"]) == next_step(s, LADDER, now, ranked, ["o1"])
