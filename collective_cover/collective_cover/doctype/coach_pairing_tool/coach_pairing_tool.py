"""A Desk tool, in the manner of HRMS's assignment tools: preview the engine's optimal pairings of a
programme's unpaired residents with coaches, then create them in one action."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate

from collective_cover.coaching.pairings import create_pairings, suggest_for_program


class NothingToPairError(frappe.ValidationError):
	pass


class CoachPairingTool(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from_date: DF.Date
		program: DF.Link
		to_date: DF.Date
	# end: auto-generated types
	pass


def _check_access(program: str) -> None:
	frappe.has_permission("Coach Pairing", "create", throw=True)
	frappe.has_permission("Residency Program", "read", doc=program, throw=True)


@frappe.whitelist()
def preview(program: str, from_date: str, to_date: str) -> dict:
	_check_access(program)
	plan, names = suggest_for_program(program, from_date, to_date)
	return {
		"pairings": [
			{
				"resident": p.resident,
				"resident_name": names.get(p.resident),
				"coach": p.coach,
				"coach_name": names.get(p.coach),
				"shared_half_days": p.shared_half_days,
			}
			for p in plan.pairings
		],
		"unpaired": [names.get(r, r) for r in plan.unpaired],
		"total_shared": plan.total_shared,
		"coach_load": {names.get(c, c): load for c, load in plan.coach_load.items()},
	}


@frappe.whitelist(methods=["POST"])
def create(program: str, from_date: str, to_date: str) -> list[str]:
	_check_access(program)
	plan, _names = suggest_for_program(program, from_date, to_date)
	if not plan.pairings:
		frappe.throw(
			_("Every resident of {0} already has a coach, or no coach has capacity left.").format(program),
			NothingToPairError,
			title=_("Nothing to pair"),
		)
	return create_pairings(plan, getdate())
