"""DOIs and web addresses as the archive stores them, so that the same resource is found again
however it was typed (``https://doi.org/10.1234/ABC`` and ``doi:10.1234/abc`` are one DOI)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from flask_babel import gettext as _

from conference.core.links import check_web_address
from conference.errors import DomainError

_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:")
_DOI = re.compile(r"10\.\d{4,9}/\S+")


def normalise_doi(text: str) -> str | None:
    """``text`` as a bare DOI (``10.prefix/suffix``), lower-cased: DOIs are case-insensitive, so the
    stored form is the one comparison needs. None when empty; DomainError on ``doi`` when it is
    not a DOI."""
    doi = text.strip()
    if not doi:
        return None
    for prefix in _DOI_PREFIXES:
        if doi.lower().startswith(prefix):
            doi = doi[len(prefix):].strip()
            break
    if not _DOI.fullmatch(doi) or len(doi) > 255:
        raise DomainError(_("Give a DOI such as 10.1234/abcd, or its address https://doi.org/10.1234/abcd."),
                          field="doi")
    return doi.lower()


def normalise_url(text: str) -> str | None:
    """``text`` as an http(s) address with its scheme and host in lower case and no fragment, so
    the same page typed twice is the same address. None when empty; DomainError on ``url`` when
    it is not a web address."""
    url = check_web_address(text, field="url")
    if not url:
        return None
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def doi_url(doi: str) -> str:
    return f"https://doi.org/{doi}"
