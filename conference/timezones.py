"""IANA time zones and countries offered in forms. A leaf module."""

from __future__ import annotations

import functools
import zoneinfo

from babel import Locale

_EXCLUDED = {"Factory", "localtime", "posixrules"}


@functools.cache
def all_timezones() -> tuple[str, ...]:
    return tuple(sorted(z for z in zoneinfo.available_timezones() if z not in _EXCLUDED and not z.startswith("posix/") and not z.startswith("right/")))


def is_valid_timezone(name: str | None) -> bool:
    return bool(name) and name in all_timezones()


@functools.cache
def countries(locale: str = "en") -> tuple[tuple[str, str], ...]:
    """ISO 3166-1 alpha-2 codes with their names, sorted by name."""
    territories = Locale.parse(locale).territories
    pairs = [(code, name) for code, name in territories.items() if len(code) == 2 and code.isalpha() and code not in {"ZZ", "XA", "XB", "QO", "EU", "EZ", "UN"}]
    return tuple(sorted(pairs, key=lambda pair: pair[1]))
