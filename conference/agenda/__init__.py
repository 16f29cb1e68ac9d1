"""The agenda: the organisers' programme editor and releases, the public agenda with personal
agendas and feeds, and the exports (iCal, frab XML and JSON)."""

from flask import Flask


def init_app(app: Flask) -> None:
    # Deferred: runs in create_app, after every area's models are imported.
    from conference.agenda import mail  # noqa: F401  (registers its templates)
    from conference.agenda.releases import has_agenda
    from conference.agenda.web import bp
    from conference.events.web.views import event_page

    app.register_blueprint(bp)
    event_page.provide("has_agenda", has_agenda)
