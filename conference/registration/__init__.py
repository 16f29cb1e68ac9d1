"""Registration: forms and categories, registering and one's own registration, the waiting
list and offers, reconfirmation, the organisers' lists, tickets and check-in."""

from flask import Flask

from conference.core import personal_data as core_personal_data


def init_app(app: Flask) -> None:
    # Deferred to create_app, which calls this after every area's models are imported and after
    # the areas below registered the mail placeholder sets this area's templates build on; and
    # importing the package (for its models) must not load its pages.
    from conference.core import jobs, unreferenced  # noqa: PLC0415  (deferred, see above)
    from conference.events import cloning  # noqa: PLC0415  (deferred, see above)
    from conference.events.web.views import event_page  # noqa: PLC0415  (deferred, see above)
    from conference.mail import opt_outs  # noqa: PLC0415  (deferred, see above)
    from conference.registration import (  # noqa: PLC0415  (deferred, see above)
        mail,  # noqa: F401  (registers its templates)
        participants,
        personal_data,  # noqa: PLC0415  (deferred: runs in create_app)
    )
    from conference.registration.cloning import clone_registration  # noqa: PLC0415  (deferred, see above)
    from conference.registration.queries import entry_for  # noqa: PLC0415  (deferred, see above)
    from conference.registration.reconfirmation import run_reconfirmation  # noqa: PLC0415  (deferred, see above)
    from conference.registration.registrations import expire_offers  # noqa: PLC0415  (deferred, see above)
    from conference.registration.retention import (  # noqa: PLC0415  (deferred, see above)
        anonymise_cancelled,
        remove_sensitive_answers,
    )
    from conference.registration.web import bp  # noqa: PLC0415  (deferred, see above)

    app.register_blueprint(bp)
    event_page.provide("registration", entry_for)
    jobs.register("offers_expired", expire_offers)
    jobs.register("reconfirmation", run_reconfirmation)
    unreferenced.refer_from("registration answers", participants.answer_file_digests)
    jobs.register("cancelled_registrations_anonymised", anonymise_cancelled)
    jobs.register("sensitive_answers_removed", remove_sensitive_answers)
    opt_outs.opt_out_recorded.connect(participants.follow_opt_out)
    opt_outs.opt_out_removed.connect(participants.follow_opt_back_in)
    core_personal_data.register("registration", tables=personal_data.TABLES, export=personal_data.export,
                                erase=personal_data.erase, binds=personal_data.binds)
    cloning.register("registration", clone_registration)
