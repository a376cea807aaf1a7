"""Extraction quality on the hand-checked labels, per source, with the thresholds the product promises.

Each labelled source folder is indexed as a user would index it (``benchmarks/extraction.py``), so folder
profiles (shared chrome, the agreed issuer) play their part as they do for users.
"""

from __future__ import annotations

import json

import pytest

from benchmarks.extraction import index_samples, score

from .conftest import SHARED, needs_shared

# What every source must reach; issuers of two sources are held where they are (the labels name wires as
# issuers and disagree with each other on members' middle initials: see the note on issue 14).
BAR = {"date": 0.98, "title": 0.95, "issuer": 0.90, "speaker_precision": 0.92, "speaker_recall": 0.88}
HELD = {("newsworthy-wire-md", "issuer"): 0.80, ("congress-press", "issuer"): 0.86}
TOPIC_F1 = 0.75  # the issue-14 bar, met on every source since secondary topics need a score of 3.5


@needs_shared
@pytest.mark.parametrize("name,folder", [("dev", "samples"), ("dev-wide", "samples-wide")])
def test_extraction_meets_its_quality_bar_on_every_labelled_source(name: str, folder: str):
    labels = json.loads((SHARED / "labels" / f"{name}.json").read_text(encoding="utf-8"))
    for label in labels:
        if "#url=" in label["doc"]:
            label["doc"] = "congress-press#url=" + label["doc"].split("#url=", 1)[1]
    by_key, _seconds = index_samples(SHARED / "corpus" / folder)
    table, errors = score(labels, by_key)
    for source, row in ((s, r) for s, r in table.items() if s != "overall"):
        assert row["missing"] == 0, (source, errors)
        for metric, bar in BAR.items():
            assert row[metric] >= HELD.get((source, metric), bar), (source, metric, row[metric], errors)
        assert row["topic_f1"] >= TOPIC_F1, (source, row["topic_f1"], errors)
