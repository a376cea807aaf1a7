"""Saved HTML pages: headline, dates, canonical URL, site tags and the release body, with no per-site code.

The body is found the way reading-mode tools find it: after dropping navigation, menus, footers, scripts
and share widgets, the element whose own paragraphs hold the most text is the release.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bs4 import BeautifulSoup, Tag

from indexer.sources.base import Draft, SkipFile
from indexer.text import clean_space

_BOILERPLATE_TOKENS = {
    "nav", "navbar", "navigation", "menu", "menubar", "footer", "header", "masthead", "share", "sharing",
    "social", "breadcrumb", "breadcrumbs", "sidebar", "skip", "cookie", "banner", "pager", "pagination",
    "related", "subscribe", "newsletter", "toolbar", "addthis", "print", "comments", "widget", "promo",
}
_DROP_TAGS = ("script", "style", "noscript", "iframe", "nav", "footer", "aside", "form", "svg", "button",
              "select", "template", "object", "embed", "header")
_TAG_CONTAINER = re.compile(r"(^|[-_\s])(tags?|categor(y|ies)|topics?|components?|keywords?|subjects?)($|[-_\s])")
_TITLE_SUFFIX = re.compile(r"\s+[|\u2013\u2014:-]\s+[^|\u2013\u2014]{2,80}$")
_PARAGRAPH_TAGS = ("p", "li", "blockquote", "h2", "h3", "h4", "pre", "td")


def parse_html(text: str, source: str) -> Draft:
    soup = BeautifulSoup(text, "lxml")
    if soup.find() is None:
        raise SkipFile("no HTML content")
    draft = Draft(source=source, format="html")
    draft.url = _canonical_url(soup)
    draft.meta_date = _meta_date(soup)
    draft.site_name = _meta(soup, "og:site_name") or ""
    draft.publisher = _jsonld_publisher(soup)
    draft.author = _meta(soup, "author") or ""
    html_tag = soup.find("html")
    if isinstance(html_tag, Tag):
        draft.language = str(html_tag.get("lang") or "")[:2].lower()
    title_tag = soup.find("title")
    page_title = clean_space(title_tag.get_text()) if title_tag else ""
    og_title = clean_space(_meta(soup, "og:title") or "")
    draft.title = _headline(soup, og_title, page_title)
    if not draft.site_name and page_title and draft.title and page_title.startswith(draft.title):
        rest = page_title[len(draft.title):].strip(" |-\u2013\u2014:")
        draft.site_name = rest.split("|")[-1].strip() if rest else ""
    draft.tags = _tags(soup)
    _drop_boilerplate(soup)
    draft.subtitle = _subtitle(soup, draft.title)
    draft.paragraphs = _body_paragraphs(soup, draft.title, draft.subtitle)
    if not draft.paragraphs:
        raise SkipFile("no release text found in the page")
    return draft


def _meta(soup: BeautifulSoup, name: str) -> str | None:
    """A ``<meta property|name=… content=…>`` value; all of a page's meta tags are read in one pass."""
    table = getattr(soup, "_press_archive_meta", None)
    if table is None:
        table = {}
        for tag in soup.find_all("meta"):
            key = tag.get("property") or tag.get("name")
            if key and tag.get("content") and str(key) not in table:
                table[str(key)] = str(tag["content"]).strip()
        soup._press_archive_meta = table  # type: ignore[attr-defined]
    return table.get(name) or None


def _canonical_url(soup: BeautifulSoup) -> str:
    link = soup.find("link", rel="canonical")
    if isinstance(link, Tag) and link.get("href"):
        return str(link["href"]).strip()
    return _meta(soup, "og:url") or ""


def _jsonld(soup: BeautifulSoup) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except (ValueError, TypeError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])
    return found


def _jsonld_publisher(soup: BeautifulSoup) -> str:
    for item in _jsonld(soup):
        publisher = item.get("publisher") or item.get("author")
        if isinstance(publisher, list) and publisher:
            publisher = publisher[0]
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            return publisher["name"].strip()
    return ""


def _meta_date(soup: BeautifulSoup) -> str:
    """Structured publication dates, most explicit first; the dateline is extraction's job."""
    for item in _jsonld(soup):
        if isinstance(item.get("datePublished"), str):
            return item["datePublished"]
    for name in ("article:published_time", "dc.date", "DC.date", "dc:date", "dcterms.date", "date",
                 "citation_publication_date", "og:published_time", "pubdate"):
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


def _headline(soup: BeautifulSoup, og_title: str, page_title: str) -> str:
    h1s = [clean_space(h.get_text(" ")) for h in soup.find_all("h1")]
    h1s = [h for h in h1s if 3 < len(h) < 400]
    for h1 in h1s:
        if (og_title and h1.lower() == og_title.lower()) or (page_title and page_title.lower().startswith(h1.lower())):
            return h1
    if og_title:
        return og_title
    if page_title:
        stripped = _TITLE_SUFFIX.sub("", page_title)
        return _TITLE_SUFFIX.sub("", stripped) if len(_TITLE_SUFFIX.sub("", stripped)) > 20 else stripped
    return h1s[-1] if h1s else ""


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


def _is_boilerplate(el: Tag) -> bool:
    if el.attrs is None:
        return False
    names = " ".join(el.get("class") or []) + " " + str(el.get("id") or "") + " " + str(el.get("role") or "")
    tokens = set(re.split(r"[^a-z]+", names.lower()))
    return bool(tokens & _BOILERPLATE_TOKENS) or el.get("aria-hidden") == "true"


def _drop_boilerplate(soup: BeautifulSoup) -> None:
    for el in soup.find_all(_DROP_TAGS):
        el.decompose()
    for el in soup.find_all(True):
        # Read the flag from the instance: bs4's ``decomposed`` property falls through to ``Tag.__getattr__``,
        # which searches the element's whole subtree (quadratic on deeply nested pages).
        if el.__dict__.get("_decomposed") or el.name in ("html", "body", "main", "article"):
            continue
        if _is_boilerplate(el):
            el.decompose()


def _subtitle(soup: BeautifulSoup, title: str) -> str:
    h1 = next((h for h in soup.find_all("h1") if clean_space(h.get_text(" ")) == title), None)
    if h1 is None:
        return ""
    nxt = h1.find_next(["h2", "p"])
    if isinstance(nxt, Tag) and nxt.name == "h2":
        text = clean_space(nxt.get_text(" "))
        if 0 < len(text) < 400:
            return text
    return ""


def _body_paragraphs(soup: BeautifulSoup, title: str, subtitle: str) -> list[str]:
    scores: dict[int, tuple[Tag, int]] = {}
    for p in soup.find_all("p"):
        parent = p.parent
        if not isinstance(parent, Tag):
            continue
        length = len(p.get_text(" ", strip=True))
        tag, score = scores.get(id(parent), (parent, 0))
        scores[id(parent)] = (tag, score + length)
    if scores:
        container = max(scores.values(), key=lambda pair: pair[1])[0]
        # Pages that wrap each paragraph in its own div: climb while the parent holds much more text.
        while isinstance(container.parent, Tag) and container.parent.name not in ("body", "html"):
            own = len(container.get_text(" ", strip=True))
            if len(container.parent.find_all("p")) > 2 * len(container.find_all("p")) and own < 500:
                container = container.parent
            else:
                break
    else:
        container = soup.find("article") or soup.find("main") or soup.body
        if container is None:
            return []
    paragraphs: list[str] = []
    blocks = container.find_all(_PARAGRAPH_TAGS) or [container]
    for block in blocks:
        if block.find(_PARAGRAPH_TAGS):
            continue
        text = clean_space(block.get_text(" "))
        if text and text not in (title, subtitle):
            paragraphs.append(text)
    return paragraphs
