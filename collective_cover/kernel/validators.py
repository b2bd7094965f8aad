"""Door checks that run before any rule looks at a record's values.

Frappe casts what a REST caller sends only when it writes the row, after every controller hook has run,
so a hook that reads an unknown select value, a date it cannot parse or a list where a string belongs
fails with a server error. `check_values` runs first (a `before_validate` doc event on every doctype of
this module) and turns each of these into a clear, translated message; nothing is written.

Every text has a cap (`TEXT_LIMITS` for fields, `MAX_ARGUMENT_LENGTH` for the arguments of the app's
methods, checked by `kernel/doors.py`): a note is a few paragraphs, and a 100 kB one would otherwise be
cut by the database or fail there.

Datetimes that carry a UTC offset are taken at the instant they name and stored in the site's time zone,
the zone every stored datetime of this app is in.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.utils import get_datetime, get_system_timezone

MODULE = "Collective Cover"

# MariaDB keeps datetimes from year 1000; nothing in a residency programme's schedule is that far out.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200

TEXT_TYPES = {
	"Data",
	"Small Text",
	"Text",
	"Long Text",
	"Text Editor",
	"Link",
	"Dynamic Link",
	"Autocomplete",
}
# Characters a text field may hold: one line for names and links (Frappe's Data column is 140 wide), a
# few paragraphs for notes and reasons, a page for a coaching note (rich text carries its markup).
TEXT_LIMITS = {
	"Data": 140,
	"Link": 140,
	"Dynamic Link": 140,
	"Autocomplete": 140,
	"Small Text": 2000,
	"Text": 2000,
	"Long Text": 20_000,
	"Text Editor": 20_000,
}
# The longest text argument of a whitelisted method: the longest note a method takes.
MAX_ARGUMENT_LENGTH = TEXT_LIMITS["Small Text"]
NUMBER_TYPES = {"Int", "Float", "Currency", "Percent", "Rating", "Check", "Duration"}


class InvalidValueError(frappe.ValidationError):
	pass


def check_values(doc, method=None) -> None:
	"""doc_event `before_validate` for every doctype: this module's records and their rows are checked."""
	if doc.meta.module != MODULE:
		return
	for record in (doc, *doc.get_all_children()):
		for df in record.meta.fields:
			value = record.get(df.fieldname)
			if value is None or value == "" or df.fieldtype in ("Table", "Table MultiSelect"):
				continue
			if df.fieldtype == "Datetime":
				record.set(df.fieldname, parse_datetime(value, field_label(record, df)))
			elif df.fieldtype == "Date":
				record.set(df.fieldname, parse_date(value, field_label(record, df)))
			elif df.fieldtype == "Select":
				check_option(value, df, field_label(record, df))
			elif df.fieldtype in TEXT_TYPES and not isinstance(value, str):
				refuse(_("{0} must be text.").format(field_label(record, df)))
			elif df.fieldtype in TEXT_TYPES:
				check_length(value, df.length or TEXT_LIMITS[df.fieldtype], field_label(record, df))
			elif df.fieldtype in NUMBER_TYPES:
				check_number(value, field_label(record, df))


def field_label(record, df) -> str:
	label = _(df.label or df.fieldname)
	if record.get("parentfield"):
		return _("{0} in row {1}").format(label, record.idx or "?")
	return label


def refuse(message: str) -> None:
	frappe.throw(message, InvalidValueError, title=_("Invalid value"))


def parse_datetime(value, label: str) -> datetime:
	"""A naive datetime in the site's time zone from a datetime or an ISO 8601 string (offset allowed)."""
	if isinstance(value, datetime):
		parsed = value
	elif isinstance(value, str):
		try:
			parsed = datetime.fromisoformat(value.strip())
		except ValueError:
			refuse(_("{0} is not a date and time: '{1}'. Use YYYY-MM-DD HH:MM.").format(label, value[:40]))
	else:
		refuse(_("{0} must be a date and time.").format(label))
	if parsed.tzinfo is not None:
		parsed = parsed.astimezone(ZoneInfo(get_system_timezone())).replace(tzinfo=None)
	check_year(parsed.year, label)
	return parsed


def parse_date(value, label: str) -> date:
	if isinstance(value, datetime):
		parsed = value.date()
	elif isinstance(value, date):
		parsed = value
	elif isinstance(value, str):
		try:
			parsed = date.fromisoformat(value.strip()[:10])
		except ValueError:
			refuse(_("{0} is not a date: '{1}'. Use YYYY-MM-DD.").format(label, value[:40]))
	else:
		refuse(_("{0} must be a date.").format(label))
	check_year(parsed.year, label)
	return parsed


def check_year(year: int, label: str) -> None:
	if not EARLIEST_YEAR <= year <= LATEST_YEAR:
		refuse(_("{0} must be between the years {1} and {2}.").format(label, EARLIEST_YEAR, LATEST_YEAR))


def check_length(text: str, limit: int, label: str) -> None:
	if len(text) > limit:
		refuse(_("{0} is {1} characters long; at most {2} are kept.").format(label, len(text), limit))


def check_option(value, df, label: str) -> None:
	options = [o for o in (df.options or "").split("\n") if o]
	if not isinstance(value, str) or (options and value not in options):
		refuse(
			_("{0} cannot be '{1}'; choose one of: {2}.").format(label, str(value)[:40], ", ".join(options))
		)


def check_number(value, label: str) -> None:
	try:
		number = float(value) if isinstance(value, bool | int | float | str) else math.nan
	except ValueError:
		number = math.nan
	if not math.isfinite(number):
		refuse(_("{0} must be a number.").format(label))


class InvalidPeriodError(frappe.ValidationError):
	pass


def validate_period(start, end, what: str) -> None:
	"""Shared by every record that spans time: it must end after it starts."""
	if get_datetime(end) <= get_datetime(start):
		frappe.throw(
			_("{0} must end after it starts ({1} → {2}).").format(what, start, end),
			InvalidPeriodError,
			title=_("Invalid period"),
		)


def parse_pool_wall_time(value, zone: str, label: str) -> datetime:
	"""What a person typed or picked for a pool's duty: a wall time in the pool's time zone `zone`
	(whatever their user time zone), as the naive site-zone datetime every record stores. A value that
	names its own UTC offset is taken at that instant."""
	if isinstance(value, str) and value.strip():
		try:
			named = datetime.fromisoformat(value.strip())
		except ValueError:
			named = None  # parse_datetime says what is wrong with it
		if named is not None and named.tzinfo is None:
			value = named.replace(tzinfo=ZoneInfo(zone))
	elif isinstance(value, datetime) and value.tzinfo is None:
		value = value.replace(tzinfo=ZoneInfo(zone))
	return parse_datetime(value, label)
