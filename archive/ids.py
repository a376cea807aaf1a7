"""Stable, readable, URL-safe release ids.

An id is derived from the canonical URL when the release has one, otherwise from its source path
(plus the record key for a record inside a JSON file), so re-indexing the same folder gives the same ids.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import urlsplit

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,120}$")
_MAX_SLUG = 60


def slugify(text: str, limit: int = _MAX_SLUG) -> str:
    """Lower-case ASCII words joined by hyphens, cut at a word boundary."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] or slug[:limit]
    return slug


def release_id(url: str = "", source: str = "") -> str:
    """The id of a release: a readable slug plus a short hash of what it was derived from."""
    if url:
        parts = urlsplit(url.strip())
        host = parts.netloc.lower().removeprefix("www.")
        key = f"{host}{parts.path.rstrip('/')}"
        tail = parts.path.rstrip("/").rsplit("/", 1)[-1] or host
        label = f"{host.split('.')[0]}-{tail}"
    else:
        key = source
        label = re.sub(r"\.[a-z0-9]+(#.*)?$", "", source.rsplit("/", 1)[-1], flags=re.I)
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
    slug = slugify(label) or "release"
    return f"{slug}-{digest}"


def is_valid_id(value: str) -> bool:
    """Whether ``value`` could be a release id at all (rejects ``../``, slashes, overlong values)."""
    return bool(ID_PATTERN.match(value))
