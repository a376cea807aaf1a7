"""What a search is asked and what it answers: plain data shared by the CLI, the web pages and the JSON API."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SORTS = ("relevance", "newest", "oldest")
MAX_PAGE_SIZE = 100


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    date_from: str = ""
    date_to: str = ""
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20
    facet_limit: int = 10
    facet_search: dict[str, str] = field(default_factory=dict)
    passages: bool = True
    all_versions: bool = False  # search earlier versions too (each a hit of its own, with its number)


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    name: str
    values: list[FacetValue]
    more: bool = False


@dataclass
class Bucket:
    key: str
    label: str
    count: int


@dataclass
class Hit:
    id: str
    title: str
    date: str
    issuer: str
    speakers: list[str]
    topics: list[str]
    url: str
    source: str
    wire: str
    passages: list[str]
    score: float | None = None
    copies: list[str] = field(default_factory=list)
    status: str = "published"  # or updated, withdrawn, superseded (an earlier version: see ``version``)
    version: int | None = None  # the number of an earlier version


@dataclass
class SearchResult:
    total: int
    page: int
    page_size: int
    hits: list[Hit]
    facets: list[Facet]
    histogram: list[Bucket]
    histogram_level: str
    ignored: list[str]
    did_you_mean: str = ""
    took_ms: float = 0.0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["pages"] = self.pages
        return data
