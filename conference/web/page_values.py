"""Values a page shows that come from areas above the one that owns the page.

The event's page (events) shows where the visitor's registration stands (registration) and
whether there is an agenda (agenda); a submission's page (cfp) shows its released reviews
(review). The owning area must not import those above it, so it names a ``PageValues`` and the
areas that know a value add a provider from their ``init_app``; the page asks for them all."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any


class PageValues:
    def __init__(self, page: str) -> None:
        self.page = page
        self._providers: dict[str, Callable[..., Any]] = {}

    def provide(self, name: str, provider: Callable[..., Any]) -> None:
        """``provider`` gets what the page passes to ``values``; every app the process creates
        provides the same again, which is a no-op."""
        if self._providers.get(name, provider) is not provider:
            raise ValueError(f"two providers of {name!r} for {self.page}")
        self._providers[name] = provider

    def values(self, *args: Any) -> dict[str, Any]:
        """Each provided value by its name, for the template."""
        return {name: provider(*args) for name, provider in self._providers.items()}


@dataclasses.dataclass(frozen=True)
class Standing:
    """One line of an event page's "Where things stand": what, and where it stands, as text
    already worded and converted to the viewer's time zone."""

    heading: str
    text: str
