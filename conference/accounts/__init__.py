"""Accounts: sign-up, log-in and login sessions, passwords, profiles and site administration."""

from flask import Flask

from conference.core import jobs
from conference.core import personal_data as core_personal_data


def init_app(app: Flask) -> None:
    # Importing any of the area's modules runs this package first: its pages, mail and jobs are
    # imported here, when create_app calls, after every area's models.
    from conference.accounts import (  # noqa: PLC0415  (deferred: runs in create_app)
        mail,  # noqa: F401, PLC0415  (deferred: runs in create_app; registers templates)
        personal_data,
    )
    from conference.accounts.login_sessions import purge  # noqa: PLC0415  (deferred: runs in create_app)
    from conference.accounts.web.admin import bp as admin_bp  # noqa: PLC0415  (deferred: runs in create_app)
    from conference.accounts.web.login import init_login  # noqa: PLC0415  (deferred: runs in create_app)
    from conference.accounts.web.privacy_notice import (  # noqa: PLC0415  (deferred: runs in create_app)
        bp as privacy_notice_bp,
    )
    from conference.accounts.web.views import bp as auth_bp  # noqa: PLC0415  (deferred: runs in create_app)

    init_login(app)  # the loader accepts only a live login session
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(privacy_notice_bp)
    jobs.register("login_sessions_purged", purge)
    core_personal_data.register("accounts", tables=personal_data.TABLES, export=personal_data.export,
                                erase=personal_data.erase, binds=personal_data.binds)
