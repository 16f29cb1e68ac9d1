"""Delegations: organisations with a quota of places whose focal points nominate and approve
their people. Delegations build on registration (they call it; it never calls them): their
pages join the registration blueprint, and they tell registration about organisations through
``registration.organisations.provide``."""

from flask import Flask

from conference.core import personal_data as core_personal_data


def init_app(app: Flask) -> None:
    # Deferred to create_app, which calls this after every area's models are imported and after
    # the areas below registered the mail placeholder sets this area's templates build on; and
    # importing the package (for its models) must not load its pages. Runs before
    # registration's init_app, which registers the blueprint these pages join.
    from conference.core import jobs  # noqa: PLC0415  (deferred, see above)
    from conference.delegations import (  # noqa: PLC0415  (deferred: runs in create_app)
        mail,  # noqa: F401, PLC0415  (registers its templates)
        personal_data,
    )
    from conference.delegations.cloning import clone_delegations  # noqa: PLC0415  (deferred, see above)
    from conference.delegations.delegations import run_deadlines  # noqa: PLC0415  (deferred, see above)
    from conference.delegations.for_registration import PROVIDED  # noqa: PLC0415  (deferred, see above)
    from conference.delegations.web import admin, views  # noqa: F401, PLC0415  (routes on the registration blueprint)
    from conference.events import cloning  # noqa: PLC0415  (deferred, see above)
    from conference.registration import organisations  # noqa: PLC0415  (deferred, see above)

    jobs.register("delegation_deadlines", run_deadlines)
    organisations.provide(PROVIDED)
    core_personal_data.register("delegations", tables=personal_data.TABLES, export=personal_data.export,
                                erase=personal_data.erase, binds=personal_data.binds)
    # Its organisations name the categories registration copied first.
    cloning.register("delegations", clone_delegations, after=("registration",))
