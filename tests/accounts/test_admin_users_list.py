"""The site's user list as a long list: pages and page sizes read safely, the chosen columns,
and a fixed number of queries on any page."""

from __future__ import annotations

import re

from .. import factories
from ..query_counting import queries_for


def names(html: str) -> list[str]:
    return re.findall(r'<td><a href="/admin/users/\d+">([^<]+)</a></td>', html)


def test_users_are_listed_by_pages(admin_client, db):
    for i in range(30):
        factories.make_user(name=f"Zed {i:02d}")
    first = admin_client.get("/admin/users?size=25&q=zed").get_data(as_text=True)
    assert names(first) == [f"Zed {i:02d}" for i in range(25)] and "1–25 of 30" in first
    second = admin_client.get("/admin/users?size=25&q=zed&page=2").get_data(as_text=True)
    assert names(second) == [f"Zed {i:02d}" for i in range(25, 30)] and "26–30 of 30" in second
    # The search box keeps the page size; links keep the search.
    assert '<input type="hidden" name="size" value="25">' in second
    assert "/admin/users?page=1&amp;cols=" in second and "q=zed" in second
    beyond = admin_client.get("/admin/users?size=25&q=zed&page=7").get_data(as_text=True)
    assert names(beyond) == names(second)
    assert "There are only 2 pages: showing the last one." in beyond
    odd = admin_client.get("/admin/users?size=13&q=zed").get_data(as_text=True)
    assert len(names(odd)) == 30 and "Show 25, 50, 100, 200 rows per page: showing 50." in odd


def test_user_columns_are_chosen(admin_client, db):
    factories.make_user(name="Carla Creator", email="carla@example.org")
    page = admin_client.get("/admin/users?cols=status").get_data(as_text=True)
    assert "<td>carla@example.org</td>" not in page and ">Status</th>" in page and "Carla Creator" in page
    assert "<td>carla@example.org</td>" not in admin_client.get("/admin/users").get_data(as_text=True)
    assert "<td>carla@example.org</td>" in admin_client.get("/admin/users?cols=email").get_data(as_text=True)


def test_any_page_of_users_runs_the_same_queries(admin_client, db):
    for i in range(3):
        factories.make_user(name=f"Early {i}")
    small = queries_for(db, admin_client, "/admin/users?size=25")
    for i in range(60):
        factories.make_user(name=f"Later {i}")
    db.session.flush()
    assert queries_for(db, admin_client, "/admin/users?size=25") == small
    assert queries_for(db, admin_client, "/admin/users?size=25&page=3") == small
