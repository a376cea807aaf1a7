"""Counting over the facet tables with NumPy: the date filter, the date histogram and the facet values."""

from __future__ import annotations

import numpy as np

from archive.facets import FacetTables
from archive.query import day_bounds
from archive.results import Bucket, Facet, FacetValue, SearchRequest


def date_mask(tables: FacetTables, date_from: str, date_to: str) -> np.ndarray | None:
    low = day_bounds(date_from) if date_from else None
    high = day_bounds(date_to) if date_to else None
    if low is None and high is None:
        return None
    mask = tables.day > 0
    if low:
        mask &= tables.day >= low[0]
    if high:
        mask &= tables.day <= high[1]
    return mask


def histogram(tables: FacetTables, hits: np.ndarray, date_from: str, date_to: str) -> tuple[str, list[Bucket]]:
    days = tables.day[hits]
    days = days[days > 0]
    if not len(days):
        return "year", []
    span_from, span_to = date_from or "", date_to or ""
    level = "year"
    if span_from and span_to and span_from[:4] == span_to[:4]:
        level = "month"
        if len(span_from) >= 7 and span_from[:7] == span_to[:7]:
            level = "day"
    divisor = {"year": 10000, "month": 100, "day": 1}[level]
    keys, counts = np.unique(days // divisor, return_counts=True)
    buckets = []
    for key, count in zip(keys.tolist(), counts.tolist(), strict=True):
        if level == "year":
            label = f"{key:04d}"
        elif level == "month":
            if key % 100 == 0:
                continue
            label = f"{key // 100:04d}-{key % 100:02d}"
        else:
            if key % 100 == 0:
                continue
            label = f"{key // 10000:04d}-{key // 100 % 100:02d}-{key % 100:02d}"
        buckets.append(Bucket(label, label, int(count)))
    return level, buckets


def count_facets(tables: FacetTables, request: SearchRequest, base: np.ndarray, masks: dict[str, np.ndarray]) -> list[Facet]:
    result = []
    for name, table in tables.tables.items():
        docs = base.copy()
        for other, mask in masks.items():
            if other != name:
                docs &= mask
        counts = table.count(docs)
        selected = {table.spelling(v) or v for v in request.filters.get(name, [])}  # as the facet spells it
        needle = request.facet_search.get(name, "").strip().lower()
        order = np.argsort(-counts, kind="stable")
        values: list[FacetValue] = []
        more = False
        for i in order.tolist():
            count = int(counts[i])
            if count == 0:
                break
            value = table.values[i]
            if needle and needle not in value.lower():
                continue
            if len(values) >= request.facet_limit:
                more = True
                break
            values.append(FacetValue(value, count, value in selected))
        shown = {v.value for v in values}
        for value in sorted(selected - shown):
            ids = table.value_ids([value])
            values.append(FacetValue(value, int(counts[ids[0]]) if len(ids) else 0, True))
        result.append(Facet(name, values, more))
    return result
