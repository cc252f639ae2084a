"""bench/common.upsert_section: a benchmark rewrites its section of RESULTS.md, and the notes
written by hand below a KEPT_NOTES line stay."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _common() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_common", BENCH / "common.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_a_rewritten_section_keeps_its_notes_and_leaves_the_others_alone(tmp_path: Path) -> None:
    common = _common()
    results = tmp_path / "RESULTS.md"
    results.write_text(
        "# Results\n\n## A\n\nold table A\n\n"
        f"{common.KEPT_NOTES}\n\nWhy A looked so (hand notes).\n\n"
        "## B\n\nold table B\n\nnotes of B, not kept\n",
        encoding="utf-8",
    )
    common.upsert_section("## A", "## A\n\nnew table A\n", results)
    common.upsert_section("## B", "## B\n\nnew table B\n", results)
    common.upsert_section("## C", "## C\n\ntable C\n", results)
    assert results.read_text(encoding="utf-8") == (
        "# Results\n\n## A\n\nnew table A\n\n"
        f"{common.KEPT_NOTES}\n\nWhy A looked so (hand notes).\n\n"
        "## B\n\nnew table B\n\n## C\n\ntable C\n"
    )
    # Rewritten again: the notes stay once.
    common.upsert_section("## A", "## A\n\nnewer table A\n", results)
    text = results.read_text(encoding="utf-8")
    assert text.count(common.KEPT_NOTES) == 1 and "newer table A" in text
    assert "Why A looked so" in text
