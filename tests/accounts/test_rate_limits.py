"""Rate limits per account as well as per address: many people behind one shared address (an
agency's NAT) are not locked out together, while one account stays protected from whichever
addresses it is attacked. (The same against Redis: tests/app/test_rate_limit_storage.py.)"""

from __future__ import annotations

import pytest

from .. import factories
from ..conftest import login

AGENCY = {"REMOTE_ADDR": "198.51.100.20"}  # one address shared by many people


def address(n: int) -> dict:
    return {"REMOTE_ADDR": f"203.0.113.{n}"}


@pytest.mark.parametrize(
    ("path", "allowed", "data"),
    [
        ("/auth/login", 10, {"email": "someone@example.org", "password": "wrong password"}),
        ("/auth/signup", 5, {"email": "someone@example.org", "name": "X", "password": "p", "confirm": "p"}),
        ("/auth/reset", 5, {"email": "someone@example.org"}),
    ],
)
def test_posts_are_rate_limited_per_account_from_any_address(app, db, path, allowed, data):
    client = app.test_client()
    for n in range(allowed):  # each attempt from another address: the account's counter still adds up
        assert client.post(path, data=data, environ_base=address(n + 1)).status_code in (200, 302)

    response = client.post(path, data=data, environ_base=address(99))

    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    # The same address typed differently is the same account.
    assert client.post(path, data=data | {"email": " SomeOne@Example.org "},
                       environ_base=address(98)).status_code == 429
    assert client.get(path).status_code == 200  # reading the form is not limited
    # Another account from the very address that was just refused is not.
    other = client.post(path, data=data | {"email": "another@example.org"}, environ_base=address(99))
    assert other.status_code in (200, 302)


def test_many_people_behind_one_address_all_log_in(app, db):
    people = [factories.make_user(email=f"delegate{n}@agency.example") for n in range(25)]

    codes = []
    for person in people:  # each mistypes their password once, then logs in
        client = app.test_client()
        codes.append(client.post("/auth/login", data={"email": person.email, "password": "mistyped password"},
                                 environ_base=AGENCY).status_code)
        codes.append(client.post("/auth/login", data={"email": person.email, "password": factories.DEFAULT_PASSWORD},
                                 environ_base=AGENCY).status_code)

    # 50 attempts from one address in a minute: the old limit of 10 per address refused the 11th.
    assert codes == [200, 302] * 25


def test_one_address_trying_many_accounts_is_still_limited(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_PER_ADDRESS", "12 per minute")
    client = app.test_client()

    codes = [client.post("/auth/login", data={"email": f"target{n}@example.org", "password": "guess"},
                         environ_base=AGENCY).status_code for n in range(13)]

    assert codes == [200] * 12 + [429]
    elsewhere = client.post("/auth/login", data={"email": "target0@example.org", "password": "guess"},
                            environ_base=address(7))
    assert elsewhere.status_code == 200


def test_only_failed_log_ins_count_against_the_account(app, db):
    person = factories.make_user()

    codes = [app.test_client().post("/auth/login", data={"email": person.email, "password": factories.DEFAULT_PASSWORD},
                                    environ_base=AGENCY).status_code for _ in range(12)]

    assert codes == [302] * 12  # twelve devices, no lock-out
    for _ in range(10):
        app.test_client().post("/auth/login", data={"email": person.email, "password": "wrong password"})
    refused = app.test_client().post("/auth/login", data={"email": person.email,
                                                          "password": factories.DEFAULT_PASSWORD})
    assert refused.status_code == 429  # once guessed at, even the right password waits


def test_resending_the_confirmation_is_limited_per_person_not_per_address(app, db):
    first, second = (login(app.test_client(), factories.make_user(verified=False)) for _ in range(2))

    codes = [first.post("/auth/verify/resend", environ_base=AGENCY).status_code for _ in range(6)]

    assert codes == [302] * 5 + [429]
    assert second.post("/auth/verify/resend", environ_base=AGENCY).status_code == 302


def test_a_reset_link_is_limited_per_link(app, db):
    client = app.test_client()
    codes = [client.post("/auth/reset/not-a-real-token", data={"password": "x", "confirm": "x"},
                         environ_base=address(n)).status_code for n in range(6)]

    assert codes == [400] * 5 + [429]
    assert client.post("/auth/reset/another-token", data={}, environ_base=address(1)).status_code == 400
