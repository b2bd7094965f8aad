"""Whitelisted endpoints for cover requests. State changes are POST-only and check permissions;
the work itself is in `collective_cover.cover.lifecycle`."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import get_datetime

from collective_cover.cover import lifecycle
from collective_cover.cover.standing import PoolStanding, current_standing
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


def member_pool(pool: str):
	"""The pool, if the session user is a member of it or staff; otherwise a permission error."""
	# Read only: the cached pool spares loading a row object per member (saving the pool clears it).
	pool_doc = frappe.get_cached_doc("Jeopardy Pool", pool)
	pool_doc.check_permission("read")
	clinician = clinician_of(frappe.session.user)
	if not is_staff() and clinician not in {m.clinician for m in pool_doc.members}:
		frappe.throw(_("You are not a member of pool {0}.").format(pool), frappe.PermissionError)
	return pool_doc, clinician


def position_in(standing: PoolStanding, clinician: str) -> dict:
	"""The member's own burden, fair share, deviation and place in the pool's standing order."""
	mine = standing.members.get(clinician)
	if mine is None:
		frappe.throw(_("You are not a member of pool {0}.").format(standing.pool), frappe.PermissionError)
	return {
		"pool": standing.pool,
		"burden": mine.burden,
		"fair_share": mine.fair_share,
		"deviation": mine.deviation,
		"position": mine.position,
		"members": len(standing.members),
	}


def distribution_of(standing: PoolStanding, clinician: str | None) -> dict:
	"""The pool's burden distribution, anonymised: percentiles and Gini, plus the member's own figures."""
	mine = standing.members.get(clinician)
	return {
		"pool": standing.pool,
		"members": len(standing.members),
		"gini": standing.gini,
		"max_abs_deviation": standing.max_abs_deviation,
		"deviation_percentiles": standing.deviation_percentiles,
		"mine": {"deviation": mine.deviation, "fair_share": mine.fair_share} if mine else None,
	}


@frappe.whitelist()
def my_position(pool: str) -> dict:
	"""The session member's own burden, fair share, deviation and place in the pool's order."""
	pool_doc, clinician = member_pool(pool)
	return position_in(current_standing(pool_doc), clinician)


@frappe.whitelist()
def pool_fairness(pool: str) -> dict:
	"""The pool's burden distribution, anonymised: percentiles and Gini, plus the caller's own figures."""
	pool_doc, clinician = member_pool(pool)
	return distribution_of(current_standing(pool_doc), clinician)


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
