from collective_cover.devtools.benchmarks.engine import QUICK, main, ranking_pool
from collective_cover.engine.simulate import COLLECTIVE, LOAD_BALANCING, ROUND_ROBIN


def test_quick_bench_prints_the_four_ratio_tables(capsys):
	assert main(["--quick"]) == 0
	out = capsys.readouterr().out
	sections = out.split("\n\n")
	assert [s.splitlines()[0] for s in sections] == [
		f"Ranking one request (time relative to {QUICK.ranking_members[0]} members)",
		"Rota planner: greedy fallback vs MILP optimum (max |projected deviation|, units)",
		f"Simulated year, {QUICK.simulated_members} residents: collective policy vs Assignment-Rule baselines",
		"Coach pairing: exact optimiser, time relative to a one-second budget",
	]
	ranking = [[cell.strip() for cell in line.split(" | ")] for line in sections[0].splitlines()[1:]]
	assert ranking[0] == ["members", "size ratio", "time ratio", "time per member ratio"]
	assert [row[:2] for row in ranking[2:]] == [["50", "1"], ["100", "2"], ["200", "4"]]
	assert ranking[2][2:] == ["1.00", "1.00"]  # the reference row; other timings are not asserted
	planner = [cell.strip() for cell in sections[1].splitlines()[3].split(" | ")]
	assert planner[:2] == [f"{QUICK.planner_members} members × {QUICK.planner_days} days", "56 / 56"]
	gap = float(planner[4])
	assert gap >= 0  # the MILP optimum is never beaten by the greedy fallback
	fairness = [[cell.strip() for cell in line.split(" | ")] for line in sections[2].splitlines()[3:]]
	assert [row[0] for row in fairness] == [COLLECTIVE, ROUND_ROBIN, LOAD_BALANCING]
	assert fairness[1][2] == "1.000"  # round robin is the variance reference
	assert fairness[2][3] == "1.000"  # and load balancing its own
	pairing = [cell.strip() for cell in sections[3].splitlines()[3].split(" | ")]
	assert pairing[:4] == ["30 × 12", "360", "30 / 30", "yes"]


def test_ranking_pool_gives_every_member_own_work_around_the_request():
	request, pool, candidates = ranking_pool(25, seed=1)
	assert len(candidates) == len(pool.memberships) == 25
	assert all(c.schedule or c.clinic_sessions for c in candidates)
	assert ranking_pool(25, seed=1) == (request, pool, candidates)  # seeded
