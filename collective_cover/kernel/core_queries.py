"""Frappe's own list, count and search doors, narrowed where they would let a caller learn what this app
keeps private or crash on what it does not store.

- `frappe.client.get_count` (Frappe 15) counts with no permission check at all: for this module's
  doctypes it counts what the caller's own list would show, with their roles, User Permissions and
  row conditions.
- `frappe.client.get` with filters answers "no permission" when a hidden record matches and "not found"
  when none does: for this module's doctypes both are "not found".
- `frappe.desk.search.search_link` / `search_widget` with `ignore_user_permissions` skip every
  permission check of the list (Frappe drops to `ignore_permissions`): for this module's doctypes
  they search as the caller's own list does.
- `frappe.desk.listview.get_group_by_count` groups by any column and, for "assigned to", counts
  through a query with no permission check: for this module's doctypes it groups only by a stored
  column and counts assignments of the records the caller may list.
- Every list, count, group, export and search request on this module's doctypes is checked before it
  runs (`check_query_request`, run by the request door in `kernel/doors.py`): each field it filters, sorts, groups or selects
  on must be a stored column of the doctype or of one of its tables. A virtual field (the reason fields
  of a cover request) or a made-up name would otherwise reach MariaDB and come back as a server error.

Private text is not stored where a reader of the row could filter on it: reasons and override reasons
live in Cover Request Reason, offers and ranking snapshots in their own coordinator-only doctypes.
"""

from __future__ import annotations

import json
import re

import frappe
import frappe.client
import frappe.desk.listview
import frappe.desk.search
from frappe import _
from frappe.model import child_table_fields, data_fieldtypes, default_fields, optional_fields
from frappe.query_builder.functions import Count

from collective_cover.kernel.validators import MODULE

# Core methods that take a doctype and filters, sort or fields from the caller, and how they name them.
QUERY_METHODS = {
	"frappe.client.get_list": "doctype",
	"frappe.client.get_count": "doctype",
	"frappe.client.get_value": "doctype",
	"frappe.client.get": "doctype",
	"frappe.desk.reportview.get": "doctype",
	"frappe.desk.reportview.get_list": "doctype",
	"frappe.desk.reportview.get_count": "doctype",
	"frappe.desk.reportview.export_query": "doctype",
	"frappe.desk.reportview.get_stats": "doctype",
	"frappe.desk.reportview.get_sidebar_stats": "doctype",
	"frappe.desk.reportview.get_filter_dashboard_data": "doctype",
	"frappe.desk.listview.get_group_by_count": "doctype",
	"frappe.desk.search.search_link": "doctype",
	"frappe.desk.search.search_widget": "doctype",
	"frappe.desk.calendar.get_events": "doctype",
}
# Where a list is asked for by path rather than by method.
LIST_PATHS = re.compile(r"^/api/(?:resource|v2/document|v2/doctype)/(?P<doctype>[^/]+)(?:/count)?/?$")
FIELD_PARAMS = ("fields", "fieldname", "group_by", "searchfield", "field", "filter_fields")
SORT_PARAMS = ("order_by", "sort_by")
FILTER_PARAMS = ("filters", "or_filters", "current_filters")


class UnknownQueryFieldError(frappe.ValidationError):
	pass


def is_app_doctype(doctype) -> bool:
	return (
		isinstance(doctype, str)
		and bool(frappe.db.exists("DocType", doctype))
		and frappe.get_meta(doctype).module == MODULE
	)


@frappe.whitelist()
def get_count(doctype: str, filters=None, debug=False, cache=False):
	"""`frappe.client.get_count`, counting only what the caller may list for this module's doctypes."""
	if not is_app_doctype(doctype):
		return frappe.client.get_count(doctype, filters, debug, cache)
	return frappe.get_list(
		doctype,
		filters=frappe.utils.get_safe_filters(filters),
		fields=["count(*) as total"],
		order_by=None,
		as_list=True,
	)[0][0]


@frappe.whitelist()
def get(doctype: str, name: str | None = None, filters=None, parent: str | None = None):
	"""`frappe.client.get`; for this module's doctypes a filter finds only records the caller may read,
	so "not found" and "not allowed" cannot be told apart."""
	if is_app_doctype(doctype) and not name and filters:
		matches = frappe.get_list(
			doctype, filters=frappe.parse_json(filters), pluck="name", limit_page_length=1, order_by=None
		)
		if not matches:
			frappe.throw(_("{0} not found").format(_(doctype)), frappe.DoesNotExistError)
		name = matches[0]
	return frappe.client.get(doctype, name=name, filters=None if name else filters, parent=parent)


@frappe.whitelist()
def search_link(
	doctype: str,
	txt: str,
	query: str | None = None,
	filters: str | dict | list | None = None,
	page_length: int = 10,
	searchfield: str | None = None,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
):
	"""`frappe.desk.search.search_link`, never ignoring the permissions of this module's doctypes."""
	return frappe.desk.search.search_link(
		doctype,
		txt,
		query,
		filters,
		page_length,
		searchfield,
		reference_doctype,
		False if is_app_doctype(doctype) else ignore_user_permissions,
	)


@frappe.whitelist()
def search_widget(
	doctype: str,
	txt: str,
	query: str | None = None,
	searchfield: str | None = None,
	start: int = 0,
	page_length: int = 10,
	filters: str | None | dict | list = None,
	filter_fields=None,
	as_dict: bool = False,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
):
	"""`frappe.desk.search.search_widget`, never ignoring the permissions of this module's doctypes."""
	return frappe.desk.search.search_widget(
		doctype,
		txt,
		query,
		searchfield,
		start,
		page_length,
		filters,
		filter_fields,
		as_dict,
		reference_doctype,
		False if is_app_doctype(doctype) else ignore_user_permissions,
	)


@frappe.whitelist()
def get_group_by_count(doctype: str, current_filters: str, field: str) -> list[dict]:
	"""`frappe.desk.listview.get_group_by_count`; for this module's doctypes only stored columns group,
	and assignments are counted on the records the caller may list."""
	if not is_app_doctype(doctype):
		return frappe.desk.listview.get_group_by_count(doctype, current_filters, field)
	filters = frappe.parse_json(current_filters)
	if field != "assigned_to":
		if field not in columns_of(frappe.get_meta(doctype)) or field == "*":
			refuse_field(doctype, field)
		return frappe.get_list(
			doctype,
			filters=filters,
			group_by=f"`tab{doctype}`.`{field}`",
			fields=["count(*) as count", f"`{field}` as name"],
			order_by="count desc",
			limit=50,
		)
	listed = frappe.get_list(doctype, filters=filters, pluck="name", limit_page_length=0, order_by=None)
	todo, user = frappe.qb.DocType("ToDo"), frappe.qb.DocType("User")
	count = Count("*").as_("count")
	return (
		frappe.qb.from_(todo)
		.join(user)
		.on(todo.allocated_to == user.name)
		.select(todo.allocated_to.as_("name"), count)
		.where(
			(todo.status != "Cancelled")
			& (user.user_type == "System User")
			& (todo.reference_type == doctype)
			& todo.reference_name.isin(listed or [""])
		)
		.groupby(todo.allocated_to)
		.orderby(count, order=frappe.qb.desc)
		.limit(50)
	).run(as_dict=True)


def check_query_request() -> None:
	"""Refuse a list, count or search of this module's doctypes that names a field that is not stored,
	before it reaches the database (run by the request door, `kernel/doors.py`)."""
	request = getattr(frappe.local, "request", None)
	if request is None:
		return
	params = frappe.local.form_dict
	doctype = None
	if match := LIST_PATHS.match(request.path):
		doctype = match["doctype"]
	else:
		method = request.path.removeprefix("/api/method/").removeprefix("/api/v2/method/")
		if method in QUERY_METHODS or params.get("cmd") in QUERY_METHODS:
			doctype = params.get(QUERY_METHODS.get(method) or QUERY_METHODS[params.cmd])
	if not is_app_doctype(doctype):
		return
	allowed = stored_columns(doctype)
	if params.get("field") == "assigned_to":
		allowed.add("assigned_to")  # the list sidebar's "Assigned To" group, counted from ToDo
	for name in referenced_fields(params):
		# A field of another table ("Cover Request Reason.reason_note") is its own table's: only the
		# doctype's own tables are joined with the caller's permissions.
		if name not in allowed:
			refuse_field(doctype, name)


def refuse_field(doctype: str, name: str) -> None:
	frappe.throw(
		_("{0} has no field {1} that can be listed, filtered or sorted on.").format(
			_(doctype), frappe.bold(str(name)[:60])
		),
		UnknownQueryFieldError,
		title=_("Unknown field"),
	)


def stored_columns(doctype: str) -> set[str]:
	"""Column names of the doctype and its tables, bare and as "Table DocType.column"."""
	meta = frappe.get_meta(doctype)
	columns = columns_of(meta)
	for table in meta.get_table_fields():
		child_columns = columns_of(frappe.get_meta(table.options))
		columns |= child_columns | {f"{table.options}.{column}" for column in child_columns}
	return columns | {f"{doctype}.{column}" for column in columns}


def columns_of(meta) -> set[str]:
	# Meta.get_valid_columns counts virtual fields too, which have no column.
	stored = {df.fieldname for df in meta.fields if df.fieldtype in data_fieldtypes and not df.is_virtual}
	return stored | {*default_fields, *optional_fields, *child_table_fields, "*"}


def referenced_fields(params) -> list[str]:
	names = []
	for key in FILTER_PARAMS:
		names += filter_fields(decoded(params.get(key)))
	for key in FIELD_PARAMS:
		value = decoded(params.get(key))
		for field in value if isinstance(value, list) else [value] if value else []:
			names += selected_columns(field)
	for key in SORT_PARAMS:
		if isinstance(params.get(key), str):
			names += [clean(sorted_column(part)) for part in params[key].split(",") if part.strip()]
	return names


def sorted_column(part: str) -> str:
	"""The column of one sort term: "`tabCover Request`.`modified` desc" → "`tabCover Request`.`modified`"
	(Desk's own lists quote the table name, which has a space)."""
	return re.sub(r"\s+(asc|desc)\s*$", "", part.strip(), flags=re.IGNORECASE)


def decoded(value):
	if isinstance(value, str) and value[:1] in "[{":
		try:
			return json.loads(value)
		except ValueError:
			return value
	return value


def filter_fields(filters) -> list[str]:
	if isinstance(filters, dict):
		return [clean(key) for key in filters]
	if not isinstance(filters, list):
		return []
	names = []
	for condition in filters:
		if isinstance(condition, list | tuple) and len(condition) >= 4 and isinstance(condition[1], str):
			names.append(f"{clean(condition[0])}.{clean(condition[1])}")
		elif isinstance(condition, list | tuple) and condition and isinstance(condition[0], str):
			names.append(clean(condition[0]))
		elif isinstance(condition, dict):
			names += filter_fields(condition)
	return names


def selected_columns(field) -> list[str]:
	if not isinstance(field, str):
		return [str(field)]
	from frappe.desk.reportview import extract_fieldnames

	if "(" in field or " as " in field.lower():
		try:
			return [clean(column) for column in extract_fieldnames(field)]
		except Exception:
			return [field]  # unparseable: refused as an unknown field, never sent to the database
	return [clean(field)]


def clean(name) -> str:
	"""`tabCover Request`.`status` → "Cover Request.status"."""
	text = str(name).replace("`", "").strip()
	return text[3:] if text.startswith("tab") and "." in text else text
