"""Disabling and enabling accounts: from the admin pages and the command line, with a reason in the
audit log; a disabled account is logged out everywhere at once and cannot log in again until enabled."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conference.accounts.admin import disable_account, enable_account
from conference.accounts.models import User
from conference.core.models import AuditEntry
from conference.errors import InvalidState, NotAllowed

from .. import factories
from ..conftest import login
from .test_login_session_pages import copy_cookies, log_in, sessions_of, signed_in


def fresh(db, user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def audit(db, user, action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == action, AuditEntry.object_type == "User", AuditEntry.object_id == user.id)))


# Pages -------------------------------------------------------------------------------------------

def test_admin_disables_an_account_which_is_logged_out_everywhere_at_once(app, admin_client, db):
    person = factories.make_user(name="Pia Person")
    browser = log_in(app.test_client(), person)
    remembered = copy_cookies(app, log_in(app.test_client(), person, remember=True), "remember_token")
    assert signed_in(browser) and signed_in(remembered)

    page = admin_client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "Logged in on</dt><dd class=\"col-sm-9\">2 devices" in page
    assert f'action="/admin/users/{person.id}/disable"' in page
    response = admin_client.post(f"/admin/users/{person.id}/disable",
                                 data={"reason": "  Shared   account, reported ", "confirm": "y"}, follow_redirects=True)

    assert response.request.path == f"/admin/users/{person.id}"
    html = response.get_data(as_text=True)
    assert "The account of Pia Person is disabled; 2 sessions ended." in html
    assert f'action="/admin/users/{person.id}/enable"' in html
    assert fresh(db, person).disabled
    assert not signed_in(browser) and not signed_in(remembered)
    assert all(row.revoked_at is not None for row in sessions_of(db, person))
    [entry] = audit(db, person, "account.disabled")
    assert entry.actor_id == admin_client.user.id
    assert entry.details == {"reason": "Shared account, reported", "sessions_ended": 2}


def test_admin_enables_a_disabled_account_which_can_log_in_again(app, admin_client, db):
    person = factories.make_user(name="Pia Person")
    disable_account(person, actor=admin_client.user, reason="Reported")
    db.session.flush()

    response = admin_client.post(f"/admin/users/{person.id}/enable", follow_redirects=True)

    assert "The account of Pia Person is enabled: they can log in again." in response.get_data(as_text=True)
    assert not fresh(db, person).disabled
    [entry] = audit(db, person, "account.enabled")
    assert entry.actor_id == admin_client.user.id
    assert signed_in(log_in(app.test_client(), person))


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"reason": "", "confirm": "y"}, "reason", "Say why the account is disabled."),
    ({"reason": "   ", "confirm": "y"}, "reason", "Say why the account is disabled."),
    ({"reason": "Reported"}, "confirm", "Tick the box to confirm."),
    ({"reason": "x" * 501, "confirm": "y"}, "reason", "Field cannot be longer than 500 characters."),
])
def test_disabling_needs_a_reason_and_a_confirmation(app, admin_client, db, data, field, message):
    person = factories.make_user()
    browser = log_in(app.test_client(), person)

    response = admin_client.post(f"/admin/users/{person.id}/disable", data=data)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    start = html.index(f'<p class="invalid-feedback d-block" id="error-{field}">')
    assert message in html[start:html.index("</p>", start)]
    if data.get("reason", "").strip():
        assert data["reason"] in html  # what was typed is kept
    assert not fresh(db, person).disabled and signed_in(browser)
    assert audit(db, person, "account.disabled") == []


def test_an_admin_cannot_disable_themself(admin_client, db):
    page = admin_client.get(f"/admin/users/{admin_client.user.id}").get_data(as_text=True)
    assert "You cannot disable your own account; ask another administrator." in page
    assert "/disable" not in page

    response = admin_client.post(f"/admin/users/{admin_client.user.id}/disable",
                                 data={"reason": "Testing", "confirm": "y"})

    assert "You cannot disable your own account; ask another administrator." in response.get_data(as_text=True)
    assert not fresh(db, admin_client.user).disabled
    assert signed_in(admin_client)


def test_only_administrators_reach_the_pages(app, db):
    person = factories.make_user()
    organiser = login(app.test_client(), factories.make_user(may_create_events=True))

    assert organiser.get(f"/admin/users/{person.id}").status_code == 403
    assert organiser.post(f"/admin/users/{person.id}/disable", data={"reason": "x", "confirm": "y"}).status_code == 403
    assert organiser.post(f"/admin/users/{person.id}/enable").status_code == 403
    assert app.test_client().get(f"/admin/users/{person.id}").status_code == 302
    assert not fresh(db, person).disabled


def test_the_user_list_marks_and_filters_disabled_accounts(admin_client, db):
    factories.make_user(name="Anna Active")
    gone = factories.make_user(name="Dora Disabled")
    disable_account(gone, actor=admin_client.user, reason="Left")
    db.session.flush()

    everyone = admin_client.get("/admin/users").get_data(as_text=True)
    disabled = admin_client.get("/admin/users?status=disabled").get_data(as_text=True)
    enabled = admin_client.get("/admin/users?status=active").get_data(as_text=True)
    mangled = admin_client.get("/admin/users?status=whatever").get_data(as_text=True)

    dora_row = everyone[everyone.index(">Dora Disabled</a>"):]
    assert '<span class="badge text-bg-light border">disabled</span>' in dora_row[:dora_row.index("</tr>")]
    anna_row = everyone[everyone.index(">Anna Active</a>"):]
    assert "<td>enabled</td>" in anna_row[:anna_row.index("</tr>")]
    assert "Dora Disabled" in disabled and "Anna Active" not in disabled
    assert '<option value="disabled" selected>' in disabled
    assert "Anna Active" in enabled and "Dora Disabled" not in enabled
    assert "Anna Active" in mangled and "Dora Disabled" in mangled


# Domain rules ------------------------------------------------------------------------------------

def test_the_last_administrator_who_can_log_in_is_not_disabled(db):
    admin = factories.make_user(is_admin=True)
    other = factories.make_user(is_admin=True)
    disable_account(other, actor=None, reason="Left the team")

    with pytest.raises(InvalidState, match="last administrator"):
        disable_account(admin, actor=None, reason="Oops")

    assert not admin.disabled


def test_only_administrators_disable_or_enable(db):
    person = factories.make_user()
    organiser = factories.make_user(may_create_events=True)

    with pytest.raises(NotAllowed):
        disable_account(person, actor=organiser, reason="x")
    with pytest.raises(NotAllowed):
        enable_account(person, actor=organiser)
    assert not person.disabled


def test_disabling_twice_or_enabling_an_enabled_account_is_refused(db):
    person = factories.make_user()
    with pytest.raises(InvalidState, match="not disabled"):
        enable_account(person, actor=None)
    disable_account(person, actor=None, reason="x")
    with pytest.raises(InvalidState, match="already disabled"):
        disable_account(person, actor=None, reason="again")


# Command line ------------------------------------------------------------------------------------

def test_the_command_line_disables_and_enables_an_account(app, runner, db):
    person = factories.make_user(email="pia@example.org")
    browser = log_in(app.test_client(), person, remember=True)

    disabled = runner.invoke(args=["users", "disable", "PIA@example.org", "--reason", "Asked us to"])

    assert disabled.exit_code == 0, disabled.output
    assert disabled.output == "pia@example.org is disabled; 1 session(s) ended\n"
    assert fresh(db, person).disabled and not signed_in(browser)
    [entry] = audit(db, person, "account.disabled")
    assert entry.actor_id is None and entry.details == {"reason": "Asked us to", "sessions_ended": 1, "via": "cli"}

    enabled = runner.invoke(args=["users", "enable", "pia@example.org"])

    assert enabled.exit_code == 0, enabled.output
    assert enabled.output == "pia@example.org is enabled and may log in again\n"
    assert not fresh(db, person).disabled
    assert audit(db, person, "account.enabled")[0].details == {"via": "cli"}


def test_the_command_line_names_what_went_wrong(runner, db):
    factories.make_user(email="pia@example.org")

    missing = runner.invoke(args=["users", "disable", "nobody@example.org", "--reason", "x"])
    no_reason = runner.invoke(args=["users", "disable", "pia@example.org"])
    blank = runner.invoke(args=["users", "disable", "pia@example.org", "--reason", " "])
    not_disabled = runner.invoke(args=["users", "enable", "pia@example.org"])

    assert missing.exit_code == 1 and "No account uses nobody@example.org" in missing.output
    assert no_reason.exit_code == 2 and "Missing option '--reason'" in no_reason.output
    assert blank.exit_code == 1 and "Say why the account is disabled" in blank.output
    assert not_disabled.exit_code == 1 and "This account is not disabled." in not_disabled.output
