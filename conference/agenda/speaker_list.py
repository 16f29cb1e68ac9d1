"""The released agenda's speakers as a list: each with their talks and the sessions they chair,
sorted by name as the reader's language sorts, searched by name, affiliation or talk title.

Pure: works on the agenda a viewer sees (conference.agenda.public.view_model, times already in
their zone, texts in their language) and the snapshot it came from; one pass over the entries,
so its cost grows with the programme but never its queries.
"""

from __future__ import annotations

import dataclasses
import unicodedata

from conference.agenda.public import Agenda, Entry

# Letters a language sorts as letters of their own rather than as accented ones, and where:
# Spanish puts "ñ" after every "n" (RAE, CLDR), so "Núñez" comes after "Nuno". The stand-in
# after the base letter is above every letter, so the base letter's words all come first.
_AFTER = "\U0010ffff"
OWN_LETTERS: dict[str, dict[str, str]] = {"es": {"ñ": "n" + _AFTER}}


@dataclasses.dataclass
class ListedSpeaker:
    id: int
    name: str
    affiliation: str
    entries: list[Entry]  # the items they speak in and the sessions they chair, by start
    initial: str = ""  # the letter the list files them under (initial())


@dataclasses.dataclass
class Letter:
    initial: str
    speakers: list[ListedSpeaker]


def folded(value: str) -> str:
    """``value`` without case or accents, for searching: "Élodie" and "elodie" match."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_key(name: str, language: str | None) -> tuple[str, str, str]:
    """A sort key for ``name`` as ``language`` orders names: letters first (case and accents
    set aside, but for the letters the language holds as its own, OWN_LETTERS), then accents,
    then case: "Ángel" sorts with "Angel", just after it, and "angel" before "Angel". Without a collation library (ICU),
    this is the part of the Unicode collation the app's languages need for names."""
    lowered = unicodedata.normalize("NFC", name.casefold())
    for letter, stand_in in OWN_LETTERS.get((language or "").split("_")[0], {}).items():
        lowered = lowered.replace(letter, stand_in)
    # Lower case before upper case, as in Unicode's collation: swapped, "a" sorts before "A".
    return folded(lowered), unicodedata.normalize("NFD", name.casefold()), name.swapcase()


def initial(name: str, language: str | None) -> str:
    """The letter ``name`` is filed under in ``language``: its first letter without accents, but
    for a letter the language holds as its own ("Ñ" in Spanish); "#" for a digit or a sign."""
    first = unicodedata.normalize("NFC", name.strip()[:2].casefold())[:1]
    if first in OWN_LETTERS.get((language or "").split("_")[0], {}):
        return first.upper()
    base = folded(first)[:1]
    return base.upper() if base.isalpha() else "#"


def by_initial(listed: list[ListedSpeaker]) -> list[Letter]:
    """The speakers (sorted by name) in runs of the same initial, in their order."""
    letters: list[Letter] = []
    for speaker in listed:
        if not letters or letters[-1].initial != speaker.initial:
            letters.append(Letter(speaker.initial, []))
        letters[-1].speakers.append(speaker)
    return letters


def _titles(snapshot: dict) -> dict[str, list[str]]:
    """Each entry's title in every language the snapshot gives it in, by uid."""
    return {raw["uid"]: [raw.get("title") or "", *((raw.get("translations") or {}).get("title") or {}).values()]
            for kind in ("sessions", "items") for raw in snapshot.get(kind, []) if not raw.get("cancelled")}


def listed_speakers(agenda: Agenda, *, language: str | None) -> list[ListedSpeaker]:
    """The speakers of the agenda (those with an item or a chaired session that is not
    cancelled), sorted by name as ``language`` sorts names."""
    found: dict[int, list[Entry]] = {}
    for entry in [*agenda.items.values(), *agenda.sessions.values()]:
        for speaker in entry.speakers:
            found.setdefault(speaker["id"], []).append(entry)
    listed = [ListedSpeaker(speaker_id, agenda.speakers[speaker_id]["name"],
                            agenda.speakers[speaker_id].get("affiliation") or "",
                            sorted(entries, key=lambda e: (e.start, e.kind != "item", e.id)),
                            initial(agenda.speakers[speaker_id]["name"], language))
              for speaker_id, entries in found.items()]
    return sorted(listed, key=lambda s: (name_key(s.name, language), s.id))


def search(listed: list[ListedSpeaker], snapshot: dict, q: str) -> list[ListedSpeaker]:
    """The speakers whose name, affiliation or one of whose titles (in any language the
    snapshot gives it in) contains ``q``, case and accents aside; all for an empty ``q``. A
    speaker found by a title keeps all their entries."""
    needle = folded(q.strip())
    if not needle:
        return listed
    titles = _titles(snapshot)

    def matches(speaker: ListedSpeaker) -> bool:
        haystack = [speaker.name, speaker.affiliation]
        haystack += [title for e in speaker.entries for title in titles.get(e.uid, [e.title])]
        return any(needle in folded(value) for value in haystack)

    return [s for s in listed if matches(s)]
