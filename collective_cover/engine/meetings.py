"""Coaching meetings: when a resident and coach could meet next, and whether they are keeping pace.

A pairing owes `required` meetings per academic year (DOMAIN.md, "Connectedness"). Each is proposed as a
slot of 30 to 60 minutes (configurable) inside a clinic half-day the two share, the half-days at least
`min_gap_days` (≈ 4 months) apart. A slot never overlaps either person's busy time — their
unavailability, their other meetings in any pairing, and the slots proposed before it in the same run —
so proposing for every resident of one coach at once never double-books the coach. A pairing is behind
when it has held fewer meetings than an even spread over the year would have by now, and overdue when
six months have passed with no meeting (the pairing's start counts as one, so a new pairing is not
overdue on day one).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo

from .clinic import HalfDay, half_day_span

OVERDUE_AFTER_DAYS = 183  # six months
SHORTEST_MEETING_MINUTES, LONGEST_MEETING_MINUTES = 30, 60
DEFAULT_MEETING_MINUTES = 45
# Slots start on a quarter-hour grid counted from the half-day's start, the times people book by.
SLOT_STEP = timedelta(minutes=15)

Interval = tuple[datetime, datetime]  # aware [start, end)


@dataclass(frozen=True)
class MeetingProposal:
	half_day: HalfDay
	start: datetime  # aware, local to the site
	end: datetime


@dataclass(frozen=True)
class PairingToMeet:
	"""One pairing to propose meetings for: who meets, where they could, and what they already have."""

	pairing: str
	resident: str
	coach: str
	shared: Sequence[HalfDay]
	required: int
	held: Sequence[date]  # the pairing's meetings held or booked, as in `propose_meetings`


@dataclass(frozen=True)
class Booking:
	"""A meeting as time taken from one of its people."""

	person: str
	start: datetime  # aware
	end: datetime


@dataclass(frozen=True)
class Pace:
	held: int  # meetings held in the year up to today
	required: int
	expected_by_now: int  # how many should have been held by `today` if spread evenly over the year (floor)
	behind: bool  # held < expected_by_now
	overdue: bool  # no meeting (held or pairing start) within the last OVERDUE_AFTER_DAYS days
	last_meeting: date | None  # the latest meeting held up to today, in any year


def _check_year(year: tuple[date, date], required: int) -> None:
	if year[1] < year[0]:
		raise ValueError(f"academic year ends ({year[1]}) before it starts ({year[0]})")
	if required < 0:
		raise ValueError(f"meetings required must not be negative, got {required}")


def meeting_length(minutes: int) -> timedelta:
	"""The length of a proposed meeting; ValueError unless it is a whole number of minutes from 30 to 60."""
	if isinstance(minutes, bool) or not isinstance(minutes, int):
		raise ValueError(f"a meeting lasts a whole number of minutes, got {minutes!r}")
	if not SHORTEST_MEETING_MINUTES <= minutes <= LONGEST_MEETING_MINUTES:
		raise ValueError(
			f"a meeting lasts {SHORTEST_MEETING_MINUTES} to {LONGEST_MEETING_MINUTES} minutes, got {minutes}"
		)
	return timedelta(minutes=minutes)


def _instant(moment: datetime) -> datetime:
	# Python compares two datetimes of one zone by their wall clocks; in UTC they compare as instants.
	return moment.astimezone(timezone.utc)


def _in_utc(intervals: Iterable[Interval]) -> list[Interval]:
	return [(_instant(start), _instant(end)) for start, end in intervals]


def free_slot(half_day: HalfDay, length: timedelta, busy: Iterable[Interval], tz: tzinfo) -> Interval | None:
	"""The earliest slot of `length` inside the half-day, starting on the quarter-hour grid from the
	half-day's start, that overlaps no busy interval ([start, end): back to back is free); None if none."""
	begins, ends = _in_utc([half_day_span(half_day, tz)])[0]
	busy = _in_utc(busy)
	start = begins
	while start + length <= ends:
		end = start + length
		clash_ends = [busy_end for busy_start, busy_end in busy if busy_start < end and start < busy_end]
		if not clash_ends:
			return start.astimezone(tz), end.astimezone(tz)
		# Every grid start before the latest clashing end overlaps that busy interval too.
		steps = -((start - max(clash_ends)) // SLOT_STEP)
		start += steps * SLOT_STEP
	return None


def propose_meetings(
	shared: Sequence[HalfDay],
	required: int,
	year: tuple[date, date],
	held: Sequence[date],
	busy: Sequence[Interval],
	tz: tzinfo,
	today: date,
	minutes: int = DEFAULT_MEETING_MINUTES,
	min_gap_days: int = 122,
	now: datetime | None = None,
) -> tuple[MeetingProposal, ...]:
	"""The meetings still owed this year, as slots of `minutes` in shared half-days; fewer (or none) when
	they do not fit.

	`held` are the pairing's meetings already held or booked: those inside `year` count towards
	`required`, and every one of them keeps proposals `min_gap_days` away. `busy` is both parties' busy
	time as aware [start, end) intervals: unavailability and their other meetings. Proposals lie in
	`year`, on or after `today`, one per half-day, and start no earlier than `now` when it is given (a
	slot earlier this afternoon has gone).

	Earliest first: each proposal is the earliest free slot of the earliest shared half-day that has one
	and is far enough from held meetings and from the proposals before it. That fits the most meetings
	possible: whatever feasible set exists, its k-th meeting is never earlier than the greedy k-th, so
	the greedy one can follow.
	"""
	_check_year(year, required)
	length = meeting_length(minutes)
	if min_gap_days < 0:
		raise ValueError(f"minimum gap between meetings must not be negative, got {min_gap_days}")
	first, last = year
	owed = required - sum(1 for day in held if first <= day <= last)
	gap = timedelta(days=min_gap_days)
	taken = _in_utc(busy)
	if now is not None:
		taken.append((datetime.min.replace(tzinfo=timezone.utc), _instant(now)))  # the past is taken
	proposals: list[MeetingProposal] = []
	for half_day in sorted(set(shared)):
		if len(proposals) >= owed:
			break
		if not max(first, today) <= half_day.day <= last:
			continue
		if any(abs(half_day.day - day) < gap for day in (*held, *(p.half_day.day for p in proposals))):
			continue
		slot = free_slot(half_day, length, taken, tz)
		if slot is None:
			continue
		proposals.append(MeetingProposal(half_day, *slot))
		taken.append(slot)  # two shared sites in one half-day are still one person's afternoon
	return tuple(proposals)


def propose_for_pairings(
	pairings: Sequence[PairingToMeet],
	busy: Mapping[str, Sequence[Interval]],
	year: tuple[date, date],
	tz: tzinfo,
	today: date,
	minutes: int = DEFAULT_MEETING_MINUTES,
	min_gap_days: int = 122,
	now: datetime | None = None,
) -> dict[str, tuple[MeetingProposal, ...]]:
	"""Meetings for several pairings in one run, keyed by pairing, planned in the order given.

	`busy` is each person's busy time; the other figures are as in `propose_meetings`. A pairing's proposals become busy time of its resident and coach
	before the next pairing is planned, so residents who share a coach get consecutive slots, never the
	same one.
	"""
	taken = {person: list(intervals) for person, intervals in busy.items()}
	proposed = {}
	for pairing in pairings:
		people = (pairing.resident, pairing.coach)
		proposals = propose_meetings(
			pairing.shared,
			pairing.required,
			year,
			pairing.held,
			[interval for person in people for interval in taken.get(person, ())],
			tz,
			today,
			minutes=minutes,
			min_gap_days=min_gap_days,
			now=now,
		)
		for person in people:
			taken.setdefault(person, []).extend((p.start, p.end) for p in proposals)
		proposed[pairing.pairing] = proposals
	return proposed


def double_booking(
	start: datetime, end: datetime, people: Collection[str], bookings: Iterable[Booking]
) -> Booking | None:
	"""The earliest of `bookings` that takes time of one of `people` inside [start, end), or None.

	Meetings back to back (one ends as the other starts) do not clash."""
	start, end = _instant(start), _instant(end)
	if end <= start:
		raise ValueError(f"a meeting must end after it starts ({start} → {end})")
	clashes = [
		booking
		for booking in bookings
		if booking.person in people and _instant(booking.start) < end and start < _instant(booking.end)
	]
	return min(clashes, key=lambda booking: _instant(booking.start), default=None)


def meeting_pace(
	held: Sequence[date], required: int, year: tuple[date, date], today: date, paired_since: date
) -> Pace:
	"""How a pairing is doing on `today`. Only meetings on or before `today` count as held: a meeting
	booked for next week has not happened yet."""
	_check_year(year, required)
	first, last = year
	past = sorted(day for day in held if day <= today)
	year_days = (last - first).days + 1
	elapsed = min(max((today - first).days + 1, 0), year_days)  # days of the year gone, today included
	expected = required * elapsed // year_days
	held_in_year = sum(1 for day in past if first <= day <= last)
	last_meeting = past[-1] if past else None
	last_contact = max(
		(day for day in (last_meeting, paired_since) if day is not None and day <= today), default=None
	)
	return Pace(
		held=held_in_year,
		required=required,
		expected_by_now=expected,
		behind=held_in_year < expected,
		overdue=last_contact is not None and (today - last_contact).days > OVERDUE_AFTER_DAYS,
		last_meeting=last_meeting,
	)
