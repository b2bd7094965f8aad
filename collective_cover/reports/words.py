"""The reports' figures in the words a coordinator uses, shown as each report's message above its
summary cards (which keep the exact numbers). One unit of cover is one day or night shift, so units
are said as shifts."""

from __future__ import annotations

import math

from frappe import _
from frappe.utils import escape_html


def in_words(sentences: list[str]) -> str:
	"""The report's message: its sentences, escaped, one per line."""
	return "<br>".join(escape_html(sentence) for sentence in sentences)


def shifts(units: float) -> str:
	"""For example "1 shift" or "1.25 shifts" (to two decimals, as the summary shows units)."""
	value = round(units, 2)
	return _("{0} shift").format(f"{value:g}") if value == 1 else _("{0} shifts").format(f"{value:g}")


def at_most_shifts(units: float) -> str:
	"""An upper bound in shifts, rounded up to one decimal so "within" never understates it."""
	return shifts(math.ceil(round(units * 10, 6)) / 10)


def against_fair_share(deviation: float) -> str:
	"""For example "0.5 shifts below", "0.3 shifts above" or "at" (their fair share)."""
	if round(deviation, 2) == 0:
		return _("at")
	if deviation < 0:
		return _("{0} below").format(shifts(-deviation))
	return _("{0} above").format(shifts(deviation))


def within(seconds: float) -> str:
	"""A time within which something happened, rounded up to the minute, in its two largest parts:
	for example "12 minutes", "2 hours 5 minutes" or "3 days 4 hours"."""
	minutes = math.ceil(round(seconds / 60, 6))
	days, rest = divmod(minutes, 24 * 60)
	hours, minutes = divmod(rest, 60)
	parts = (
		(days, _("1 day"), _("{0} days")),
		(hours, _("1 hour"), _("{0} hours")),
		(minutes, _("1 minute"), _("{0} minutes")),
	)
	said = [counted(n, one, many) for n, one, many in parts if n]
	return " ".join(said[:2]) or _("no time")


def percent(part: float, whole: float) -> str:
	"""A share to the whole per cent, halves up: "38%"."""
	return f"{math.floor(100 * part / whole + 0.5) if whole else 0}%"


def counted(n: int, one: str, many: str) -> str:
	"""`one` (said of a single thing) or `many` formatted with n."""
	return one if n == 1 else many.format(n)
