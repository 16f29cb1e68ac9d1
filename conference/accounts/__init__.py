"""Accounts: sign-up, log-in and login sessions, passwords, profiles and site administration."""

from flask import Flask


def init_app(app: Flask) -> None:
    # Deferred: runs in create_app, after every area's models are imported.
    from conference.accounts import mail  # noqa: F401  (registers its templates)
    from conference.accounts.login_sessions import purge
    from conference.accounts.web.admin import bp as admin_bp
    from conference.accounts.web.login import init_login
    from conference.accounts.web.views import bp as auth_bp
    from conference.core import jobs

    init_login(app)  # the loader accepts only a live login session
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    jobs.register("login_sessions_purged", purge)
