"""Scores: one review's overall score and a submission's statistics. Pure functions.

A review's overall score is the weighted mean of its criteria, each first put on a common
0-10 scale (criteria may use different scales: 1-5 for originality, 0-3 for relevance), so
scores from different criteria and events read the same way.
"""

from __future__ import annotations

import dataclasses
import statistics

SCALE = 10.0
# Reviews of one submission disagree when their overall scores spread this much (0-10 scale).
DISAGREEMENT_STDEV = 2.0


def review_score(values: dict[int, int], criteria) -> float | None:
    """The overall score of a review given ``{criterion id: value}``; None without any score."""
    total = weights = 0.0
    for criterion in criteria:
        value = values.get(criterion.id)
        if value is None:
            continue
        total += criterion.weight * criterion.normalise(value) * SCALE
        weights += criterion.weight
    return round(total / weights, 2) if weights else None


@dataclasses.dataclass(frozen=True)
class Stats:
    count: int
    mean: float | None
    median: float | None
    stdev: float | None
    minimum: float | None
    maximum: float | None
    confidence_weighted: float | None

    @property
    def disagreement(self) -> bool:
        return self.stdev is not None and self.count >= 2 and self.stdev >= DISAGREEMENT_STDEV


def submission_stats(scored: list[tuple[float | None, int | None]]) -> Stats:
    """Statistics over (overall score, confidence) of a submission's submitted reviews (those
    without a score are left out).

    The confidence-weighted mean weighs each review by its reviewer's confidence (1-5); a
    review without a confidence counts with weight 3, the middle of the scale.
    """
    scores = [s for s, _c in scored if s is not None]
    if not scores:
        return Stats(0, None, None, None, None, None, None)
    pairs = [(s, c if c is not None else 3) for s, c in scored if s is not None]
    weighted = sum(s * c for s, c in pairs) / sum(c for _s, c in pairs)
    return Stats(
        count=len(scores),
        mean=round(statistics.fmean(scores), 2),
        median=round(statistics.median(scores), 2),
        stdev=round(statistics.pstdev(scores), 2),
        minimum=min(scores),
        maximum=max(scores),
        confidence_weighted=round(weighted, 2),
    )
