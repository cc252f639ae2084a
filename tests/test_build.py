"""Building the wheel compiles the kernels into it: an install of that build runs its first
scan without compiling anything (setup.py's build step, run on a copy of the package)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import copytrace

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(copytrace.__file__).resolve().parent


def _setup_module():  # type: ignore[no-untyped-def]
    """setup.py as a module, imported without running setuptools."""
    spec = importlib.util.spec_from_file_location("copytrace_setup", ROOT / "setup.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _copy_sources(to: Path) -> None:
    """The package's sources as a build copies them (no caches, no bytecode)."""
    shutil.copytree(PACKAGE, to / "copytrace", ignore=shutil.ignore_patterns("__pycache__"))


@pytest.mark.slow
def test_a_built_package_scans_the_demo_without_compiling(tmp_path: Path) -> None:
    build_lib = tmp_path / "build"
    _copy_sources(build_lib)
    _setup_module().compile_kernels(build_lib)
    cached = list((build_lib / "copytrace").rglob("*.nbi"))
    assert len(cached) > 50
    assert not list((build_lib / "copytrace").rglob("*.pyc"))  # bytecode is the installer's
    # An install writes the files anew (new times), as pip does from a wheel.
    installed = tmp_path / "site"
    shutil.copytree(build_lib, installed, copy_function=shutil.copyfile)
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env.update(PYTHONPATH=str(installed), NUMBA_DEBUG_CACHE="1")
    for command in (
        ["scan", str(ROOT / "demo" / "news.jsonl"), "--out", str(tmp_path / "out")],
        ["index", "add", str(tmp_path / "demo.db"), str(ROOT / "demo" / "news.jsonl")],
    ):
        run = subprocess.run(
            [sys.executable, "-c", "from copytrace.cli import main; main()", *command],
            env=env,
            capture_output=True,
            text=True,
            cwd=tmp_path,
            check=False,
        )
        assert run.returncode == 0, run.stderr
        assert "data loaded" in run.stdout + run.stderr  # the kernels came from the build's cache
        assert "data saved" not in run.stdout + run.stderr  # and none was compiled
        assert "compiling kernels" not in run.stderr
    assert (tmp_path / "out" / "matches.jsonl").stat().st_size > 0


def test_the_build_step_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = _setup_module()
    from setuptools import Distribution

    ran: list[Path] = []
    monkeypatch.setattr(module, "compile_kernels", ran.append)
    dist = Distribution({"name": "copytrace", "packages": [], "package_dir": {}})
    command = module.BuildPyAndKernels(dist)
    command.initialize_options()
    command.build_lib = str(tmp_path)
    command.finalize_options()
    monkeypatch.setenv("COPYTRACE_COMPILE_AT_BUILD", "0")
    command.run()
    assert ran == []
    monkeypatch.delenv("COPYTRACE_COMPILE_AT_BUILD")
    command.run()
    assert ran == [tmp_path]
