"""A small folder of our own that three rounds of edits turn into versions, withdrawals and a restoration.

Round 1 (2026-01-10): changed words in ``budget``, a new headline for ``bridge``, a paragraph removed from
``levee``. Round 2 (2026-01-20): ``ferry`` deleted, ``budget`` changed again. Round 3 (2026-01-30): ``ferry``
restored as it was, and ``levee`` gets a hostile paragraph (markup must stay text in diffs).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from archive.store import IndexHome
from indexer.build import run_index

DAYS = {0: datetime(2026, 1, 1, 9, tzinfo=UTC), 1: datetime(2026, 1, 10, 9, tzinfo=UTC),
        2: datetime(2026, 1, 20, 9, tzinfo=UTC), 3: datetime(2026, 1, 30, 9, tzinfo=UTC)}

BUDGET = ["The Calder Valley Water District today adopted a budget of $41 million for 2026, up 3 percent.",
          '"We kept rates flat for households," said Elena Vasquez, General Manager of the district.',
          "The budget funds two new wells and the repair of the north canal."]
BRIDGE = ["The Calder Valley Water District today opened the rebuilt footbridge over the Calder River.",
          '"The bridge links the two halves of the valley again," said Elena Vasquez, General Manager of the district.',
          "The bridge cost $2.1 million and took eight months to build."]
LEVEE = ["Harbor Town today finished raising the harbor levee by two feet.",
         '"The town is safer from storm surge this winter," said Mayor Tomas Reyes.',
         "Crews worked through the summer to finish before the storm season.",
         "The levee was first built in 1962."]
FERRY = ["Harbor Town today added a second ferry to the island route for the summer season.",
         '"Islanders asked for it and we listened," said Mayor Tomas Reyes.',
         "The ferry runs every hour from 7 a.m. to 9 p.m."]


def write(folder: Path, name: str, title: str, paragraphs: list[str], dateline: str) -> None:
    body = f"{dateline} - (NewMediaWire) - March 3, 2026 - {paragraphs[0]}"
    text = "\n\n".join([f"# {title}", body, *paragraphs[1:]])
    (folder / f"{name}.md").write_text(text + "\n", encoding="utf-8")


def round_files(folder: Path, n: int) -> None:
    """The folder as it stands after round ``n`` (0 = as first published)."""
    folder.mkdir(parents=True, exist_ok=True)
    budget = list(BUDGET)
    if n >= 1:
        budget[0] = budget[0].replace("$41 million", "$44 million").replace("up 3 percent", "up 10 percent")
    if n >= 2:
        budget[2] = "The budget funds three new wells and the repair of the north canal."
    write(folder, "budget", "Calder Valley Water District Adopts 2026 Budget", budget, "CALDER, CO")
    title = "Calder Valley Water District Opens Rebuilt Footbridge" if n < 1 else \
        "Footbridge Over Calder River Reopens After Eight Months"
    write(folder, "bridge", title, BRIDGE, "CALDER, CO")
    levee = list(LEVEE) if n < 1 else [LEVEE[0], LEVEE[1], LEVEE[3]]
    if n >= 3:
        levee.append("Residents may write to <script>alert(1)</script> the town clerk with questions.")
    write(folder, "levee", "Harbor Town Finishes Raising the Harbor Levee", levee, "HARBOR TOWN, ME")
    ferry = folder / "ferry.md"
    if n == 2:
        ferry.unlink(missing_ok=True)
    else:
        write(folder, "ferry", "Harbor Town Adds Second Island Ferry", FERRY, "HARBOR TOWN, ME")


def build(home: IndexHome, folder: Path, rounds: int = 3) -> None:
    """Index the folder as first published, then after each round of edits, each run on its own day."""
    for n in range(rounds + 1):
        round_files(folder, n)
        run_index([folder], home, jobs=1, now=DAYS[n])
