"""The agenda feeds fold their lines themselves (for speed): byte for byte what icalendar's own
folding gives, on random lines mixing ASCII, multi-byte characters and escapes."""

from __future__ import annotations

import icalendar
from hypothesis import given, settings
from hypothesis import strategies as st

from conference.agenda.ical import fold

ALPHABET = st.sampled_from(list("abc ,;:\\^\"") + ["é", "€", "日", "😀"])


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=400))
def test_folding_matches_icalendar(value):
    line = "DESCRIPTION:" + value
    assert fold(line) == icalendar.parser.Contentline(line).to_ical() + b"\r\n"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=400))
def test_folded_lines_are_short_and_unfold_to_the_line(value):
    line = "SUMMARY:" + value
    folded = fold(line)
    physical = folded.split(b"\r\n")[:-1]
    assert all(len(p) <= 75 for p in physical)
    assert b"".join(p[1:] if i else p for i, p in enumerate(physical)).decode() == line
