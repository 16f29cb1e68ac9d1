"""Benchmark: automatic reviewer assignment at conference scale.

2,000 submissions, 300 reviewers, 3 reviews each, random bids, 2% conflicts, a cap of 25
reviews per reviewer. Prints the time OR-Tools' min-cost flow takes, the objective compared
with an independent formulation of the same problem (an integer programme over the pairs and
per-reviewer load slots, solved by SciPy's HiGHS), and the load spread.

    .venv/bin/python bench/assignment.py [--submissions 2000] [--reviewers 300] [--seed 1]
"""

from __future__ import annotations

import argparse
import pathlib
import random
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from conference.domain.assignment_solver import Problem, evaluate, load_spread, solve  # noqa: E402
from tests.assignment_reference import solve_with_milp  # noqa: E402

BID_SCORES = [20, 10, 0, -20]  # eager, willing, neutral, not willing (as domain.assignment scores them)
BID_WEIGHTS = [0.05, 0.10, 0.80, 0.05]


def random_problem(n_submissions: int, n_reviewers: int, reviews: int, cap: int, seed: int) -> Problem:
    rng = random.Random(seed)
    scores = {}
    for s in range(n_submissions):
        for r in range(n_reviewers):
            if rng.random() < 0.02:
                continue  # a conflict: no arc
            bid = rng.choices(BID_SCORES, BID_WEIGHTS)[0]
            keyword_bonus = 5 * rng.choice([0, 0, 0, 1, 2])
            scores[(s, r)] = bid + keyword_bonus
    return Problem(
        need={s: reviews for s in range(n_submissions)},
        capacity={r: cap for r in range(n_reviewers)},
        existing_load={r: 0 for r in range(n_reviewers)},
        scores=scores,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--reviewers", type=int, default=300)
    parser.add_argument("--reviews", type=int, default=3)
    parser.add_argument("--cap", type=int, default=25)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-check", action="store_true", help="do not run the independent integer programme")
    args = parser.parse_args()

    started = time.perf_counter()
    problem = random_problem(args.submissions, args.reviewers, args.reviews, args.cap, args.seed)
    built = time.perf_counter() - started
    print(f"instance: {args.submissions} submissions x {args.reviewers} reviewers, {args.reviews} reviews each, "
          f"cap {args.cap}, {len(problem.scores):,} allowed pairs (built in {built:.1f} s)")

    started = time.perf_counter()
    solution = solve(problem)
    took = time.perf_counter() - started
    loads = {r: 0 for r in problem.capacity}
    for _s, r in solution.pairs:
        loads[r] += 1
    spread = load_spread(loads)
    print(f"min-cost flow (OR-Tools): {took:.2f} s, {len(solution.pairs):,} assignments, "
          f"{sum(solution.missing.values())} reviews missing, objective {solution.objective:,}")
    print(f"load per reviewer: min {spread['min']}, max {spread['max']}, mean {spread['mean']}, "
          f"standard deviation {spread['stdev']}")
    eager = sum(1 for pair in solution.pairs if problem.scores[pair] >= 20)
    print(f"assignments on an eager bid: {eager:,}; on a not-willing bid: "
          f"{sum(1 for pair in solution.pairs if problem.scores[pair] < 0):,}")

    if args.skip_check:
        return
    started = time.perf_counter()
    reference = solve_with_milp(problem)
    took = time.perf_counter() - started
    print(f"integer programme (SciPy HiGHS): {took:.2f} s, objective {reference:,}")
    assert evaluate(problem, solution.pairs) == solution.objective
    verdict = "agree" if reference == solution.objective else "DISAGREE"
    print(f"objectives {verdict}")
    if reference != solution.objective:
        sys.exit(1)


if __name__ == "__main__":
    main()
