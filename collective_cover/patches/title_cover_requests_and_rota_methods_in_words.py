"""Cover requests are listed under a title that says what, where, when and who ("Day · Wards A · Tue 15
Dec (Ana Ruiz → Farid Haddad)") instead of their pool; rota days say how they were planned in words
instead of the solver's name."""

import frappe
from frappe import _

from collective_cover.cover.rota import plan_method_label
from collective_cover.cover.titles import refresh_title


def execute():
	for name in frappe.get_all("Cover Request", filters={"title": ("is", "not set")}, pluck="name"):
		refresh_title(frappe.get_doc("Cover Request", name))

	rota = frappe.qb.DocType("Jeopardy Rota")
	# Whether an old plan was proven optimal was not kept, so it is not claimed.
	for method, words in (("greedy", plan_method_label("greedy", False)), ("milp", _("by the optimiser"))):
		frappe.qb.update(rota).set(rota.plan_method, words).where(rota.plan_method == method).run()
