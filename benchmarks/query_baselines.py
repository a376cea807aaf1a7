"""The query benchmark's queries against tantivy and SQLite FTS5, doing the same work per query.

Same releases (read back from our index), same queries (translated from our query language), and for each
query the same answer: total hits, the top 20 by BM25 with a highlighted snippet each, the top 10 values of
the speaker / topic / issuer / tag / wire facets among all hits, and a per-year histogram.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

from archive.model import Release

FACETS = ("speaker", "topic", "issuer", "tag", "wire")
_TERM = re.compile(r'(\w+):("[^"]*"|\S+)|("[^"]*")|(\S+)')


def _values(release: Release, facet: str) -> list[str]:
    if facet == "speaker":
        return [s.name for s in release.speakers]
    if facet in ("topic", "tag"):
        return list(getattr(release, facet + "s"))
    value = getattr(release, facet)
    return [value] if value else []


def _year(release: Release) -> int:
    return int(release.date[:4]) if release.date[:4].isdigit() else 0


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _parts(query: str) -> list[tuple[str, str, bool]]:
    """``(field or "", words, is phrase)`` for each term of a benchmark query."""
    parts = []
    for field, fvalue, phrase, word in _TERM.findall(query):
        value = fvalue or phrase or word
        parts.append((field, _words(value), value.startswith('"')))
    return parts


def translate(query: str, field: str, phrase: str, word: str, joiner: str) -> str:
    """A benchmark query in another engine's syntax: each term through its template, all required."""
    terms = []
    for name, words, is_phrase in _parts(query):
        if not words:
            continue
        if name:
            terms.append(field.format(field=name, words=words))
        elif is_phrase:
            terms.append(phrase.format(words=words))
        else:
            terms.extend(word.format(words=w) for w in words.split())
    return joiner.join(terms)


class Tantivy:
    """tantivy (PyPI ``tantivy``): BM25, positions for phrases, fast fields + terms aggregations for facets."""

    def __init__(self, releases: list[Release], path: Path) -> None:
        import tantivy

        self.tantivy = tantivy
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
        builder.add_text_field("text", stored=True, tokenizer_name="en_stem")
        for facet in FACETS:
            builder.add_text_field(facet, stored=False, tokenizer_name="default")
            builder.add_text_field(f"f_{facet}", stored=False, tokenizer_name="raw", fast=True)
        builder.add_integer_field("year", fast=True, indexed=True)
        self.schema = builder.build()
        path.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        self.index = tantivy.Index(self.schema, path=str(path))
        writer = self.index.writer(heap_size=256 * 2**20, num_threads=1)
        for r in releases:
            doc = tantivy.Document()
            doc.add_text("id", r.id)
            doc.add_text("title", r.title)
            doc.add_text("text", r.text)
            for facet in FACETS:
                for value in _values(r, facet):
                    doc.add_text(facet, value)
                    doc.add_text(f"f_{facet}", value)
            doc.add_integer("year", _year(r))
            writer.add_document(doc)
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.build_seconds = time.perf_counter() - started
        self.searcher = self.index.searcher()

    def translate(self, query: str) -> str:
        return translate(query, field='+{field}:"{words}"', phrase='+"{words}"', word="+{words}", joiner=" ")

    def run(self, query: str) -> dict[str, Any]:
        parsed = self.index.parse_query(self.translate(query), ["title", "text"])
        hits = self.searcher.search(parsed, 20, count=True)
        snippets = self.tantivy.SnippetGenerator.create(self.searcher, parsed, self.schema, "text")
        shown = [snippets.snippet_from_doc(self.searcher.doc(address)).to_html() for _score, address in hits.hits]
        aggs: dict[str, Any] = {f: {"terms": {"field": f"f_{f}", "size": 10}} for f in FACETS}
        aggs["years"] = {"histogram": {"field": "year", "interval": 1, "min_doc_count": 1}}
        counted = self.searcher.aggregate(parsed, aggs)
        return {"total": hits.count, "shown": len(shown),
                "facets": {f: len(counted[f]["buckets"]) for f in FACETS}}


class Fts5:
    """SQLite FTS5 (porter stemming), facets and years in side tables joined to the matching rowids."""

    def __init__(self, releases: list[Release], path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        started = time.perf_counter()
        self.db = sqlite3.connect(str(path))
        self.db.executescript(
            "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, text, speaker, topic, issuer, tag, wire,"
            " tokenize='porter unicode61');"
            "CREATE TABLE facets(docid INTEGER, facet TEXT, value TEXT);"
            "CREATE TABLE years(docid INTEGER PRIMARY KEY, year INTEGER);")
        with self.db:
            for n, r in enumerate(releases, start=1):
                values = {f: _values(r, f) for f in FACETS}
                self.db.execute("INSERT INTO docs(rowid, id, title, text, speaker, topic, issuer, tag, wire)"
                                " VALUES (?,?,?,?,?,?,?,?,?)",
                                (n, r.id, r.title, r.text, *("; ".join(values[f]) for f in FACETS)))
                self.db.executemany("INSERT INTO facets VALUES (?,?,?)", [(n, f, v) for f in FACETS for v in values[f]])
                self.db.execute("INSERT INTO years VALUES (?,?)", (n, _year(r)))
        self.db.execute("CREATE INDEX facets_doc ON facets(docid)")
        self.build_seconds = time.perf_counter() - started

    def translate(self, query: str) -> str:
        unfielded = '{{title text}} : "{words}"'
        return translate(query, field='{field} : "{words}"', phrase=unfielded, word=unfielded, joiner=" AND ")

    def run(self, query: str) -> dict[str, Any]:
        match = self.translate(query)
        db = self.db
        db.execute("DROP TABLE IF EXISTS temp.hits")
        db.execute("CREATE TEMP TABLE hits AS SELECT rowid AS docid FROM docs WHERE docs MATCH ?", (match,))
        total = db.execute("SELECT count(*) FROM hits").fetchone()[0]
        shown = db.execute("SELECT id, snippet(docs, 2, '<mark>', '</mark>', '…', 16) FROM docs WHERE docs MATCH ?"
                           " ORDER BY rank LIMIT 20", (match,)).fetchall()
        counts: dict[str, list[tuple[str, int]]] = {f: [] for f in FACETS}
        for facet, value, n in db.execute("SELECT facet, value, count(*) FROM facets JOIN hits USING (docid)"
                                          " GROUP BY facet, value"):
            counts[facet].append((value, n))
        top = {f: sorted(v, key=lambda kv: -kv[1])[:10] for f, v in counts.items()}
        db.execute("SELECT year, count(*) FROM years JOIN hits USING (docid) GROUP BY year").fetchall()
        return {"total": total, "shown": len(shown), "facets": {f: len(v) for f, v in top.items()}}
