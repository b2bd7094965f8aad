"""Who is away when: the Clinician Unavailability records the ranking, the reports and meeting
proposals all read, as the engine's intervals."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import frappe

from collective_cover.engine.model import Unavailability
from collective_cover.kernel.dates import aware


def load_unavailability(
	clinicians, since: datetime, until: datetime | None = None
) -> defaultdict[str, list[Unavailability]]:
	"""Each clinician's unavailability that ends after `since` (and starts before `until`), one query;
	`clinicians`: names, or a subquery of them."""
	away = frappe.qb.DocType("Clinician Unavailability")
	overlapping = away.clinician.isin(clinicians or [""]) & (away.to_datetime > since)
	if until:
		overlapping &= away.from_datetime < until
	absences = defaultdict(list)
	for row in (
		frappe.qb.from_(away)
		.select(away.clinician, away.from_datetime, away.to_datetime, away.kind)
		.where(overlapping)
	).run(as_dict=True):
		absences[row.clinician].append(
			Unavailability(aware(row.from_datetime), aware(row.to_datetime), kind=row.kind)
		)
	return absences
