"""The first run: every kernel group compiles, progress is reported group by group, and a stamp
beside numba's cache tells later runs that nothing is left to compile."""

from __future__ import annotations

from pathlib import Path

import pytest

from copytrace.engines import kernels


@pytest.mark.parametrize("name", list(kernels.GROUPS))
def test_every_kernel_group_compiles(name: str) -> None:
    assert kernels.compile_group(name) == name


def test_groups_depend_only_on_groups_started_before_them() -> None:
    names = list(kernels.GROUPS)
    for position, (_, needs) in enumerate(kernels.GROUPS.values()):
        assert set(needs) <= set(names[:position])


def test_ensure_kernels_reports_progress_and_writes_the_stamp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stamp = tmp_path / kernels.STAMP_NAME
    monkeypatch.setattr(kernels, "_stamp_path", lambda: stamp)
    assert not kernels.kernels_cached()
    seen: list[tuple[str, int, int | None]] = []
    kernels.ensure_kernels(1, lambda stage, done, total: seen.append((stage, done, total)))
    n = len(kernels.GROUPS)
    assert seen == [("compile", k, n) for k in range(n + 1)]
    assert kernels.kernels_cached()
    # A warm cache compiles nothing and says nothing.
    seen.clear()
    kernels.ensure_kernels(1, lambda stage, done, total: seen.append((stage, done, total)))
    assert seen == []
    # A stale stamp (another numba, Python, CPU or kernel source) is not trusted.
    stamp.write_text("stale\n", encoding="ascii")
    assert not kernels.kernels_cached()
