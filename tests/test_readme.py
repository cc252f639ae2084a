"""The README's examples work as written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _python_blocks() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_has_a_python_example() -> None:
    assert _python_blocks()


@pytest.mark.parametrize(
    "block",
    [
        # The Spark example starts a JVM (about 45 s): slow.
        pytest.param(b, marks=pytest.mark.slow) if "copytrace.spark" in b else b
        for b in _python_blocks()
    ],
)
def test_readme_python_example_runs(
    block: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "demo").mkdir()
    shutil.copy(REPO / "demo" / "news.jsonl", tmp_path / "demo" / "news.jsonl")
    monkeypatch.chdir(tmp_path)
    exec(compile(block, "README.md", "exec"), {})
    if "dedup(" in block:
        kept = (tmp_path / "clean.jsonl").read_text(encoding="utf-8").splitlines()
        dropped = (tmp_path / "clean.dropped.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(kept) + len(dropped) == 25
    if "matches_file=" in block:
        lines = (tmp_path / "matches.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) > 0 and all(line.startswith('{"a":') for line in lines)
