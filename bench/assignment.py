"""Benchmark: automatic reviewer assignment at conference scale.

2,000 submissions, 300 reviewers, 3 reviews each, random bids, 2% conflicts, a cap of 25
reviews per reviewer. Prints the time OR-Tools' min-cost flow takes, the objective compared
with an independent formulation of the same problem (an integer programme over the pairs and
per-reviewer load slots, solved by SciPy's HiGHS), and the load spread.

    .venv/bin/python bench/assignment.py [--submissions 2000] [--reviewers 300] [--seed 1]
    .venv/bin/python bench/assignment.py --end-to-end [--database-url postgresql://...]

``--end-to-end`` instead fills a scratch database (SQLite, or a scratch schema in PostgreSQL)
with an event of that size, its bids and conflicts, and times what an organiser waits for:
``domain.assignment.propose`` (reading the event, building the problem, solving, storing the
preview) and ``apply_proposal`` (creating the assignments and queuing one mail per reviewer).
"""

from __future__ import annotations

import argparse
import pathlib
import random
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from conference.review.assignment_solver import Problem, evaluate, load_spread, solve  # noqa: E402
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


def end_to_end(args) -> None:
    import datetime as dt

    import sqlalchemy as sa
    from flask_migrate import upgrade
    from outbox import ScratchDatabase

    from conference import create_app
    from conference.accounts.users import create_user
    from conference.cfp.enums import SubmissionState
    from conference.cfp.models import Submission, SubmissionType
    from conference.events.enums import EventFormat, EventKind, TeamRole
    from conference.events.models import EventRole
    from conference.events.setup import create_event
    from conference.extensions import db
    from conference.review import assignment
    from conference.review.common import ensure_review_settings
    from conference.review.enums import BidPreference, ConflictKind, ConflictSource
    from conference.review.models import Bid, Conflict, ReviewAssignment

    rng = random.Random(args.seed)
    keywords = [f"topic {n}" for n in range(60)]
    with ScratchDatabase(args.database_url) as url:
        app = create_app({
            "APP_ENV": "testing", "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
            "SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "OUTBOX_SEND_AFTER_REQUEST": False, "RATELIMIT_STORAGE_URI": "memory://",
            "BASE_URL": "http://bench.test",
        })
        with app.app_context(), app.test_request_context():
            upgrade()
            started = time.perf_counter()
            organiser = create_user(email="organiser@example.org", name="Organiser", password="x" * 12, verified=True)
            organiser.may_create_events = True
            event = create_event(actor=organiser, slug="bench", kind=EventKind.CONFERENCE, title="Bench",
                                 start_date=dt.date(2030, 1, 1), end_date=dt.date(2030, 1, 2), timezone="UTC",
                                 format=EventFormat.VIRTUAL, venue="", online_details="", contact_email="c@example.org",
                                 description="")
            talk = SubmissionType(event_id=event.id, name="Talk")
            db.session.add(talk)
            settings = ensure_review_settings(event)
            settings.reviews_per_submission, settings.max_load = args.reviews, args.cap
            authors = [create_user(email=f"author{n}@example.org", name=f"Author {n}", password="x" * 12, verified=True)
                       for n in range(50)]
            reviewers = [create_user(email=f"reviewer{n}@example.org", name=f"Reviewer {n}", password="x" * 12,
                                     verified=True) for n in range(args.reviewers)]
            db.session.flush()
            for person in reviewers:
                person.expertise = rng.sample(keywords, 3)
                db.session.add(EventRole(event_id=event.id, user_id=person.id, role=TeamRole.REVIEWER))
            now = dt.datetime.now(dt.UTC)
            submissions = [Submission(event_id=event.id, code=f"B{n:05d}", submitter_id=authors[n % 50].id,
                                      title=f"Paper {n}", type_id=talk.id, keywords=rng.sample(keywords, 3),
                                      state=SubmissionState.SUBMITTED, submitted_at=now)
                           for n in range(args.submissions)]
            db.session.add_all(submissions)
            db.session.flush()
            bids, conflicts = [], []
            for s in submissions:
                for r in reviewers:
                    roll = rng.random()
                    if roll < 0.02:
                        conflicts.append(dict(event_id=event.id, submission_id=s.id, user_id=r.id,
                                              kind=ConflictKind.OTHER, source=ConflictSource.REVIEWER,
                                              note="", created_at=now))
                    elif roll < 0.22:
                        bids.append(dict(submission_id=s.id, user_id=r.id, updated_at=now,
                                         preference=rng.choice([BidPreference.EAGER, BidPreference.WILLING,
                                                                BidPreference.NOT_WILLING])))
            db.session.execute(sa.insert(Bid), bids)
            db.session.execute(sa.insert(Conflict), conflicts)
            db.session.commit()
            print(f"database: {db.engine.dialect.name}; event of {args.submissions} submissions, {args.reviewers} "
                  f"reviewers, {len(bids):,} bids, {len(conflicts):,} conflicts (filled in "
                  f"{time.perf_counter() - started:.1f} s)")

            started = time.perf_counter()
            proposal = assignment.propose(event, actor=organiser)
            db.session.commit()
            proposed = time.perf_counter() - started
            summary = proposal.summary
            print(f"propose (read, build, solve, store the preview): {proposed:.2f} s; {summary['new']:,} of "
                  f"{summary['wanted']:,} reviews assigned, load spread {summary['spread']}, by bid "
                  f"{summary['by_bid']}, eager bidders served {summary['eager_bidders_served']} of "
                  f"{summary['eager_bidders']}")
            started = time.perf_counter()
            created = assignment.apply_proposal(proposal, actor=organiser)
            db.session.commit()
            print(f"apply (create assignments, queue a mail per reviewer): {time.perf_counter() - started:.2f} s, "
                  f"{created:,} assignments")
            conflicted = db.session.scalar(
                sa.select(sa.func.count()).select_from(ReviewAssignment)
                .join(Conflict, sa.and_(Conflict.submission_id == ReviewAssignment.submission_id,
                                        Conflict.user_id == ReviewAssignment.reviewer_id)))
            print(f"assignments on a conflict: {conflicted}")
            db.session.remove()
            db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--reviewers", type=int, default=300)
    parser.add_argument("--reviews", type=int, default=3)
    parser.add_argument("--cap", type=int, default=25)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-check", action="store_true", help="do not run the independent integer programme")
    parser.add_argument("--end-to-end", action="store_true", help="time propose and apply on a scratch database")
    parser.add_argument("--database-url", help="PostgreSQL URL for --end-to-end (default: a scratch SQLite file)")
    args = parser.parse_args()
    if args.end_to_end:
        end_to_end(args)
        return

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
