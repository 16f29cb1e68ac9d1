"""Conference and symposium management.

``create_app`` builds the Flask application: configuration, extensions, blueprints, CLI
commands and error pages. It does no I/O beyond reading configuration and never touches
the database: migrations are run by ``flask db upgrade``.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from jinja2 import ChoiceLoader, FileSystemLoader
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix

from conference import (
    accounts,
    agenda,
    archive,
    cfp,
    delegations,
    events,
    group_mail,
    home,
    operations,
    privacy,
    registration,
    review,
    tables,  # noqa: F401  (registers every table on the metadata)
)
from conference import config as config_module
from conference.accounts.models import AnonymousUser
from conference.cli import register_cli
from conference.core import jobs, storage, unreferenced
from conference.core.bounds import storable
from conference.core.links import external_url, web_link
from conference.core.lists import format_list
from conference.core.markdown import render_markdown
from conference.core.translations import translated
from conference.errors import DomainError, NotAllowed
from conference.extensions import babel, csrf, db, limiter, login_manager, mail, migrate
from conference.i18n import (
    format_date,
    format_date_range,
    format_datetime,
    language_choices,
    language_name,
    select_locale,
    select_timezone,
    text_direction,
    timezone_statement,
    viewer_timezone_name,
)
from conference.mail.outbox import OutboxWorker
from conference.web.common import BoundedIntegerConverter
from conference.web.confirm import take_undo
from conference.web.design import bootstrap_files


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)

    app.config.from_mapping(config_module.defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        config_module.from_environment(app.config)
    else:
        app.config.from_mapping(test_config)
    # Refuses an unsafe production configuration; otherwise what production would still lack, for `flask check`.
    app.extensions["deployment_findings"] = config_module.finalise(app.config, app.instance_path)

    if app.config["PROXY_COUNT"]:
        # Behind N reverse proxies: trust their X-Forwarded-* headers for client address
        # (rate limits), scheme (secure cookies, https links) and host.
        count = app.config["PROXY_COUNT"]
        # Flask's documented way to add WSGI middleware; its types declare wsgi_app a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]
    app.jinja_loader = _template_loader(app)
    _init_extensions(app)
    # First of the hooks: logs, the request id every later hook's lines carry, metrics, Sentry.
    operations.init_app(app)
    _register_input_checks(app)
    _register_areas(app)
    _register_template_helpers(app)
    _register_error_pages(app)
    _register_security_headers(app)
    _register_outbox_after_request(app)

    register_cli(app)
    return app


AREAS_WITH_TEMPLATES = ("accounts", "agenda", "archive", "cfp", "delegations", "events", "group_mail", "home",
                        "privacy", "registration", "review")


def _template_loader(app: Flask) -> ChoiceLoader:
    """The shared templates (base, macros, errors, the mail frame), then each area's own
    ``<area>/templates/`` folder: a page names its template ``<area>/<page>.html`` as before."""
    folders = [os.path.join(app.root_path, "templates")]
    folders += [os.path.join(app.root_path, area, "templates") for area in AREAS_WITH_TEMPLATES]
    return ChoiceLoader([FileSystemLoader(folder) for folder in folders])


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    # The migrations ship inside the package, so an installed wheel can upgrade its database.
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "migrations"))
    csrf.init_app(app)
    mail.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)
    app.register_blueprint(bootstrap_files)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.anonymous_user = AnonymousUser

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _configure_sqlite(db.engine)


def _configure_sqlite(engine: sa.Engine) -> None:
    """Let SQLAlchemy drive SQLite transactions (so SAVEPOINT works), enforce foreign keys,
    and use WAL so readers do not block the outbox worker."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN")


class UnreadableAddress(BadRequest):
    """The address holds a character no page can use (NUL; see conference.core.bounds)."""


def _register_input_checks(app: Flask) -> None:
    """Bad input stops at the door: ``<int:...>`` in addresses only matches what an INTEGER column
    holds (a larger id answers 404), and an address whose path or query string holds a character
    the database cannot store answers 400 before any view runs. (Forms check their fields
    themselves, see blueprints.common.BaseForm, so that the message stands next to the field.)"""
    app.url_map.converters["int"] = BoundedIntegerConverter  # before any rule is added

    @app.before_request
    def refuse_unreadable_addresses():
        if not storable(request.path) or not all(storable(key) and storable(value)
                                                 for key, value in request.args.items(multi=True)):
            raise UnreadableAddress()


def _register_areas(app: Flask) -> None:
    """Each area registers its blueprints, mail templates, periodic jobs and hooks, by name and
    in this order (delegations before registration: their pages join its blueprint; privacy last:
    erasure runs the areas' hooks in this order, the mail outbox's and the audit log's after them)."""
    for area in (events, accounts, cfp, review, delegations, registration, agenda, group_mail, archive, home, privacy):
        area.init_app(app)
    # After the areas' own jobs, and after they said which rows refer to stored files.
    jobs.register("unreferenced_files", unreferenced.collect_unreferenced)


def _register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["tr"] = translated  # a list's texts in the reader's language
    app.jinja_env.filters["web_link"] = web_link  # a stored address as a link's target, or None
    app.jinja_env.filters["datetime"] = format_datetime  # one format per locale; the zone is the caller's choice
    app.jinja_env.filters["date"] = format_date
    # Names and labels joined in the reader's language; counts use Flask-Babel's numberformat,
    # decimalformat and percentformat filters.
    app.jinja_env.filters["format_list"] = format_list
    app.jinja_env.globals["format_date_range"] = format_date_range
    app.jinja_env.globals["viewer_timezone"] = viewer_timezone_name
    app.jinja_env.globals["timezone_statement"] = timezone_statement  # the footer's one sentence
    app.jinja_env.globals["take_undo"] = take_undo  # the "Undo" button an action offers (web/confirm.py)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["current_language"] = lambda: str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])
    app.jinja_env.globals["language_choices"] = language_choices
    app.jinja_env.globals["language_name"] = language_name
    app.jinja_env.globals["text_direction"] = text_direction
    app.jinja_env.globals["site_name"] = lambda: app.config["SITE_NAME"]
    app.jinja_env.globals["external_url"] = external_url  # feeds' ids and links: BASE_URL, never the request's host
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _register_error_pages(app: Flask) -> None:
    def render_error(code: int, title: str, message: str):
        return render_template("errors/error.html", code=code, title=title, message=message), code

    @app.errorhandler(403)
    def forbidden(_error):
        return render_error(403, _l("Not allowed"), _l("You do not have permission to see or do this."))

    @app.errorhandler(404)
    def not_found(_error):
        return render_error(
            404, _l("Page not found"),
            _l("There is nothing at this address. Check the link or go back to the home page.")
        )

    @app.errorhandler(413)
    def too_large(_error):
        return render_error(
            413, _l("File too large"),
            _l("The upload is larger than this site accepts. Go back, choose a smaller file and send the form again.")
        )

    @app.errorhandler(429)
    def too_many(_error):
        return render_error(429, _l("Too many attempts"), _l("You tried this too often. Wait a minute and try again."))

    @app.errorhandler(UnreadableAddress)
    def unreadable_address(_error):
        return render_error(
            400, _l("This address cannot be read"),
            _l("The address holds a character no page of this site can have (an invisible control character). "
               "Check the link, or type the address again.")
        )

    @app.errorhandler(400)
    def bad_request(_error):
        return render_error(
            400, _l("Bad request"),
            _l("This site could not read what your browser sent. Go back, reload the page and try again.")
        )

    @app.errorhandler(DomainError)
    def refused(error):
        # A refusal of the domain that no view caught: shown as it is, nothing saved.
        db.session.rollback()
        return render_error(403 if isinstance(error, NotAllowed) else 400, _l("Not possible"), error.message)

    @app.errorhandler(CSRFError)
    def csrf_failed(_error):
        return render_error(
            400, _l("Form expired"),
            _l("The form expired or was sent from elsewhere. Go back, reload the page and try again; "
               "what you typed may need re-entering.")
        )

    @app.errorhandler(storage.StorageUnavailable)
    def store_unavailable(error):
        # The S3 store did not answer a download (or anything else that reads a file): a pause
        # of the service, not a fault of the page; nothing was changed.
        db.session.rollback()
        app.logger.warning("the file store does not answer: %s", error)
        page, code = render_error(
            503, _l("Files cannot be read just now"),
            _l("The store that keeps the uploaded files does not answer. Nothing was lost: try again in a few "
               "minutes, and tell the organisers if it keeps happening.")
        )
        return page, code, {"Retry-After": "60"}

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        return render_error(
            500, _l("Something went wrong"),
            _l("An unexpected error stopped this request. Nothing was saved. "
               "Try again, and tell the organisers if it keeps happening.")
        )


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _register_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def _register_outbox_after_request(app: Flask) -> None:
    """In development, deliver queued mail once the response has gone out, so a newcomer
    sees verification mails in instance/mail/ without running a worker."""
    if not app.config["OUTBOX_SEND_AFTER_REQUEST"]:
        return

    @app.after_request
    def deliver_after_response(response):
        if db.session.info.pop("mail_queued", False):

            def deliver():
                with app.app_context():
                    OutboxWorker().run_once()

            response.call_on_close(deliver)
        return response
