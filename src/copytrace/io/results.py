"""Writers of scan results: matches.jsonl, clusters.jsonl and summary.json."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from copytrace.errors import InputError
from copytrace.io.matchfile import MatchFile


def _atomic_write(path: Path, chunks: Iterable[bytes]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk)
    os.replace(tmp, path)


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """Write one JSON object per line, atomically."""
    _atomic_write(path, (orjson.dumps(r) + b"\n" for r in rows))


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write an indented JSON document, atomically."""
    _atomic_write(path, [json.dumps(data, indent=2, ensure_ascii=False).encode() + b"\n"])


def prepare_out_dir(out: Path) -> None:
    """Create the output directory, or fail clearly when the path is a file."""
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a directory; --out needs a directory.")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out}: cannot create the output directory ({exc.strerror}).") from exc


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
