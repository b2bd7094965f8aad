"""The engine's vocabulary: immutable records describing people, pools, duties and the ledger.

Every datetime is timezone-aware. Durations are always measured in real elapsed time (via UTC), so a
DST day counts its 23 or 25 hours. Calendar days are never read from a datetime's own tzinfo: they are
local days of the pool's time zone (`Pool.zone`), whatever zone the datetimes were given in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from enum import Enum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Role(str, Enum):
	RESIDENT = "Resident"
	FELLOW = "Fellow"
	FACULTY = "Faculty"
	APP = "APP"
	NURSE = "Nurse"

	@property
	def is_trainee(self) -> bool:
		"""Trainees are bound by ACGME work-hour rules and by training-level rules."""
		return self in (Role.RESIDENT, Role.FELLOW)


# The roles bound by ACGME work hours and training levels, by name, for the shell's records and queries.
TRAINEE_ROLES = tuple(role.value for role in Role if role.is_trainee)


class DutyKind(str, Enum):
	DAY = "Day"
	NIGHT = "Night"
	CLINIC = "Clinic half-day"
	CALL = "24h call"
	OTHER = "Other"


class Policy(str, Enum):
	COLLECTIVE = "Collective"
	POOL_PAYBACK = "Pool payback"
	INDIVIDUAL_PAYBACK = "Individual payback"


class EntryKind(str, Enum):
	COVER = "Cover"
	STANDBY = "Standby credit"
	REVERSAL = "Reversal"
	PAYBACK_OBLIGATION = "Payback obligation"
	SETTLEMENT = "Settlement"


def elapsed_hours(start: datetime, end: datetime) -> float:
	"""Real hours between two aware datetimes (Python subtracts same-zone datetimes by wall clock)."""
	return (end.astimezone(timezone.utc) - start.astimezone(timezone.utc)).total_seconds() / 3600


@dataclass(frozen=True)
class Interval:
	"""A half-open span of time [start, end)."""

	start: datetime
	end: datetime

	def __post_init__(self):
		if self.start.tzinfo is None or self.end.tzinfo is None:
			raise ValueError("interval times must be timezone-aware")
		if elapsed_hours(self.start, self.end) <= 0:
			raise ValueError(f"interval must end after it starts ({self.start} → {self.end})")

	@property
	def hours(self) -> float:
		return elapsed_hours(self.start, self.end)

	def overlaps(self, other: Interval) -> bool:
		return self.start < other.end and other.start < self.end

	def day_span(self, tz: tzinfo) -> tuple[date, date]:
		"""First and last local calendar day in `tz` the interval touches; half-open, so an interval ending
		at midnight does not touch the next day."""
		last = (self.end - timedelta(microseconds=1)).astimezone(tz).date()
		return self.start.astimezone(tz).date(), last


@dataclass(frozen=True)
class Duty(Interval):
	"""A piece of clinical work: a shift to be covered, or one already on someone's schedule.

	`level` is the training level the duty's slot requires (e.g. 2 for a senior's night); `in_house_call`
	marks overnight in-house call for the q3 and post-call rest rules.
	"""

	kind: DutyKind = DutyKind.DAY
	site: str = ""
	service: str = ""
	level: int | None = None
	holiday: bool = False
	in_house_call: bool | None = None

	@property
	def is_in_house_call(self) -> bool:
		return self.kind is DutyKind.CALL if self.in_house_call is None else self.in_house_call


@dataclass(frozen=True)
class Member:
	id: str
	role: Role
	level: int | None = None  # PGY level for trainees, None for faculty and staff
	fte: float = 1.0
	program: str = ""

	def __post_init__(self):
		if not 0 < self.fte <= 1:
			raise ValueError(f"FTE of {self.id} must be in (0, 1], got {self.fte}")


@dataclass(frozen=True)
class Membership:
	"""A member's time in a pool: active from `joined` through `left` (inclusive; None = still in)."""

	member: str
	joined: date
	left: date | None = None
	fte: float | None = None  # overrides the member's FTE for this pool when set

	def active_on(self, day: date) -> bool:
		return self.joined <= day and (self.left is None or day <= self.left)


@dataclass(frozen=True)
class Unavailability(Interval):
	kind: str = "Leave"  # Leave, Vacation, Away rotation, Post-call, Protected time


@dataclass(frozen=True)
class UnitWeights:
	"""Cover units per duty kind; 2 days = 2 nights = 4 clinic half-days = one 24–28 h call."""

	day: float = 1.0
	night: float = 1.0
	clinic: float = 0.5
	call: float = 2.0
	weekend_multiplier: float = 1.0
	holiday_multiplier: float = 1.0
	hours_per_unit: float = 12.0  # for duties that match no kind


@dataclass(frozen=True)
class Caps:
	"""Per-member limits; None means no cap. A block is `block_days` long, counted from window start."""

	max_activations_per_block: int | None = None
	max_units_per_block: float | None = None
	max_activations_per_window: int | None = None
	max_units_per_window: float | None = None
	max_clinic_half_days_lost_per_window: int | None = None
	max_rota_days_per_block: int | None = None
	block_days: int = 28


@dataclass(frozen=True)
class WorkHourLimits:
	"""ACGME common programme requirements (VI.F) as numbers; faculty get None unless a pool sets them."""

	weekly_average_hours: float = 80.0
	averaging_weeks: int = 4
	continuous_hours: float = 24.0
	transition_hours: float = 4.0  # a single duty's handover after continuous_hours; no new work
	min_rest_hours: float = 8.0  # a "should" rule
	min_rest_after_call_hours: float = 14.0
	call_rest_threshold_hours: float = 24.0
	days_off_per_week: float = 1.0
	in_house_call_every_nth_night: int = 3


@dataclass(frozen=True)
class Ladder:
	"""Escalation offsets, measured from submission."""

	offer_top_n: int = 3
	offer_all_after: timedelta = timedelta(minutes=15)
	assign_after: timedelta = timedelta(minutes=30)
	near_start: timedelta = timedelta(hours=2)


@dataclass(frozen=True)
class Pool:
	"""A jeopardy pool and its rules.

	`time_zone` is an IANA name (DOMAIN.md: "Each pool has a time zone (default the site's): calendar
	days, averaging windows, weekend multipliers and every time a person types or sees are in it."). The
	Frappe shell passes the site's zone when the pool names none; the engine's own default is UTC, so a
	pool built without one never depends on the zone of the machine or of the datetimes it is given.
	"""

	name: str
	policy: Policy = Policy.COLLECTIVE
	memberships: tuple[Membership, ...] = ()
	weights: UnitWeights = field(default_factory=UnitWeights)
	caps: Caps = field(default_factory=Caps)
	allowed_roles: frozenset[Role] = frozenset(Role)
	min_level_gap: int = 0  # coverer's level must be ≥ duty level + gap
	trainee_limits: WorkHourLimits | None = field(default_factory=WorkHourLimits)
	faculty_limits: WorkHourLimits | None = None
	ladder: Ladder = field(default_factory=Ladder)
	standby_credit: float = 0.1
	overflow_pool: str | None = None
	time_zone: str = "UTC"

	def __post_init__(self):
		try:
			ZoneInfo(self.time_zone)
		except (ZoneInfoNotFoundError, ValueError, TypeError):
			raise ValueError(
				f"pool {self.name}: unknown time zone {self.time_zone!r} (an IANA name such as America/New_York)"
			)

	@property
	def zone(self) -> ZoneInfo:
		return ZoneInfo(self.time_zone)  # ZoneInfo caches one instance per name

	def membership_of(self, member: str) -> Membership | None:
		return next((m for m in self.memberships if m.member == member), None)


@dataclass(frozen=True)
class LedgerEntry:
	"""One append-only change of burden or of a payback balance."""

	member: str
	kind: EntryKind
	units: float
	at: datetime
	request: str | None = None
	counterparty: str | None = None  # individual payback: who is owed / who was repaid
	reverses: str | None = None  # id of the row a reversal undoes
	reversed_kind: EntryKind | None = None  # so aggregates need no self-join
	id: str | None = None
	duty: str | None = None  # the request's duty row the entry is for (per-duty cover)


@dataclass(frozen=True)
class CoverRequest:
	id: str
	requester: str
	pool: str
	duties: tuple[Duty, ...]
	submitted_at: datetime

	def __post_init__(self):
		if not self.duties:
			raise ValueError(f"cover request {self.id} has no duty")

	@property
	def starts_at(self) -> datetime:
		return min(d.start for d in self.duties)

	@property
	def ends_at(self) -> datetime:
		return max(d.end for d in self.duties)


@dataclass(frozen=True)
class MemberBurden:
	"""A member's ledger, already aggregated (by SQL in the Frappe shell) for the window and the clock.

	Ranking cost therefore grows with members, never with ledger length.
	"""

	member: str
	covered_units: float = 0.0
	standby_units: float = 0.0
	activations_28d: int = 0
	last_activation: datetime | None = None
	activations_in_block: int = 0
	units_in_block: float = 0.0
	activations_in_window: int = 0
	units_in_window: float = 0.0
	clinic_half_days_lost: int = 0
	owed_to_pool: float = 0.0  # outstanding pool-payback debt
	owed_to: tuple[tuple[str, float], ...] = ()  # outstanding individual-payback debts (creditor, units)

	@property
	def burden(self) -> float:
		return self.covered_units + self.standby_units

	def owes(self, creditor: str) -> float:
		return sum(units for who, units in self.owed_to if who == creditor)


@dataclass(frozen=True)
class Candidate:
	"""Everything the engine needs to judge one member for one request."""

	member: Member
	membership: Membership | None
	burden: MemberBurden
	exposure: float
	schedule: tuple[Duty, ...] = ()  # own scheduled work near the request, covers included
	unavailability: tuple[Unavailability, ...] = ()
	clinic_sessions: tuple[Interval, ...] = ()  # own clinic half-days near the request
