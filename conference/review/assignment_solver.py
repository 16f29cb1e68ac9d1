"""Optimal reviewer assignment as a min-cost flow, solved by OR-Tools.

A pure module: no database, no Flask. ``domain.assignment`` builds the problem from an event
and stores the result; the benchmark and the tests call this directly.

The network::

    source --need_s--> submission s --1, -score(s,r)--> reviewer r --unit arcs--> sink
                       submission s --need_s, M------------------------------------> sink

* A pair (s, r) has an arc only where it is allowed: never for a conflict, an author, a
  reviewer outside the submission's tracks, or a pair already assigned. Hard constraints are
  missing arcs, so no weight can buy them.
* Reviewer r's arcs to the sink are ``capacity_r`` unit arcs costing ``balance * k`` for its
  k-th review (counting existing ones): a convex cost, so the cheapest flow spreads the load.
* The overflow arc costs M, more than any rerouting can save, so the flow first assigns as
  many reviews as the constraints allow and then, among those, maximises the preference.

The objective maximised is therefore::

    sum of score(s, r) over new pairs - balance * sum over reviewers of (load penalties)
    - M * (reviews still missing)

``evaluate`` computes it for any set of pairs, so another solver (SciPy's integer programme in
``bench/assignment.py`` and the tests) or a brute force can be compared with this one.
"""

from __future__ import annotations

import dataclasses
import statistics

from ortools.graph.python import min_cost_flow


@dataclasses.dataclass
class Problem:
    need: dict[int, int]  # submission id -> reviews still wanted
    capacity: dict[int, int]  # reviewer id -> reviews they may still take
    existing_load: dict[int, int]  # reviewer id -> reviews they already have
    scores: dict[tuple[int, int], int]  # allowed (submission, reviewer) -> preference score
    balance: int = 2  # cost of each further review on one reviewer (k-th review costs balance*k)

    def overflow_cost(self) -> int:
        """M: larger than anything a path of reroutings can gain, so coverage comes first."""
        biggest = max((abs(v) for v in self.scores.values()), default=0)
        heaviest = max((self.existing_load.get(r, 0) + c for r, c in self.capacity.items()), default=0)
        nodes = len(self.need) + len(self.capacity) + 2
        return (2 * biggest + self.balance * heaviest + 1) * nodes

    def load_cost(self, reviewer: int, new: int) -> int:
        start = self.existing_load.get(reviewer, 0)
        return sum(self.balance * k for k in range(start, start + new))


@dataclasses.dataclass
class Solution:
    pairs: list[tuple[int, int]]
    objective: int  # as ``evaluate`` computes it
    missing: dict[int, int]  # submission id -> reviews that could not be assigned


def evaluate(problem: Problem, pairs) -> int:
    """The objective of a set of new pairs (higher is better). Raises on an infeasible set."""
    per_submission: dict[int, int] = {}
    per_reviewer: dict[int, int] = {}
    total = 0
    for s, r in pairs:
        if (s, r) not in problem.scores:
            raise ValueError(f"pair {(s, r)} is not allowed")
        total += problem.scores[(s, r)]
        per_submission[s] = per_submission.get(s, 0) + 1
        per_reviewer[r] = per_reviewer.get(r, 0) + 1
    if len(set(pairs)) != len(list(pairs)):
        raise ValueError("a pair appears twice")
    for s, n in per_submission.items():
        if n > problem.need.get(s, 0):
            raise ValueError(f"submission {s} gets more reviews than wanted")
    for r, n in per_reviewer.items():
        if n > problem.capacity.get(r, 0):
            raise ValueError(f"reviewer {r} goes over their cap")
    total -= sum(problem.load_cost(r, n) for r, n in per_reviewer.items())
    missing = sum(need - per_submission.get(s, 0) for s, need in problem.need.items())
    return total - problem.overflow_cost() * missing


def solve(problem: Problem) -> Solution:
    flow = min_cost_flow.SimpleMinCostFlow()
    submissions = [s for s, n in problem.need.items() if n > 0]
    reviewers = [r for r, c in problem.capacity.items() if c > 0]
    node_of_submission = {s: i + 2 for i, s in enumerate(submissions)}
    node_of_reviewer = {r: i + 2 + len(submissions) for i, r in enumerate(reviewers)}
    source, sink = 0, 1
    overflow = problem.overflow_cost()
    total_need = sum(problem.need[s] for s in submissions)

    for s in submissions:
        flow.add_arc_with_capacity_and_unit_cost(source, node_of_submission[s], problem.need[s], 0)
        flow.add_arc_with_capacity_and_unit_cost(node_of_submission[s], sink, problem.need[s], overflow)
    pair_arcs: dict[int, tuple[int, int]] = {}
    for (s, r), score in problem.scores.items():
        if s in node_of_submission and r in node_of_reviewer:
            arc = flow.add_arc_with_capacity_and_unit_cost(node_of_submission[s], node_of_reviewer[r], 1, -score)
            pair_arcs[arc] = (s, r)
    for r in reviewers:
        start = problem.existing_load.get(r, 0)
        for k in range(start, start + problem.capacity[r]):
            flow.add_arc_with_capacity_and_unit_cost(node_of_reviewer[r], sink, 1, problem.balance * k)
    flow.set_node_supply(source, total_need)
    flow.set_node_supply(sink, -total_need)
    if total_need == 0:
        return Solution(pairs=[], objective=0, missing={})
    status = flow.solve()
    if status != flow.OPTIMAL:  # cannot happen: the overflow arcs make every instance feasible
        raise RuntimeError(f"min-cost flow solver returned status {status}")

    pairs = sorted(pair for arc, pair in pair_arcs.items() if flow.flow(arc) > 0)
    got: dict[int, int] = {}
    for s, _r in pairs:
        got[s] = got.get(s, 0) + 1
    missing = {s: n - got.get(s, 0) for s, n in problem.need.items() if n - got.get(s, 0) > 0}
    return Solution(pairs=pairs, objective=evaluate(problem, pairs), missing=missing)


def load_spread(loads: dict[int, int]) -> dict:
    values = list(loads.values())
    if not values:
        return {"min": 0, "max": 0, "mean": 0.0, "stdev": 0.0}
    return {
        "min": min(values),
        "max": max(values),
        "mean": round(statistics.fmean(values), 2),
        "stdev": round(statistics.pstdev(values), 2),
    }
