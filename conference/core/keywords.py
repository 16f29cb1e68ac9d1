"""Keywords typed separated by commas, semicolons or lines: a submission's and a reviewer's
expertise, compared case-blind when reviewers bid and are assigned."""

from __future__ import annotations

import re

MAX_KEYWORDS = 10


def parse_keywords(text: str) -> list[str]:
    """At most MAX_KEYWORDS keywords, single-spaced, each at most 60 characters, without repeats
    (case-blind), in the order typed."""
    keywords: list[str] = []
    for part in re.split(r"[,;\n]", text or ""):
        word = " ".join(part.split())[:60]
        if word and word.lower() not in {k.lower() for k in keywords}:
            keywords.append(word)
    return keywords[:MAX_KEYWORDS]
