"""What a source reader hands to extraction: the release as the file states it, before interpretation."""

from __future__ import annotations

from dataclasses import dataclass, field


class SkipFile(Exception):
    """A file (or record) that cannot become a release; the message is the reason shown to the user.

    ``source`` names the record (``file.jsonl#L7``) when only part of a file was skipped.
    """

    def __init__(self, reason: str, source: str = "") -> None:
        super().__init__(reason)
        self.source = source


@dataclass
class Quote:
    """A quotation the layout itself attributes (``<blockquote>`` … ``<cite>``), no "said" needed."""

    text: str
    attribution: str


@dataclass
class Draft:
    """What one file or record states, uninterpreted.

    A reader does not decide the headline or the issuer: it lists what the page offers — ``titles`` and
    ``site_names`` as ``(where, text)`` pairs, most explicit first — and extraction chooses, knowing what the
    rest of the folder looks like (``indexer/extract/folder.py``).
    """

    source: str
    format: str
    paragraphs: list[str] = field(default_factory=list)
    titles: list[tuple[str, str]] = field(default_factory=list)
    subtitle: str = ""
    meta_date: str = ""
    url: str = ""
    tags: list[str] = field(default_factory=list)
    site_names: list[tuple[str, str]] = field(default_factory=list)
    publisher: str = ""
    author: str = ""
    author_role: str = ""
    language: str = ""
    quotes: list[Quote] = field(default_factory=list)
    letterhead: list[str] = field(default_factory=list)
    metadata_only: bool = False

    @property
    def title(self) -> str:
        """The reader's first choice; extraction may prefer another candidate."""
        return self.titles[0][1] if self.titles else ""
