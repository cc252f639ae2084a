"""Atomic writers of result files: JSON Lines, JSON and raw bytes (a temporary, renamed)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from copytrace.io.outputs import temporary_beside


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
