"""Reading a CSV file an organiser uploads or pastes (invitations, organisations): the rows
with their line numbers, comma or semicolon separated, with or without a byte-order mark; and
writing a cell a spreadsheet will not run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from flask_babel import gettext as _

Problem = tuple[int, str]  # a line number and what is wrong with it


def read_rows(text: str, *, columns: tuple[str, ...], required: tuple[str, ...], empty_message: str,
              missing_message: Callable[[list[str]], str], cell: Callable[[str], str] = lambda value: value,
              ) -> tuple[list[str], list[tuple[int, dict]], list[Problem]]:
    """The ``columns`` the header names (in ``columns``' order), and each non-blank row as
    {column: ``cell``(value)} with its line number; or the problem with the file. Header names
    are compared in lower case, spaces read as underscores."""
    text = (text or "").lstrip("\ufeff")
    header = text.splitlines()[0] if text.strip() else ""
    if not header.strip():
        return [], [], [(1, empty_message)]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    named = ["_".join(c.strip().lower().split()) for c in next(reader)]
    missing = [c for c in required if c not in named]
    if missing:
        return [], [], [(1, missing_message(missing))]
    found = [c for c in columns if c in named]
    rows = []
    try:
        for cells in reader:
            if not any(value.strip() for value in cells):
                continue
            rows.append((reader.line_num, {c: cell(cells[named.index(c)]) if named.index(c) < len(cells) else ""
                                           for c in found}))
    except csv.Error as error:
        return [], [], [(reader.line_num, _("This line cannot be read (%(error)s).", error=str(error)))]
    return found, rows, []


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
