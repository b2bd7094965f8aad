from datetime import date

import pytest

from collective_cover.engine.blocks import Block, block_of, blocks_between

JULY_1 = date(2026, 7, 1)


def test_blocks_count_from_the_window_start():
	assert block_of(JULY_1, JULY_1, 28) == Block(date(2026, 7, 1), date(2026, 7, 28))
	assert block_of(date(2026, 7, 28), JULY_1, 28) == Block(date(2026, 7, 1), date(2026, 7, 28))
	assert block_of(date(2026, 7, 29), JULY_1, 28) == Block(date(2026, 7, 29), date(2026, 8, 25))


def test_the_last_block_of_the_academic_year_ends_on_30_june():
	# 1 Jul 2026 + 13 × 28 days = 30 Jun 2027: the 14th block has one day, then the new year begins.
	assert block_of(date(2027, 6, 29), JULY_1, 28) == Block(date(2027, 6, 2), date(2027, 6, 29))
	assert block_of(date(2027, 6, 30), JULY_1, 28) == Block(date(2027, 6, 30), date(2027, 6, 30))
	assert block_of(date(2027, 7, 1), JULY_1, 28) == Block(date(2027, 7, 1), date(2027, 7, 28))


def test_a_short_last_block_with_weekly_blocks():
	# 365 days = 52 weeks + 1 day: the year ends with a one-day block on 30 June.
	assert block_of(date(2027, 6, 29), JULY_1, 7) == Block(date(2027, 6, 23), date(2027, 6, 29))
	assert block_of(date(2027, 6, 30), JULY_1, 7) == Block(date(2027, 6, 30), date(2027, 6, 30))
	# A leap year (1 Jul 2027 – 30 Jun 2028 holds 29 Feb) has 366 days: a two-day last block.
	assert block_of(date(2028, 6, 30), date(2027, 7, 1), 7) == Block(date(2028, 6, 29), date(2028, 6, 30))


def test_a_day_outside_the_given_window_falls_in_its_own_window():
	# The window start names the academic year's first day; any year's day finds its block.
	assert block_of(date(2026, 6, 29), JULY_1, 28) == Block(date(2026, 6, 2), date(2026, 6, 29))
	assert block_of(date(2026, 6, 30), JULY_1, 28) == Block(date(2026, 6, 30), date(2026, 6, 30))
	assert block_of(date(2027, 7, 29), JULY_1, 28) == Block(date(2027, 7, 29), date(2027, 8, 25))


def test_a_window_that_starts_on_another_day():
	september = date(2026, 9, 1)
	assert block_of(date(2027, 8, 31), september, 28) == Block(date(2027, 8, 31), date(2027, 8, 31))
	assert block_of(date(2027, 9, 1), september, 28) == Block(date(2027, 9, 1), date(2027, 9, 28))


def test_blocks_between_cross_the_year_end():
	assert blocks_between(date(2027, 6, 20), date(2027, 7, 3), JULY_1, 28) == [
		Block(date(2027, 6, 2), date(2027, 6, 29)),
		Block(date(2027, 6, 30), date(2027, 6, 30)),
		Block(date(2027, 7, 1), date(2027, 7, 28)),
	]
	assert blocks_between(date(2027, 7, 3), date(2027, 7, 2), JULY_1, 28) == []


def test_a_block_holds_its_days():
	block = block_of(date(2026, 7, 10), JULY_1, 28)
	assert date(2026, 7, 1) in block and date(2026, 7, 28) in block
	assert date(2026, 6, 30) not in block and date(2026, 7, 29) not in block


def test_a_block_is_at_least_a_day():
	with pytest.raises(ValueError, match="block_days must be at least 1, got 0"):
		block_of(JULY_1, JULY_1, 0)
