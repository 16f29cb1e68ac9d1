"""Lists of names and labels as the reader's language writes them.

"A, B et C" in French, "A, B y C" in Spanish, "A, B, and C" in English; "A, B ou C" for
alternatives. Pages use the ``format_list`` filter, code calls ``format_list``; mail rendered
for a recipient gets the recipient's language (Flask-Babel's ``force_locale``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from babel.lists import format_list as babel_format_list
from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup, escape


def format_list(items: Iterable[object], style: Literal["standard", "or"] = "standard") -> str:
    """The items (names, labels, keywords) joined for people to read; "" for none. Items that
    are markup (links built in a template) give markup, the language's words escaped."""
    items = list(items)
    locale = get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]
    if not any(isinstance(item, Markup) for item in items):
        return babel_format_list([str(item) for item in items], style=style, locale=locale)
    # Joined around stand-ins, so that only the language's own words are escaped, then each
    # stand-in replaced by its item (escaped unless it is markup already).
    joined = escape(babel_format_list([f"\x00{index}\x00" for index in range(len(items))], style=style,
                                      locale=locale))
    for index, item in enumerate(items):
        joined = Markup(joined.replace(f"\x00{index}\x00", escape(item)))
    return joined
