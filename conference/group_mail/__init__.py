"""Mail for organisers: mail to groups (authors, reviewers, registrants, speakers, the team),
the event's outbox and its mail templates, and the unsubscribe pages recipients reach."""

from flask import Flask


def init_app(app: Flask) -> None:
    # Deferred: runs in create_app, after every area's models are imported.
    from conference.group_mail import mail  # noqa: F401  (registers its templates)
    from conference.group_mail.web import bp

    app.register_blueprint(bp)
