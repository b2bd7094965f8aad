"""When call-outs prompt a wellness check-in (DOMAIN.md, "Wellness check-in").

A member who calls out at least `threshold` times within `window_days` (default 3 in 60 days, both
configurable) prompts a private check-in for their programme's coordinators. This is the whole
decision: whether to prompt. Nothing here, and nothing the prompt leads to, reaches the ranking, the
caps, the ledger or anything the pool can see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_THRESHOLD = 3
DEFAULT_WINDOW_DAYS = 60


@dataclass(frozen=True)
class CheckInRule:
	threshold: int = DEFAULT_THRESHOLD
	window_days: int = DEFAULT_WINDOW_DAYS

	@classmethod
	def configured(cls, threshold: int | None, window_days: int | None) -> CheckInRule:
		"""The rule as settings give it; a figure left empty (or not positive) keeps its default."""
		return cls(
			threshold=threshold if threshold and threshold > 0 else DEFAULT_THRESHOLD,
			window_days=window_days if window_days and window_days > 0 else DEFAULT_WINDOW_DAYS,
		)

	def counted_from(self, at: datetime) -> datetime:
		"""The first moment whose call-outs count towards a prompt at `at`."""
		return at - timedelta(days=self.window_days)


def check_in_due(call_outs: int, rule: CheckInRule) -> bool:
	"""Whether `call_outs` filed within the rule's window (the latest one included) prompt a check-in."""
	return call_outs >= rule.threshold
