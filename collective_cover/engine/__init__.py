"""collective_cover's functional core: plain Python, no frappe import.

One module per decision:
- model        — immutable records: members, pools, duties, ledger rows, requests
- units        — what a duty weighs in cover units
- fairness     — exposure, fair share, deviation, Gini, coefficient of variation
- work_hours   — ACGME work-hour rules with the figures behind each finding
- eligibility  — who may cover a request, each exclusion with a reason code and a sentence
- policies     — reciprocity policies: ledger rows a cover writes; who earns standby; per-member aggregates
- blocks       — the block calendar the caps count in, cut at the end of the academic year
- ranking      — ordered eligible members and excluded members, with reasons; continuity hold
- ladder       — the escalation ladder: what to do for a request now
- planner      — the fair jeopardy rota (first back-up per day), exact MILP with a greedy fallback
- simulate     — a synthetic programme year under each policy and two Assignment-Rule baselines
- clinic       — clinic half-days from weekly templates (with cycles) and dated sessions; overlap
- pairing      — optimal coach pairings under capacity, never breaking an active one
- meetings     — coaching meeting proposals in shared half-days, and the pace of a pairing
- care_team    — patient-identifier checks for care-team labels
- wellness     — whether a member's call-outs prompt a wellness check-in
- ical         — iCalendar (RFC 5545) documents for members' calendar feeds
- bench        — benchmarks printed as ratios
"""
