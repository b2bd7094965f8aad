"""Time and the academic year as the shell keeps them: stored datetimes are naive in the site's time
zone; the engine wants aware ones. The fairness window (default the academic year from 1 July) comes
from Collective Cover Settings."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import frappe
from frappe.utils import format_datetime, get_datetime, get_system_timezone, getdate

from collective_cover.engine.fairness import academic_window


def site_tz() -> ZoneInfo:
	return ZoneInfo(get_system_timezone())


def aware(value, zone: ZoneInfo | None = None) -> datetime:
	"""A stored (naive, system time zone) datetime as an aware one; `zone`: the site's, looked up once
	by a caller converting many."""
	return get_datetime(value).replace(tzinfo=zone or site_tz())


def naive(value: datetime) -> datetime:
	return value.astimezone(site_tz()).replace(tzinfo=None)


def fairness_window(on: date | None = None) -> tuple[date, date]:
	settings = frappe.get_cached_doc("Collective Cover Settings")
	return academic_window(on or getdate(), settings.window_start_month or 7, settings.window_start_day or 1)


def when(start, end, zone: str | None = None) -> str:
	"""A stored span as the wall times of `zone` (a pool's; default the site's), the zone named:
	"Tue 15 Dec 07:00 – 19:00 (Europe/London)"."""
	zone = zone or get_system_timezone()
	start, end = (aware(moment).astimezone(ZoneInfo(zone)).replace(tzinfo=None) for moment in (start, end))
	last = "HH:mm" if end.date() == start.date() else "EEE d MMM HH:mm"
	return f"{format_datetime(start, 'EEE d MMM HH:mm')} – {format_datetime(end, last)} ({zone})"


def zone_or_site(zone: str | None) -> str:
	"""A pool's time zone: what its members type and see (DOMAIN.md), the site's when it names none."""
	return zone or get_system_timezone()


def pool_zone(pool: str) -> str:
	return zone_or_site(frappe.db.get_value("Jeopardy Pool", pool, "time_zone"))
