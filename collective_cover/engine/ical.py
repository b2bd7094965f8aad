"""An iCalendar (RFC 5545) document from a list of events, as a pure function.

- Timed events are written as UTC instants (`…Z`), so no VTIMEZONE is needed and every client shows
  them in its viewer's own zone; the caller turns local times into instants (with their zone's DST
  rules) before they get here, and a naive datetime is refused rather than guessed at.
- All-day events are `VALUE=DATE`, ending (exclusively) on the next day.
- Text values are escaped (backslash, semicolon, comma, newline) and control characters dropped
  (RFC 5545 §3.3.11); lines are folded at 75 octets without splitting a UTF-8 character (§3.1);
  lines end in CRLF.
- The document has no METHOD, so DTSTAMP is when the event was last revised (§3.8.7.2): the caller
  passes the record's modification time, and the same records always render the same bytes — clients
  polling the feed see no change until something changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import Enum

PRODUCT_ID = "-//Collective Cover//Calendar feed//EN"
LINE_OCTETS = 75
# RFC 5545 TEXT may hold any character but the controls other than HTAB.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class EventStatus(str, Enum):
	TENTATIVE = "TENTATIVE"
	CONFIRMED = "CONFIRMED"
	# Kept in the feed, so a calendar that already shows the event learns it is off (RFC 5545 3.8.1.11).
	CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class Event:
	uid: str
	summary: str
	start: datetime | date  # an aware datetime, or a date for an all-day event
	end: datetime | date  # exclusive; for an all-day event the day after its last day
	revised: datetime  # aware: DTSTAMP and LAST-MODIFIED
	location: str = ""
	description: str = ""
	status: EventStatus | None = None
	busy: bool = True  # False: shown as free time (TRANSP:TRANSPARENT)

	@property
	def all_day(self) -> bool:
		return not isinstance(self.start, datetime)


def all_day_event(uid: str, summary: str, day: date, revised: datetime, **fields) -> Event:
	return Event(uid, summary, day, day + timedelta(days=1), revised, **fields)


def escape_text(value: str) -> str:
	value = value.replace("\r\n", "\n").replace("\r", "\n")
	value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
	return CONTROL_CHARACTERS.sub("", value)


def fold(line: str) -> str:
	"""One content line, folded into physical lines of at most 75 octets joined by CRLF + space."""
	pieces, current, size = [], [], 0
	for character in line:
		octets = len(character.encode("utf-8"))
		# Continuation lines start with the space that unfolding removes, so they hold 74 octets.
		limit = LINE_OCTETS if not pieces else LINE_OCTETS - 1
		if size + octets > limit:
			pieces.append("".join(current))
			current, size = [], 0
		current.append(character)
		size += octets
	pieces.append("".join(current))
	return "\r\n ".join(pieces)


def utc_stamp(value: datetime) -> str:
	if value.tzinfo is None or value.utcoffset() is None:
		raise ValueError(f"{value!r} names no instant: pass an aware datetime")
	return value.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def when(name: str, value: datetime | date) -> str:
	if isinstance(value, datetime):
		return f"{name}:{utc_stamp(value)}"
	return f"{name};VALUE=DATE:{value:%Y%m%d}"


def event_lines(event: Event) -> list[str]:
	if event.all_day != (not isinstance(event.end, datetime)):
		raise ValueError(f"event {event.uid}: start and end must both be dates or both datetimes")
	if event.end <= event.start:
		raise ValueError(f"event {event.uid}: it must end after it starts")
	lines = [
		"BEGIN:VEVENT",
		f"UID:{escape_text(event.uid)}",
		f"DTSTAMP:{utc_stamp(event.revised)}",
		f"LAST-MODIFIED:{utc_stamp(event.revised)}",
		when("DTSTART", event.start),
		when("DTEND", event.end),
		f"SUMMARY:{escape_text(event.summary)}",
	]
	if event.location:
		lines.append(f"LOCATION:{escape_text(event.location)}")
	if event.description:
		lines.append(f"DESCRIPTION:{escape_text(event.description)}")
	if event.status:
		lines.append(f"STATUS:{event.status.value}")
	lines.append("TRANSP:OPAQUE" if event.busy else "TRANSP:TRANSPARENT")
	lines.append("END:VEVENT")
	return lines


def render_calendar(events: Iterable[Event], name: str, refresh: timedelta = timedelta(hours=1)) -> str:
	"""The iCalendar document: events in the order given, each line folded, CRLF line ends."""
	minutes = int(refresh.total_seconds() // 60)
	lines = [
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		f"PRODID:{PRODUCT_ID}",
		"CALSCALE:GREGORIAN",
		f"NAME:{escape_text(name)}",
		f"X-WR-CALNAME:{escape_text(name)}",
		# How often a subscribing client should fetch again (RFC 7986; the second for Outlook).
		f"REFRESH-INTERVAL;VALUE=DURATION:PT{minutes}M",
		f"X-PUBLISHED-TTL:PT{minutes}M",
	]
	for event in events:
		lines.extend(event_lines(event))
	lines.append("END:VCALENDAR")
	return "".join(fold(line) + "\r\n" for line in lines)
