"""Writers of scan results: matches.jsonl, clusters.jsonl and summary.json."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from copytrace.io.matchfile import MatchFile
from copytrace.io.outputs import make_out_dir, temporary_beside


def _atomic_write(path: Path, chunks: Iterable[bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_beside(path)
    try:
        with open(tmp, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes(path: Path, data: bytes) -> None:
    """Write a file atomically: a temporary beside it, renamed into place."""
    _atomic_write(path, [data])


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """Write one JSON object per line, atomically."""
    _atomic_write(path, (orjson.dumps(r) + b"\n" for r in rows))


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write an indented JSON document, atomically."""
    _atomic_write(path, [json.dumps(data, indent=2, ensure_ascii=False).encode() + b"\n"])


def prepare_out_dir(out: Path) -> list[Path]:
    """Create the output directory, or fail clearly (naming --out) when it cannot be written;
    returns the directories created, for `remove_if_empty` after a failed run."""
    return make_out_dir(out, "--out")


def write_scan(
    out: Path, matches: Iterable[Any], clusters: Iterable[Any], summary: dict[str, Any]
) -> None:
    """Write matches.jsonl, clusters.jsonl and summary.json into `out`.

    Matches already streamed to out/matches.jsonl by a MatchFile are not written again.
    """
    prepare_out_dir(out)
    target = out / "matches.jsonl"
    if not (isinstance(matches, MatchFile) and matches.path == target and matches.committed):
        write_jsonl(target, (m.to_dict() for m in matches))
    write_jsonl(out / "clusters.jsonl", (c.to_dict() for c in clusters))
    write_json(out / "summary.json", summary)
