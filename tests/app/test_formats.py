"""Numbers and lists in the reader's language: every message writes its numbers as the
language does (conference.extensions.interpolate), whatever its placeholder; names and labels
are joined by Babel's list patterns (conference.core.lists.format_list), in code and in pages."""

from __future__ import annotations

from html import unescape

import pytest
from flask import render_template_string
from flask_babel import force_locale, gettext, lazy_gettext, ngettext
from markupsafe import Markup

from conference.core.lists import format_list

from ..conftest import login
from ..registration.builders import add_category, add_question, organised_form

NNBSP = "\u202f"  # French groups thousands with a narrow no-break space


@pytest.mark.parametrize("language, thousands, decimal", [
    ("en", "12,345", "2.5"), ("fr", f"12{NNBSP}345", "2,5"), ("es", "12.345", "2,5")])
def test_a_message_writes_its_numbers_in_the_readers_language(app, language, thousands, decimal):
    with app.test_request_context(), force_locale(language):
        # %(n)d and %(n)s alike; a float given to %(n)d keeps its whole part, as % would.
        assert gettext("%(n)d", n=12345) == thousands
        assert gettext("%(n)s", n=12345.0) == thousands
        assert gettext("%(n)s", n=2.5) == decimal
        assert gettext("%(n)d", n=12345.9) == thousands
        assert ngettext("%(num)d", "%(num)d", 12345) == thousands
        assert str(lazy_gettext("%(n)d", n=12345)) == thousands
        # What is not a quantity is left as it is: text, an id, a yes-or-no, a percent sign.
        assert gettext("%(n)s %(id)d %(b)s 100%%", n="12345", id=12345, b=True) == "12345 12345 True 100%"
        page = render_template_string(
            "{{ _('%(n)d', n=12345) }}|{{ ngettext('%(num)d', '%(num)d', 12345) }}|{{ _('%(x)s <b>%(n)s</b>', "
            "x='<i>', n=2.5) }}|{{ _('50%%') }}|{{ ngettext('%(num)s', '%(num)s', 2, num=12345) }}")
        assert page == f"{thousands}|{thousands}|&lt;i&gt; <b>{decimal}</b>|50%|{thousands}"


@pytest.mark.parametrize("language, standard, alternatives", [
    ("en", "Ada, Bo, and Cy", "Ada or Bo"), ("fr", "Ada, Bo et Cy", "Ada ou Bo"), ("es", "Ada, Bo y Cy", "Ada o Bo")])
def test_names_are_joined_as_the_readers_language_joins_a_list(app, language, standard, alternatives):
    with app.test_request_context(), force_locale(language):
        assert format_list(["Ada", "Bo", "Cy"]) == standard
        assert format_list(["Ada", "Bo"], style="or") == alternatives
        assert format_list(["Ada"]) == "Ada" and format_list([]) == ""
        # Typed text is escaped on the page; links built by the template stay links.
        page = render_template_string(
            "{{ ['<Ada>', 'Bo', 'Cy']|format_list }}|{% set parts = [] %}{% for n in ['<Ada>', 'Bo', 'Cy'] %}"
            "{% set part %}<a href=\"/p\">{{ n }}</a>{% endset %}{% set _ignored = parts.append(part) %}{% endfor %}"
            "{{ parts|format_list }}")
        links = standard.replace("Ada", '<a href="/p">&lt;Ada&gt;</a>').replace("Bo", '<a href="/p">Bo</a>') \
            .replace("Cy", '<a href="/p">Cy</a>')
        assert page == standard.replace("Ada", "&lt;Ada&gt;") + "|" + links
        assert isinstance(format_list([Markup("<b>Ada</b>"), "<Bo>"]), Markup)


def test_a_french_page_shows_a_french_number_and_a_french_list(app, db):
    """The registration set-up in French: a category's places as "0 occupées sur 1 500", and the
    categories a question is asked in as "Membres et Observateurs"."""
    organiser, form = organised_form(slug="formats")
    members = add_category(form, "Membres", in_person=1500)
    observers = add_category(form, "Observateurs", in_person=20)
    add_question(form, "Régime alimentaire", categories=[members, observers])
    client = login(app.test_client(), organiser)
    client.set_cookie("language", "fr")
    page = unescape(client.get("/events/formats/manage/registration").get_data(as_text=True))
    assert '<html lang="fr"' in page
    assert f"<td>0 occupées sur 1{NNBSP}500</td>" in page
    assert "<td>Membres et Observateurs</td>" in page
    client.set_cookie("language", "es")
    page = unescape(client.get("/events/formats/manage/registration").get_data(as_text=True))
    assert "<td>0 ocupadas de 1.500</td>" in page and "<td>Membres y Observateurs</td>" in page
