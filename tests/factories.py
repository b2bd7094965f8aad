"""Small builders for engine tests: readable fixtures without repeating constructor noise."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from collective_cover.engine.model import (
	Candidate,
	CoverRequest,
	Duty,
	DutyKind,
	Member,
	MemberBurden,
	Membership,
	Pool,
	Role,
)

TZ = ZoneInfo("America/New_York")


def at(day: str, hour: int = 0, minute: int = 0) -> datetime:
	return datetime.combine(date.fromisoformat(day), datetime.min.time(), TZ).replace(
		hour=hour, minute=minute
	)


def wards(**kw) -> Pool:
	"""The test pool, in the zone the test datetimes are written in unless a test says otherwise."""
	return Pool("Wards", **{"time_zone": TZ.key, **kw})


def duty(day: str, start_hour: int = 7, hours: int = 12, kind: DutyKind = DutyKind.DAY, **kw) -> Duty:
	start = at(day, start_hour)
	# Add real hours through UTC, so a shift across a DST change keeps its length.
	end = (start.astimezone(ZoneInfo("UTC")) + timedelta(hours=hours)).astimezone(TZ)
	return Duty(start, end, kind=kind, **kw)


def request(*duties: Duty, requester: str = "req", id: str = "CR-1", submitted: datetime | None = None):
	return CoverRequest(id, requester, "Wards", tuple(duties), submitted or at("2026-09-01", 5))


def candidate(
	id: str,
	*,
	role: Role = Role.RESIDENT,
	level: int | None = 2,
	fte: float = 1.0,
	joined: str = "2026-07-01",
	left: str | None = None,
	exposure: float = 100.0,
	schedule=(),
	unavailability=(),
	clinic_sessions=(),
	**burden,
) -> Candidate:
	return Candidate(
		member=Member(id, role, level if role.is_trainee else None, fte),
		membership=Membership(id, date.fromisoformat(joined), date.fromisoformat(left) if left else None),
		burden=MemberBurden(id, **burden),
		exposure=exposure,
		schedule=tuple(schedule),
		unavailability=tuple(unavailability),
		clinic_sessions=tuple(clinic_sessions),
	)
