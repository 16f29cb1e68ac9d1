"""Events: creating, editing and publishing them, their pages, and their team (roles and
invitations)."""

from flask import Flask

from conference.i18n import add_page_language


def init_app(app: Flask) -> None:
    # Importing any of the area's modules runs this package first: its pages (the sign-up page
    # joins the accounts blueprint) and mail are imported here, when create_app calls, after
    # every area's models.
    from conference.events import mail  # noqa: F401, PLC0415  (deferred: runs in create_app; registers templates)
    from conference.events.web import signup  # noqa: F401, PLC0415  (deferred: runs in create_app; sign-up page)
    from conference.events.web.views import bp, event_page_language  # noqa: PLC0415  (deferred: runs in create_app)

    app.register_blueprint(bp)
    add_page_language(event_page_language)
