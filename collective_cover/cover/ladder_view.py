"""What coordinators see of a request's ladder on its form: who was offered and who answered, and the
latest ranking as a short summary — the first ten with the reasons they come first, everyone excluded
grouped by why — with the full snapshot to unfold. Offers and rankings are coordinator-only records;
the form receives this only for staff (CoverRequest.onload)."""

from __future__ import annotations

import frappe
from frappe import _

from collective_cover.cover.lifecycle import offers_of
from collective_cover.engine import eligibility, work_hours

TOP = 10


def exclusion_labels() -> dict[str, str]:
	"""Each of the engine's exclusion reasons in the words a coordinator uses (figures stay in the full
	snapshot)."""
	return {
		eligibility.NOT_IN_POOL: _("Not in the pool on the day"),
		eligibility.UNAVAILABLE: _("On leave or otherwise away"),
		eligibility.SHIFT_CONFLICT: _("Working a shift of their own"),
		eligibility.ROLE_NOT_ALLOWED: _("Their role may not cover in this pool"),
		eligibility.LEVEL_TOO_LOW: _("Too junior for this duty"),
		eligibility.CAP_ACTIVATIONS_BLOCK: _("At the pool's limit of covers this block"),
		eligibility.CAP_UNITS_BLOCK: _("At the pool's limit of units this block"),
		eligibility.CAP_ACTIVATIONS_WINDOW: _("At the pool's limit of covers this year"),
		eligibility.CAP_UNITS_WINDOW: _("At the pool's limit of units this year"),
		eligibility.CAP_CLINIC_HALF_DAYS: _("Would lose more of their own clinics than the pool allows"),
		work_hours.WEEKLY_HOURS: _("Over the weekly work-hour limit"),
		work_hours.CONTINUOUS_HOURS: _("Too many hours of continuous work"),
		work_hours.REST_AFTER_CALL: _("Too little rest after a 24-hour call"),
		work_hours.DAYS_OFF: _("Would lose their day off in seven"),
		work_hours.CALL_FREQUENCY: _("On call too often"),
	}


def ladder_summary(doc) -> dict:
	"""The offers, and the latest ranking snapshot of `doc` summarised, with names."""
	ranking = frappe.qb.DocType("Cover Request Ranking")
	latest = (
		frappe.qb.from_(ranking)
		.select(ranking.snapshot)
		.where(ranking.cover_request == doc.name)
		.orderby(ranking.idx, order=frappe.qb.desc)
		.limit(1)
	).run(pluck=True)
	rows = (
		frappe.get_all(
			"Cover Request Ranking",
			filters={"cover_request": doc.name, "snapshot": latest[0]},
			fields=["clinician", "rank", "eligible", "deviation", "reasons", "reason_codes"],
			order_by="idx asc",
		)
		if latest
		else []
	)
	offers = offers_of(doc.name)
	names = dict(
		frappe.get_all(
			"Clinician",
			filters={"name": ("in", [r.clinician for r in rows + offers] or [""])},
			fields=["name", "full_name"],
			as_list=True,
		)
	)
	for row in rows + offers:
		row.clinician_name = names.get(row.clinician, row.clinician)
	eligible = [row for row in rows if row.eligible]
	return {
		"offers": offers,
		"snapshot": latest[0] if latest else None,
		"top": eligible[:TOP],
		"eligible": len(eligible),
		"excluded": excluded_groups([row for row in rows if row.clinician != doc.requester]),
		"ranking": rows,
	}


def excluded_groups(rows) -> list[dict]:
	"""Members who may not cover, grouped by their first hard reason: largest group first, names in
	alphabetical order within a group (the order of the excluded carries no meaning)."""
	labels = exclusion_labels()
	groups: dict[str, list[str]] = {}
	for row in rows:
		if row.eligible:
			continue
		code = (row.reason_codes or "").split(",")[0]
		# Snapshots written before reason codes were kept fall back to their first sentence.
		label = labels.get(code) or (row.reasons or "").split("; ")[0]
		groups.setdefault(label, []).append(row.clinician_name)
	return [
		{"reason": label, "members": sorted(members)}
		for label, members in sorted(groups.items(), key=lambda group: (-len(group[1]), group[0]))
	]
