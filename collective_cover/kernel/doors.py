"""The request door: every HTTP request that reaches this app's methods or doctypes is checked here,
before Frappe parses it into documents or calls the method (a `before_request` hook).

- Lists, counts and searches of this module's doctypes may name only stored fields
  (`core_queries.check_query_request`).
- The app's whitelisted methods (module functions, controller methods called through
  `run_doc_method`, `/api/resource/<doctype>/<name>/<method>` or
  `/api/v2/document/<doctype>/<name>/method/<method>`, `/api/v2/method/<doctype>/<function>`, the
  legacy `cmd=` form post to any path, and the core methods this app overrides): a required argument
  that is missing, a list or dict where the signature says text, or a text longer than the cap for
  method arguments is refused with a message naming the argument. The signature is the list: nothing
  here names a method.
- `/api/resource/<app doctype>` and `/api/v2/document/<app doctype>` inserts and updates: a list or
  dict for a field that holds one value, or anything but a list of rows for a table, is refused
  before Frappe builds a document from it
  (Frappe's own constructor and link checks fail with a server error on those), and so is a value for
  a read-only virtual field.
- Rows of the app's child doctypes are edited through their parent only: a direct REST insert, update
  or delete of one would skip the parent's permission and validation.
"""

from __future__ import annotations

import inspect
import json
import re
import types
import typing

import frappe
from frappe import _
from frappe.model import table_fields
from frappe.model.base_document import get_controller
from frappe.modules import load_doctype_module

from collective_cover.kernel.core_queries import check_query_request, is_app_doctype
from collective_cover.kernel.validators import MAX_ARGUMENT_LENGTH, check_length

APP_PACKAGE = "collective_cover."
METHOD_PATH = re.compile(r"^/api/(?:v2/)?method/(?P<method>[^/]+)/?$")
RESOURCE_PATH = re.compile(
	r"^/api/resource/(?P<doctype>[^/]+)(?:/(?P<name>[^/]+)(?:/(?P<method>[^/]+))?)?/?$"
)
DOCTYPE_METHOD_PATH = re.compile(r"^/api/v2/method/(?P<doctype>[^/]+)/(?P<method>[^/]+)/?$")
DOCUMENT_PATH = re.compile(
	r"^/api/v2/document/(?P<doctype>[^/]+)(?:/(?P<name>.+?)(?:/method/(?P<method>[^/]+))?)?/?$"
)
RUN_DOC_METHODS = ("run_doc_method", "frappe.handler.run_doc_method")
# Fields whose one value Frappe keeps as JSON text, so a list or dict is what they hold.
STRUCTURED_FIELDTYPES = ("JSON", "Geolocation")


class MalformedRequestError(frappe.ValidationError):
	pass


class ChildRowDoorError(frappe.PermissionError):
	pass


def check_request() -> None:
	"""before_request: refuse a malformed or misdirected request to this app before it runs."""
	request = getattr(frappe.local, "request", None)
	if request is None:
		return
	check_query_request()
	params = frappe.local.form_dict
	if isinstance(params.get("cmd"), str) and params.cmd:
		# Frappe answers any request that carries `cmd` as a call of that method, whatever its path.
		check_method_call(params.cmd, params)
	elif match := RESOURCE_PATH.match(request.path) or DOCUMENT_PATH.match(request.path):
		check_resource_request(request.method, match["doctype"], match["name"], match["method"], params)
	elif match := METHOD_PATH.match(request.path):
		check_method_call(match["method"], params)
	elif (match := DOCTYPE_METHOD_PATH.match(request.path)) and is_app_doctype(match["doctype"]):
		# /api/v2/method/<doctype>/<function>: a function of the doctype's controller module.
		module = load_doctype_module(match["doctype"])
		check_method_call(f"{module.__name__}.{match['method']}", params)


def check_resource_request(http_method: str, doctype: str, name: str | None, method: str | None, params):
	if not is_app_doctype(doctype):
		return
	meta = frappe.get_meta(doctype)
	if method or (http_method == "GET" and name and params.get("run_method")):
		check_controller_call(doctype, method or params.get("run_method"), params)
		return
	if http_method not in ("POST", "PUT", "PATCH", "DELETE"):
		return
	if meta.istable:
		parents = frappe.get_all(
			"DocField",
			filters={"options": doctype, "fieldtype": ("in", table_fields)},
			pluck="parent",
			distinct=True,
			order_by="parent",
		)
		frappe.throw(
			_("{0} rows are edited through their {1}, not on their own.").format(
				_(doctype), " / ".join(_(parent) for parent in parents) or _("parent")
			),
			ChildRowDoorError,
			title=_("Edit through the parent"),
		)
	if http_method != "DELETE":
		check_payload(meta, request_data(params))


def request_data(params) -> dict:
	"""What `/api/resource` builds the document from (frappe.api.v1.get_request_form_data)."""
	data = params.get("data")
	if data is None:
		return params
	if isinstance(data, str):
		try:
			data = json.loads(data)
		except ValueError:
			refuse(_("The request's data is not JSON."))
	if not isinstance(data, dict):
		refuse(_("The request's data must be one record (a JSON object)."))
	return data


def check_payload(meta, payload: dict, row_label: str | None = None) -> None:
	"""Each field of the payload holds what its type can: one value, or for a table a list of rows."""
	for df in meta.fields:
		if df.fieldname not in payload or payload[df.fieldname] is None:
			continue
		value = payload[df.fieldname]
		label = (
			_(df.label or df.fieldname)
			if row_label is None
			else _("{0} in {1}").format(_(df.label or df.fieldname), row_label)
		)
		if df.fieldtype in table_fields:
			if not isinstance(value, list):
				refuse(_("{0} must be a list of rows.").format(label))
			child_meta = frappe.get_meta(df.options)
			for number, row in enumerate(value, start=1):
				row_name = _("{0} row {1}").format(_(df.label or df.fieldname), number)
				if not isinstance(row, dict):
					refuse(_("{0} must be a row of fields.").format(row_name))
				check_payload(child_meta, row, row_name)
		elif df.fieldtype not in STRUCTURED_FIELDTYPES and isinstance(value, list | dict):
			refuse(_("{0} must be a single value, not a list or a set of fields.").format(label))
		elif df.is_virtual and df.read_only and value != "":
			# Never stored and never sent by a REST read, so only a forger sends it (the override
			# reason is a coordinator's assign's).
			refuse(_("{0} is set by the app and cannot be sent.").format(label))


def check_method_call(cmd: str, params) -> None:
	if cmd in RUN_DOC_METHODS:
		args = params.get("args")
		if isinstance(args, str):
			try:
				args = json.loads(args) if args.strip() else {}
			except ValueError:
				refuse(_("The arguments of {0} are not JSON.").format(str(params.get("method"))[:60]))
		if args is not None and not isinstance(args, dict):
			refuse(_("The arguments of {0} must be named.").format(str(params.get("method"))[:60]))
		if isinstance(params.get("dt"), str) and is_app_doctype(params.get("dt")):
			check_controller_call(params.dt, params.get("method"), args or {})
		return
	target = (frappe.get_hooks("override_whitelisted_methods", {}).get(cmd) or [cmd])[-1]
	if not target.startswith(APP_PACKAGE):
		return
	try:
		function = frappe.get_attr(target)
	except Exception:
		return  # Frappe answers an unknown method itself
	check_arguments(function, params)


def check_controller_call(doctype: str, method, args) -> None:
	function = getattr(get_controller(doctype), method, None) if isinstance(method, str) else None
	if function is not None:
		check_arguments(function, args)


def check_arguments(function, given) -> None:
	"""The arguments of one whitelisted function, read off its signature and type hints."""
	if function not in frappe.whitelisted:
		return  # Frappe refuses a method that is not whitelisted, with its own message
	original = inspect.unwrap(function)
	try:
		hints = typing.get_type_hints(original)
	except Exception:
		hints = {}
	for name, parameter in inspect.signature(original).parameters.items():
		if name == "self" or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
			continue
		value, label = given.get(name), _(frappe.unscrub(name))
		if parameter.default is parameter.empty and value is None:
			refuse(
				_("{0} is required (the argument {1}).").format(label, frappe.bold(name)),
				title=_("Missing argument"),
			)
		if not takes_text(hints.get(name)):
			continue
		if isinstance(value, list | dict):
			refuse(
				_(
					"{0} must be text. The argument {1} takes one value, not a list or a set of fields."
				).format(label, frappe.bold(name))
			)
		if isinstance(value, str):
			check_length(value, MAX_ARGUMENT_LENGTH, label)


def takes_text(hint) -> bool:
	"""Whether a type hint says text only: `str`, or `str | None`."""
	if hint is str:
		return True
	if typing.get_origin(hint) in (typing.Union, types.UnionType):
		return set(typing.get_args(hint)) in ({str}, {str, type(None)})
	return False


def refuse(message: str, title: str | None = None) -> None:
	frappe.throw(message, MalformedRequestError, title=title or _("Malformed request"))
