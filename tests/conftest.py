"""Shared fixtures: real indexes built with the real indexer, and a real HTTP server."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive.store import IndexHome, IndexReader
from indexer.build import run_index

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).with_name("fixtures")
SHARED = ROOT.parent / "shared"
SAMPLES = SHARED / "corpus" / "samples"
LABELS = SHARED / "labels" / "dev.json"

needs_shared = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason="../shared/corpus/samples is absent (real releases are only on developer and CI machines)"
)


def shared_file(path: Path) -> Path:
    """``path`` under ../shared, or a skip that names it: a fresh clone has no ../shared beside it."""
    if not path.exists():
        pytest.skip(f"../{path.relative_to(SHARED.parent)} is absent (real releases are only on developer and CI machines)")
    return path


def _indexed(factory: pytest.TempPathFactory, name: str, paths: list[Path], jobs: int | None) -> IndexHome:
    home = IndexHome(factory.mktemp(name) / "index")
    run_index(paths, home, jobs=jobs)
    return home


def _open(home: IndexHome) -> Iterator[IndexReader]:
    reader = IndexReader(home)
    yield reader
    reader.close()


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> IndexHome:
    """The project's own demo corpus, indexed once for the whole session."""
    return _indexed(tmp_path_factory, "demo", [CORPUS], jobs=1)


@pytest.fixture(scope="session")
def demo(demo_home: IndexHome) -> Iterator[IndexReader]:
    yield from _open(demo_home)


@pytest.fixture(scope="session")
def demo_records(demo: IndexReader) -> list[dict]:
    return [r.to_dict() for r in demo.iter_releases()]


@pytest.fixture(scope="session")
def samples_home(tmp_path_factory: pytest.TempPathFactory) -> IndexHome:
    if not SAMPLES.is_dir():
        pytest.skip("../shared/corpus/samples is absent (real releases are only on developer and CI machines)")
    return _indexed(tmp_path_factory, "samples", [SAMPLES], jobs=None)


@pytest.fixture(scope="session")
def samples(samples_home: IndexHome) -> Iterator[IndexReader]:
    yield from _open(samples_home)


@pytest.fixture(scope="session")
def sample_records(samples: IndexReader) -> list[dict]:
    """Every sample release as ``archive export`` writes it: the independent source of expected counts."""
    return [r.to_dict() for r in samples.iter_releases()]


@pytest.fixture(scope="session")
def samples_client(samples_home: IndexHome) -> Any:
    """A test client of the site over the real samples' index."""
    from web import create_app

    return create_app({"INDEX_PATH": str(samples_home.path)}).test_client()


@pytest.fixture(scope="session")
def demo_client(demo_home: IndexHome) -> Any:
    """A test client of the site over the demo corpus' index."""
    from web import create_app

    return create_app({"INDEX_PATH": str(demo_home.path)}).test_client()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(home: IndexHome) -> Iterator[str]:
    """The real site under Waitress on a loopback port, over ``home``'s index, until the generator is closed."""
    from waitress.server import create_server

    from web import create_app

    app = create_app({"INDEX_PATH": str(home.path)})
    server = create_server(app, host="127.0.0.1", port=free_port(), threads=4)
    stopping = threading.Event()

    def run() -> None:
        try:
            server.run()
        except OSError:  # close() took the sockets from under the loop's select: the server is stopping
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stopping.set()
        server.close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_server(demo_home: IndexHome) -> Iterator[str]:
    """The real site over the demo index."""
    yield from serve(demo_home)
