"""Every cost a visitor controls has a cap here, answered with a message that names it (docs list them).

A search runs against a :class:`Deadline`: one that has used more than ``SEARCH_SECONDS`` of its thread's CPU
time, or waited more than ``SEARCH_WALL_SECONDS`` in all, raises :class:`SearchTimeout`, which the web answers
with 503 and ``Retry-After`` and the CLI as an error. CPU time is what a visitor's query costs; charging wall time
instead made a cheap search fail because other requests or a re-index held the processor. Partial answers are not
returned: a half-evaluated AND or OR would count and rank the wrong releases.
"""

from __future__ import annotations

import time

from archive.home import ArchiveError

MAX_QUERY_CHARS = 1000  # characters of query text read; the rest is ignored with a notice
MAX_QUERY_TERMS = 32  # words, phrases and field clauses in one query
MAX_PHRASE_WORDS = 12  # words in one quoted phrase
MIN_PREFIX = 2  # letters before a trailing * (a* alone would expand to thousands of words)
MAX_EXPANSION = 500  # indexed words one word* may stand for; past it the clause is dropped with a notice
MAX_PHRASE_EXPANSION = 50  # words the * ending a phrase may stand for (each is one more phrase to check)
MAX_SPELL_WORDS = 8  # words of one query sent to the spelling corrector
MAX_SPELL_LENGTH = 30  # longer words are not spell-checked
MAX_SPELL_TRIES = 6  # respelt queries counted to choose between equally close spellings
SEARCH_SECONDS = 1.5  # CPU seconds one web search may spend matching, ordering and respelling; the CLI allows more
SEARCH_WALL_SECONDS = 10.0  # however busy the machine, no search holds a worker thread longer than this
CLI_SEARCH_SECONDS = 60.0
RETRY_AFTER_SECONDS = 5  # what a 503 for a search over budget tells the client
# The quote finder (archive/quotes.py) runs against the same SEARCH_SECONDS budget.
MIN_QUOTE_WORDS = 5  # a shorter passage is a search, not a quote
MAX_QUOTE_WORDS = 80  # words of a pasted passage read; the rest is ignored with a notice
MAX_QUOTE_CHARS = 1500  # characters of a pasted passage read
QUOTE_LOOKUP_WORDS = 6  # the passage's rarest words whose releases are gathered as candidates
MAX_QUOTE_CANDIDATES = 40  # releases compared word by word with the passage
MAX_QUOTE_GROUPS = 10  # texts shown (each with every copy found)


class SearchTimeout(ArchiveError):
    """A search that did not finish within its time budget."""

    retry_after = RETRY_AFTER_SECONDS


class Deadline:
    """The CPU time a search may use in the thread that created it (and a wall-clock limit behind it);
    ``check()``, called between steps in that same thread, raises :class:`SearchTimeout` past either."""

    def __init__(self, seconds: float | None, wall_seconds: float | None = None) -> None:
        self.seconds = seconds
        if seconds is None:
            self.cpu_at = self.wall_at = None
            return
        wall = max(seconds, SEARCH_WALL_SECONDS) if wall_seconds is None else wall_seconds
        self.cpu_at = time.thread_time() + seconds
        self.wall_at = time.monotonic() + wall

    def check(self) -> None:
        if self.cpu_at is None:
            return
        if time.thread_time() >= self.cpu_at or time.monotonic() >= self.wall_at:  # a budget of 0 is spent at once
            raise SearchTimeout(f"this search needed more than {self.seconds:g} s; try fewer or more specific words")


NO_DEADLINE = Deadline(None)


def caps() -> dict[str, float]:
    """The caps by name, for docs and the API."""
    return {name: value for name, value in globals().items() if name.isupper() and isinstance(value, (int, float))}
