"""Giving freed memory back to the operating system between pipeline stages.

glibc's malloc keeps freed heap memory for reuse instead of returning it, so the many short-lived
objects of one stage (records being read, a sketch batch's arrays) would stay in the process's
resident memory through the next stage. `malloc_trim` returns those pages. Elsewhere this is a
no-op: other allocators return memory on their own, or offer no such call.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _libc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None  # glibc only, not musl
    except OSError:
        return None


def release_free_memory() -> None:
    """Return the heap memory freed so far to the operating system, where the C library can."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
