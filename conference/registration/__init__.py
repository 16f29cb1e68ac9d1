"""Registration: forms and categories, registering and one's own registration, the waiting
list and offers, reconfirmation, the organisers' lists, tickets and check-in."""

from flask import Flask


def init_app(app: Flask) -> None:
    # Deferred: runs in create_app, after every area's models are imported.
    from conference.core import jobs
    from conference.events.web.views import event_page
    from conference.mail import opt_outs
    from conference.registration import (
        mail,  # noqa: F401  (registers its templates)
        participants,
    )
    from conference.registration.queries import entry_for
    from conference.registration.reconfirmation import run_reconfirmation
    from conference.registration.registrations import expire_offers
    from conference.registration.web import bp

    app.register_blueprint(bp)
    event_page.provide("registration", entry_for)
    jobs.register("offers_expired", expire_offers)
    jobs.register("reconfirmation", run_reconfirmation)
    opt_outs.opt_out_recorded.connect(participants.follow_opt_out)
    opt_outs.opt_out_removed.connect(participants.follow_opt_back_in)
