"""The call for papers: its setup (types, tracks, questions, access codes), submissions with
their co-authors and files, and the organisers' list of submissions."""

from flask import Flask


def init_app(app: Flask) -> None:
    # Deferred: runs in create_app, after every area's models are imported.
    from conference.cfp import mail  # noqa: F401  (registers its templates)
    from conference.cfp.web.manage import bp as manage_bp
    from conference.cfp.web.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(manage_bp)
