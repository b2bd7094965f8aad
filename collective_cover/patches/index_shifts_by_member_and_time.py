"""Sites installed before the index on (clinician, end, start) get it (new sites get it at install)."""

from collective_cover.collective_cover.doctype.clinician_shift.clinician_shift import on_doctype_update


def execute():
	on_doctype_update()
