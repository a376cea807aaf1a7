"""``archive index`` with a pause before each step of finishing a run, so a kill can be aimed at a phase.

    python -m tests.stress.paused_index SECONDS index FOLDER --index INDEX ...

The pauses come before the Whoosh commit (the run is still "writing"), before the facet tables are saved
(the commit's table of contents is on disk: "committing"), before the manifest is written ("writing the
manifest") and before ``CURRENT`` is swapped ("publishing"), as ``kill_index.phase`` reads them from disk. The
code paths are the real ones; only the windows between them are widened, so that ``kill_index.kill_at_phase``
lands inside each one instead of before or after the run.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import indexer.build
from archive import cli, facets, store


def _paused(step: Callable[..., Any], seconds: float) -> Callable[..., Any]:
    def later(*args: Any, **kwargs: Any) -> Any:
        time.sleep(seconds)
        return step(*args, **kwargs)

    return later


def main() -> None:
    seconds = float(sys.argv[1])
    store.IndexWriter.commit = _paused(store.IndexWriter.commit, seconds)  # type: ignore[method-assign]
    facets.FacetTables.save = _paused(facets.FacetTables.save, seconds)  # type: ignore[method-assign]
    indexer.build.write_manifest = _paused(indexer.build.write_manifest, seconds)
    store.IndexHome.publish = _paused(store.IndexHome.publish, seconds)  # type: ignore[method-assign]
    sys.argv = ["archive", *sys.argv[2:]]
    cli.main()


if __name__ == "__main__":
    main()
