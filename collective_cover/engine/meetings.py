"""Coaching meetings: when a resident and coach could meet next, and whether they are keeping pace.

A pairing owes `required` meetings per academic year (DOMAIN.md, "Connectedness"). Meetings are proposed
in clinic half-days the two share, at least `min_gap_days` (≈ 4 months) apart, never in a half-day that
overlaps either party's unavailability. A pairing is behind when it has held fewer meetings than an even
spread over the year would have by now, and overdue when six months have passed with no meeting (the
pairing's start counts as one, so a new pairing is not overdue on day one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from .clinic import HalfDay, half_day_span

OVERDUE_AFTER_DAYS = 183  # six months


@dataclass(frozen=True)
class MeetingProposal:
	half_day: HalfDay
	start: datetime  # aware, local to the site
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


def propose_meetings(
	shared: Sequence[HalfDay],
	required: int,
	year: tuple[date, date],
	held: Sequence[date],
	busy: Sequence[tuple[datetime, datetime]],
	tz: tzinfo,
	today: date,
	min_gap_days: int = 122,
) -> tuple[MeetingProposal, ...]:
	"""The meetings still owed this year, in shared half-days; fewer (or none) when they do not fit.

	`held` are the pairing's meetings already held or booked: those inside `year` count towards
	`required`, and every one of them keeps proposals `min_gap_days` away. `busy` are both parties'
	unavailability as aware [start, end) intervals. Proposals lie in `year`, on or after `today`.

	Earliest first: each proposal is the earliest shared half-day that is free and far enough from held
	meetings and from the proposals before it. That fits the most meetings possible: whatever feasible
	set exists, its k-th meeting is never earlier than the greedy k-th, so the greedy one can follow.
	"""
	_check_year(year, required)
	if min_gap_days < 0:
		raise ValueError(f"minimum gap between meetings must not be negative, got {min_gap_days}")
	first, last = year
	owed = required - sum(1 for day in held if first <= day <= last)
	gap = timedelta(days=min_gap_days)
	proposals: list[MeetingProposal] = []
	for half_day in sorted(set(shared)):
		if len(proposals) >= owed:
			break
		if not max(first, today) <= half_day.day <= last:
			continue
		if any(abs(half_day.day - day) < gap for day in (*held, *(p.half_day.day for p in proposals))):
			continue
		start, end = half_day_span(half_day, tz)
		if any(busy_start < end and start < busy_end for busy_start, busy_end in busy):
			continue
		proposals.append(MeetingProposal(half_day, start, end))
	return tuple(proposals)


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
