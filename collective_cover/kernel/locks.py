"""Row locks that several capabilities take on the same records, in one order for all of them.

The app's lock order (see cover/lifecycle.py): a Cover Request row first, then Clinician rows in
primary-key order. Taking every Clinician row one save needs in one locking read, sorted by name, is
what keeps two saves that need the same people (two coverers, a coach and a resident) from waiting on
each other in a circle."""

from __future__ import annotations

from collections.abc import Iterable

import frappe


def lock_clinicians(clinicians: Iterable[str]) -> None:
	"""Hold these Clinician rows until the transaction ends, taken in primary-key order."""
	names = sorted({name for name in clinicians if name})
	if not names:
		return
	clinician = frappe.qb.DocType("Clinician")
	frappe.qb.from_(clinician).select(clinician.name).where(clinician.name.isin(names)).orderby(
		clinician.name
	).for_update().run()
