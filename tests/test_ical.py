"""The iCalendar renderer, read back by a real iCalendar library (icalendar) and checked octet by octet
where RFC 5545 says how lines look."""

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from collective_cover.engine.ical import (
	Event,
	EventStatus,
	all_day_event,
	escape_text,
	fold,
	render_calendar,
)

NEW_YORK = ZoneInfo("America/New_York")
REVISED = datetime(2026, 10, 20, 9, 15, tzinfo=timezone.utc)


NIGHT = Event(
	uid="clinician-shift-abc123@cc.example",
	summary="Cover: Night · Wards A",
	start=datetime(2026, 10, 31, 20, 0, tzinfo=NEW_YORK),
	end=datetime(2026, 11, 1, 8, 0, tzinfo=NEW_YORK),
	revised=REVISED,
)


def night(**fields) -> Event:
	return replace(NIGHT, **fields)


def parsed_events(document: str):
	return icalendar.Calendar.from_ical(document).walk("VEVENT")


def test_a_timed_event_is_written_in_utc_and_reads_back_as_the_same_instants():
	document = render_calendar([night(location="Main Hospital")], "Ada's covers")
	calendar = icalendar.Calendar.from_ical(document)
	assert (str(calendar["VERSION"]), str(calendar["X-WR-CALNAME"])) == ("2.0", "Ada's covers")
	[event] = calendar.walk("VEVENT")
	assert str(event["UID"]) == "clinician-shift-abc123@cc.example"
	assert str(event["SUMMARY"]) == "Cover: Night · Wards A"
	assert str(event["LOCATION"]) == "Main Hospital"
	# 20:00 EDT is 00:00 UTC; the clocks go back overnight, so 08:00 EST is 13:00 UTC: 13 hours.
	assert event.decoded("DTSTART") == datetime(2026, 11, 1, 0, 0, tzinfo=timezone.utc)
	assert event.decoded("DTEND") == datetime(2026, 11, 1, 13, 0, tzinfo=timezone.utc)
	assert event.decoded("DTSTAMP") == REVISED
	assert "DTSTART:20261101T000000Z\r\n" in document
	assert "DTEND:20261101T130000Z\r\n" in document


def test_an_all_day_event_is_a_date_ending_the_next_day_and_shows_as_free():
	rota = all_day_event(
		"jeopardy-rota-wards-2026-12-24@cc.example", "First back-up", date(2026, 12, 24), REVISED, busy=False
	)
	document = render_calendar([rota], "Rota")
	[event] = parsed_events(document)
	assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (date(2026, 12, 24), date(2026, 12, 25))
	assert "DTSTART;VALUE=DATE:20261224\r\n" in document
	assert str(event["TRANSP"]) == "TRANSPARENT"


def test_status_is_written_only_when_given():
	[tentative] = parsed_events(render_calendar([night(status=EventStatus.TENTATIVE)], "x"))
	[plain] = parsed_events(render_calendar([night()], "x"))
	[cancelled] = parsed_events(render_calendar([night(status=EventStatus.CANCELLED)], "x"))
	assert str(tentative["STATUS"]) == "TENTATIVE"
	assert str(cancelled["STATUS"]) == "CANCELLED"
	assert "STATUS" not in plain
	assert str(plain["TRANSP"]) == "OPAQUE"


def test_text_with_separators_newlines_and_backslashes_reads_back_unchanged():
	awkward = "Wards; 5th floor, bed 3\\4\nbring badge"
	document = render_calendar([night(description=awkward, location="A, B; C")], "x")
	assert "DESCRIPTION:Wards\\; 5th floor\\, bed 3\\\\4\\nbring badge\r\n" in document
	[event] = parsed_events(document)
	assert str(event["DESCRIPTION"]) == awkward
	assert str(event["LOCATION"]) == "A, B; C"


def test_control_characters_are_dropped_and_carriage_returns_become_newlines():
	assert escape_text("a\x00b\x1bc\td\r\ne\rf") == "abc\td\\ne\\nf"


def test_the_same_events_render_the_same_bytes():
	assert render_calendar([night()], "x") == render_calendar([night()], "x")


def test_a_naive_datetime_is_refused_rather_than_guessed():
	with pytest.raises(ValueError, match="names no instant"):
		render_calendar([night(revised=datetime(2026, 10, 20, 9, 15))], "x")


def test_an_event_must_end_after_it_starts_and_not_mix_dates_and_datetimes():
	with pytest.raises(ValueError, match="end after it starts"):
		render_calendar([Event("u", "s", date(2026, 1, 2), date(2026, 1, 2), REVISED)], "x")
	with pytest.raises(ValueError, match="both be dates or both datetimes"):
		render_calendar(
			[Event("u", "s", date(2026, 1, 2), datetime(2026, 1, 3, tzinfo=timezone.utc), REVISED)], "x"
		)


def test_every_line_ends_in_crlf_and_the_calendar_refresh_interval_is_an_hour():
	document = render_calendar([night()], "x")
	assert document.endswith("END:VCALENDAR\r\n")
	assert "\n" not in document.replace("\r\n", "")
	assert "REFRESH-INTERVAL;VALUE=DURATION:PT60M\r\n" in document


def test_a_long_line_folds_at_75_octets_without_splitting_a_character():
	line = "SUMMARY:" + "é" * 100  # 2 octets each
	physical = fold(line).split("\r\n")
	# 8 + 33 × 2 = 74 (a 34th é would need octets 75 and 76); then a space + 37 × 2; then the last 30.
	assert [len(p.encode()) for p in physical] == [74, 75, 61]
	assert all(p.startswith(" ") for p in physical[1:])
	assert "".join(p[1:] if i else p for i, p in enumerate(physical)) == line


@given(st.text(min_size=0, max_size=400))
def test_folding_never_exceeds_75_octets_and_unfolds_to_the_line(text):
	line = "DESCRIPTION:" + escape_text(text)
	physical = fold(line).split("\r\n")
	assert all(len(p.encode("utf-8")) <= 75 for p in physical)
	assert physical[0] + "".join(p[1:] for p in physical[1:]) == line


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_summary_reads_back_as_written_less_its_control_characters(text):
	[event] = parsed_events(render_calendar([night(summary=text)], "x"))
	expected = text.replace("\r\n", "\n").replace("\r", "\n")
	expected = "".join(c for c in expected if c in "\t\n" or not (ord(c) < 32 or ord(c) == 127))
	assert str(event["SUMMARY"]) == expected


def test_many_events_keep_their_order_and_uids():
	events = [
		night(uid=f"e{i}@x", start=NIGHT.start + timedelta(days=i), end=NIGHT.end + timedelta(days=i))
		for i in range(3)
	]
	assert [str(e["UID"]) for e in parsed_events(render_calendar(events, "x"))] == ["e0@x", "e1@x", "e2@x"]
