"""setuptools build step: compile copytrace's numba kernels into the wheel, ahead of time.

copytrace's kernels are numba functions cached beside their sources. Compiling them takes
about a minute of CPU; without this step a user's first run would spend it. `build_py` copies
the package into the build tree as usual, then runs `python -m copytrace.engines.kernels` on
that tree, so the wheel carries numba's cache files (and copytrace's stamp) next to the
sources. numba (0.68) keys its cache on the sources' contents, numba's version and the CPU: a
wheel installed where it was built (`pip install .`) loads them at once; anywhere else numba
compiles what does not fit, as it would without this step.

The rest of the build is configured in pyproject.toml. Set `COPYTRACE_COMPILE_AT_BUILD=0` to
skip this step (building a wheel for other machines). A failed compile does not fail the
build: it says so, and the first run compiles instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyAndKernels(build_py):
    """`build_py`, then the kernels compiled into the build tree."""

    def run(self) -> None:
        """Copy the package, then compile its kernels there (unless editable or turned off)."""
        super().run()
        if getattr(self, "editable_mode", False) or self.dry_run:
            return
        if os.environ.get("COPYTRACE_COMPILE_AT_BUILD", "1") == "0":
            print("copytrace: COPYTRACE_COMPILE_AT_BUILD=0, kernels compile on first run")
            return
        compile_kernels(Path(self.build_lib))


def compile_kernels(build_lib: Path) -> None:
    """Run the kernel compiler on the package in `build_lib` (its caches land beside it)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(build_lib.resolve()), env.get("PYTHONPATH", "")])
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # no .pyc in the wheel; the installer writes them
    for name in ("NUMBA_CACHE_DIR", "NUMBA_DISABLE_JIT"):
        env.pop(name, None)  # the cache must go beside the sources in the build tree
    print("copytrace: compiling kernels into the wheel (about a minute of CPU, once)", flush=True)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "copytrace.engines.kernels"], env=env, cwd=build_lib, check=False
    )
    if result.returncode != 0:
        print(
            f"copytrace: compiling kernels failed (exit {result.returncode}); "
            "the first run will compile them instead",
            flush=True,
        )
        return
    print(f"copytrace: kernels compiled in {time.perf_counter() - start:.0f} s", flush=True)


if __name__ == "__main__":  # as setuptools runs it; a test imports `compile_kernels` alone
    setup(cmdclass={"build_py": BuildPyAndKernels})
