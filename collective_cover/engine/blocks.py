"""The block calendar: the caps count activations, units and rota days per block (DOMAIN.md,
"Eligibility" 5). A block is `block_days` long, counted from the start of the fairness window (default
the academic year from 1 July), and the window's last block ends with it (30 June): no block runs on
into the next window, whose first block starts on its first day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .fairness import academic_window


@dataclass(frozen=True, order=True)
class Block:
	first: date
	last: date  # inclusive

	def __contains__(self, day: date) -> bool:
		return self.first <= day <= self.last


def block_of(day: date, window_start: date, block_days: int) -> Block:
	"""The block containing `day`. Windows are a year long and start on `window_start`'s month and day,
	so a day before `window_start` or a year after it falls in the blocks of its own window."""
	if block_days < 1:
		raise ValueError(f"block_days must be at least 1, got {block_days}")
	start, end = academic_window(day, window_start.month, window_start.day)
	first = start + timedelta(days=(day - start).days // block_days * block_days)
	return Block(first, min(first + timedelta(days=block_days - 1), end))


def blocks_between(start: date, end: date, window_start: date, block_days: int) -> list[Block]:
	"""The blocks overlapping [start, end] (inclusive), in order; none when `end` is before `start`."""
	blocks = []
	day = start
	while day <= end:
		blocks.append(block_of(day, window_start, block_days))
		day = blocks[-1].last + timedelta(days=1)
	return blocks
