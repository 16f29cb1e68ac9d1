"""Tables that scroll sideways can be reached and scrolled with the keyboard (axe: scrollable-region-focusable).

Every `.table-scroll` wrapper is a focusable region named by its table's caption or heading.
"""

import re

import pytest

WRAPPER = re.compile(r'<div class="table-responsive[^"]*"[^>]*>')


def _problems(html: str) -> list[str]:
    """Each wrapper lacking a role, a tab stop, or a name that points at an element of the page."""
    problems = []
    for tag in WRAPPER.findall(html):
        labelled_by = re.search(r'aria-labelledby="([^"]+)"', tag)
        named = labelled_by is not None and html.count(f'id="{labelled_by.group(1)}"') == 1
        if 'role="region"' not in tag or 'tabindex="0"' not in tag or not named:
            problems.append(tag)
    return problems


def test_every_scrolling_table_in_the_templates_is_a_named_focusable_region(app):
    loader = app.jinja_env.loader
    checked, offenders = 0, {}
    for name in app.jinja_env.list_templates():
        source = loader.get_source(app.jinja_env, name)[0]
        for tag in WRAPPER.findall(source):
            checked += 1
            labelled_by = re.search(r'aria-labelledby="([^"]+)"', tag)
            named = labelled_by is not None and (
                "{{" in labelled_by.group(1)  # built in a loop or a macro: checked on rendered pages
                or f'id="{labelled_by.group(1)}"' in source
            )
            if 'role="region"' not in tag or 'tabindex="0"' not in tag or not named:
                offenders.setdefault(name, []).append(tag)
    assert checked >= 50
    assert offenders == {}


@pytest.mark.parametrize("url", ["/admin/users"])
def test_admin_tables_are_named_focusable_regions(admin_client, url):
    html = admin_client.get(url).get_data(as_text=True)
    assert '<div class="table-responsive list-scroll" role="region" aria-labelledby="users-caption" tabindex="0">' in html
    assert '<caption id="users-caption" class="visually-hidden">' in html
    assert _problems(html) == []


def test_organiser_tables_are_named_focusable_regions(organiser_client, event):
    for url in (f"/events/{event.slug}/team",):
        response = organiser_client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert len(WRAPPER.findall(html)) >= 1, url
        assert _problems(html) == [], url
