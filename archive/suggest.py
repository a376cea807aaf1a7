"""Did you mean: a spelling of the query that finds more releases."""

from __future__ import annotations

from archive.limits import Deadline
from archive.query import ParsedQuery, parse_query
from archive.store import Snapshot


def did_you_mean(snap: Snapshot, parsed: ParsedQuery, total: int, deadline: Deadline) -> str:
    if parsed.whoosh is None or not parsed.text:
        return ""
    with snap.lock:
        searcher = snap.searcher
        words = parsed.text.split()
        analyzer = searcher.schema["text"].analyzer
        unknown = [w for w in words if w.isalpha() and w not in ("AND", "OR", "NOT")
                   and any(searcher.doc_frequency("text", t.text) == 0 for t in analyzer(w.lower()))]
        if not unknown:
            return ""
        corrector = searcher.corrector("text")
        changed = False
        fixed = []
        for word in words:
            if word.isalpha() and word.lower() not in ("and", "or", "not"):
                suggestion = corrector.suggest(word.lower(), limit=1)
                if suggestion and suggestion[0] != word.lower():
                    fixed.append(suggestion[0])
                    changed = True
                    continue
            fixed.append(word)
        if not changed:
            return ""
        candidate = " ".join(fixed)
        alt = parse_query(candidate)
        count = sum(1 for _ in searcher.docs_for_query(alt.whoosh))
    return candidate if count > total else ""
