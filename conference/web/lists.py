"""The organisers' long lists: reading a page number, a page size, the chosen columns and the
ticked rows from a request safely, and cutting a list or a query into pages.

Nothing read here raises: a mangled value falls back to the default and leaves a sentence in
``problems`` for the page to show, so a hand-edited address never gives an error page.
``paginate_query`` runs two statements (the count and one page) whatever the list's length; a
list the domain has already loaded (sorted in the reader's language, ranked) is cut with
``page_of`` and costs nothing more."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import session
from flask_babel import gettext as _
from flask_babel import ngettext

from conference.core.bounds import parse_int
from conference.extensions import db

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
# More ticked rows than this in one request is not a person ticking boxes.
MAX_CHOSEN = 1000


@dataclass
class Page:
    """One page of a list: ``items`` and where they sit in the ``total``."""

    items: list
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        """The position of the first row shown (1-based; 0 when nothing is shown)."""
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    def numbers(self, around: int = 2) -> list[int | None]:
        """The page numbers to offer: the first, the last and ``around`` each side of this one;
        None where numbers are left out."""
        wanted = {1, self.pages, *range(self.number - around, self.number + around + 1)}
        shown: list[int | None] = []
        for number in sorted(n for n in wanted if 1 <= n <= self.pages):
            if shown and shown[-1] is not None and number - shown[-1] > 1:
                shown.append(None)
            shown.append(number)
        return shown


@dataclass
class ListArgs:
    """The page and page size asked for, and what was wrong with the request (to show)."""

    page: int = 1
    size: int = DEFAULT_PAGE_SIZE
    problems: list[str] = field(default_factory=list)

    @property
    def sizes(self) -> tuple[int, ...]:
        return PAGE_SIZES

    def query(self, **overrides) -> dict:
        """The paging arguments to carry in links (only those that differ from the defaults)."""
        values = {"size": self.size} if self.size != DEFAULT_PAGE_SIZE else {}
        values.update(overrides)
        return values


def read_list_args(args: Mapping[str, str]) -> ListArgs:
    """``?page=`` and ``?size=`` from the query string; a bad one is replaced and explained."""
    read = ListArgs()
    raw_page, raw_size = (args.get("page") or "").strip(), (args.get("size") or "").strip()
    if raw_page:
        page = parse_int(raw_page, minimum=1)
        if page is None:
            read.problems.append(_("The page number must be a whole number from 1: showing the first page."))
        else:
            read.page = page
    if raw_size:
        size = parse_int(raw_size)
        if size not in PAGE_SIZES:
            read.problems.append(_("Show %(sizes)s rows per page: showing %(size)d.",
                                   sizes=", ".join(str(s) for s in PAGE_SIZES), size=DEFAULT_PAGE_SIZE))
        else:
            read.size = size
    return read


def _clamped(args: ListArgs, total: int) -> int:
    last = max(1, -(-total // args.size))
    if args.page > last:
        args.problems.append(ngettext("There is only %(num)d page: showing it.",
                                      "There are only %(num)d pages: showing the last one.", last))
        args.page = last
    return args.page


def page_of(items: Sequence, args: ListArgs) -> Page:
    """The page ``args`` asks for of a list already loaded (a page past the end: the last one)."""
    number = _clamped(args, len(items))
    start = (number - 1) * args.size
    return Page(items=list(items[start:start + args.size]), total=len(items), number=number, size=args.size)


def paginate_query(stmt: sa.Select, args: ListArgs) -> Page:
    """The page ``args`` asks for of ``stmt`` (which carries its own ordering and eager loading
    by selectin or joined loads): one statement counts, one reads the page."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0
    number = _clamped(args, total)
    items = list(db.session.scalars(stmt.limit(args.size).offset((number - 1) * args.size)).unique())
    return Page(items=items, total=total, number=number, size=args.size)


# Columns ---------------------------------------------------------------------------------------

@dataclass
class Columns:
    """The optional columns a list offers (key -> label) and those shown."""

    offered: dict[str, Any]
    shown: tuple[str, ...]

    def __contains__(self, key: str) -> bool:
        return key in self.shown

    def query(self) -> dict:
        """``cols`` for links, so that paging and sorting keep the choice."""
        return {"cols": list(self.shown)} if self.shown else {"cols": "-"}


def read_columns(args, *, name: str, offered: dict[str, Any], default: Iterable[str]) -> Columns:
    """The optional columns to show: ``?cols=`` (repeated; "-" for none), else those last chosen
    for the list ``name`` in this browser's session, else ``default``. Unknown keys are dropped."""
    key = f"columns:{name}"
    if "cols" in args:
        chosen = tuple(c for c in offered if c in set(args.getlist("cols")))
        if session.get(key) != list(chosen):
            session[key] = list(chosen)
    else:
        remembered = session.get(key)
        chosen = tuple(c for c in offered if c in set(remembered if isinstance(remembered, list) else default))
    return Columns(offered=offered, shown=chosen)


# Ticked rows -----------------------------------------------------------------------------------

def read_ids(values: Iterable[str]) -> tuple[list[int], str | None]:
    """The row ids ticked in a bulk form, each once, in order; and a sentence when one is not an
    id at all or there are too many (nothing is done then)."""
    ids: list[int] = []
    for value in values:
        number = parse_int(value, minimum=1)
        if number is None:
            return [], _("The selection was damaged (one of the rows is not a number): tick the rows again.")
        if number not in ids:
            ids.append(number)
        if len(ids) > MAX_CHOSEN:
            return [], _("Choose at most %(num)d rows at a time.", num=MAX_CHOSEN)
    return ids, None
