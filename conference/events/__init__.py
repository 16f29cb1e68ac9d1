"""Events: creating, editing and publishing them, their pages, and their team (roles and
invitations)."""

from flask import Flask

from conference.core import personal_data as core_personal_data
from conference.i18n import add_page_language


def init_app(app: Flask) -> None:
    # Importing any of the area's modules runs this package first: its pages (the sign-up page
    # joins the accounts blueprint) and mail are imported here, when create_app calls, after
    # every area's models.
    from conference.events import (  # noqa: PLC0415  (deferred: runs in create_app)
        mail,  # noqa: F401, PLC0415  (deferred: runs in create_app; registers templates)
        personal_data,
    )
    from conference.events.web import (  # noqa: PLC0415  (deferred: runs in create_app)
        clone_views,  # noqa: F401, PLC0415  (deferred: runs in create_app; new event from an earlier one)
        series_views,  # noqa: F401, PLC0415  (deferred: runs in create_app; series pages)
        signup,  # noqa: F401, PLC0415  (deferred: runs in create_app; sign-up page)
    )
    from conference.events.web.views import bp, event_page_language  # noqa: PLC0415  (deferred: runs in create_app)

    app.register_blueprint(bp)
    core_personal_data.register("events", tables=personal_data.TABLES, export=personal_data.export,
                                erase=personal_data.erase, binds=personal_data.binds)
    add_page_language(event_page_language)
