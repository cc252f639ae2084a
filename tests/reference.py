"""The stored reference of what `scan` finds on the demo and the shared corpora.

A change that is meant to leave results alone (a restructuring, a faster kernel) must reproduce
them byte for byte; a change that improves them updates the reference on purpose:

    python tests/reference.py --write

which rescans every case and rewrites tests/data/reference_outputs.json (digests of
matches.jsonl and clusters.jsonl, and the summary's counts; no text).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import copytrace

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPORA = REPO.parent / "shared" / "corpora"
STORED = HERE / "data" / "reference_outputs.json"
#: Cases: name -> inputs (demo first: it needs no corpus).
CASES = {
    "demo": [REPO / "demo" / "news.jsonl"],
    "news": [CORPORA / f"{n}.jsonl.gz" for n in ("bbc_news", "reuters21578", "20newsgroups")],
    "wikipedia": [CORPORA / "wikipedia_2015_articles.jsonl.gz"],
}


def digest(path: Path) -> str:
    """sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def outputs(name: str, out: Path) -> dict[str, Any]:
    """Scan one case into `out` and describe what it wrote."""
    result = copytrace.scan(CASES[name], matches_file=out / "matches.jsonl")
    clusters = out / "clusters.jsonl"
    with open(clusters, "wb") as fh:
        for c in result.clusters:
            fh.write(json.dumps(c.to_dict()).encode() + b"\n")
    s = result.summary
    return {
        "matches_sha256": digest(out / "matches.jsonl"),
        "clusters_sha256": digest(clusters),
        "records": s["records"],
        "documents": {k: s["documents"][k] for k in ("scanned", "empty", "in_clusters")},
        "matches": s["matches"],
        "clusters": s["clusters"],
        "candidates": s["candidates"],
    }


def main() -> None:
    """Rewrite the stored reference from fresh scans."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite the stored reference")
    parser.add_argument("--out", type=Path, default=Path("/tmp/copytrace-reference"))
    args = parser.parse_args()
    found = {}
    for name in CASES:
        target = args.out / name
        target.mkdir(parents=True, exist_ok=True)
        found[name] = outputs(name, target)
        print(name, found[name]["matches"], file=sys.stderr)
    if args.write:
        STORED.write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
