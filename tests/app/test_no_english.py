"""No English interface text in a French or Spanish page.

The demo (two events: a call with submissions, review, registrations, delegations, a released
agenda) is loaded once, the same every run (hostile_walk.load_demo_repeatably: the crawl takes
the first link per rule, so the demo's random submission codes made it read other pages each
run). Each kind of person (anonymous, author, reviewer, chair, organiser,
participant, focal point, site administrator) crawls the site from the main pages in French and
in Spanish (the switcher's cookie), one page per rule and event. Each page's visible text (text nodes,
without scripts, styles or what is typed in fields, plus the title, alt, placeholder and
aria-label attributes) is checked:

- a text equal to an English message of the catalogues whose translation differs is an
  interface string left in English (a message with placeholders matches its literal parts);
- an English month or day name, whole or short ("January", "Jan", "Monday", "Mon"), or an
  "AM"/"PM" is a date formatted without Babel.

What people typed (the demo's titles, names, answers) is told apart by the catalogue: typed text
that happens to equal an English message is listed in TYPED with where it comes from.
A failure names the person, the page and the English text.
"""

from __future__ import annotations

import collections
import functools
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po

from conference.accounts.models import User
from conference.demo import DEMO_PASSWORD
from conference.demo.registration import FOCAL_POINT_ACCOUNTS
from conference.extensions import db as _db

from .hostile_walk import demo_in_a_transaction_of_its_own, read_page, same_site_path

TRANSLATIONS = Path(__file__).resolve().parents[2] / "conference" / "translations"
LANGUAGES = ("fr", "es")
PEOPLE = {
    "anonymous": None,
    "author": "author@example.org",
    "reviewer": "reviewer@example.org",
    "chair": "chair@example.org",
    "organiser": "organiser@example.org",
    "administrator": "admin@example.org",
    "participant": "participant@example.org",
    "focal point": FOCAL_POINT_ACCOUNTS[0],
}
SEEDS = ["/", "/dashboard", "/my/submissions", "/auth/profile", "/auth/login", "/auth/signup", "/admin/users",
         "/events/new"]
PAGES_PER_PERSON = 400
# Text typed by people (the demo's content) that equals an English message: not an interface string.
TYPED = {
    "Talk", "Panel", "Poster session",  # the demo's submission types and agenda sessions (conference/demo/papers.py)
    "Presenter", "Participant",  # the demo's participant categories (conference/demo/registration.py)
}
_MONTH = r"January|February|March|April|May|June|July|August|September|October|November|December"
_DAY = r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_SHORT = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun"
# English month and day names as dates show them; short forms next to a number ("3 Mar", "Mar 3",
# "Mon, 3") so that French "Mon agenda" passes; a 12-hour clock's AM/PM.
MONTHS_AND_DAYS = re.compile(
    rf"\b({_MONTH}|{_DAY})\b|\b\d{{1,2}} ({_SHORT})\b|\b({_SHORT})\.?,? \d|\d ?[AP]M\b")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]+\}|\{\{.*?\}\}")
SHOWN_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label")


HIDDEN = {"script", "style", "textarea", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class VisibleText(HTMLParser):
    """The text a person sees or hears: text nodes and a few attributes, without scripts, styles,
    the values of fields (typed by someone), and parts marked in another language than the page's
    (``<pre lang="en">`` around a mail written in its recipient's language)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._open: list[tuple[str, bool]] = []  # (tag, hides its text)
        self._page_language: str | None = None

    def _hidden(self) -> bool:
        return any(hides for _, hides in self._open)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self._page_language = a.get("lang")
            return
        other_language = bool(a.get("lang")) and a.get("lang") != self._page_language
        if not self._hidden() and not other_language:
            for name, value in attrs:
                if name in SHOWN_ATTRIBUTES and value:
                    self._add(value)
        if tag not in VOID:
            self._open.append((tag, tag in HIDDEN or other_language))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self._open and self._open[-1][0] == tag:
            self._open.pop()

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):  # the nearest open element of that name
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        if not self._hidden():
            self._add(data)

    def _add(self, text: str) -> None:
        text = " ".join(text.split())
        if text:
            self.texts.append(text)


def visible_texts(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser.texts


def _english_messages(language: str) -> tuple[frozenset[str], list[re.Pattern]]:
    """The catalogue's English messages whose translation differs: whole texts, and patterns for
    those with placeholders (their literal parts, in order, each of two words or more)."""
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    whole, patterns = set(), []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if english in strings and all(s == english for s in strings if s):
                continue  # the same in both languages ("Total", "Type", "OK" in some)
            text = " ".join(english.replace("%%", "%").split())
            if "<" in text:  # markup inside the message: its text nodes are checked one by one
                parts = [p.strip() for p in re.split(r"<[^>]+>", text)]
                whole.update(p for p in parts if len(p.split()) >= 3 and not PLACEHOLDER.search(p))
                continue
            if PLACEHOLDER.search(text):
                literal = [p.strip() for p in PLACEHOLDER.split(text)]
                if sum(len(p.split()) for p in literal) >= 3:
                    patterns.append(re.compile(".*".join(re.escape(p) for p in literal if p)))
                continue
            whole.add(text)
    return frozenset(whole), patterns


LONG = 5  # words: a message this long is found inside a longer text too


@functools.cache
def _by_first_words(whole: frozenset[str]) -> dict[tuple[str, ...], list[str]]:
    index: dict[tuple[str, ...], list[str]] = collections.defaultdict(list)
    for message in whole:
        words = message.split()
        if len(words) >= LONG:
            index[tuple(words[:3])].append(message)
    return index


def _contained(text: str, whole: frozenset[str]) -> str | None:
    """A long English message inside ``text`` (a sentence of the interface next to other text)."""
    index, words = _by_first_words(whole), text.split()
    for start in range(len(words) - LONG + 1):
        for message in index.get(tuple(words[start:start + 3]), ()):
            if message in text:
                return message
    return None


def english_in(texts: list[str], whole: frozenset[str], patterns: list[re.Pattern], typed=frozenset()) -> list[str]:
    found = []
    for text in texts:
        if text in TYPED or text in typed:
            continue
        if text in whole or any(p.fullmatch(text) for p in patterns):
            found.append(text)
        elif (message := _contained(text, whole)) is not None:
            found.append(f"{message!r} in {text[:120]!r}")
        elif (date := MONTHS_AND_DAYS.search(text)) is not None:
            found.append(f"{date.group(0)!r} in {text[:80]!r}")
    return found


@pytest.fixture(scope="module")
def pages(app):
    """Per language: (person, path) -> the page's HTML, from each person's crawl of the demo."""
    with demo_in_a_transaction_of_its_own(app):
        # The profile's language comes before the switcher's: the visitor's choice decides here.
        _db.session.execute(sa.update(User).values(language=None))
        _db.session.commit()
        found: dict[str, dict[tuple[str, str], str]] = {language: {} for language in LANGUAGES}
        for who, email in PEOPLE.items():
            for language in LANGUAGES:
                client = app.test_client()
                if email:
                    response = client.post("/auth/login", data={"email": email, "password": DEMO_PASSWORD})
                    assert response.status_code == 302, f"{who} could not log in"
                client.set_cookie("language", language)
                found[language].update(_crawl(app, client, who))
        _db.session.remove()
        yield found


def _crawl(app, client, who: str) -> dict[tuple[str, str], str]:
    adapter = app.url_map.bind("localhost")
    # One page per rule and event: both demo events' pages.
    queue, seen, endpoints, found = collections.deque(SEEDS), set(), set(), {}
    while queue and len(found) < PAGES_PER_PERSON:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        try:
            endpoint, values = adapter.match(path.split("?")[0], "GET")
        except Exception:
            continue
        if (endpoint, values.get("slug")) in endpoints or endpoint in ("auth.logout", "static"):
            continue
        endpoints.add((endpoint, values.get("slug")))
        response = client.get(path)
        status, html, raw = response.status_code, response.mimetype == "text/html", response.get_data()
        response.close()
        if status != 200 or not html:
            continue
        body = raw.decode()
        found[(who, path)] = body
        queue.extend(p for p in map(same_site_path, read_page(body).links) if p)
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_interface_text_in_a_page(app, pages, language):
    whole, patterns = _english_messages(language)
    typed = {app.config["SITE_NAME"]}  # the site's name, set by its operator
    problems = []
    for (who, path), html in sorted(pages[language].items()):
        for text in english_in(visible_texts(html), whole, patterns, typed):
            problems.append(f"{who} {path}: {text}")
    # The crawl reached the main pages of each kind of person (the home links to some with a filter).
    reached = {path.split("?")[0] for (_, path) in pages[language]}
    for path in ("/events/icdd/", "/events/icdd/call", "/events/icdd/submissions/new", "/events/icdd/agenda",
                 "/events/icdd/register", "/events/icdd/review/", "/events/icdd/manage/registrations",
                 "/events/iatf-symposium/manage/delegations", "/events/icdd/mail/group", "/my/submissions",
                 "/auth/profile", "/admin/users"):
        assert path in reached, f"{path} not reached"
    # The organisers' pages, among them those with counts, totals and scores.
    organiser = {path.split("?")[0] for (who, path) in pages[language] if who == "organiser"}
    for path in ("/events/icdd/edit", "/events/icdd/team", "/events/icdd/manage/submissions/",
                 "/events/icdd/review/ranking", "/events/icdd/manage/registration", "/events/icdd/manage/check-in",
                 "/events/icdd/manage/agenda", "/events/icdd/mail/outbox"):
        assert path in organiser, f"{path} not reached by the organiser"
    assert len(pages[language]) > 300
    assert not problems, f"{len(problems)} English text(s) in {language} pages:\n" + "\n".join(
        dict.fromkeys(problems))


def test_the_scan_finds_an_english_message_a_date_and_skips_what_is_typed():
    whole, patterns = _english_messages("fr")
    page = ("<!doctype html><html lang='fr'><head><title>Soumettre</title><script>var x = 'Submit';</script></head>"
            "<body><p>Submit</p><p>3 Mar 2029</p><p>le 3 mars 2029</p><textarea>Save changes</textarea>"
            "<p>Mon agenda</p><p>Monday</p><p>9:30 AM</p><input placeholder='Search'><br>"
            "<pre lang='en'>Save changes <b>Submit</b></pre><p lang='fr'>Cancel</p><p>Soumettre</p>"
            "<p>Note : Only its owner can reset a personal feed.</p></body></html>")
    found = english_in(visible_texts(page), whole, patterns)
    assert found == ["Submit", "'3 Mar' in '3 Mar 2029'", "'Monday' in 'Monday'", "'0 AM' in '9:30 AM'", "Search",
                     "Cancel", "'Only its owner can reset a personal feed.' in "
                     "'Note : Only its owner can reset a personal feed.'"]
