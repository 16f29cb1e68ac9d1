"""Security basics: CSRF on every form, security headers, cookie flags."""

import re

import pytest
from werkzeug.routing import IntegerConverter

from .. import factories
from ..conftest import login


def _post_urls(app):
    """Every route that accepts POST, with placeholder values for its arguments."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint == "static":
            continue
        values = {
            name: 1 if isinstance(converter, IntegerConverter) else "placeholder"
            for name, converter in rule._converters.items()
        }
        urls.append(rule.build(values)[1])
    return urls


def test_every_post_route_requires_a_csrf_token(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    urls = _post_urls(app)
    assert "/auth/login" in urls and "/events/new" in urls and "/auth/logout" in urls
    for url in urls:
        response = client.post(url, data={"email": "x@example.org", "password": "whatever-long"})
        assert response.status_code == 400, url
        assert b"Form expired" in response.data, url


def test_a_form_with_its_token_is_accepted(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    user = factories.make_user()
    page = client.get("/auth/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post("/auth/login", data={"email": user.email, "password": factories.DEFAULT_PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_security_headers_on_every_response(client):
    for url in ("/", "/auth/login", "/no-such-page"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_session_cookie_is_httponly_and_samesite(client, db):
    user = factories.make_user()
    login(client, user)
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.http_only is True
    assert cookie.same_site == "Lax"


def test_templates_contain_no_inline_script_or_style(app):
    """The CSP forbids inline code: keep templates free of it."""
    loader = app.jinja_env.loader
    offenders = []
    for name in app.jinja_env.list_templates():
        source = loader.get_source(app.jinja_env, name)[0]
        if name.startswith("emails/"):
            continue  # mail clients, not browsers under our CSP
        # A JSON-LD data block (the archive's schema.org metadata) is data, not code: browsers never run it.
        if re.search(r"<script(?![^>]*\b(src=|type=\"application/ld\+json\"))", source) or re.search(r"\sstyle=|<style", source) or re.search(r"\son[a-z]+=", source):
            offenders.append(name)
    assert offenders == []


@pytest.mark.parametrize("path", ["/static/app.css", "/static/app.js"])
def test_assets_are_served_by_the_app(client, path):
    response = client.get(path)
    assert response.status_code == 200
    response.close()


def test_the_favicon_is_linked_and_served_as_svg_from_the_app(client, db):
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in page
    response = client.get("/static/favicon.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.data.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')
    # Served from our own origin, which the CSP allows for images (icons follow img-src).
    assert "img-src 'self'" in response.headers["Content-Security-Policy"]
    response.close()


def test_behind_a_proxy_the_forwarded_scheme_and_client_are_trusted(tmp_path):
    from conference import create_app

    from ..conftest import make_test_config

    app = create_app(make_test_config(f"sqlite:///{tmp_path}/p.sqlite", tmp_path) | {"PROXY_COUNT": 1})
    seen = {}

    @app.get("/_probe")
    def probe():
        from flask import request

        seen.update(secure=request.is_secure, remote=request.remote_addr)
        return "ok"

    response = app.test_client().get("/_probe", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert seen == {"secure": True, "remote": "203.0.113.9"}
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


# Links in mail come from BASE_URL, never from the request -----------------------------------------

# Everything a client can say about the host it asked for, directly or "through a proxy".
FORGED_HOST = {"Host": "attacker.example", "X-Forwarded-Host": "attacker.example", "X-Forwarded-Proto": "http",
               "X-Forwarded-Port": "8080", "X-Forwarded-Prefix": "/evil", "Forwarded": "host=attacker.example;proto=http"}
SITE = "https://events.example.org"


@pytest.mark.parametrize("app_env", ["production", "development"])
def test_a_forged_host_never_reaches_a_mailed_link(app_env, database_url, committed_db, tmp_path):
    """The outside test's attack: a password reset asked for someone else with a forged Host. Behind
    one trusted proxy (PROXY_COUNT=1), so the forwarded headers are believed too. The mail that
    reaches the SMTP server links to BASE_URL only, and that link works."""
    import re

    import sqlalchemy as sa

    from conference import create_app
    from conference.extensions import db as _db
    from conference.mail.models import OutboxMessage
    from conference.mail.outbox import OutboxWorker

    from ..conftest import SMTPSink, message_text
    from .production import production_config

    if app_env == "production" and not database_url.startswith("postgresql"):
        pytest.skip("production runs on PostgreSQL only")
    sink = SMTPSink().start()
    site = create_app(production_config(tmp_path, database_url, APP_ENV=app_env, BASE_URL=SITE,
                                        MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, PROXY_COUNT=1))
    try:
        with site.app_context():
            factories.make_user(email="victim@example.org", name="Vic Tim")
            _db.session.commit()
        attacker = site.test_client()
        signup = {"name": "Someone", "password": "a long passphrase", "confirm": "a long passphrase", "timezone": "UTC"}
        for path, data in [("/auth/reset", {"email": "victim@example.org"}),  # reset_password
                           ("/auth/signup", signup | {"email": "victim@example.org"}),  # account_exists
                           ("/auth/signup", signup | {"email": "newcomer@example.org"})]:  # verify_email
            response = attacker.post(path, data=data, headers=FORGED_HOST, base_url="http://attacker.example")
            assert response.status_code == 302, (path, response.get_data(as_text=True))
        with site.app_context():
            assert OutboxWorker().run_once().sent == 3

        assert sorted(m["to"][0] for m in sink.messages) == ["newcomer@example.org", "victim@example.org",
                                                             "victim@example.org"]
        for received in sink.messages:
            assert b"attacker" not in received["raw"]
            html = received["message"].get_body(preferencelist=("html",)).get_content()
            links = re.findall(r"https?://[^\s<>\"')]+", message_text(received["message"]) + html)
            assert links and all(link.startswith(f"{SITE}/auth/") for link in links), links
        [reset] = [m["message"] for m in sink.messages if "/auth/reset/" in message_text(m["message"])]
        link = re.search(rf"{re.escape(SITE)}(/auth/reset/\S+)", message_text(reset)).group(1)

        # The link works on the real site: the victim chooses a new password with it and logs in.
        victim = site.test_client()
        assert victim.get(link, base_url=SITE).status_code == 200
        new = {"password": "a brand new passphrase", "confirm": "a brand new passphrase"}
        assert victim.post(link, data=new, base_url=SITE).status_code == 302
        login = victim.post("/auth/login", data={"email": "victim@example.org", "password": new["password"]},
                            base_url=SITE)
        assert (login.status_code, login.headers["Location"]) == (302, "/dashboard")
        with site.app_context():
            assert _db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 3  # no more sent
    finally:
        sink.stop()
        with site.app_context():  # every connection is back in the pool by now: close them
            _db.engine.dispose()


# The one builder of absolute addresses (under BASE_URL), and the settings that pass SERVER_NAME to Flask.
BUILDERS = {"core/links.py", "config.py"}


def test_absolute_addresses_are_built_from_base_url_only():
    """Every absolute address the app hands out (links in mails, feeds, calendar entries, QR codes)
    comes from conference.core.links.external_url, built under BASE_URL. Nothing builds one from
    the request: no url_for(..., _external=True), no request.host or request.url_root, and url_for
    (which answers under the request's host when asked for an absolute address) only in pages."""
    import re
    from pathlib import Path

    import conference

    package = Path(conference.__file__).parent
    host_derived = re.compile(r"_external|request\.(host|host_url|url_root|root_url|base_url|url)\b|"
                              r"X-Forwarded-Host|HTTP_HOST|SERVER_NAME")
    offenders = []
    for path in sorted(package.rglob("*")):
        if path.suffix not in (".py", ".html", ".txt", ".md") or path.relative_to(package).as_posix() in BUILDERS:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            where = f"{path.relative_to(package)}:{number}"
            if host_derived.search(line):
                offenders.append(where)
            if path.suffix == ".py" and re.search(r"\burl_for\(", line) and "web" not in path.relative_to(package).parts:
                offenders.append(where)
    assert offenders == []
