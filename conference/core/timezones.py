"""IANA time zones and countries offered in forms. A leaf module.

The tz database names each zone once and keeps its old names as links ("America/Buenos_Aires"
now "America/Argentina/Buenos_Aires", "Africa/Asmera" now "Africa/Nairobi"). We read both from
the ``tzdata`` package's own data files rather than a list of our own:

* offered (the pickers): the zones of ``zone.tab``, one or more per country (Europe/Stockholm
  stays, though the database links it to Europe/Berlin), and UTC;
* accepted: every zone Python's ``zoneinfo`` can load, old names included, so that a name typed
  by hand, guessed by a browser or stored in an older profile keeps working;
* ``canonical_timezone`` gives the offered name of an old one, by the links of ``tzdata.zi``.
  Forms store that name; a name with no offered equivalent (Etc/GMT+5) is kept as it is.
"""

from __future__ import annotations

import functools
import importlib.resources
import unicodedata
import zoneinfo

from babel import Locale

_EXCLUDED = {"Factory", "localtime", "posixrules"}


def _tzdata_file(name: str) -> list[str]:
    return importlib.resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8").splitlines()


@functools.cache
def all_timezones() -> frozenset[str]:
    """Every name accepted: the zones zoneinfo can load, old names included."""
    return frozenset(z for z in zoneinfo.available_timezones()
                     if z not in _EXCLUDED and not z.startswith(("posix/", "right/")))


@functools.cache
def canonical_timezones() -> tuple[str, ...]:
    """The names offered in pickers, sorted: the zones of zone.tab, and UTC."""
    listed = {line.split("\t")[2] for line in _tzdata_file("zone.tab") if line and not line.startswith("#")}
    return tuple(sorted((listed | {"UTC"}) & all_timezones()))


@functools.cache
def _links() -> dict[str, str]:
    """Each link of the tz database (an old or alternative name) to the zone it names."""
    return {parts[2]: parts[1] for parts in (line.split() for line in _tzdata_file("tzdata.zi"))
            if len(parts) == 3 and parts[0] == "L"}


@functools.cache
def _offered_for_zone() -> dict[str, str]:
    """For each zone of the database, the offered name that stands for it (UTC for Etc/UTC)."""
    offered = canonical_timezones()
    by_zone = {name: name for name in offered}
    for name in offered:
        by_zone.setdefault(_links().get(name, name), name)
    return by_zone


def canonical_timezone(name: str | None) -> str | None:
    """The offered name for ``name`` (itself when offered; "America/Argentina/Buenos_Aires" for
    "America/Buenos_Aires"); ``name`` itself when valid but without one; None when invalid."""
    if not is_valid_timezone(name):
        return None
    assert name is not None
    by_zone = _offered_for_zone()
    return by_zone.get(name) or by_zone.get(_links().get(name, name)) or name


@functools.cache
def aliases_of() -> dict[str, tuple[str, ...]]:
    """The old names that stand for each offered name (for matching a browser's guess)."""
    found: dict[str, list[str]] = {}
    offered = set(canonical_timezones())
    for name in sorted(all_timezones() - offered):
        target = canonical_timezone(name)
        if target in offered:
            found.setdefault(target, []).append(name)
    return {name: tuple(names) for name, names in found.items()}


def is_valid_timezone(name: str | None) -> bool:
    return bool(name) and name in all_timezones()


@functools.cache
def countries(locale: str = "en") -> tuple[tuple[str, str], ...]:
    """ISO 3166-1 alpha-2 codes with their names in ``locale``, sorted by name (accents aside)."""
    territories = Locale.parse(locale).territories
    not_countries = {"ZZ", "XA", "XB", "QO", "EU", "EZ", "UN"}  # unknown, pseudo-locales, groupings
    pairs = [(code, name) for code, name in territories.items()
             if len(code) == 2 and code.isalpha() and code not in not_countries]
    return tuple(sorted(pairs, key=lambda pair: (unicodedata.normalize("NFKD", pair[1]).casefold(), pair[1])))
