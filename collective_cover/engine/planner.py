"""Jeopardy Rota: who is first back-up on each day of a pool's plan, chosen so fairness stays flat.

Being first back-up for a day carries an expected burden w = standby credit + the pool's historical
activation units per day. For a plan over days [start, end] the projected deviation of member i is

	projected_devᵢ = carriedᵢ + w·nᵢ − w·D·eᵢ / E

where nᵢ is i's rota days, D the days that get someone, eᵢ i's exposure inside the plan (Σ FTE over the
days i is active in the pool and available) and E = Σ eᵢ (DOMAIN.md, "Fairness"). Days are local days of
the pool's time zone. A member may be rostered on a day only when active in the pool, not away for the
whole local day (by one record or several together: unavailability is the union of the records), and
under the pool's `max_rota_days_per_block` (the block calendar of engine/blocks.py, from the fairness
window that starts on `block_anchor`'s month and day).

Priorities, in order:
1. cover as many days as the caps allow (D is the maximum, found by a max-flow before planning);
2. minimise max |projected_devᵢ| over the members that can be rostered at all (members with no
   available day keep their carried deviation whatever the plan; leaving them out of the objective only
   refines the optimum, it never changes the reported max);
3. MILP only: avoid rostering anybody on consecutive days, by count-preserving swaps after the solve,
   so every member's nᵢ — hence the primary optimum — is exactly unchanged.

Methods:
- "milp": exact. The model is: binary x[i, d] for each available (member, day) pair and a continuous t;
  minimise t subject to −t ≤ projected_devᵢ ≤ t, one member per coverable day, block caps. Solved as
  one MILP, HiGHS cannot close the gap on a year-long pool (its LP bound is ~0), so t is found by
  bisection over the finitely many values max |projected_devᵢ| can take: for a threshold τ each count
  nᵢ gets integer bounds, and "is there a plan within τ" is a MILP over the same x whose matrix is
  totally unimodular, which scipy.optimize.milp (HiGHS) settles at the root. The smallest feasible τ is
  the model's optimum; the greedy plan, when it covers the most days, is the first incumbent.
  Fallback: if `time_limit` passes before the bisection ends, the best plan found so far (possibly the
  greedy one, still labelled "milp") is returned with optimal=False; if there is no plan covering the
  most days yet, the greedy plan itself is returned (method="greedy", optimal=False).
- "greedy": day by day, the available member with the smallest projected deviation (ties: fewer rota
  days so far, then a stable hash of (day, member) — never alphabetical), respecting caps.
- "auto": "milp" when it needs at most MILP_MAX_VARIABLES binaries, else "greedy".
Output is deterministic for the same inputs.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_flow

from .blocks import Block, block_of
from .fairness import days, unavailable_dates
from .model import Interval, Member, Pool, Unavailability

# 90 members × 365 days = 32,850 binaries solves exactly in seconds; far larger pools fall back to greedy.
MILP_MAX_VARIABLES = 200_000
_SPREAD_BUDGET = 2_000_000  # candidate swaps scanned when spreading rota days (about a second)

NOT_IN_POOL = "not in pool"
UNAVAILABLE = "unavailable"
BLOCK_CAP = "block cap reached"


@dataclass(frozen=True)
class RotaDay:
	day: date
	member: str | None  # None when nobody could be rostered
	explanation: str  # a sentence a coordinator can read: why this member, or why nobody
	available: int  # how many members could have been rostered
	excluded: tuple[tuple[str, str], ...]  # (member, reason) for members not available that day


@dataclass(frozen=True)
class RotaPlan:
	days: tuple[RotaDay, ...]
	method: str  # "milp" or "greedy"
	max_abs_deviation: float  # objective value achieved
	projected_deviation: Mapping[str, float]
	optimal: bool  # True when the MILP proved optimality

	@property
	def counts(self) -> dict[str, int]:
		"""Rota days per pool member (zero included)."""
		out = dict.fromkeys(self.projected_deviation, 0)
		for d in self.days:
			if d.member is not None:
				out[d.member] += 1
		return out


@dataclass(frozen=True)
class _Problem:
	ids: tuple[str, ...]  # pool members, in membership order
	dates: tuple[date, ...]
	status: tuple[tuple[str | None, ...], ...]  # per day, per member: None if available, else the reason
	avail: tuple[tuple[int, ...], ...]  # per day: indices of available members
	block: tuple[Block, ...]  # per day: the block it falls in
	cap: int | None
	carried: tuple[float, ...]
	w: float
	coverable: int  # D: the most days that can get someone under the caps
	share: tuple[float, ...]  # w·D·eᵢ/E
	names: tuple[str, ...]  # what explanations call each member (their name, else their id)

	def deviation(self, k: int, count: int) -> float:
		return self.carried[k] + self.w * count - self.share[k]


def expected_units_per_day(covered_units: float, window_start: date, today: date) -> float:
	"""What a rota day is expected to bring its first back-up: the pool's covers so far this window, per
	day elapsed (today included)."""
	return covered_units / max((today - window_start).days + 1, 1)


def called_out_days(spans: Iterable[tuple[datetime, datetime]], tz: tzinfo) -> tuple[Unavailability, ...]:
	"""A member's own filed requests as unavailability over every local day they touch: somebody who
	called out sick for a day is not that day's first back-up."""
	days_away = []
	for start, end in spans:
		first, last = Interval(start, end).day_span(tz)
		days_away.append(
			Unavailability(
				datetime.combine(first, datetime.min.time(), tz),
				datetime.combine(last + timedelta(days=1), datetime.min.time(), tz),
				kind="Called out",
			)
		)
	return tuple(days_away)


def plan_rota(
	pool: Pool,
	members: Sequence[Member],
	start: date,
	end: date,
	*,
	unavailability: Mapping[str, Sequence[Unavailability]] | None = None,
	carried_deviation: Mapping[str, float] | None = None,
	expected_units_per_day: float = 0.0,
	block_anchor: date | None = None,
	method: str = "auto",
	time_limit: float = 20.0,
	names: Mapping[str, str] | None = None,
) -> RotaPlan:
	"""Choose the first back-up for each day of [start, end] (inclusive); see the module docstring.

	Explanations call members by `names` (member id → name), falling back to their ids.

	With method "milp" or "auto", a solve that hits `time_limit` seconds returns the best plan found so
	far with optimal=False, or the greedy plan when the solver found none.
	"""
	if method not in ("auto", "milp", "greedy"):
		raise ValueError(f"unknown planning method {method!r} (auto, milp or greedy)")
	p = _problem(
		pool,
		members,
		start,
		end,
		unavailability or {},
		carried_deviation or {},
		expected_units_per_day,
		block_anchor or start,
		names or {},
	)
	variables = sum(len(av) for av in p.avail)
	if method == "greedy" or (method == "auto" and variables > MILP_MAX_VARIABLES):
		return _greedy(p)
	return _milp(p, time_limit)


def _problem(pool, members, start, end, unavailability, carried, expected, anchor, names) -> _Problem:
	if end < start:
		raise ValueError(f"plan ends ({end}) before it starts ({start})")
	caps = pool.caps
	cap = caps.max_rota_days_per_block
	if cap is not None and cap < 0:
		raise ValueError(f"max_rota_days_per_block must not be negative, got {cap}")
	w = pool.standby_credit + expected
	if w < 0:
		raise ValueError(f"expected burden of a rota day must not be negative, got {w}")
	by_id = {m.id: m for m in members}
	ids = tuple(dict.fromkeys(ms.member for ms in pool.memberships))
	missing = [i for i in ids if i not in by_id]
	if missing:
		raise ValueError(f"pool {pool.name} has memberships for unknown members: {', '.join(missing)}")
	# A member may have left and rejoined: any active membership counts, with that membership's FTE.
	spans = {i: [ms for ms in pool.memberships if ms.member == i] for i in ids}
	dates = tuple(days(start, end))
	away = {i: unavailable_dates(unavailability.get(i, ()), start, end, pool.zone) for i in ids}
	exposure = [0.0] * len(ids)
	status, avail = [], []
	for day in dates:
		row: list[str | None] = []
		av = []
		for k, i in enumerate(ids):
			ms = next((m for m in spans[i] if m.active_on(day)), None)
			if ms is None:
				row.append(NOT_IN_POOL)
			elif day in away[i]:
				row.append(UNAVAILABLE)
			else:
				row.append(None)
				av.append(k)
				exposure[k] += ms.fte if ms.fte is not None else by_id[i].fte
		status.append(tuple(row))
		avail.append(tuple(av))
	block = tuple(block_of(day, anchor, caps.block_days) for day in dates)
	coverable = _max_coverage(avail, block, cap)
	total = sum(exposure)
	share = tuple(w * coverable * e / total if total > 0 else 0.0 for e in exposure)
	return _Problem(
		ids=ids,
		dates=dates,
		status=tuple(status),
		avail=tuple(avail),
		block=block,
		cap=cap,
		carried=tuple(float(carried.get(i, 0.0)) for i in ids),
		w=w,
		coverable=coverable,
		share=share,
		names=tuple(names.get(i, i) for i in ids),
	)


def _max_coverage(avail, block, cap) -> int:
	"""Most days that can get someone: a max-flow source → day → (member, block) → sink."""
	open_days = [d for d, av in enumerate(avail) if av]
	if cap is None:
		return len(open_days)
	per_block: dict[tuple[int, int], int] = {}
	for d in open_days:
		for k in avail[d]:
			per_block[k, block[d]] = per_block.get((k, block[d]), 0) + 1
	if all(n <= cap for n in per_block.values()):
		return len(open_days)  # the cap can never bind
	node = {kb: 1 + len(open_days) + j for j, kb in enumerate(per_block)}
	sink = 1 + len(open_days) + len(node)
	edges: list[tuple[int, int, int]] = []  # (from, to, capacity)
	for j, d in enumerate(open_days):
		edges.append((0, 1 + j, 1))
		edges.extend((1 + j, node[k, block[d]], 1) for k in avail[d])
	edges.extend((v, sink, cap) for v in node.values())
	frm, to, capacity = (np.array(c) for c in zip(*edges, strict=True))
	graph = csr_matrix((capacity.astype(np.int32), (frm, to)), shape=(sink + 1, sink + 1))
	return int(maximum_flow(graph, 0, sink).flow_value)


def _tie(day: date, member: str) -> int:
	return int.from_bytes(hashlib.sha256(f"{day.isoformat()}\x1f{member}".encode()).digest()[:8], "big")


def _units(x: float) -> str:
	x = 0.0 if abs(x) < 0.005 else x  # no "−0.00"
	return f"−{-x:.2f}" if x < 0 else (f"+{x:.2f}" if x > 0 else "0.00")


def _greedy_choices(p: _Problem) -> tuple[list[int | None], list[tuple[int, ...]], list[str]]:
	"""Day by day: the member with the smallest projected deviation (as if given no more days) takes it."""
	counts = [0] * len(p.ids)
	in_block: dict[tuple[int, int], int] = {}
	chosen: list[int | None] = []
	capped_by_day: list[tuple[int, ...]] = []
	notes: list[str] = []
	for d, day in enumerate(p.dates):
		b = p.block[d]
		ok = [k for k in p.avail[d] if p.cap is None or in_block.get((k, b), 0) < p.cap]
		capped_by_day.append(tuple(k for k in p.avail[d] if k not in ok))
		if not ok:
			chosen.append(None)
			notes.append("")
			continue

		def key(k, day=day):
			# Rounded so float noise cannot outrank the documented tie-breaks.
			return (round(p.deviation(k, counts[k]), 9), counts[k], _tie(day, p.ids[k]))

		ranked = sorted(ok, key=key)
		k = ranked[0]
		note = f"lowest projected deviation among {len(ok)} available ({_units(p.deviation(k, counts[k]))} units before this day"
		if len(ranked) > 1 and key(ranked[1])[0] == key(k)[0]:
			tied_on = (
				"fewer rota days so far" if key(ranked[1])[1] > counts[k] else "order set by a stable hash"
			)
			note += f"; tied, {tied_on}"
		chosen.append(k)
		notes.append(note)
		counts[k] += 1
		in_block[k, b] = in_block.get((k, b), 0) + 1
	return chosen, capped_by_day, notes


def _greedy(p: _Problem) -> RotaPlan:
	chosen, capped_by_day, notes = _greedy_choices(p)
	counts = _counts(p, chosen)
	final = _final_deviation(p, counts)
	days_out = []
	for d, k in enumerate(chosen):
		if k is None:
			days_out.append(_open_day(p, d, capped_by_day[d]))
		else:
			text = f"{p.names[k]}: {notes[d]}; {_units(final[k])} after this plan)."
			days_out.append(_rostered_day(p, d, k, capped_by_day[d], text))
	return _plan(p, tuple(days_out), counts, "greedy", optimal=False)


class _Timeout(Exception):
	pass


class _Feasibility:
	"""The MILP "some plan has every |nᵢ − targetᵢ| ≤ τ" for a threshold τ (in rota days).

	Rows: one member per coverable day (or ≤ 1 plus a pinned total when caps leave days open), block caps,
	and lᵢ(τ) ≤ Σ_d x[i, d] ≤ uᵢ(τ) per member. Only the last rows' bounds change with τ, so the matrix
	is built once. Every column has a 1 in a day row and in rows of one laminar family (member ⊃ member
	block ⊂ total), so the matrix is totally unimodular and HiGHS settles each step at the root LP.
	"""

	def __init__(self, p: _Problem, deadline: float):
		self.p, self.deadline = p, deadline
		self.var_member = np.array([k for av in p.avail for k in av], dtype=int)
		self.var_day = np.array([d for d, av in enumerate(p.avail) for _ in av], dtype=int)
		nv = len(self.var_member)
		self.rosterable = sorted(set(self.var_member.tolist()))
		self.avail_days = np.bincount(self.var_member, minlength=len(p.ids))[self.rosterable]
		open_days = sorted(set(self.var_day.tolist()))
		day_row = np.full(len(p.dates), -1)
		day_row[open_days] = np.arange(len(open_days))
		every_day = p.coverable == len(open_days)
		rows = [day_row[self.var_day]]
		cols = [np.arange(nv)]
		lo = [np.full(len(open_days), 1.0 if every_day else 0.0)]
		hi = [np.ones(len(open_days))]
		r = len(open_days)
		if not every_day:
			rows.append(np.full(nv, r))
			cols.append(np.arange(nv))
			lo.append(np.array([float(p.coverable)]))
			hi.append(np.array([float(p.coverable)]))
			r += 1
		if p.cap is not None:
			groups: dict[tuple[int, int], list[int]] = {}
			for v, (k, d) in enumerate(zip(self.var_member.tolist(), self.var_day.tolist(), strict=True)):
				groups.setdefault((k, p.block[d]), []).append(v)
			binding = [vs for vs in groups.values() if len(vs) > p.cap]  # others can never exceed the cap
			for j, vs in enumerate(binding):
				rows.append(np.full(len(vs), r + j))
				cols.append(np.array(vs))
			lo.append(np.full(len(binding), -np.inf))
			hi.append(np.full(len(binding), float(p.cap)))
			r += len(binding)
		member_row = np.full(len(p.ids), -1)
		member_row[self.rosterable] = r + np.arange(len(self.rosterable))
		rows.append(member_row[self.var_member])
		cols.append(np.arange(nv))
		self.fixed_lo, self.fixed_hi = np.concatenate(lo), np.concatenate(hi)
		r += len(self.rosterable)
		rows_, cols_ = np.concatenate(rows), np.concatenate(cols)
		self.matrix = csr_matrix((np.ones(len(rows_)), (rows_, cols_)), shape=(r, nv))
		self.nv = nv
		self.target = np.array(
			[(p.share[k] - p.carried[k]) / p.w if p.w > 0 else 0.0 for k in self.rosterable]
		)

	def count_bounds(self, tau: float) -> tuple[np.ndarray, np.ndarray]:
		# The 1e-9 slack keeps a threshold that is exactly attained from being lost to float rounding.
		lower = np.maximum(0.0, np.ceil(self.target - tau - 1e-9))
		upper = np.minimum(self.avail_days, np.floor(self.target + tau + 1e-9))
		return lower, upper

	def solve(self, tau: float) -> list[int | None] | None:
		"""A plan within τ, or None when there is none; raises _Timeout when the time is up first."""
		lower, upper = self.count_bounds(tau)
		if np.any(lower > upper) or lower.sum() > self.p.coverable or upper.sum() < self.p.coverable:
			return None  # infeasible without asking the solver
		remaining = self.deadline - time.monotonic()
		if remaining <= 0:
			raise _Timeout
		res = milp(
			np.zeros(self.nv),
			integrality=np.ones(self.nv),
			bounds=Bounds(0.0, 1.0),
			constraints=LinearConstraint(
				self.matrix, np.r_[self.fixed_lo, lower], np.r_[self.fixed_hi, upper]
			),
			options={"time_limit": remaining, "disp": False},
		)
		if res.status == 2:
			return None
		if res.x is None:
			raise _Timeout
		assignment: list[int | None] = [None] * len(self.p.dates)
		best = np.full(len(self.p.dates), 0.5)
		for v in np.flatnonzero(res.x > 0.5):  # round: never trust exact 0/1 from a float solver
			d = self.var_day[v]
			if res.x[v] > best[d]:
				best[d] = res.x[v]
				assignment[d] = int(self.var_member[v])
		return assignment if self.within(assignment, tau) else None

	def within(self, assignment: list[int | None], tau: float) -> bool:
		"""Checked in plain integers: coverage, caps and every count inside its τ-interval."""
		counts = _counts(self.p, assignment)
		lower, upper = self.count_bounds(tau)
		return (
			sum(counts) == self.p.coverable
			and _respects_caps(self.p, assignment)
			and all(lo <= counts[k] <= hi for k, lo, hi in zip(self.rosterable, lower, upper, strict=True))
		)

	def value(self, assignment: list[int | None]) -> float:
		counts = _counts(self.p, assignment)
		return max(
			(abs(counts[k] - t) for k, t in zip(self.rosterable, self.target, strict=True)), default=0.0
		)

	def thresholds(self, up_to: float) -> list[float]:
		"""Every value max |nᵢ − targetᵢ| can take up to `up_to`, from the largest unavoidable one."""
		floor = 0.0
		values = set()
		for t, a in zip(self.target.tolist(), self.avail_days.tolist(), strict=True):
			nearest = min(max(round(t), 0), a)
			floor = max(floor, abs(nearest - t))
			first, last = max(0, math.floor(t - up_to)), min(a, math.ceil(t + up_to))
			values.update(round(abs(n - t), 9) for n in range(first, last + 1))
		return sorted(v for v in values if round(floor, 9) <= v <= up_to + 1e-9)


def _milp(p: _Problem, time_limit: float) -> RotaPlan:
	"""Exact minimax by bisection over the finitely many values the objective can take.

	Solving "min t" in one MILP leaves HiGHS with a near-zero LP bound (fractional counts meet every
	target), so it cannot close the gap on a year-long pool; a threshold instead turns into integer count
	bounds, and each step is a totally unimodular feasibility MILP. The smallest feasible threshold is
	the exact optimum of the formulation in the module docstring.
	"""
	if not any(p.avail):
		return _from_assignment(p, [None] * len(p.dates), "milp", optimal=True)
	model = _Feasibility(p, time.monotonic() + time_limit)
	greedy, _, _ = _greedy_choices(p)
	best: list[int | None] | None = None
	if sum(_counts(p, greedy)) == p.coverable:
		best = greedy  # a feasible incumbent and an upper bound, before any solve
	try:
		if best is None:
			best = model.solve(math.inf)  # the caps bind: the solver finds a plan covering the most days
		if best is not None and p.w > 0:  # with w = 0 every plan has the same deviations
			candidates = model.thresholds(model.value(best))
			lo, hi = 0, len(candidates) - 1  # candidates[hi] is attained by `best`
			while lo < hi:
				mid = (lo + hi) // 2
				found = model.solve(candidates[mid])
				if found is None:
					lo = mid + 1
				else:
					best, hi = found, mid
	except _Timeout:
		if best is None:
			return _greedy(p)
		return _from_assignment(p, _spread(p, best), "milp", optimal=False)
	if best is None:
		return _greedy(p)  # numerical trouble: the solver's plan failed the integer checks
	return _from_assignment(p, _spread(p, best), "milp", optimal=True)


def _counts(p: _Problem, assignment) -> list[int]:
	counts = [0] * len(p.ids)
	for k in assignment:
		if k is not None:
			counts[k] += 1
	return counts


def _block_counts(p: _Problem, assignment) -> dict[tuple[int, int], int]:
	counts: dict[tuple[int, int], int] = {}
	for d, k in enumerate(assignment):
		if k is not None:
			counts[k, p.block[d]] = counts.get((k, p.block[d]), 0) + 1
	return counts


def _respects_caps(p: _Problem, assignment) -> bool:
	return p.cap is None or all(n <= p.cap for n in _block_counts(p, assignment).values())


def _spread(p: _Problem, assignment: list[int | None]) -> list[int | None]:
	"""Swap days between members to break up back-to-back rota days, keeping everyone's count.

	Every accepted swap strictly lowers the number of back-to-back pairs, so this terminates; counts per
	member never change, so neither does any projected deviation. Pairwise swaps only: a tiny pool with
	long runs can be left with avoidable back-to-back days, and `_SPREAD_BUDGET` bounds the effort.
	"""
	a = list(assignment)
	n = len(a)
	budget = _SPREAD_BUDGET
	ok = [set(av) for av in p.avail]
	in_block = _block_counts(p, a)

	def clashes(positions) -> int:
		return sum(1 for d in positions if 0 <= d < n - 1 and a[d] is not None and a[d] == a[d + 1])

	improved = True
	while improved:
		improved = False
		for x in range(n):
			i = a[x]
			if i is None or not ((x > 0 and a[x - 1] == i) or (x < n - 1 and a[x + 1] == i)):
				continue
			budget -= n
			if budget < 0:
				return a
			for y in range(n):
				j = a[y]
				if j is None or j == i or (0 < y < n - 1 and a[y - 1] == i == a[y + 1]):
					continue  # i between two of its own days gains two pairs: never a strict improvement
				if i not in ok[y] or j not in ok[x]:
					continue
				bx, by = p.block[x], p.block[y]
				if p.cap is not None and bx != by:
					if in_block.get((i, by), 0) >= p.cap or in_block.get((j, bx), 0) >= p.cap:
						continue
				around = {x - 1, x, y - 1, y}
				before = clashes(around)
				a[x], a[y] = j, i
				if clashes(around) < before:
					for who, frm, to in ((i, bx, by), (j, by, bx)):
						in_block[who, frm] -= 1
						in_block[who, to] = in_block.get((who, to), 0) + 1
					improved = True
					break
				a[x], a[y] = i, j
	return a


def _from_assignment(p: _Problem, assignment, method: str, *, optimal: bool) -> RotaPlan:
	counts = _counts(p, assignment)
	in_block = _block_counts(p, assignment)
	final = _final_deviation(p, counts)
	worst = max((abs(v) for v in final), default=0.0)
	how = "by the optimiser" if optimal else "in the best plan the optimiser found within its time limit"
	days_out = []
	for d, k in enumerate(assignment):
		capped = tuple(
			c
			for c in p.avail[d]
			if c != k and p.cap is not None and in_block.get((c, p.block[d]), 0) >= p.cap
		)
		if k is None:
			days_out.append(_open_day(p, d, capped))
			continue
		available = len(p.avail[d]) - len(capped)
		text = (
			f"{p.names[k]}: chosen {how} among {available} available to keep everyone within "
			f"{worst:.2f} units of their fair share; {p.names[k]} ends this plan at "
			f"{_units(final[k])} units with {counts[k]} rota day{'s' * (counts[k] != 1)}."
		)
		days_out.append(_rostered_day(p, d, k, capped, text))
	return _plan(p, tuple(days_out), counts, method, optimal=optimal)


def _excluded(p: _Problem, d: int, capped) -> tuple[tuple[str, str], ...]:
	out = [(p.ids[k], reason) for k, reason in enumerate(p.status[d]) if reason is not None]
	out.extend((p.ids[k], BLOCK_CAP) for k in capped)
	return tuple(sorted(out, key=lambda e: p.ids.index(e[0])))


def _rostered_day(p: _Problem, d: int, k: int, capped, text: str) -> RotaDay:
	return RotaDay(p.dates[d], p.ids[k], text, len(p.avail[d]) - len(capped), _excluded(p, d, capped))


def _open_day(p: _Problem, d: int, capped) -> RotaDay:
	excluded = _excluded(p, d, capped)
	if not p.ids:
		text = "Nobody rostered: the pool has no members."
	elif not p.avail[d]:
		away = sum(1 for r in p.status[d] if r == UNAVAILABLE)
		out = sum(1 for r in p.status[d] if r == NOT_IN_POOL)
		text = f"Nobody rostered: no pool member is active and available ({away} unavailable, {out} not in pool)."
	elif len(capped) == len(p.avail[d]):
		block = p.block[d]
		text = (
			f"Nobody rostered: all {len(capped)} available member{'s' * (len(capped) != 1)} already have "
			f"{p.cap} rota day{'s' * (p.cap != 1)} in the block {block.first.isoformat()} to "
			f"{block.last.isoformat()} "
			"(the pool's block cap)."
		)
	else:
		text = "Nobody rostered: leaving this day open lets the block caps cover the most days overall."
	return RotaDay(p.dates[d], None, text, len(p.avail[d]) - len(capped), excluded)


def _final_deviation(p: _Problem, counts) -> list[float]:
	# D is the days actually covered, which a greedy plan under caps may leave below the maximum.
	scale = sum(counts) / p.coverable if p.coverable else 0.0
	return [p.carried[k] + p.w * counts[k] - p.share[k] * scale for k in range(len(p.ids))]


def _plan(p: _Problem, days_out, counts, method: str, *, optimal: bool) -> RotaPlan:
	deviation = dict(zip(p.ids, _final_deviation(p, counts), strict=True))
	return RotaPlan(
		days=days_out,
		method=method,
		max_abs_deviation=max((abs(v) for v in deviation.values()), default=0.0),
		projected_deviation=deviation,
		optimal=optimal,
	)
