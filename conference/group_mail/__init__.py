"""Mail for organisers: mail to groups (authors, reviewers, registrants, speakers, the team),
the event's outbox and its mail templates, and the unsubscribe pages recipients reach."""

from flask import Flask

from conference.core import personal_data as core_personal_data


def init_app(app: Flask) -> None:
    # Deferred to create_app, which calls this after every area's models are imported and after
    # the areas below registered the mail placeholder sets this area's templates build on; and
    # importing the package (for its models) must not load its pages.
    from conference.events import cloning  # noqa: PLC0415  (deferred: runs in create_app)
    from conference.group_mail import (  # noqa: PLC0415  (deferred: runs in create_app)
        mail,  # noqa: F401, PLC0415  (registers its templates)
        personal_data,
    )
    from conference.group_mail.cloning import clone_mail_templates  # noqa: PLC0415  (deferred, see above)
    from conference.group_mail.web import bp  # noqa: PLC0415  (deferred, see above)

    app.register_blueprint(bp)
    core_personal_data.register("group_mail", tables=personal_data.TABLES, export=personal_data.export,
                                erase=personal_data.erase)
    cloning.register("group_mail", clone_mail_templates)
