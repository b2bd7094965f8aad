"""Pool Health: per pool and block (DOMAIN.md: block_days long, counted from the start of each
fairness window), how often the pool was activated, how evenly, who reached a cap, and whether the
block was resilient: whether its covers could still have been given within the per-block caps with any
single member removed (engine/resilience.py defines it precisely).

"Last complete block" in the summary is the latest block that ended before today.
"""

from datetime import date

import frappe
from frappe import _
from frappe.utils import getdate

from collective_cover.cover.ledger import MemberTotals, block_cover_units, block_totals
from collective_cover.cover.records import engine_pool
from collective_cover.engine.blocks import Block, blocks_between
from collective_cover.engine.fairness import pool_fairness
from collective_cover.engine.resilience import at_block_cap, block_resilience
from collective_cover.kernel.dates import fairness_window
from collective_cover.reports.scope import readable_pools, report_window
from collective_cover.reports.standing import load_pool_people
from collective_cover.reports.words import counted, in_words


def execute(filters=None):
	filters = frappe._dict(filters or {})
	start, end = report_window(filters)
	data = []
	for pool in readable_pools(filters):
		data.extend(pool_rows(frappe.get_doc("Jeopardy Pool", pool), start, end))
	last_blocks = last_complete_blocks(data)
	message = in_words(summary_sentences(last_blocks))
	return get_columns(), data, message, get_chart(last_blocks), get_summary(last_blocks)


def pool_blocks(start: date, end: date, block_days: int) -> list[Block]:
	"""The blocks overlapping [start, end] that have begun, as the caps count them (engine/blocks.py)."""
	return blocks_between(start, min(end, getdate()), fairness_window(start)[0], block_days)


def pool_rows(pool_doc, start: date, end: date) -> list[dict]:
	"""One row per block, from four queries for the whole range."""
	blocks = pool_blocks(start, end, engine_pool(pool_doc).caps.block_days)
	if not blocks:
		return []
	people = load_pool_people(pool_doc, (blocks[0].first, blocks[-1].last))
	totals, covers = block_totals(pool_doc.name, blocks), block_cover_units(pool_doc.name, blocks)
	rows = []
	for index, block in enumerate(blocks):
		first, last = block.first, block.last
		exposures = people.exposures((first, last))
		members = {m: totals.get(index, {}).get(m) or MemberTotals() for m in exposures}
		available = sum(1 for e in exposures.values() if e > 0)
		# Full-time members equivalent: FTE-days over the block's days so far.
		days_so_far = (min(last, getdate()) - first).days + 1
		full_time = sum(exposures.values()) / days_so_far
		activations = sum(t.activations for t in members.values())
		resilience = block_resilience(covers.get(index, []), available, people.pool.caps)
		rows.append(
			{
				"pool": pool_doc.name,
				"block_start": first,
				"block_end": last,
				"members": available,
				"activations": activations,
				"units": sum(t.covered for t in members.values()),
				"activation_rate": activations / full_time if full_time else 0.0,
				"gini": pool_fairness({m: t.burden for m, t in members.items()}, exposures).gini,
				"at_cap": sum(
					1 for t in members.values() if at_block_cap(t.activations, t.covered, people.pool.caps)
				),
				"needed": resilience.needed,
				"spare": resilience.spare,
				"resilient": int(resilience.resilient),
			}
		)
	return rows


def last_complete_blocks(rows: list[dict]) -> list[dict]:
	"""Each pool's latest block that ended before today."""
	latest = {}
	for row in rows:
		if row["block_end"] < getdate():
			latest[row["pool"]] = row
	return list(latest.values())


def get_columns() -> list[dict]:
	def count(fieldname, label, width=100):
		return {"fieldname": fieldname, "label": label, "fieldtype": "Int", "width": width}

	return [
		{"fieldname": "pool", "label": _("Jeopardy Pool"), "fieldtype": "Link", "options": "Jeopardy Pool", "width": 180},
		{"fieldname": "block_start", "label": _("Block Start"), "fieldtype": "Date", "width": 110},
		{"fieldname": "block_end", "label": _("Block End"), "fieldtype": "Date", "width": 110},
		count("members", _("Members Available"), 140),
		count("activations", _("Activations")),
		{"fieldname": "units", "label": _("Units Covered"), "fieldtype": "Float", "precision": 2, "width": 110},
		{"fieldname": "activation_rate", "label": _("Activations per FTE"), "fieldtype": "Float", "precision": 2, "width": 150},
		{"fieldname": "gini", "label": _("Gini of Burden Rate"), "fieldtype": "Float", "precision": 3, "width": 150},
		count("at_cap", _("Members at Cap"), 130),
		count("needed", _("Members Needed"), 130),
		count("spare", _("Spare Members"), 120),
		{"fieldname": "resilient", "label": _("Resilient"), "fieldtype": "Check", "width": 90},
	]  # fmt: skip


def get_chart(last_blocks: list[dict]) -> dict:
	# A block whose covers no number of members could carry within the caps has no "needed"; its row
	# says so, and the chart leaves it out rather than draw a number that is not one.
	shown = [row for row in last_blocks if row["needed"] is not None]
	return {
		"data": {
			"labels": [row["pool"] for row in shown],
			"datasets": [
				{"name": _("Members available"), "values": [row["members"] for row in shown]},
				{"name": _("Members needed"), "values": [row["needed"] for row in shown]},
			],
		},
		"type": "bar",
	}


def summary_sentences(last_blocks: list[dict]) -> list[str]:
	"""Each pool's last complete block in words: could it have lost a member, and who hit a cap."""
	if not last_blocks:
		return [_("No pool has finished a block in this period yet.")]
	fragile = [row["pool"] for row in last_blocks if not row["resilient"]]
	at_cap = sum(row["at_cap"] for row in last_blocks)
	return [
		_(
			"In their last complete block, {0} of {1} pools could have lost any one member and still "
			"given every cover within the caps."
		).format(len(last_blocks) - len(fragile), len(last_blocks)),
		_("Could not lose a member: {0}.").format(", ".join(fragile))
		if fragile
		else _("Every pool had a member to spare."),
		_("Nobody reached a cap.")
		if not at_cap
		else counted(
			at_cap,
			_("1 member reached a cap and could take no more cover that block."),
			_("{0} members reached a cap and could take no more cover that block."),
		),
	]


def get_summary(last_blocks: list[dict]) -> list[dict]:
	resilient = sum(row["resilient"] for row in last_blocks)
	return [
		{"label": _("Pools"), "value": len(last_blocks), "datatype": "Int"},
		{
			"label": _("Resilient in Last Complete Block"),
			"value": resilient,
			"datatype": "Int",
			"indicator": "Green",
		},
		{
			"label": _("Not Resilient in Last Complete Block"),
			"value": len(last_blocks) - resilient,
			"datatype": "Int",
			"indicator": "Red",
		},
		{
			"label": _("Members at Cap in Last Complete Block"),
			"value": sum(row["at_cap"] for row in last_blocks),
			"datatype": "Int",
		},
	]
