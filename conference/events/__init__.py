"""Events: creating, editing and publishing them, their pages, and their team (roles and
invitations)."""

from flask import Flask


def init_app(app: Flask) -> None:
    # Deferred: runs in create_app, after every area's models are imported.
    from conference.events import mail  # noqa: F401  (registers its templates)
    from conference.events.web import signup  # noqa: F401  (the sign-up page, on the accounts blueprint)
    from conference.events.web.views import bp

    app.register_blueprint(bp)
