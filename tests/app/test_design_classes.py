"""Every CSS class a template writes exists: in Bootstrap (the design system, served from the
Bootstrap-Flask package) or in the app's own app.css. A class defined nowhere is a leftover of
the hand-written design (``stack``, ``details``, ``prose``… once they are gone from app.css) and
silently styles nothing. The only other classes allowed are hooks that the app's scripts look
up (conference/static/*.js).

Jinja expressions inside a class attribute are skipped, and so is any token they touch
(``alert-{{ kind }}``): what they produce is checked by the pages' own tests."""

from __future__ import annotations

import re
from pathlib import Path

import flask_bootstrap

import conference

APP = Path(conference.__file__).parent
BOOTSTRAP_CSS = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5" / "css" / "bootstrap.min.css"

# Classes written by templates that other parts of the work still own, each with where it is;
# they are to become Bootstrap classes there. The test fails as soon as one is no longer used,
# so this list can only shrink.
KNOWN_ELSEWHERE = {
    "changes": "agenda/changelog.html",
    "error-summary": "_macros/forms.html, delegations/delegation.html, agenda/editor.html",
    "export-links": "agenda/_export_links.html",
    "grid-empty": "agenda/_grid.html",
    "flashes": "base.html",
    "language-switcher": "base.html",
    "option-hint": "_macros/forms.html",
    "privacy-note": "_macros/forms.html",
    "translations": "_macros/forms.html",
    "state-counts": "cfp_manage/submissions.html",
    "timezone-statement": "base.html (tests/app/test_i18n.py finds the footer's sentence by it)",
}

CLASS_ATTRIBUTE = re.compile(r'\bclass="([^"]*)"')
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
CSS_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")


def defined_classes() -> set[str]:
    css = BOOTSTRAP_CSS.read_text(encoding="utf-8") + (APP / "static" / "app.css").read_text(encoding="utf-8")
    return set(CSS_CLASS.findall(css))


def script_hooks() -> set[str]:
    """Classes the scripts look up (``".agenda-item"`` in a selector) or set (``classList.add``,
    ``className =``)."""
    hooks: set[str] = set()
    for path in (APP / "static").glob("*.js"):
        script = path.read_text(encoding="utf-8")
        for literal in re.findall(r"\"([^\"\n]*)\"|'([^'\n]*)'", script):
            hooks.update(CSS_CLASS.findall("".join(literal)))
        for names in re.findall(r"(?:classList\.\w+\(|className\s*=\s*)[\"']([^\"']*)", script):
            hooks.update(names.split())
    return hooks


def template_classes() -> dict[str, set[str]]:
    """Each class token the templates write, with the templates writing it."""
    used: dict[str, set[str]] = {}
    for path in sorted(APP.rglob("templates/**/*.html")):
        for attribute in CLASS_ATTRIBUTE.findall(path.read_text(encoding="utf-8")):
            # A token touching an expression is only partly written here: skip it.
            for token in JINJA.sub("\0", attribute).split():
                if "\0" not in token:
                    used.setdefault(token, set()).add(str(path.relative_to(APP)))
    return used


def test_the_check_finds_what_it_must():
    defined = defined_classes()
    assert {"btn", "btn-primary", "table-sm", "col-sm-3", "d-print-none", "badge", "text-bg-success"} <= defined
    assert "agenda-grid" in defined  # app.css's own components count
    assert "not-a-bootstrap-class" not in defined
    assert "agenda-item" in script_hooks() and "error-summary" not in script_hooks()  # an id there
    used = template_classes()
    assert "btn" in used and "alert-" not in used  # alert-{{ … }} in base.html is skipped


def test_every_class_a_template_writes_is_defined():
    allowed = defined_classes() | script_hooks()
    undefined = {token: sorted(paths) for token, paths in template_classes().items()
                 if token not in allowed and token not in KNOWN_ELSEWHERE}
    assert undefined == {}, "classes defined neither by Bootstrap nor by app.css nor used by a script"


def test_the_known_leftovers_are_still_there():
    used = template_classes()
    gone = {token: where for token, where in KNOWN_ELSEWHERE.items() if token not in used}
    assert gone == {}, "no longer used: remove them from KNOWN_ELSEWHERE"
    allowed = defined_classes() | script_hooks()
    defined_now = {token for token in KNOWN_ELSEWHERE if token in allowed}
    assert defined_now == set(), "now defined: remove them from KNOWN_ELSEWHERE"
