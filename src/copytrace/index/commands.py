"""What the `copytrace index` commands do, so that the command line only parses and prints."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from copytrace import __version__
from copytrace.index.core import (
    Relation,
    Settings,
    input_kind,
    prepare_out_dir,
    remove_if_empty,
    write_json,
    write_jsonl,
)
from copytrace.index.index import AddResult, Index, OnError
from copytrace.index.settings import new_index_settings


def index_settings(path: Path, explicit: dict[str, Any]) -> Settings | None:
    """The settings to open an index with: None (its own) when no setting was given; for a new
    index the given ones; for an existing one its own with the given ones over them (so that a
    difference is refused with a message naming it)."""
    if not explicit:
        return None
    if not path.exists():
        return new_index_settings(**explicit)
    with Index(path, create=False) as index:
        own = index.settings.to_dict()
    own.update(explicit)
    return Settings.from_dict(own)


def add(
    path: Path,
    inputs: list[Path],
    settings: Settings | None,
    *,
    replace: bool,
    on_error: OnError,
    id_field: str,
    text_field: str,
    encoding: str | None,
) -> tuple[AddResult, dict[str, Any]]:
    """Add inputs to the index (created when missing); the counts and the index's stats."""
    for p in inputs:
        input_kind(p)  # a bad input path fails before the index is touched
    with Index(path, settings) as index:
        result = index.add(
            inputs,
            replace=replace,
            on_error=on_error,
            id_field=id_field,
            text_field=text_field,
            encoding=encoding,
        )
        return result, index.stats()


def query(
    path: Path,
    inputs: list[Path],
    out: Path,
    settings: Settings | None,
    *,
    add: bool,
    replace: bool,
    on_error: OnError,
    id_field: str,
    text_field: str,
    encoding: str | None,
) -> dict[str, Any]:
    """Query inputs against the index; write out/matches.jsonl and out/summary.json."""
    for p in inputs:
        input_kind(p)
    if not path.exists():
        raise FileNotFoundError(2, "no such index (copytrace index add creates one)", str(path))
    created = prepare_out_dir(out)
    t0 = time.perf_counter()
    added = AddResult()
    counts = {r.value: 0 for r in Relation}
    docs = {"queried": 0, "with_matches": 0, "empty": 0}
    latencies: list[float] = []
    try:
        with Index(path, settings, create=False) as index:
            results = index.query_inputs(
                inputs,
                add=add,
                replace=replace,
                on_error=on_error,
                id_field=id_field,
                text_field=text_field,
                encoding=encoding,
                added=added,
            )

            def rows() -> Iterator[dict[str, Any]]:
                """Matches as JSON rows, counted as they go."""
                last = time.perf_counter()
                for found in results:
                    now = time.perf_counter()
                    latencies.append(now - last)
                    last = now
                    docs["queried"] += 1
                    docs["with_matches"] += bool(found.matches)
                    docs["empty"] += not found.document.text.strip()
                    for m in found.matches:
                        counts[m.relation.value] += 1
                        yield m.to_dict()

            write_jsonl(out / "matches.jsonl", rows())
            stats = index.stats(sizes=False)
    except BaseException:
        remove_if_empty(created)
        raise
    latencies.sort()
    summary: dict[str, Any] = {
        "copytrace_version": __version__,
        "index": str(path),
        "inputs": [str(p) for p in inputs],
        "records": {
            "read": added.records,
            "documents": docs["queried"],
            "skipped": added.records - docs["queried"],
        },
        "documents": docs,
        "matches": counts,
        "skipped_records": added.skipped_records,
        "added": added.to_dict() if add else None,
        "index_documents": stats["documents"],
        "settings": stats["settings"],
        "timings_s": {
            "total": round(time.perf_counter() - t0, 3),
            "per_document_p50": round(latencies[len(latencies) // 2], 4) if latencies else 0,
            "per_document_max": round(latencies[-1], 4) if latencies else 0,
        },
    }
    write_json(out / "summary.json", summary)
    return summary


def describe_stats(stats: dict[str, Any]) -> list[str]:
    """The lines `copytrace index stats` prints."""
    size = stats.get("size", {})
    used = size.get("used_bytes", 0)
    chars = stats["text_chars"]
    s = stats["settings"]
    lines = [
        f"index:            {stats['path']}",
        f"documents:        {stats['documents']:,} ({stats['empty_documents']:,} empty, "
        f"{stats['distinct_texts']:,} distinct texts)",
        f"text:             {chars:,} characters",
        f"size on disk:     {size.get('file_bytes', 0) + size.get('wal_bytes', 0):,} bytes "
        f"({used:,} used" + (f", {used / chars:.2f} x the text)" if chars else ")"),
        f"chrome lines:     {stats['chrome_lines']:,}",
        f"schema:           {stats['schema_version']} (sketch format "
        f"{stats['sketch_format_version']}, fingerprint {s['sketch_fingerprint']})",
        "settings:         "
        + ", ".join(
            f"{k}={v}"
            for k, v in s.items()
            if k not in ("sketch_format_version", "sketch_fingerprint")
        ),
    ]
    return lines
