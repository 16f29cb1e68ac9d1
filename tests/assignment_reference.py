"""Independent formulations of the assignment problem, to check the min-cost flow against.

* ``solve_with_milp``: an integer programme over the allowed pairs x[s,r], one binary load
  slot y[r,k] per possible k-th review of reviewer r (costing balance*k) and an integer
  shortfall u[s] per submission (costing M), solved by SciPy's HiGHS.
* ``brute_force``: every subset of the allowed pairs, for tiny instances.

Both return the best value of ``assignment_solver.evaluate``'s objective.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from conference.review.assignment_solver import Problem, evaluate


def solve_with_milp(problem: Problem) -> int:
    pairs = sorted(p for p in problem.scores if problem.need.get(p[0], 0) > 0 and problem.capacity.get(p[1], 0) > 0)
    submissions = sorted(problem.need)
    reviewers = sorted(problem.capacity)
    slots = [(r, k) for r in reviewers
             for k in range(problem.existing_load.get(r, 0), problem.existing_load.get(r, 0) + problem.capacity[r])]
    n_x, n_y, n_u = len(pairs), len(slots), len(submissions)
    overflow = problem.overflow_cost()
    # Minimise: -score*x + balance*k*y + M*u
    cost = np.concatenate([
        np.array([-problem.scores[p] for p in pairs], dtype=float),
        np.array([problem.balance * k for _r, k in slots], dtype=float),
        np.full(n_u, float(overflow)),
    ])
    row_of_sub = {s: i for i, s in enumerate(submissions)}
    row_of_rev = {r: len(submissions) + i for i, r in enumerate(reviewers)}
    rows, cols, vals = [], [], []
    for j, (s, r) in enumerate(pairs):
        rows += [row_of_sub[s], row_of_rev[r]]
        cols += [j, j]
        vals += [1.0, 1.0]
    for j, (r, _k) in enumerate(slots):
        rows.append(row_of_rev[r])
        cols.append(n_x + j)
        vals.append(-1.0)
    for j, s in enumerate(submissions):
        rows.append(row_of_sub[s])
        cols.append(n_x + n_y + j)
        vals.append(1.0)
    n_rows = len(submissions) + len(reviewers)
    matrix = coo_array((vals, (rows, cols)), shape=(n_rows, n_x + n_y + n_u)).tocsr()
    rhs = np.array([problem.need[s] for s in submissions] + [0] * len(reviewers), dtype=float)
    upper = np.concatenate([np.ones(n_x + n_y), np.array([problem.need[s] for s in submissions], dtype=float)])
    result = milp(
        cost,
        constraints=LinearConstraint(matrix, rhs, rhs),
        integrality=np.ones(n_x + n_y + n_u),
        bounds=Bounds(np.zeros(n_x + n_y + n_u), upper),
    )
    if not result.success:
        raise RuntimeError(result.message)
    return -round(result.fun)


def brute_force(problem: Problem) -> int:
    pairs = sorted(problem.scores)
    best = None
    for size in range(len(pairs) + 1):
        for chosen in itertools.combinations(pairs, size):
            try:
                value = evaluate(problem, chosen)
            except ValueError:
                continue
            best = value if best is None else max(best, value)
    return best
