"""Which URLs the archive will hand on: a release's original address, and the site's own public base URL.

A release's URL comes from a file someone else wrote. Rendered as a link, put in a citation or in an export, a
``javascript:`` or ``data:`` URL is a script waiting for a click, and a URL holding ``}``, a backslash or a line
break rewrites the BibTeX or RIS record around it. So only absolute ``http(s)`` URLs pass, with no control
character or whitespace but the plain space anywhere, and the few ASCII characters RFC 3986 does not allow in a
URL at all (space ``{ } \\ | ^ ` < > "``) percent-encoded, as a browser would send them. The indexer keeps only
such URLs (``indexer/sanitize.py``) and every place that links or cites checks again.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SCHEMES = ("http", "https")
MAX_URL = 2000
# C0 and C1 controls, DEL, and every Unicode space or line/paragraph separator.
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]")
_NOT_IN_URLS = {ch: f"%{ord(ch):02X}" for ch in ' {}\\|^`<>"'}


def safe_url(url: str | None) -> str:
    """``url`` if it is an absolute http(s) URL that is safe to link to and to cite, else ``""``."""
    if not url:
        return ""
    url = url.strip()
    if not url or len(url) > MAX_URL or _FORBIDDEN.search(url.replace(" ", "")):
        return ""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return ""
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        return ""
    return "".join(_NOT_IN_URLS.get(ch, ch) for ch in url)


def base_url(url: str) -> str:
    """The site's public address (``https://archive.example.org``), checked, without a final ``/``.

    Raises ``ValueError`` saying what is wrong: the archive writes this address into every permalink, feed and
    citation, so it must be the root of an http(s) site with no path, query, fragment or credentials (the site's
    own links are relative to its root).
    """
    checked = safe_url(url)
    if not checked:
        raise ValueError(f"base URL must be an absolute http:// or https:// address, not {url[:80]!r}")
    parts = urlsplit(checked)
    if parts.path.strip("/") or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"base URL must be the root of a site, like https://archive.example.org (no path, query, "
                         f"fragment or user name), not {url[:80]!r}")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"
