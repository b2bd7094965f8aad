"""Care-team labels must not carry patient identifiers (DOMAIN.md, "Connectedness").

A care team is named for its work ("Heart failure team A"), never for its patient. These checks catch
the usual ways an identifier slips into a label — a medical record number, a date of birth, an e-mail
address or a phone number — and say
what they found, so the person typing can fix it. They are heuristics, not a guarantee: a patient's
name cannot be told from a colleague's.
"""

from __future__ import annotations

import re
from collections.abc import Callable

MRN = "looks like a medical record number"
DOB = "looks like a date of birth"
EMAIL = "looks like an e-mail address"
PHONE = "looks like a phone number"

_MONTH = (
	r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
	r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
# Numeric dates: year first (1987-03-12, 1987/3/12) or year last (12/03/1987, 03.12.87, 12-3-87).
_YEAR_FIRST = r"(?P<y>(?:19|20)\d\d)(?P<s1>[-/.])(?P<m>\d{1,2})(?P=s1)(?P<d>\d{1,2})"
_YEAR_LAST = r"(?P<a>\d{1,2})(?P<s2>[-/.])(?P<b>\d{1,2})(?P=s2)(?:\d{4}|\d\d)"
_NUMERIC_DATE = rf"(?<![\d/.-])(?:{_YEAR_FIRST}|{_YEAR_LAST})(?!\d|[-/.]\d)"
# Dates with a month name: 12 Mar 1987, 12-Mar-87, March 12, 1987.
_NAMED_DATE = (
	rf"(?<!\d)(?:\d{{1,2}}[\s-]+{_MONTH}[\s-]*(?:\d{{4}}|\d\d)"
	rf"|{_MONTH}\s*\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})(?!\d)"
)
_ANY_DATE = rf"(?:{_NUMERIC_DATE}|{_NAMED_DATE})"

_FLAGS = re.IGNORECASE | re.ASCII


def _plausible_date(match: re.Match) -> bool:
	"""Month 1–12 and day 1–31, in either order when the year comes last (US and European styles)."""
	if match["y"]:
		return 1 <= int(match["m"]) <= 12 and 1 <= int(match["d"]) <= 31
	a, b = int(match["a"]), int(match["b"])
	return (1 <= a <= 12 and 1 <= b <= 31) or (1 <= b <= 12 and 1 <= a <= 31)


def _always(match: re.Match) -> bool:
	return True


def _enough_digits(match: re.Match) -> bool:
	return sum(ch.isdigit() for ch in match[0]) >= 6


def _phone_length(match: re.Match) -> bool:
	# 9 digits or more: national numbers; fewer is an extension, a year range or a ward.
	return sum(ch.isdigit() for ch in match[0]) >= 9


# In order of precedence: a fragment claimed by an earlier pattern is not reported again by a later one.
_PATTERNS: tuple[tuple[str, re.Pattern, Callable[[re.Match], bool]], ...] = (
	(EMAIL, re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", _FLAGS), _always),
	# A social security number (123-45-6789) has the length of a phone number but is an identifier of its own.
	(
		PHONE,
		re.compile(r"(?<![\w/.-])(?!\d{3}[- ]\d\d[- ]\d{4}\b)\+?\(?\d[\d\s().-]{7,}\d(?![\w/-])", _FLAGS),
		_phone_length,
	),
	(
		DOB,
		re.compile(
			rf"(?:\bDOB\b|\bD\.O\.B\b\.?|\bdate\s+of\s+birth\b|\bbirth\s*date\b)(?:\s*[:#-]?\s*{_ANY_DATE})?",
			_FLAGS,
		),
		_always,
	),
	(
		MRN,
		re.compile(
			r"(?:\bMRN\b|\bMR\s?#|\bmedical\s+record\b(?:\s+(?:number|no\b\.?|#))?)"
			r"(?:\s*[:#.]?\s*[a-z]{0,2}\d(?:[\d-]*\d)?)?",
			_FLAGS,
		),
		_always,
	),
	(DOB, re.compile(_NUMERIC_DATE, _FLAGS), _plausible_date),
	(DOB, re.compile(_NAMED_DATE, _FLAGS), _always),
	# Digit groups such as 123-45-6789, or a social security number written with spaces.
	(
		MRN,
		re.compile(r"(?<![\d-])\d+(?:-\d+){2,}(?![\d-])|(?<!\d)\d{3} \d{2} \d{4}(?!\d)", _FLAGS),
		_enough_digits,
	),
	(MRN, re.compile(r"(?<!\d)\d{6,}(?!\d)", _FLAGS), _always),
)


def identifier_problems(label: str) -> tuple[str, ...]:
	"""Sentences naming each fragment of `label` that looks like a patient identifier, in reading order;
	empty when the label looks fine."""
	found: list[tuple[int, int, str]] = []
	for problem, pattern, accept in _PATTERNS:
		for match in pattern.finditer(label):
			start, end = match.span()
			if not accept(match):
				continue
			if any(start < e and s < end for s, e, _ in found):
				continue
			found.append((start, end, f"{problem}: '{match[0].strip()}'"))
	return tuple(text for _, _, text in sorted(found))
