"""Whitelisted endpoints for cover requests. State changes are POST-only and check permissions;
the work itself is in `collective_cover.cover.lifecycle`."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import get_datetime

from collective_cover.cover import lifecycle
from collective_cover.cover.standing import MemberPlace, PoolSpread, standing_of
from collective_cover.kernel.access import clinician_of, is_staff


@frappe.whitelist(methods=["POST"])
def accept(cover_request: str, duties: str | list | None = None) -> dict:
	"""Accept `duties` (the request's duty row names, a list or JSON list; default every uncovered duty
	the member may take)."""
	lifecycle.accept(cover_request, duties=duties)
	return status_of(cover_request)


@frappe.whitelist(methods=["POST"])
def decline(cover_request: str, note: str | None = None) -> dict:
	lifecycle.decline(cover_request, note)
	return {"name": cover_request, "declined": True}


@frappe.whitelist(methods=["POST"])
def assign(
	cover_request: str, clinician: str, override_reason: str | None = None, duties: str | list | None = None
) -> dict:
	if not set(frappe.get_roles()) & {"Cover Coordinator", "System Manager"}:
		frappe.throw(_("Only cover coordinators can assign cover."), frappe.PermissionError)
	lifecycle.assign(cover_request, clinician, override_reason, duties=duties)
	return status_of(cover_request)


def status_of(cover_request: str) -> dict:
	"""The request's state and, per duty, who covers it (the caller may read the request: they just
	covered it or assigned it)."""
	status, covered_by = frappe.db.get_value("Cover Request", cover_request, ["status", "covered_by"])
	duties = frappe.get_all(
		"Cover Request Duty",
		filters={"parent": cover_request, "parenttype": "Cover Request"},
		fields=["name", "covered_by"],
		order_by="start asc, idx asc",
		ignore_permissions=True,
	)
	return {"name": cover_request, "status": status, "covered_by": covered_by, "duties": duties}


# The pool's own fields its read permission is judged on (programme, owner), and those its standing's
# version reads.
POOL_FIELDS = ("name", "owner", "docstatus", "program", "overflow_pool", "modified", "time_zone")


def member_pool(pool: str):
	"""The pool's own fields, if the session user may read the pool and is a member of it or staff;
	otherwise a permission error. Judged without the pool's member rows as Documents (a 1,000-member
	pool's Document costs more than the answer): its programme decides who may read it, and membership
	is one indexed lookup."""
	row = frappe.db.get_value("Jeopardy Pool", pool, POOL_FIELDS, as_dict=True)
	if not row:
		frappe.throw(_("Jeopardy Pool {0} not found.").format(pool), frappe.DoesNotExistError)
	frappe.get_doc({"doctype": "Jeopardy Pool", **row}).check_permission("read")
	clinician = clinician_of(frappe.session.user)
	is_member = frappe.db.exists(
		"Jeopardy Pool Member", {"parent": pool, "parenttype": "Jeopardy Pool", "clinician": clinician or ""}
	)
	if not is_staff() and not is_member:
		frappe.throw(_("You are not a member of pool {0}.").format(pool), frappe.PermissionError)
	return row, clinician


def position_in(spread: PoolSpread, mine: MemberPlace | None) -> dict:
	"""The member's own burden, fair share, deviation and place in the pool's standing order."""
	if mine is None:
		frappe.throw(_("You are not a member of pool {0}.").format(spread.pool), frappe.PermissionError)
	return {
		"pool": spread.pool,
		"burden": mine.burden,
		"fair_share": mine.fair_share,
		"deviation": mine.deviation,
		"position": mine.position,
		"members": spread.members,
	}


def distribution_of(spread: PoolSpread, mine: MemberPlace | None) -> dict:
	"""The pool's burden distribution, anonymised: percentiles and Gini, plus the member's own figures."""
	return {
		"pool": spread.pool,
		"members": spread.members,
		"gini": spread.gini,
		"max_abs_deviation": spread.max_abs_deviation,
		"deviation_percentiles": spread.deviation_percentiles,
		"mine": {"deviation": mine.deviation, "fair_share": mine.fair_share} if mine else None,
	}


@frappe.whitelist()
def my_position(pool: str) -> dict:
	"""The session member's own burden, fair share, deviation and place in the pool's order."""
	pool_row, clinician = member_pool(pool)
	return position_in(*standing_of(pool_row, clinician))


@frappe.whitelist()
def pool_fairness(pool: str) -> dict:
	"""The pool's burden distribution, anonymised: percentiles and Gini, plus the caller's own figures."""
	pool_row, clinician = member_pool(pool)
	return distribution_of(*standing_of(pool_row, clinician))


def member_pools(clinician: str) -> list[str]:
	"""The enabled pools the clinician is a member of today (joined, not yet left)."""
	member, pool = frappe.qb.DocType("Jeopardy Pool Member"), frappe.qb.DocType("Jeopardy Pool")
	today = frappe.utils.getdate()
	return (
		frappe.qb.from_(member)
		.join(pool)
		.on(pool.name == member.parent)
		.select(pool.name)
		.distinct()
		.where(
			(member.parenttype == "Jeopardy Pool")
			& (member.clinician == clinician)
			& (member.joined_on <= today)
			& (member.left_on.isnull() | (member.left_on >= today))
			& (pool.disabled == 0)
		)
		.orderby(pool.name)
	).run(pluck=True)


def open_to(clinician: str) -> list[str]:
	"""Open requests of the clinician's pools, not their own, that have not ended, first duty first.
	Members see them only through the public offer, never as the request itself."""
	return frappe.get_all(
		"Cover Request",
		filters={
			"pool": ("in", member_pools(clinician) or [""]),
			"status": ("in", lifecycle.ACCEPTING_STATUSES),
			"docstatus": 1,
			"ends_at": (">", frappe.utils.now_datetime()),  # an ended request is never offered again
			"requester": ("!=", clinician),
		},
		order_by="starts_at asc",
		pluck="name",
		ignore_permissions=True,
	)


@frappe.whitelist()
def open_requests() -> list[dict]:
	"""Open requests in the session member's pools, as the public offer (no requester, no reason)."""
	from collective_cover.cover.notify import offer_payload

	now = frappe.utils.now_datetime()
	offers = []
	for doc in (frappe.get_doc("Cover Request", n) for n in open_to(lifecycle.current_clinician())):
		# The headline is what can still be taken: duties taken by others or already over are not.
		still_open = [d for d in doc.duties if not d.covered_by and get_datetime(d.end) > now]
		offers.append({**offer_payload(doc, still_open or None), "status": doc.status})
	return offers
