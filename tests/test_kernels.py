"""The first run: every kernel group compiles, progress is reported group by group, and a stamp
beside numba's cache tells later runs that nothing is left to compile."""

from __future__ import annotations

from pathlib import Path

import pytest

from copytrace.engines import kernels


@pytest.mark.parametrize("name", list(kernels.ALL_GROUPS))
def test_every_kernel_group_compiles(name: str) -> None:
    assert kernels.compile_group(name) == name


@pytest.mark.parametrize("groups", [kernels.GROUPS, kernels.ALL_GROUPS])
def test_groups_depend_only_on_groups_started_before_them(groups: dict) -> None:
    names = list(groups)
    for position, (_, needs) in enumerate(groups.values()):
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


def test_compiling_ahead_compiles_every_group_and_writes_the_stamp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stamp = tmp_path / kernels.STAMP_NAME
    monkeypatch.setattr(kernels, "_stamp_path", lambda: stamp)
    seen: list[tuple[str, int, int | None]] = []
    kernels.compile_ahead(1, lambda stage, done, total: seen.append((stage, done, total)))
    n = len(kernels.ALL_GROUPS)
    assert n > len(kernels.GROUPS)
    assert seen == [("compile", k, n) for k in range(n + 1)]
    assert kernels.kernels_cached()


@pytest.mark.parametrize("by_content", [True, False])
def test_the_stamp_follows_the_sources_as_numba_keys_them(
    by_content: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An install copies the sources a wheel's build compiled, with new times: the cache stays
    good where numba keys sources by content (0.68), and not where it keys them by time."""
    import importlib
    import os

    monkeypatch.setattr(kernels, "_numba_keys_sources_by_content", lambda: by_content)
    before = kernels._stamp_key()
    source = Path(str(importlib.import_module(kernels.KERNEL_MODULES[0]).__file__))
    times = source.stat()
    try:
        os.utime(source, ns=(times.st_atime_ns, times.st_mtime_ns + 10**10))
        assert (kernels._stamp_key() == before) is by_content
    finally:
        os.utime(source, ns=(times.st_atime_ns, times.st_mtime_ns))


def test_this_numba_keys_sources_by_content() -> None:
    """The numba this project pins in CI does (the build step's premise)."""
    assert kernels._numba_keys_sources_by_content()


#: Kernels compiled in more than one version on purpose: for arrays of other element types, or
#: for both the read-only texts and the writable buffers that ids are read from.
SEVERAL_VERSIONS = {
    "copytrace.text._grow": 2,
    "copytrace.lines._grow": 4,
    "copytrace.cluster._find": 2,
    "copytrace.align.merge.by_two_keys": 2,
    "copytrace.engines.local.tables._hash_bytes": 2,
    "copytrace.engines.local.tables._same_bytes": 2,
}

_COUNT_VERSIONS = """
import gc, json
from numba.core.registry import CPUDispatcher
from copytrace.engines import kernels
for name in kernels.ALL_GROUPS:
    kernels.compile_group(name)
found = {}
for obj in gc.get_objects():
    if isinstance(obj, CPUDispatcher) and obj.py_func.__module__.startswith("copytrace"):
        name = obj.py_func.__module__ + "." + obj.py_func.__qualname__
        found[name] = [str(s) for s in obj.signatures]
print(json.dumps(found))
"""


@pytest.mark.slow
def test_a_first_run_compiles_each_kernel_once(tmp_path: Path) -> None:
    """A literal 0, a constant, a non-contiguous column or a writable buffer passed where other
    callers pass otherwise compiles a kernel again: the first run must not pay for that."""
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}  # empty: everything is compiled
    out = subprocess.run(
        [sys.executable, "-c", _COUNT_VERSIONS], env=env, capture_output=True, text=True, check=True
    )
    versions = json.loads(out.stdout.strip().splitlines()[-1])
    assert "copytrace.align.pieces.refine_boxes" in versions  # the listing sees the kernels
    extra = {
        name: sigs for name, sigs in versions.items() if len(sigs) > SEVERAL_VERSIONS.get(name, 1)
    }
    assert extra == {}
