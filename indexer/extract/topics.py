"""IPTC Media Topics from an editable taxonomy: weighted terms, headline counted three times.

Each topic's score is the sum of its terms' weights times their (damped) counts; the best topics within
reach of the leader are kept, one to three, most central first.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DEFAULT_TAXONOMY = Path(__file__).with_name("data") / "topics.toml"
HEADLINE_WEIGHT = 3.0


@dataclass(frozen=True)
class Taxonomy:
    topics: tuple[str, ...]
    patterns: tuple[tuple[str, re.Pattern[str], float], ...]


def _term_pattern(term: str) -> str:
    stem = re.escape(term.lower().rstrip("*")).replace(r"\ ", r"\s+")
    return rf"(?<![\w-]){stem}{'[a-z]*' if term.endswith('*') else ''}(?![\w-])"


@cache
def load_taxonomy(path: Path = DEFAULT_TAXONOMY) -> Taxonomy:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the topic taxonomy: {exc}") from None
    patterns = []
    for topic, body in data.items():
        terms = body.get("terms", {}) if isinstance(body, dict) else {}
        if not isinstance(terms, dict) or not terms:
            raise ValueError(f"{path}: topic {topic!r} needs a `terms` table of word -> weight")
        for term, weight in terms.items():
            patterns.append((topic, re.compile(_term_pattern(term), re.I), float(weight)))
    return Taxonomy(tuple(data), tuple(patterns))


def score_topics(title: str, text: str, taxonomy: Taxonomy | None = None) -> dict[str, float]:
    taxonomy = taxonomy or load_taxonomy()
    scores: dict[str, float] = {}
    body = text[:20000]
    words = max(len(body.split()), 50)
    for topic, pattern, weight in taxonomy.patterns:
        in_title = len(pattern.findall(title))
        in_body = len(pattern.findall(body))
        if in_title or in_body:
            value = weight * (HEADLINE_WEIGHT * in_title + math.log1p(in_body) * 2)
            scores[topic] = scores.get(topic, 0.0) + value
    # Long texts mention more things; normalise so a threshold means the same at any length.
    scale = math.sqrt(300 / words)
    return {t: s * scale if words > 300 else s for t, s in scores.items()}


def pick_topics(title: str, text: str, taxonomy: Taxonomy | None = None, limit: int = 3) -> list[str]:
    scores = score_topics(title, text, taxonomy)
    if not scores:
        return []
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best = ranked[0][1]
    if best < 2.0:
        return []
    return [t for t, s in ranked[:limit] if s >= best * 0.45 and s >= 3.0] or [ranked[0][0]]
