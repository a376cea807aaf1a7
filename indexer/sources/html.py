"""Saved HTML pages: headline candidates, site identity, dates, canonical URL, site tags, structural quotes and
the release body, with no per-site code.

The reader lists what the page offers and leaves the choice to extraction: every headline a page may carry
(``<h1>``, ``og:title``, JSON-LD, ``<title>``, the body's opening heading) and every way a site names itself
(``og:site_name``, JSON-LD publisher, ``application-name``, the copyright line, the logo). The body is found
the way reading-mode tools find it (``html_body.py``).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from indexer.sources.base import Draft, SkipFile
from indexer.sources.html_body import body_paragraphs, drop_boilerplate, lead_heading, structural_quotes
from indexer.text import clean_space

_TAG_CONTAINER = re.compile(r"(^|[-_\s])(tags?|categor(y|ies)|topics?|components?|keywords?|subjects?)($|[-_\s])")
_CHROME_PARENTS = ("header", "nav", "footer", "aside")
_COPYRIGHT = re.compile(
    r"(?:\u00a9|\(c\)|copyright\b)\s*(?:\u00a9\s*)?(?:(?:19|20)\d{2}(?:\s*[-\u2013]\s*(?:19|20)?\d{2,4})?,?\s*)?"
    r"(?:by\s+)?(?P<name>[A-Z][^.,|\n\u00a9]{2,80}?)\s*(?:,?\s*(?:19|20)\d{2})?\s*(?:[.|,]|all rights|\(|$)",
    re.I)
# The largest page of the real corpora has ~3,200 elements; a parse tree costs ~0.6 KB a Tag, so a page of
# 100,000 nested elements took 63 MB and 3.5 s of CPU in BeautifulSoup before anything was extracted.
MAX_ELEMENTS = 50_000
_START_TAG = re.compile(r"<[A-Za-z]")
_GENERIC_ALT = re.compile(r"^(?:home|logo|home ?page|back|top|menu|search|image|banner|spacer|click here)\b", re.I)


def parse_html(text: str, source: str) -> Draft:
    elements = sum(1 for _ in _START_TAG.finditer(text)) if text.count("<") > MAX_ELEMENTS else 0
    if elements > MAX_ELEMENTS:
        raise SkipFile(f"too many HTML elements: {elements:,}, over the {MAX_ELEMENTS:,} a page may have "
                       "(a press release has a few thousand)")
    soup = BeautifulSoup(text, "lxml")
    if soup.find() is None:
        raise SkipFile("no HTML content")
    draft = Draft(source=source, format="html")
    draft.url = _canonical_url(soup)
    draft.meta_date = _meta_date(soup)
    html_tag = soup.find("html")
    if isinstance(html_tag, Tag):
        draft.language = str(html_tag.get("lang") or "")[:2].lower()
    draft.site_names = _site_names(soup, draft.url, text)
    draft.publisher = next((name for where, name in draft.site_names if where == "publisher"), "")
    draft.author = _meta(soup, "author") or ""
    draft.titles = _title_candidates(soup)
    draft.tags = _tags(soup)
    draft.quotes = structural_quotes(soup)
    drop_boilerplate(soup)
    if not any(where in ("h1", "headline", "og:title") for where, _ in draft.titles):
        heading = lead_heading(soup)  # only pages without a structured headline need the typographic one
        if heading:
            draft.titles.append(("lead heading", heading))
    draft.subtitle = _subtitle(soup, [t for _, t in draft.titles])
    draft.paragraphs = body_paragraphs(soup, {t for _, t in draft.titles} | {draft.subtitle})
    for quote in draft.quotes:  # a quotation the layout attributes is part of the release, wherever it sits
        line = f"\u2014 {quote.attribution}"
        if line in draft.paragraphs:
            continue
        if quote.text in draft.paragraphs:
            draft.paragraphs.insert(draft.paragraphs.index(quote.text) + 1, line)
        else:
            draft.paragraphs += [quote.text, line]
    if not draft.paragraphs:
        raise SkipFile("no release text found in the page")
    return draft


def _meta(soup: BeautifulSoup, name: str) -> str | None:
    """A ``<meta property|name=… content=…>`` value; all of a page's meta tags are read in one pass."""
    table = soup.__dict__.get("_press_archive_meta")
    if table is None:
        table = {}
        for tag in soup.find_all("meta"):
            key = tag.get("property") or tag.get("name")
            if key and tag.get("content") and str(key).lower() not in table:
                table[str(key).lower()] = clean_space(str(tag["content"]))
        soup._press_archive_meta = table  # type: ignore[attr-defined]
    return table.get(name.lower()) or None


def _canonical_url(soup: BeautifulSoup) -> str:
    link = soup.find("link", rel="canonical")
    if isinstance(link, Tag) and link.get("href"):
        return str(link["href"]).strip()
    return _meta(soup, "og:url") or ""


def _jsonld(soup: BeautifulSoup) -> list[dict[str, Any]]:
    found = soup.__dict__.get("_press_archive_jsonld")
    if found is not None:
        return found
    found = []
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except (ValueError, TypeError, RecursionError):
            continue
        stack = [data]
        while stack and len(found) < 200:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item[:50])
            elif isinstance(item, dict):
                found.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"][:50])
    soup._press_archive_jsonld = found  # type: ignore[attr-defined]
    return found


def _jsonld_name(value: Any, kinds: tuple[str, ...] = ()) -> str:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        kind = value.get("@type")
        if not kinds or kind in kinds or (isinstance(kind, list) and set(kind) & set(kinds)):
            return clean_space(value["name"])
    return ""


def _site_names(soup: BeautifulSoup, url: str, text: str) -> list[tuple[str, str]]:
    """Every way the page names the site or organisation it belongs to, most explicit first."""
    names: list[tuple[str, str]] = []
    for item in _jsonld(soup):
        publisher = _jsonld_name(item.get("publisher"))
        if publisher:
            names.append(("publisher", publisher))
        author = _jsonld_name(item.get("author"), ("Organization", "GovernmentOrganization", "NewsMediaOrganization",
                                                   "Corporation", "EducationalOrganization"))
        if author:
            names.append(("publisher", author))
        if item.get("@type") in ("Organization", "GovernmentOrganization", "WebSite") and isinstance(item.get("name"), str):
            names.append(("site", clean_space(item["name"])))
    for where, key in (("site", "og:site_name"), ("site", "application-name"), ("site", "dc.publisher"),
                       ("site", "dcterms.publisher"), ("author", "author"), ("author", "dc.creator")):
        value = _meta(soup, key)
        if value:
            names.append((where, value))
    for where, value in (("copyright", _copyright(text)), ("logo", _logo(soup))):
        if value:
            names.append((where, value))
    host = urlsplit(url).hostname if url.startswith(("http://", "https://")) else ""
    if host:
        names.append(("host", host.removeprefix("www.")))
    return [(w, n[:200]) for w, n in names if n]


_COPYRIGHT_MARK = re.compile(r"\u00a9|&copy;|&#169;|&#xa9;|\(c\)|copyright", re.I)
_TAG = re.compile(r"<[^>]{0,500}>")


def _copyright(text: str) -> str:
    """The holder named in the page's copyright line ("© The British Museum, 2003"), read from the page's
    source around each copyright mark (the last ones first: footers end pages)."""
    marks = [m.start() for m in _COPYRIGHT_MARK.finditer(text)][-20:]
    for start in reversed(marks):
        window = html.unescape(_TAG.sub(" ", text[start:start + 400]))
        m = _COPYRIGHT.search(clean_space(window))
        if m and m.start() == 0:
            name = m.group("name").strip(" -")
            if len(name.split()) <= 8 and not re.search(r"\b(?:all|rights|reserved|notice|policy)\b", name, re.I):
                return name
    return ""


def _logo(soup: BeautifulSoup) -> str:
    """The alt text of the site's logo: an image linking home, or one named as a logo."""
    for img in soup.find_all(["img", "area"], alt=True, limit=60):
        alt = clean_space(str(img.get("alt") or ""))
        if len(alt) < 3 or len(alt) > 80 or _GENERIC_ALT.match(alt):
            continue
        link = img if img.name == "area" else img.find_parent("a")
        href = str(link.get("href") or "") if isinstance(link, Tag) else ""
        marks = " ".join([str(img.get("src") or ""), " ".join(img.get("class") or []), str(img.get("id") or "")])
        if re.fullmatch(r"(?:\.\./)*/?(?:index\.\w+)?|https?://[^/]+/?", href) or re.search(r"logo", marks, re.I):
            return alt
    return ""


def _meta_date(soup: BeautifulSoup) -> str:
    """Structured publication dates, most explicit first; the dateline is extraction's job."""
    for item in _jsonld(soup):
        if isinstance(item.get("datePublished"), str):
            return item["datePublished"]
    for name in ("article:published_time", "dc.date", "dc.date.issued", "dcterms.date", "dcterms.issued", "date",
                 "citation_publication_date", "og:published_time", "pubdate", "publish-date", "publication_date"):
        value = _meta(soup, name)
        if value:
            return value
    tag = soup.find(attrs={"property": "dc:date", "content": True})
    if isinstance(tag, Tag):
        return str(tag["content"])
    time_tag = soup.find("time", datetime=True)
    if isinstance(time_tag, Tag):
        return str(time_tag["datetime"])
    return ""


def _title_candidates(soup: BeautifulSoup) -> list[tuple[str, str]]:
    """Every headline the page states, in the order a reader of the page would trust them."""
    candidates: list[tuple[str, str]] = []
    for h1 in soup.find_all("h1", limit=10):
        text = clean_space(h1.get_text(" "))
        if text:
            chrome = h1.find_parent(_CHROME_PARENTS) is not None
            candidates.append(("h1 in header" if chrome else "h1", text))
    for item in _jsonld(soup):
        if isinstance(item.get("headline"), str):
            candidates.append(("headline", clean_space(item["headline"])))
            break
    for where, key in (("og:title", "og:title"), ("og:title", "twitter:title"), ("og:title", "dc.title")):
        value = _meta(soup, key)
        if value:
            candidates.append((where, value))
    title_tag = soup.find("title")
    if isinstance(title_tag, Tag):
        text = clean_space(title_tag.get_text(" "))
        if text:
            candidates.append(("title", text))
    return [(w, t) for w, t in candidates if 1 < len(t)]


def _tags(soup: BeautifulSoup) -> list[str]:
    tags: list[str] = []
    for meta in soup.find_all("meta", attrs={"property": "article:tag"}):
        tags.append(str(meta.get("content", "")))
    for link in soup.find_all("a", rel="tag"):
        tags.append(link.get_text(" "))
    for el in soup.find_all(class_=True):
        classes = " ".join(el.get("class") or [])
        if not _TAG_CONTAINER.search(classes) or _is_nested_tag_container(el):
            continue
        if el.find_parent(["nav", "header", "footer"]):
            continue
        items = el.find_all(class_=re.compile(r"item")) or el.find_all(["a", "li"])
        for item in items:
            if item.find(class_=re.compile(r"item")):
                continue
            tags.append(item.get_text(" "))
    seen: dict[str, None] = {}
    for tag in tags:
        value = clean_space(tag).strip(" ,;:")
        if 1 < len(value) < 80 and value.lower() not in {t.lower() for t in seen}:
            seen[value] = None
    return list(seen)


def _is_nested_tag_container(el: Tag) -> bool:
    parent = el.parent
    while isinstance(parent, Tag):
        if _TAG_CONTAINER.search(" ".join(parent.get("class") or [])):
            return True
        parent = parent.parent
    return False


def _subtitle(soup: BeautifulSoup, titles: list[str]) -> str:
    """An ``<h2>`` standing right under the page's ``<h1>`` headline."""
    h1 = next((h for h in soup.find_all("h1") if clean_space(h.get_text(" ")) in titles), None)
    if h1 is None:
        return ""
    nxt = h1.find_next(["h2", "p"])
    if isinstance(nxt, Tag) and nxt.name == "h2":
        text = clean_space(nxt.get_text(" "))
        if 0 < len(text) < 400:
            return text
    return ""
