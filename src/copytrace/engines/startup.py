"""What the command line does before its first kernel is loaded, to start sooner."""

from __future__ import annotations

import importlib
import sys

_LINALG = "scipy.linalg"


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
