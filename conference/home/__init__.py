"""Each person's home: across all their events and roles, what waits for them (an author's
drafts, a reviewer's reviews, an organiser's approvals and programme warnings, a participant's
offers, a focal point's people), soonest deadline first, above the events they help run with the
parts of each their roles open; and the header's link to it for people on a team. It reads
every area, so it sits above them all."""

from flask import Flask


def init_app(app: Flask) -> None:
    from conference.home.web import bp  # noqa: PLC0415  (deferred: runs in create_app, after every area)

    app.register_blueprint(bp)
