"""What may be filed (DOMAIN.md, "Cover request lifecycle"):

- the requester belongs to the pool's programme (not necessarily to the pool);
- each duty ends after it starts, has not ended yet, lasts at most the pool's maximum (default 28 h)
  and starts within the pool's horizon (default 1 year);
- a request's duties do not overlap (a multi-day absence is one request with several duties);
- filed from one's schedule, each shift is one's own, not a cover one gives (nor a clinic given up
  for one: that request owns it), has not started, and is in no other request of one's own
  (`claim_refusal`).

`filing_problems` lists every problem with its figures, in row order, so the shell can say the first
one in words; an empty list means the request may be filed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from itertools import pairwise

from .model import elapsed_hours

DEFAULT_MAX_DUTY_HOURS = 28.0
DEFAULT_HORIZON = timedelta(days=365)


class FilingRule(str, Enum):
	OTHER_PROGRAMME = "requester_outside_programme"
	NO_DUTY = "no_duty"
	ENDS_BEFORE_START = "ends_before_start"
	ALREADY_ENDED = "already_ended"
	TOO_LONG = "too_long"
	BEYOND_HORIZON = "beyond_horizon"
	OVERLAP = "overlapping_duties"


@dataclass(frozen=True)
class FiledDuty:
	row: int  # the row number the person sees
	start: datetime
	end: datetime


@dataclass(frozen=True)
class FilingProblem:
	rule: FilingRule
	rows: tuple[int, ...] = ()
	figures: dict = field(default_factory=dict)


def filing_problems(
	duties: Sequence[FiledDuty],
	requester_programme: str | None,
	pool_programme: str,
	now: datetime,
	max_duty_hours: float = DEFAULT_MAX_DUTY_HOURS,
	horizon: timedelta = DEFAULT_HORIZON,
) -> list[FilingProblem]:
	problems = []
	if requester_programme != pool_programme:
		problems.append(FilingProblem(FilingRule.OTHER_PROGRAMME, figures={"programme": pool_programme}))
	if not duties:
		problems.append(FilingProblem(FilingRule.NO_DUTY))
	for duty in duties:
		hours = elapsed_hours(duty.start, duty.end)
		if hours <= 0:
			problems.append(FilingProblem(FilingRule.ENDS_BEFORE_START, (duty.row,)))
			continue
		if duty.end <= now:
			problems.append(FilingProblem(FilingRule.ALREADY_ENDED, (duty.row,), {"end": duty.end}))
		if hours > max_duty_hours:
			problems.append(
				FilingProblem(FilingRule.TOO_LONG, (duty.row,), {"hours": hours, "max_hours": max_duty_hours})
			)
		if duty.start > now + horizon:
			problems.append(
				FilingProblem(
					FilingRule.BEYOND_HORIZON, (duty.row,), {"days": horizon.days, "start": duty.start}
				)
			)
	timed = sorted((d for d in duties if d.end > d.start), key=lambda d: d.start)
	for earlier, later in pairwise(timed):
		if later.start < earlier.end:
			problems.append(FilingProblem(FilingRule.OVERLAP, (earlier.row, later.row)))
	return problems


class ClaimRefusal(str, Enum):
	NOT_YOURS = "not_yours"
	PART_OF_A_COVER = "part_of_a_cover"
	STARTED = "started"
	ALREADY_CALLED_OUT = "already_called_out"


@dataclass(frozen=True)
class ScheduledShift:
	"""One of a clinician's scheduled shifts, as far as calling out of it goes."""

	clinician: str
	start: datetime
	part_of_a_cover: bool = False  # a cover shift, or a clinic half-day given up for one
	called_out_by: str | None = None  # the request that already gives it away


def claim_refusal(shift: ScheduledShift | None, clinician: str, now: datetime) -> ClaimRefusal | None:
	"""Why `clinician` may not call out of `shift` now (None: they may). A cover belongs to the request
	it covers; the coordinator reassigns it, so a second request never hangs off a shift the first one
	may remove."""
	if shift is None or shift.clinician != clinician:
		return ClaimRefusal.NOT_YOURS
	if shift.part_of_a_cover:
		return ClaimRefusal.PART_OF_A_COVER
	if shift.start <= now:
		return ClaimRefusal.STARTED
	if shift.called_out_by:
		return ClaimRefusal.ALREADY_CALLED_OUT
	return None
