"""The delegations area's answers to registration's questions about organisations
(``registration.organisations``), provided from the area's ``init_app``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from conference.delegations import delegations, overview
from conference.events.models import Event
from conference.registration.models import Registration


class DelegationOrganisations:
    def organisations_of(self, event: Event) -> list[Any]:
        return list(delegations.organisations_of(event))

    def organisation_of(self, event: Event, ident: int | None) -> Any | None:
        return delegations.organisation_of(event, ident)

    def suggested_organisation(self, event: Event, email: str) -> Any | None:
        return delegations.suggested_organisation(event, email)

    def has_organisations(self, event: Event) -> bool:
        return overview.has_organisations(event)

    def awaiting_focal_point(self, registration: Registration) -> bool:
        return delegations.awaiting_focal_point(registration)

    def waits_for_quota(self, registration: Registration) -> bool:
        return delegations.waits_for_quota(registration)

    def tell_focal_points(self, registration: Registration) -> None:
        delegations.tell_focal_points(registration)

    def approve(self, registration: Registration, *, actor: Any, now: dt.datetime | None = None) -> None:
        delegations.approve(registration, actor=actor, now=now)

    def participants_by_organisation(self, event: Event, viewer: Any) -> list[Any] | None:
        return overview.participants_by_organisation(event, viewer)


PROVIDED = DelegationOrganisations()
