"""The agenda: the organisers' programme editor and releases, the public agenda with personal
agendas and feeds, and the exports (iCal, frab XML and JSON)."""

from flask import Flask

from conference.core import personal_data as core_personal_data


def init_app(app: Flask) -> None:
    # Deferred to create_app, which calls this after every area's models are imported and after
    # the areas below registered the mail placeholder sets this area's templates build on; and
    # importing the package (for its models) must not load its pages.
    from conference.agenda import (  # noqa: PLC0415  (deferred: runs in create_app)
        mail,  # noqa: F401, PLC0415  (registers its templates)
        personal_data,
    )
    from conference.agenda.releases import agenda_entry  # noqa: PLC0415  (deferred, see above)
    from conference.agenda.web import bp  # noqa: PLC0415  (deferred, see above)
    from conference.events.web.views import event_page  # noqa: PLC0415  (deferred, see above)

    app.register_blueprint(bp)
    event_page.provide("agenda", agenda_entry)
    core_personal_data.register("agenda", tables=personal_data.TABLES, export=personal_data.export,
                                erase=personal_data.erase, binds=personal_data.binds)
