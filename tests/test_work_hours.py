from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from factories import candidate, request, wards
from hypothesis import given, settings
from hypothesis import strategies as st

from collective_cover.engine import work_hours as W
from collective_cover.engine.eligibility import check_eligibility
from collective_cover.engine.model import Duty, DutyKind, WorkHourLimits
from collective_cover.engine.work_hours import WorkHourFinding, check_work_hours

TZ = ZoneInfo("America/New_York")
LIMITS = WorkHourLimits()
D0 = date(2026, 9, 1)  # September: no DST change inside the four weeks that follow


def at(day: date | str, hour: int = 0, minute: int = 0) -> datetime:
	day = date.fromisoformat(day) if isinstance(day, str) else day
	return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def shift(day: date | str, hour: int, hours: float, kind: DutyKind = DutyKind.DAY, **kw) -> Duty:
	"""A duty of `hours` real hours (added through UTC, so DST does not stretch it)."""
	start = at(day, hour)
	end = (start.astimezone(timezone.utc) + timedelta(hours=hours)).astimezone(TZ)
	return Duty(start, end, kind=kind, **kw)


def call(day: date | str, hour: int = 7, hours: float = 24) -> Duty:
	return shift(day, hour, hours, kind=DutyKind.CALL)


def day(i: int) -> date:
	return D0 + timedelta(days=i)


def rules(findings: list[WorkHourFinding]) -> list[str]:
	return [f.rule for f in findings]


def figures(finding: WorkHourFinding) -> dict[str, float]:
	return dict(finding.figures)


def the(findings: list[WorkHourFinding], rule: str) -> WorkHourFinding:
	(found,) = [f for f in findings if f.rule == rule]
	return found


# --- 80 h per week averaged over four weeks ------------------------------------------------------------


def month_at_79_5() -> list[Duty]:
	# Days 0–26: four free days, 22 × 14 h (06–20, 10 h rest between) and one 10 h shift = 318 h = 4 × 79.5.
	free = {6, 13, 20, 25}
	return [shift(day(i), 6, 10 if i == 26 else 14) for i in range(27) if i not in free]


def test_weekly_average_over_the_four_weeks_containing_the_added_duty():
	schedule = month_at_79_5()
	assert sum(d.hours for d in schedule) == 318
	findings = check_work_hours(schedule, [shift(day(27), 7, 12)], LIMITS, TZ)
	assert rules(findings) == [W.WEEKLY_HOURS]
	(weekly,) = findings
	assert weekly.hard
	assert weekly.message == "would exceed 80 h/week averaged over 4 weeks (82.5 h)"
	assert weekly.figures == (("average_hours", 82.5), ("limit", 80.0))


def test_exactly_80_hours_a_week_is_allowed():
	assert check_work_hours(month_at_79_5(), [shift(day(27), 7, 2)], LIMITS, TZ) == []


def test_weekly_figure_is_rounded_against_the_member():
	# 318 h + 2.2 h = 320.2 h → 80.05 h/week, shown as 80.1 so the message never reads "exceeds 80 (80.0)".
	(weekly,) = check_work_hours(month_at_79_5(), [shift(day(27), 7, 2.2)], LIMITS, TZ)
	assert figures(weekly)["average_hours"] == 80.1


# --- continuous work --------------------------------------------------------------------------------------


TRANSITION_HOURS_MESSAGE = (
	"would make {:.1f} h of continuous work over {} duties "
	"(limit 24 h: the 4 h of transitions after it allow no new patient care)"
)


def test_a_cover_may_not_start_in_the_transition_hours_after_a_24_hour_call():
	# Call 07:00 → 07:00, cover 07:00–10:00: 27 h is within 24 + 4, but the 4 h are for handing over.
	findings = check_work_hours([call(day(9))], [shift(day(10), 7, 3)], LIMITS, TZ)
	assert rules(findings) == [W.CONTINUOUS_HOURS]
	assert findings[0].hard
	assert findings[0].message == TRANSITION_HOURS_MESSAGE.format(27.0, 2)
	assert figures(findings[0]) == {"hours": 27.0, "limit": 24.0}


def test_call_plus_adjacent_shift_exceeds_continuous_limit():
	findings = check_work_hours([call(day(9))], [shift(day(10), 7, 6)], LIMITS, TZ)
	assert rules(findings) == [W.CONTINUOUS_HOURS]
	assert findings[0].message == TRANSITION_HOURS_MESSAGE.format(30.0, 2)
	assert figures(findings[0]) == {"hours": 30.0, "limit": 24.0}


def test_a_24_hour_cover_may_not_run_into_an_own_shift():
	# The cover is the call; the member's own 07:00 shift would then start in its transition hours.
	findings = check_work_hours([shift(day(10), 7, 3)], [call(day(9))], LIMITS, TZ)
	assert rules(findings) == [W.CONTINUOUS_HOURS]
	assert figures(findings[0]) == {"hours": 27.0, "limit": 24.0}


def test_a_cover_may_not_run_on_past_24_hours():
	# Own day 07:00–19:00, cover 19:00–09:00: the cover starts at hour 12 but works on to hour 26.
	findings = check_work_hours([shift(day(9), 7, 12)], [shift(day(9), 19, 14, DutyKind.OTHER)], LIMITS, TZ)
	assert rules(findings) == [W.CONTINUOUS_HOURS]
	assert findings[0].message == TRANSITION_HOURS_MESSAGE.format(26.0, 2)


def test_a_cover_two_hours_after_a_24_hour_call_is_judged_by_rest_after_call():
	# Not continuous (a 2 h gap), so not the transition rule: the 14 h rest after call decides.
	findings = check_work_hours([call(day(9))], [shift(day(10), 9, 3)], LIMITS, TZ)
	assert rules(findings) == [W.REST_AFTER_CALL]
	assert findings[0].message == "only 2.0 h free after 24 h call (needs ≥ 14 h)"


def test_a_28_hour_call_with_transitions_is_legal():
	# One duty's last 4 h are its own transitions.
	assert check_work_hours([], [call(day(9), hours=28)], LIMITS, TZ) == []
	(finding,) = check_work_hours([], [call(day(9), hours=29)], LIMITS, TZ)
	assert finding.message == "would make 29.0 h of continuous work (limit 24 h + 4 h transitions)"
	assert figures(finding) == {"hours": 29.0, "limit": 28.0}


def test_overlapping_duties_merge_without_double_counting():
	# 07:00–19:00 and 13:00–23:00 are one 16 h period, not 22 h of work.
	findings = check_work_hours(
		[shift(day(9), 7, 12)],
		[shift(day(9), 13, 10)],
		WorkHourLimits(continuous_hours=0, transition_hours=0),
		TZ,
	)
	assert figures(the(findings, W.CONTINUOUS_HOURS))["hours"] == 16.0


# --- rest between shifts and after call ------------------------------------------------------------------


def test_six_hours_between_shifts_is_a_should_finding():
	findings = check_work_hours([shift(day(9), 5, 8)], [shift(day(9), 19, 12, DutyKind.NIGHT)], LIMITS, TZ)
	assert rules(findings) == [W.REST_BETWEEN]
	assert findings[0].hard is False
	assert findings[0].message == "only 6.0 h free between shifts (should be ≥ 8 h)"
	assert figures(findings[0]) == {"rest_hours": 6.0, "minimum": 8.0}


def test_rest_before_an_added_shift_is_judged_too():
	# The added night ends 07:00; the member's own shift starts at noon.
	findings = check_work_hours([shift(day(10), 12, 6)], [shift(day(9), 19, 12, DutyKind.NIGHT)], LIMITS, TZ)
	assert rules(findings) == [W.REST_BETWEEN]
	assert figures(findings[0])["rest_hours"] == 5.0


def test_thirteen_hours_after_a_24_hour_call_is_too_little():
	findings = check_work_hours([call(day(9))], [shift(day(10), 20, 12, DutyKind.NIGHT)], LIMITS, TZ)
	assert rules(findings) == [W.REST_AFTER_CALL]
	assert findings[0].hard
	assert findings[0].message == "only 13.0 h free after 24 h call (needs ≥ 14 h)"
	assert figures(findings[0]) == {"rest_hours": 13.0, "call_hours": 24.0, "minimum": 14.0}


def test_fourteen_hours_after_a_call_is_enough():
	assert check_work_hours([call(day(9))], [shift(day(10), 21, 12, DutyKind.NIGHT)], LIMITS, TZ) == []


def test_an_added_call_followed_by_an_existing_shift_is_judged():
	findings = check_work_hours([shift(day(10), 17, 8)], [call(day(9))], LIMITS, TZ)
	assert rules(findings) == [W.REST_AFTER_CALL]
	assert figures(findings[0])["rest_hours"] == 10.0


def test_a_gap_after_call_is_judged_only_by_the_hard_post_call_rule():
	# 6 h after a call breaks both the 14 h and the 8 h rule; the gap is reported once, as the hard rule.
	findings = check_work_hours([call(day(9))], [shift(day(10), 13, 6)], LIMITS, TZ)
	assert rules(findings) == [W.REST_AFTER_CALL]
	assert findings[0].message == "only 6.0 h free after 24 h call (needs ≥ 14 h)"


def test_any_24_hour_work_period_counts_as_call_for_post_call_rest():
	# A day shift run into a night (not flagged as in-house call) is still 24 h of continuous work.
	schedule = [shift(day(9), 7, 12), shift(day(9), 19, 12, DutyKind.NIGHT)]
	findings = check_work_hours(schedule, [shift(day(10), 17, 4)], LIMITS, TZ)
	assert rules(findings) == [W.REST_AFTER_CALL]
	assert figures(findings[0])["call_hours"] == 24.0


def test_each_rule_reports_its_worst_figure_once():
	schedule = [shift(day(9), 5, 8), shift(day(10), 19, 4)]
	added = [shift(day(9), 19, 6), shift(day(10), 6, 6)]  # gaps of 6 h, 5 h (01→06) and 7 h (12→19)
	findings = check_work_hours(schedule, added, LIMITS, TZ)
	assert rules(findings) == [W.REST_BETWEEN]
	assert figures(findings[0])["rest_hours"] == 5.0


# --- days off ------------------------------------------------------------------------------------------


def days_off_schedule(free: set[int]) -> list[Duty]:
	return [shift(day(i), 7, 12) for i in range(27) if i not in free]


def test_four_free_days_in_the_four_weeks_pass():
	assert check_work_hours(days_off_schedule({5, 12, 19, 26}), [shift(day(27), 7, 12)], LIMITS, TZ) == []


def test_three_free_days_in_the_four_weeks_fail():
	findings = check_work_hours(days_off_schedule({5, 12, 19}), [shift(day(27), 7, 12)], LIMITS, TZ)
	assert rules(findings) == [W.DAYS_OFF]
	assert findings[0].hard
	assert findings[0].message == "only 3 days free of work in 4 weeks (needs ≥ 4)"
	assert figures(findings[0]) == {"days_off": 3.0, "required": 4.0}


def test_a_day_off_is_24_hours_free_not_a_calendar_day():
	# Nights 19:00–07:00 on days 0, 2, …, 26 touch every calendar day, yet leave 36 h free between them:
	# the window from day 0 holds 13 of those gaps, whose days off (their middles at 01:00 on days 2, 4, …,
	# 26) count; the free days before day 0 and after day 27 have their middles outside it.
	schedule = [shift(day(i), 19, 12, DutyKind.NIGHT) for i in range(0, 26, 2)]
	night = shift(day(26), 19, 12, DutyKind.NIGHT)
	assert check_work_hours(schedule, [night], LIMITS, TZ) == []
	(days_off,) = check_work_hours(schedule, [night], WorkHourLimits(days_off_per_week=4), TZ)
	assert days_off.message == "only 13 days free of work in 4 weeks (needs ≥ 16)"
	assert figures(days_off) == {"days_off": 13.0, "required": 16.0}


NIGHT_FLOAT_FROM = date(2026, 8, 2)  # a Sunday; the cover below is the night of Wednesday 16 September


def night_float(weeks: int = 13) -> list[Duty]:
	"""Sunday to Friday nights 20:00–08:00: 72 h a week, and 36 h free from Saturday 08:00 to Sunday 20:00."""
	first_nights = (NIGHT_FLOAT_FROM + timedelta(days=i) for i in range(weeks * 7))
	return [shift(d, 20, 12, DutyKind.NIGHT) for d in first_nights if d.weekday() != 5]


def test_night_float_has_a_day_off_every_weekend():
	# Every 4-week window, wherever it starts, holds four free weekends' middles (Sunday 02:00): 4 days off.
	# A window starting on a Sunday cuts the first weekend 16 h / 20 h; it counts there, not in the window
	# before, so clipping the gaps to the window (which counts neither half) would find only 3.
	cover = shift("2026-09-16", 20, 12, DutyKind.NIGHT)
	schedule = [d for d in night_float() if d != cover]
	assert len(schedule) == 13 * 6 - 1
	assert check_work_hours(schedule, [cover], LIMITS, TZ) == []
	(days_off,) = check_work_hours(schedule, [cover], WorkHourLimits(days_off_per_week=1.25), TZ)
	assert figures(days_off) == {"days_off": 4.0, "required": 5.0}


def test_a_cover_that_breaks_a_night_floats_free_weekend_costs_its_day_off():
	# Saturday 19 September 16:00–24:00 leaves 8 h and 20 h free around it: neither is a day off, so the
	# windows holding that weekend have 3.
	findings = check_work_hours(night_float(), [shift("2026-09-19", 16, 8, DutyKind.OTHER)], LIMITS, TZ)
	assert rules(findings) == [W.DAYS_OFF]
	assert findings[0].message == "only 3 days free of work in 4 weeks (needs ≥ 4)"
	assert figures(findings[0]) == {"days_off": 3.0, "required": 4.0}


def test_a_shift_ending_at_midnight_leaves_the_next_day_free():
	schedule = days_off_schedule({5, 12, 19, 26})[:-1] + [shift(day(25), 12, 12)]  # day 25: 12:00–24:00
	assert check_work_hours(schedule, [shift(day(27), 7, 12)], LIMITS, TZ) == []


# --- in-house call frequency ------------------------------------------------------------------------------


def test_a_tenth_call_in_four_weeks_is_too_many():
	schedule = [call(day(i)) for i in range(0, 27, 3)]  # days 0, 3, …, 24: nine calls
	assert len(schedule) == 9
	findings = check_work_hours(schedule, [call(day(27))], LIMITS, TZ)
	assert rules(findings) == [W.CALL_FREQUENCY]
	assert findings[0].hard
	assert findings[0].message == (
		"would make 10 in-house calls in 4 weeks (no more often than every 3rd night: max 9)"
	)
	assert figures(findings[0]) == {"calls": 10.0, "limit": 9.0}


def test_q3_spacing_with_nine_calls_in_the_window_passes():
	schedule = [call(day(i)) for i in range(0, 24, 3)]  # eight calls, days 0–21
	assert check_work_hours(schedule, [call(day(24))], LIMITS, TZ) == []


def test_q4_call_for_two_months_passes():
	schedule = [call(day(i)) for i in range(-28, 60, 4) if i != 20]
	assert check_work_hours(schedule, [call(day(20))], LIMITS, TZ) == []


def test_in_house_flag_overrides_the_duty_kind():
	schedule = [call(day(i)) for i in range(0, 27, 3)]
	night_call = shift(day(27), 17, 14, DutyKind.NIGHT, in_house_call=True)
	assert rules(check_work_hours(schedule, [night_call], LIMITS, TZ)) == [W.CALL_FREQUENCY]
	# An added duty that is not in-house call is not judged by the call-frequency rule.
	plain_night = shift(day(27), 17, 14, DutyKind.NIGHT)
	assert check_work_hours(schedule, [plain_night], LIMITS, TZ) == []
	not_call = shift(day(27), 7, 24, DutyKind.CALL, in_house_call=False)
	assert check_work_hours(schedule, [not_call], LIMITS, TZ) == []


# --- DST ---------------------------------------------------------------------------------------------------


def test_dst_nights_count_their_real_hours():
	fall_back = Duty(at("2026-10-31", 19), at("2026-11-01", 7), kind=DutyKind.NIGHT)
	spring_forward = Duty(at("2026-03-07", 19), at("2026-03-08", 7), kind=DutyKind.NIGHT)
	assert (fall_back.hours, spring_forward.hours) == (13.0, 11.0)
	# A one-week average with no allowance shows each night's real length as the worst window's total.
	weekly = WorkHourLimits(weekly_average_hours=0.0, averaging_weeks=1, days_off_per_week=0)
	assert figures(check_work_hours([], [fall_back], weekly, TZ)[0])["average_hours"] == 13.0
	assert figures(check_work_hours([], [spring_forward], weekly, TZ)[0])["average_hours"] == 11.0


def test_dst_decides_whether_continuous_work_is_too_long():
	# A 07:00–19:00 day then a cover night to 07:00: 24 h on an ordinary weekend, 25 h over the fall-back
	# night (past 24 h, into the transition hours) and 23 h over the spring-forward one.
	def continuous(first_day: str, limits: WorkHourLimits) -> list[WorkHourFinding]:
		night = Duty(at(first_day, 19), at(date.fromisoformat(first_day) + timedelta(days=1), 7))
		return check_work_hours([Duty(at(first_day, 7), at(first_day, 19))], [night], limits, TZ)

	assert continuous("2026-10-24", LIMITS) == []
	findings = continuous("2026-10-31", LIMITS)
	assert rules(findings) == [W.CONTINUOUS_HOURS]
	assert figures(findings[0]) == {"hours": 25.0, "limit": 24.0}
	spring = continuous("2026-03-07", WorkHourLimits(continuous_hours=0, transition_hours=0))
	assert figures(the(spring, W.CONTINUOUS_HOURS))["hours"] == 23.0


def test_windows_are_local_days_across_dst():
	# 28 local days from 2026-10-05 hold 673 real hours (1 November has 25); nights every day fill them.
	limits = WorkHourLimits(weekly_average_hours=0.0, continuous_hours=10_000, days_off_per_week=0)
	everything = Duty(at("2026-10-05"), at("2026-11-02"))
	(weekly,) = check_work_hours([], [everything], limits, TZ)
	assert figures(weekly)["average_hours"] == 168.3  # 673 / 4 = 168.25, shown rounded up


# --- the pool's time zone -----------------------------------------------------------------------------------


def in_zone(duties: list[Duty], zone) -> list[Duty]:
	"""The same instants, written in another zone."""
	return [Duty(d.start.astimezone(zone), d.end.astimezone(zone), kind=d.kind) for d in duties]


def test_windows_are_days_of_the_pool_zone_whatever_zone_the_duties_are_given_in():
	# Own shift Tuesday 1 Sep 21:00 → 01:00; cover Tuesday 8 Sep 20:00–22:00 (New York). The one-week windows
	# holding 8 Sep start on 2 Sep at the earliest, so they see the shift's hour after midnight: 3 h. In UTC
	# days the cover falls on 9 Sep and the shift wholly on 2 Sep, outside every window: 2 h.
	weekly = WorkHourLimits(weekly_average_hours=0.0, averaging_weeks=1, days_off_per_week=0)
	schedule, added = [shift("2026-09-01", 21, 4)], [shift("2026-09-08", 20, 2)]
	utc = ZoneInfo("UTC")
	for given_in in (TZ, utc):
		findings = check_work_hours(in_zone(schedule, given_in), in_zone(added, given_in), weekly, TZ)
		assert figures(the(findings, W.WEEKLY_HOURS))["average_hours"] == 3.0
		findings = check_work_hours(in_zone(schedule, given_in), in_zone(added, given_in), weekly, utc)
		assert figures(the(findings, W.WEEKLY_HOURS))["average_hours"] == 2.0


# --- only what the added duties touch ------------------------------------------------------------------------


def august_of_violations() -> list[Duty]:
	# 24 h calls every other day with a 10 h shift 6 h after each: calls too often, too little rest after
	# call, > 80 h/week, no day off.
	schedule = []
	for i in range(0, 24, 2):
		schedule += [
			call(date(2026, 8, 1) + timedelta(days=i)),
			shift(date(2026, 8, 2) + timedelta(days=i), 13, 10),
		]
	return schedule


def test_violations_outside_the_added_duties_windows_are_not_reported():
	schedule = [
		*august_of_violations(),
		shift("2026-09-18", 5, 8),  # 6 h before the next shift
		shift("2026-09-18", 19, 12),
		shift("2026-09-20", 7, 36),  # 36 h continuous, five days before the added call
	]
	# The same schedule judged for an August call shows the window rules do see those breaches.
	proof = check_work_hours(schedule, [call("2026-08-25")], LIMITS, TZ)
	assert rules(proof) == [W.WEEKLY_HOURS, W.DAYS_OFF, W.CALL_FREQUENCY]
	assert W.REST_AFTER_CALL in rules(check_work_hours(schedule, [shift("2026-08-24", 13, 4)], LIMITS, TZ))
	assert check_work_hours(schedule, [call("2026-09-28")], LIMITS, TZ) == []


def test_an_existing_breach_in_the_same_window_still_counts_for_window_rules():
	# Nine calls already in the window: whichever day the added call lands on, the window holds ten.
	schedule = [call(day(i)) for i in range(0, 27, 3)]
	assert rules(check_work_hours(schedule, [call(day(-2))], LIMITS, TZ)) == [W.CALL_FREQUENCY]


def test_no_added_duty_means_no_finding():
	assert check_work_hours(august_of_violations(), [], LIMITS, TZ) == []


# --- properties ------------------------------------------------------------------------------------------------

BASE = datetime(2026, 10, 25, tzinfo=TZ).astimezone(timezone.utc)  # a week before the fall-back change


@st.composite
def duties(draw, around_days: int) -> Duty:
	start = BASE + timedelta(minutes=draw(st.integers(-around_days * 1440, around_days * 1440)))
	end = start + timedelta(minutes=draw(st.integers(30, 28 * 60)))
	kind = draw(st.sampled_from(DutyKind))
	return Duty(
		start.astimezone(TZ), end.astimezone(TZ), kind=kind, in_house_call=draw(st.none() | st.booleans())
	)


def weekly_figure(schedule, added) -> float:
	(weekly,) = [
		f
		for f in check_work_hours(schedule, added, WorkHourLimits(weekly_average_hours=0.0), TZ)
		if f.rule == W.WEEKLY_HOURS
	]
	return figures(weekly)["average_hours"]


@settings(max_examples=150, deadline=None)
@given(
	schedule=st.lists(duties(40), max_size=40),
	added=st.lists(duties(3), min_size=1, max_size=3),
	extra=st.lists(duties(30), min_size=1, max_size=5),
)
def test_adding_duties_never_lowers_the_weekly_average(schedule, added, extra):
	before = weekly_figure(schedule, added)
	assert weekly_figure(schedule + extra, added) >= before
	assert weekly_figure(schedule, added + extra) >= before


@settings(max_examples=200, deadline=None)
@given(
	start=st.datetimes(
		min_value=datetime(2026, 1, 1),
		max_value=datetime(2027, 12, 31),
		timezones=st.just(TZ),
		allow_imaginary=False,
	),
	minutes=st.integers(1, 24 * 60),
	kind=st.sampled_from(DutyKind),
	in_house=st.none() | st.booleans(),
)
def test_a_single_duty_of_at_most_24_hours_on_an_empty_schedule_is_legal(start, minutes, kind, in_house):
	end = (start.astimezone(timezone.utc) + timedelta(minutes=minutes)).astimezone(TZ)
	findings = check_work_hours([], [Duty(start, end, kind=kind, in_house_call=in_house)], LIMITS, TZ)
	assert [f for f in findings if f.hard] == []


@settings(max_examples=400, deadline=None)
@given(
	schedule=st.lists(duties(10), max_size=20),
	added=st.lists(duties(3), min_size=1, max_size=3),
	extra=st.lists(duties(10), min_size=1, max_size=6),
)
def test_more_shifts_never_make_an_ineligible_member_eligible(schedule, added, extra):
	"""A large pool is ranked on part of some members' schedules, keeping whoever that part already
	excludes (`ranking.rank(..., judgeable=…)`): sound only because more work never lifts a hard rule."""
	pool, cover = wards(time_zone=TZ.key), request(*sorted(added, key=lambda d: d.start))
	if not check_eligibility(candidate("m", schedule=schedule), cover, pool).eligible:
		assert not check_eligibility(candidate("m", schedule=schedule + extra), cover, pool).eligible
