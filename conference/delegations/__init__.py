"""Delegations: organisations with a quota of places whose focal points nominate and approve
their people. Delegations build on registration (they call it; it never calls them): their
pages join the registration blueprint, and they tell registration about organisations through
``registration.organisations.provide``."""

from flask import Flask


def init_app(app: Flask) -> None:
    # Deferred: runs in create_app, after every area's models are imported. Runs before
    # registration's init_app, which registers the blueprint these pages join.
    from conference.core import jobs
    from conference.delegations import mail  # noqa: F401  (registers its templates)
    from conference.delegations.delegations import run_deadlines
    from conference.delegations.for_registration import PROVIDED
    from conference.delegations.web import admin, views  # noqa: F401  (routes on the registration blueprint)
    from conference.registration import organisations

    jobs.register("delegation_deadlines", run_deadlines)
    organisations.provide(PROVIDED)
