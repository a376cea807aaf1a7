"""A corpus of bad files: empty, binary, truncated, huge, deeply nested, wrongly encoded, malicious.

    .venv/bin/python -m tests.stress.hostile_corpus DEST [--count 1000] [--huge-mib 50]

Every file must be skipped with a clear reason or indexed safely; nothing in it may ever run in a browser.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
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


def generate(dest: Path, count: int, huge_mib: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    made = 0
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--huge-mib", type=int, default=50)
    args = parser.parse_args()
    print(f"{generate(args.dest, args.count, args.huge_mib)} hostile files in {args.dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
