"""People's data: the export of everything the app holds about a person, the erasure of an
account, and the retention of what is kept after it is needed. Each area owns its data and
registers what it holds (see conference.core.personal_data); this area, above them all, runs
their hooks, and registers those of the shared machinery below the areas (the audit log and the
mail outbox), which have no init_app of their own."""

from flask import Flask

from conference.core import audit, jobs, personal_data


def init_app(app: Flask) -> None:
    # Deferred to create_app, which calls this after every other area's init_app, so that the
    # audit log's and the outbox's hooks run last (erasure drops the mail the areas' hooks queued).
    from conference.mail import personal_data as mail_data  # noqa: PLC0415  (deferred, see above)
    from conference.mail.retention import remove_old_bodies  # noqa: PLC0415  (deferred, see above)
    from conference.privacy.web import bp  # noqa: PLC0415  (deferred, see above)

    app.register_blueprint(bp)
    personal_data.register("mail", tables=mail_data.TABLES, export=mail_data.export, erase=mail_data.erase)
    personal_data.register("audit", tables=audit.PERSONAL_TABLES, export=audit.personal_data,
                           erase=audit.erase_person)
    jobs.register("outbox_bodies_removed", remove_old_bodies)
