"""People's data: each area says, for the tables it owns, what it holds about a person (for the
export), how it erases it (for the right to erasure) and what binds the person to it (why they may
not erase their own account yet). The privacy area runs them all; this registry lets it do so
without knowing any area, as the periodic jobs' registry does (see ``core/jobs.py``).

An area registers from its ``init_app``; ``tables`` names every table of the area that refers to an
account or holds an address or a person's name, so that a test can check that none is forgotten.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol


@dataclasses.dataclass(frozen=True)
class Person:
    """The account as it was before erasure began: every area matches rows by these, whichever
    area changes the account first. ``label`` is what replaces the name (stored untranslated:
    the pages show ``deleted_label``); ``placeholder`` the non-deliverable address."""

    id: int
    email: str
    name: str
    verified: bool

    @property
    def label(self) -> str:
        return f"Deleted user #{self.id}"

    @property
    def owned_email(self) -> str | None:
        """The address, where the account confirmed it is theirs: only then do rows given under
        it without the account (a registration, a co-authorship) count as the person's."""
        return self.email if self.verified else None

    @property
    def placeholder(self) -> str:
        # .invalid is reserved (RFC 2606): nothing is ever delivered there.
        return f"deleted-{self.id}@erased.invalid"


class Erase(Protocol):
    def __call__(self, user: Any, *, person: Person, actor: Any, now: dt.datetime) -> None: ...


class Binds(Protocol):
    def __call__(self, user: Any, *, now: dt.datetime) -> list[str]: ...


@dataclasses.dataclass(frozen=True)
class Holder:
    area: str
    tables: frozenset[str]
    export: Callable[[Any], dict]
    erase: Erase
    binds: Binds | None = None


HOLDERS: dict[str, Holder] = {}


def register(area: str, *, tables: tuple[str, ...], export: Callable[[Any], dict], erase: Erase,
             binds: Binds | None = None) -> None:
    """Register an area's hooks, once per area: ``export(user)`` returns what the area holds about
    the person (JSON-ready, nothing of anyone else's they could not see), ``erase(user, person=,
    actor=, now=)`` removes or replaces it (leaving counts and scores as they were), and
    ``binds(user, now=)`` lists why the person may not erase their own account (sentences shown to
    them). Every app the process creates registers again: that is a no-op."""
    holder = Holder(area=area, tables=frozenset(tables), export=export, erase=erase, binds=binds)
    if area in HOLDERS and HOLDERS[area] != holder:
        raise ValueError(f"two personal-data hooks are registered for {area!r}")
    HOLDERS[area] = holder


def covered_tables() -> set[str]:
    return {table for holder in HOLDERS.values() for table in holder.tables}


def scrub(value: Any, person: Person) -> Any:
    """``value`` (a string, or JSON of lists and dicts) with the person's address and name replaced
    by their placeholder and label wherever they occur in a string."""
    if isinstance(value, str):
        return _scrub_text(value, person)
    if isinstance(value, list):
        return [scrub(item, person) for item in value]
    if isinstance(value, dict):
        return {key: scrub(item, person) for key, item in value.items()}
    return value


def _scrub_text(text: str, person: Person) -> str:
    if person.email:
        lowered, needle, start, parts = text.lower(), person.email.lower(), 0, []
        while (found := lowered.find(needle, start)) != -1:
            parts += [text[start:found], person.placeholder]
            start = found + len(needle)
        text = "".join(parts) + text[start:]
    if person.name.strip():
        text = text.replace(person.name, person.label)
    return text


def iso(moment: dt.datetime | dt.date | None) -> str | None:
    """A time (aware UTC) or date as ISO 8601 text, as the export gives every time."""
    return moment.isoformat() if moment is not None else None


def not_over_since(now: dt.datetime) -> dt.date:
    """Events whose last day is on or after this date are not over yet, wherever they are held
    (a day's margin for the time zones either side of UTC)."""
    return now.date() - dt.timedelta(days=1)
