"""The min-cost flow finds the optimal assignment: checked against a brute force and SciPy's
integer programme on small random instances, and on cases whose answer is known."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from conference.review.assignment_solver import Problem, evaluate, load_spread, solve

from ..assignment_reference import brute_force, solve_with_milp


@st.composite
def problems(draw):
    submissions = list(range(1, draw(st.integers(1, 4)) + 1))
    reviewers = list(range(101, 101 + draw(st.integers(1, 3))))
    need = {s: draw(st.integers(0, 3)) for s in submissions}
    capacity = {r: draw(st.integers(0, 3)) for r in reviewers}
    existing = {r: draw(st.integers(0, 3)) for r in reviewers}
    scores = {}
    for s in submissions:
        for r in reviewers:
            if draw(st.booleans()):  # a missing pair: a conflict, an author, another track...
                scores[(s, r)] = draw(st.sampled_from([-20, -15, 0, 3, 5, 10, 13, 20, 35]))
    # The brute force tries every subset of pairs: keep it to a few thousand.
    if len(scores) > 10:
        scores = dict(sorted(scores.items())[:10])
    return Problem(need=need, capacity=capacity, existing_load=existing, scores=scores,
                   balance=draw(st.integers(0, 3)))


@settings(max_examples=150, deadline=None)
@given(problems())
def test_solver_is_optimal_on_small_random_instances(problem):
    solution = solve(problem)
    assert solution.objective == evaluate(problem, solution.pairs)
    assert solution.objective == brute_force(problem)
    assert solution.objective == solve_with_milp(problem)
    # Missing reviews are what the pairs leave uncovered.
    got = {s: sum(1 for p in solution.pairs if p[0] == s) for s in problem.need}
    assert solution.missing == {s: n - got[s] for s, n in problem.need.items() if n > got[s]}


def test_never_over_a_cap_even_when_everyone_wants_one_reviewer():
    problem = Problem(need={1: 1, 2: 1, 3: 1}, capacity={10: 1, 20: 3}, existing_load={10: 0, 20: 0},
                      scores={(1, 10): 20, (2, 10): 20, (3, 10): 20, (1, 20): -20, (2, 20): -20, (3, 20): -20})
    solution = solve(problem)
    assert sum(1 for _s, r in solution.pairs if r == 10) == 1
    assert len(solution.pairs) == 3 and solution.missing == {}


def test_conflicts_are_never_assigned_even_if_a_review_goes_missing():
    # (1, 20) is a conflict: no arc. Reviewer 10 is full, so submission 1 stays short.
    problem = Problem(need={1: 2}, capacity={10: 1, 20: 5}, existing_load={}, scores={(1, 10): 0})
    solution = solve(problem)
    assert solution.pairs == [(1, 10)]
    assert solution.missing == {1: 1}


def test_loads_are_balanced_when_bids_are_equal():
    need = {s: 1 for s in range(1, 7)}
    scores = {(s, r): 10 for s in need for r in (10, 20, 30)}
    solution = solve(Problem(need=need, capacity={10: 6, 20: 6, 30: 6}, existing_load={}, scores=scores))
    loads = {r: sum(1 for _s, x in solution.pairs if x == r) for r in (10, 20, 30)}
    assert loads == {10: 2, 20: 2, 30: 2}
    assert load_spread(loads) == {"min": 2, "max": 2, "mean": 2.0, "stdev": 0.0}


def test_existing_loads_count_towards_balance():
    # Reviewer 10 already has 3 reviews: the two new ones go to 20.
    problem = Problem(need={1: 1, 2: 1}, capacity={10: 5, 20: 5}, existing_load={10: 3, 20: 0},
                      scores={(s, r): 0 for s in (1, 2) for r in (10, 20)})
    assert [r for _s, r in solve(problem).pairs] == [20, 20]


def test_coverage_is_preferred_over_preference():
    # Giving reviewer 10 their eager bid on 1 would leave submission 2 with nobody: 10 must take 2.
    problem = Problem(need={1: 1, 2: 1}, capacity={10: 1, 20: 1}, existing_load={},
                      scores={(1, 10): 20, (2, 10): -20, (1, 20): -20})
    solution = solve(problem)
    assert solution.pairs == [(1, 20), (2, 10)]
    assert solution.missing == {}


def test_nothing_needed_gives_an_empty_solution():
    solution = solve(Problem(need={1: 0}, capacity={10: 2}, existing_load={}, scores={(1, 10): 5}))
    assert (solution.pairs, solution.objective, solution.missing) == ([], 0, {})
