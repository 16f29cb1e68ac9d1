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
        if re.search(r"<script(?![^>]*\bsrc=)", source) or re.search(r"\sstyle=|<style", source) or re.search(r"\son[a-z]+=", source):
            offenders.append(name)
    assert offenders == []


@pytest.mark.parametrize("path", ["/static/app.css", "/static/app.js"])
def test_assets_are_served_by_the_app(client, path):
    response = client.get(path)
    assert response.status_code == 200
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
