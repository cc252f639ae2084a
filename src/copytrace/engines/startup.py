"""What the command line does before its first kernel is loaded, to start sooner, and after
its last output is written, to stop sooner."""

from __future__ import annotations

import atexit
import ctypes
import importlib
import os
import sys

_LINALG = "scipy.linalg"

#: glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_MAX = -4
#: Free memory the process keeps at the top of its heap before it gives any back.
KEEP_FREED_BYTES = 1 << 30


def skip_blas_probe() -> None:
    """Load numba's array functions without their probe for SciPy's BLAS.

    On its first compile or cache load, numba imports `scipy.linalg` when SciPy is installed
    (about 0.15 s of CPU), only to learn whether `np.dot` may call BLAS; copytrace's kernels never
    do. The command line, whose process is copytrace's own, tells the probe that there is no
    SciPy BLAS; a program that imports copytrace as a library keeps numba as it is.
    """
    if "numba.np.arraymath" in sys.modules or _LINALG in sys.modules:
        return
    sys.modules[_LINALG] = None  # type: ignore[assignment]  # importing it fails at once
    try:
        importlib.import_module("numba.np.arraymath")
    finally:
        del sys.modules[_LINALG]


def keep_freed_memory(keep: int = KEEP_FREED_BYTES) -> bool:
    """Make glibc's malloc reuse freed memory rather than return it to the kernel (and get it
    again, zeroed, page by page); True when it could.

    glibc serves large allocations (from 128 kB, and from 32 MB at most however it adapts) with
    a fresh `mmap`, so numpy's large arrays of postings, shingles and texts fault their pages in
    anew each time: on a virtual machine that costs about 2-6 ns a byte, an eighth of an index
    add's CPU time. Served from the heap instead, and the heap kept, a freed array's pages are
    reused as they are. The price is a resident size that stays at the run's high-water mark
    (see bench/RESULTS.md). The command line, whose process is copytrace's own, asks for this;
    a library user's process is left as it is, and other C libraries (musl, macOS) too.
    """
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018  # glibc only: the parameters below are its own
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_MAX, 0)) and bool(mallopt(_M_TRIM_THRESHOLD, keep))


def leave(code: int | str | None) -> None:
    """End the command's process with `code` (as `sys.exit` takes it), skipping the tear-down of
    the interpreter.

    After a scan of 57,600 documents, tearing the interpreter down (freeing every object one by
    one, the corpus's tables and the kernels' machine code among them) took 0.2-0.5 s of an 8.5 s
    run. By the time the command returns, its files are written and closed; the exit handlers
    still run (temporary directories, Spark), then the standard streams are flushed and the
    process ends at once. As with `sys.exit`, a message is printed to stderr with status 1, and
    a failed flush of stdout (a closed pipe) gives status 120.
    """
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            status = status or 120
    os._exit(status)
