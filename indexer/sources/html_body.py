"""The body of a saved page, found the way reading-mode tools find it, with no per-site code.

After dropping navigation, menus, footers, scripts and share widgets, the element whose own text holds the most
of the page is the release: the parent of the most paragraph text, or — on table-layout pages that separate
paragraphs with ``<br>`` — the cell with the most running text. Quotations the layout attributes
(``<blockquote>`` with a ``<cite>``) are read before the footers go, and the body's opening heading is found
by its typography (bold, large) when the page has no usable ``<h1>``.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, CData, NavigableString, Tag

from indexer.sources.base import Quote
from indexer.sources.text import is_chrome_line
from indexer.text import clean_space

_BOILERPLATE_TOKENS = {
    "nav", "navbar", "navigation", "menu", "menubar", "footer", "header", "masthead", "share", "sharing",
    "social", "breadcrumb", "breadcrumbs", "sidebar", "skip", "cookie", "banner", "pager", "pagination",
    "related", "subscribe", "newsletter", "toolbar", "addthis", "print", "comments", "widget", "promo",
}
_DROP_TAGS = ("script", "style", "noscript", "iframe", "nav", "footer", "aside", "form", "svg", "button",
              "select", "template", "object", "embed", "header", "map")
_PARAGRAPH_TAGS = ("p", "li", "blockquote", "h2", "h3", "h4", "pre", "td")
_BLOCK_TAGS = {"p", "div", "table", "tr", "td", "th", "tbody", "ul", "ol", "li", "blockquote", "h1", "h2", "h3",
               "h4", "h5", "h6", "pre", "section", "article", "main", "dl", "dt", "dd", "hr", "center", "form"}
_EMPHASIS_TAGS = {"b", "strong", "h1", "h2", "h3", "h4"}
_BIG_CSS = re.compile(r"\.([\w-]+)\s*\{[^}]*font-(?:weight\s*:\s*(?:bold|[6-9]00)|size\s*:\s*(?:large|x-large|xx-large|"
                      r"[2-9]\d(?:\.\d+)?px|1\.[3-9]\d*em|[2-9](?:\.\d+)?em))", re.I)


def structural_quotes(soup: BeautifulSoup) -> list[Quote]:
    """Quotations attributed by markup: a ``<blockquote>`` whose ``<cite>`` (or footer, or a figure's caption)
    names the speaker. The attribution stays in the body as a "— Name" line under the quotation, because page
    footers are dropped later and ``<footer>`` is where such pages keep it."""
    quotes: list[Quote] = []
    for block in soup.find_all("blockquote", limit=100):
        source = block.find(["cite", "footer"]) or _figure_caption(block)
        if not isinstance(source, Tag):
            continue
        attribution = clean_space(source.get_text(" ")).lstrip("\u2014\u2013- ").strip()
        if not attribution or len(attribution) > 200:
            continue
        if source.find_parent("blockquote") is block:
            source.extract()
        text = clean_space(block.get_text(" "))
        if not text:
            continue
        quotes.append(Quote(text, attribution))
        line = soup.new_tag("p")
        line.string = f"\u2014 {attribution}"
        block.append(line)
    return quotes


def _figure_caption(block: Tag) -> Tag | None:
    figure = block.find_parent("figure")
    caption = figure.find("figcaption") if isinstance(figure, Tag) else None
    return caption if isinstance(caption, Tag) else None


def _is_boilerplate(el: Tag) -> bool:
    if el.attrs is None:
        return False
    names = " ".join(el.get("class") or []) + " " + str(el.get("id") or "") + " " + str(el.get("role") or "")
    tokens = set(re.split(r"[^a-z]+", names.lower()))
    return bool(tokens & _BOILERPLATE_TOKENS) or el.get("aria-hidden") == "true"


def drop_boilerplate(soup: BeautifulSoup) -> None:
    big = {m.group(1).lower() for style in soup.find_all("style") for m in _BIG_CSS.finditer(style.get_text())}
    soup._press_archive_big = big  # type: ignore[attr-defined]
    for el in soup.find_all(_DROP_TAGS):
        el.decompose()
    for el in soup.find_all(True):
        # Read the flag from the instance: bs4's ``decomposed`` property falls through to ``Tag.__getattr__``,
        # which searches the element's whole subtree (quadratic on deeply nested pages).
        if el.__dict__.get("_decomposed") or el.name in ("html", "body", "main", "article"):
            continue
        if _is_boilerplate(el):
            el.decompose()


def _runs(el: Tag, lines: bool = False) -> list[list[NavigableString | Tag]]:
    """The element's text as paragraphs, in document order: each block element (``<p>``, ``<li>``, a cell)
    and each stretch of inline text between blank lines (``<br><br>``) is one, or every line when ``lines``.
    A run is the list of inline nodes it holds; inline elements holding line breaks are walked into."""
    runs: list[list[NavigableString | Tag]] = [[]]
    breaks = 0

    def cut() -> None:
        if runs[-1]:
            runs.append([])

    def walk(node: Tag) -> None:
        nonlocal breaks
        for child in node.children:
            if isinstance(child, Tag) and child.name in _BLOCK_TAGS:
                cut()
                walk(child)
                cut()
                breaks = 0
            elif isinstance(child, Tag) and child.name == "br":
                breaks += 1
                if breaks >= 2 or lines:
                    cut()
            elif isinstance(child, NavigableString) and (not _is_text(child) or not str(child).strip()):
                continue
            elif isinstance(child, Tag) and child.find(["br", *_BLOCK_TAGS]) is not None:
                walk(child)
            else:
                runs[-1].append(child)
                breaks = 0

    walk(el)
    return [r for r in runs if any(_text(n) for n in r)]


def _is_text(node: NavigableString) -> bool:
    """Text a reader sees: not a comment, doctype or processing instruction (all NavigableStrings in bs4)."""
    return type(node) in (NavigableString, CData)


def _text(node: NavigableString | Tag) -> str:
    if isinstance(node, Tag):
        return clean_space(node.get_text(" "))
    return clean_space(str(node))


_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+(?=[,;:!?](?:\s|$)|\.(?:\s|$))")


def _run_text(run: list[NavigableString | Tag]) -> str:
    """The run's text; the spaces that joining inline elements put before punctuation ("Clark ,") go."""
    return _SPACE_BEFORE_PUNCTUATION.sub("", clean_space(" ".join(_text(n) for n in run)))


def _container(soup: BeautifulSoup) -> Tag | None:
    """The element holding the release (computed once per page)."""
    # bs4 answers unknown attributes with a search of the tree, so the cache is read from ``__dict__``.
    if "_press_archive_container" not in soup.__dict__:
        soup.__dict__["_press_archive_container"] = _find_container(soup)
    return soup.__dict__["_press_archive_container"]


def _find_container(soup: BeautifulSoup) -> Tag | None:
    """Most paragraph text in its ``<p>`` children, widened to the nearest ancestor that also holds the
    release's other parts (a quotation block, a second text field: anything with a third of that text, within
    eight levels) — or, on table layouts, the cell with most running text of its own if that holds more."""
    scores: dict[int, tuple[Tag, int]] = {}
    for p in soup.find_all("p"):
        parent = p.parent
        if not isinstance(parent, Tag):
            continue
        tag, score = scores.get(id(parent), (parent, 0))
        scores[id(parent)] = (tag, score + len(p.get_text(" ", strip=True)))
    best, best_score = None, 0
    if scores:
        best, best_score = max(scores.values(), key=lambda pair: pair[1])
        # Pages that wrap each paragraph in its own div: climb while the parent holds much more text.
        while isinstance(best.parent, Tag) and best.parent.name not in ("body", "html"):
            own = len(best.get_text(" ", strip=True))
            if len(best.parent.find_all("p")) > 2 * len(best.find_all("p")) and own < 500:
                best = best.parent
            else:
                break
        others = [tag for tag, score in scores.values() if score >= best_score / 3 and tag is not best]
        lead = _lead_after_headline(soup)
        if lead is not None and best not in lead.parents:
            others.append(lead)  # the release begins right under its headline: its lead is part of it
        for level, ancestor in enumerate(best.parents):
            if level >= 8 or ancestor.name in ("body", "html"):
                break
            if any(ancestor in other.parents for other in others):
                best = ancestor
    cell, own = _most_running_text(soup)
    if cell is not None and own > max(best_score * 1.5, 400):
        best, best_score = cell, own
    if best is None:
        found = soup.find("article") or soup.find("main") or soup.body
        return found if isinstance(found, Tag) else None
    return best


def _lead_after_headline(soup: BeautifulSoup) -> Tag | None:
    """The first paragraph of some length after the page's ``<h1>`` (page chrome is gone by now)."""
    h1 = soup.find("h1")
    if not isinstance(h1, Tag):
        return None
    for p in h1.find_all_next("p", limit=8):
        if len(p.get_text(" ", strip=True)) >= 60:
            return p
    return None


def _most_running_text(soup: BeautifulSoup) -> tuple[Tag | None, int]:
    """The block element holding the most text of its own (not inside a block child), in one pass over the
    page's text: table layouts keep a release's paragraphs as ``<br>``-separated text in one cell."""
    sizes: dict[int, tuple[Tag, int]] = {}
    for node in soup.find_all(string=True):
        if not _is_text(node):
            continue
        size = len(node.strip())
        if not size:
            continue
        parent = node.parent
        while isinstance(parent, Tag) and parent.name not in _BLOCK_TAGS and parent.name not in ("body", "html"):
            parent = parent.parent
        if isinstance(parent, Tag) and parent.name in ("td", "div", "th", "center"):
            tag, total = sizes.get(id(parent), (parent, 0))
            sizes[id(parent)] = (tag, total + size)
    if not sizes:
        return None, 0
    return max(sizes.values(), key=lambda pair: pair[1])


def body_paragraphs(soup: BeautifulSoup, skip: set[str]) -> list[str]:
    """The release's paragraphs; a short stray line between paragraphs (a ``<time>``, a caption) is left out
    when the release is written in paragraph elements."""
    container = _container(soup)
    if container is None:
        return []
    in_blocks = len(container.find_all(_PARAGRAPH_TAGS, limit=3)) >= 2
    paragraphs: list[str] = []
    for run in _runs(container):
        text = _run_text(run)
        stray = in_blocks and len(text) < 40 and not _in_paragraph(run[0], container)
        if text and text not in skip and not stray:
            paragraphs.append(text)
    return paragraphs


def _in_paragraph(node: NavigableString | Tag, container: Tag) -> bool:
    parent = node.parent
    while isinstance(parent, Tag) and parent is not container:
        if parent.name in _PARAGRAPH_TAGS:
            return True
        parent = parent.parent
    return False


def _emphasised(node: NavigableString | Tag, big: set[str]) -> bool:
    """Set in bold or large type, by its own tag, an ancestor's, or a CSS class of the page."""
    el = node if isinstance(node, Tag) else node.parent
    while isinstance(el, Tag) and el.name not in ("body", "html", "td", "div", "p"):
        if el.name in _EMPHASIS_TAGS or {c.lower() for c in el.get("class") or []} & big:
            return True
        if el.name == "font" and str(el.get("size") or "").strip("+") in {"4", "5", "6", "7"}:
            return True
        el = el.parent
    if isinstance(node, Tag):
        inner = [n for n in node.find_all(string=True) if n.strip()]
        return bool(inner) and all(_emphasised(n, big) for n in inner if n is not node)
    return False


def lead_heading(soup: BeautifulSoup) -> str:
    """The body's opening headline on pages without a usable ``<h1>``: lines set wholly in bold or large type
    at the top of the release, or just above it (a layout cell of its own). A heading may run over lines
    that continue it ("Headline –" / "second part", or a next line in lower case); another bold line that
    starts afresh is a subheading."""
    container = _container(soup)
    if container is None:
        return ""
    big = soup.__dict__.get("_press_archive_big", set())
    lines = [(_run_text(line), _bold(line, big)) for line in _runs(container, lines=True)[:12]]
    heading = _heading(lines)
    if heading or not lines:
        return heading
    first = lines[0][0]
    for scope in list(container.parents)[:3]:
        above: list[tuple[str, bool]] = []
        for line in _runs(scope, lines=True)[:400]:
            text = _run_text(line)
            if text == first:
                break
            above.append((text, _bold(line, big)))
        else:
            continue
        heading = _heading_above(above)
        if heading:
            return heading
    return ""


def _bold(line: list[NavigableString | Tag], big: set[str]) -> bool:
    strings = [n for node in line for n in ([node] if isinstance(node, NavigableString) else node.find_all(string=True))
               if _is_text(n) and n.strip()]
    return bool(strings) and all(_emphasised(n, big) for n in strings)


def _continues(previous: str, text: str) -> bool:
    return previous.endswith(("\u2013", "\u2014", "-", ",")) or text[:1].islower()


def _finished(heading: list[str]) -> str:
    title = " ".join(heading)
    return title if heading and not title.endswith((".", ":")) and len(title) <= 300 else ""


def _heading(lines: list[tuple[str, bool]]) -> str:
    heading: list[str] = []
    for seen, (text, bold) in enumerate(lines):
        if not heading and is_chrome_line(text):
            continue
        if bold and len(text) <= 300 and (not heading or _continues(heading[-1], text)):
            heading.append(text)
            continue
        if heading or seen >= 3 or len(text) > 150:
            break
    return _finished(heading)


def _heading_above(lines: list[tuple[str, bool]]) -> str:
    """The bold lines nearest above the release's first line, date and label lines between them skipped."""
    heading: list[str] = []
    skipped = 0
    for text, bold in reversed(lines[-8:]):
        if not heading and is_chrome_line(text) and skipped < 3:
            skipped += 1
            continue
        if bold and len(text) <= 300 and (not heading or _continues(text, heading[0])):
            heading.insert(0, text)
            continue
        break
    return _finished(heading)
