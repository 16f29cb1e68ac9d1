"""What registration asks about organisations, without knowing delegations.

Delegations build on registration: they call registration, never the reverse. Registration
still has questions only delegations can answer (is this registration waiting for its focal
point? which organisation does an address belong to?). It asks them through ``organisation_source()``,
which the delegations area ``provide``s from its ``init_app``; without it, no event has
organisations and every answer is "none"."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from conference.events.models import Event
    from conference.registration.models import Registration


class Organisations(Protocol):
    def organisations_of(self, event: Event) -> list[Any]: ...

    def organisation_of(self, event: Event, ident: int | None) -> Any | None: ...

    def suggested_organisation(self, event: Event, email: str) -> Any | None:
        """The organisation an address belongs to, by its mail domain."""

    def has_organisations(self, event: Event) -> bool: ...

    def awaiting_focal_point(self, registration: Registration) -> bool:
        """Pending because its organisation's focal point has not decided yet."""

    def waits_for_quota(self, registration: Registration) -> bool:
        """Waiting because the delegation's quota is full (rather than the category)."""

    def tell_focal_points(self, registration: Registration) -> None:
        """Someone registered for an organisation: its focal points decide."""

    def approve(self, registration: Registration, *, actor: Any, now: dt.datetime | None = None) -> None:
        """An organiser approves a registration of an organisation, within its quota."""

    def participants_by_organisation(self, event: Event, viewer: Any) -> list[Any] | None:
        """The participant list grouped by organisation (None: the viewer may not see it)."""


class NoOrganisations:
    """Registration on its own: events have no organisations."""

    def organisations_of(self, event: Event) -> list[Any]:
        return []

    def organisation_of(self, event: Event, ident: int | None) -> Any | None:
        return None

    def suggested_organisation(self, event: Event, email: str) -> Any | None:
        return None

    def has_organisations(self, event: Event) -> bool:
        return False

    def awaiting_focal_point(self, registration: Registration) -> bool:
        return False

    def waits_for_quota(self, registration: Registration) -> bool:
        return False

    def tell_focal_points(self, registration: Registration) -> None:
        return None

    def approve(self, registration: Registration, *, actor: Any, now: dt.datetime | None = None) -> None:
        raise LookupError("registrations of organisations need the delegations area")

    def participants_by_organisation(self, event: Event, viewer: Any) -> list[Any] | None:
        return []


_provided: list[Organisations] = [NoOrganisations()]


def provide(organisations: Organisations) -> None:
    _provided[0] = organisations


def organisation_source() -> Organisations:
    return _provided[0]
