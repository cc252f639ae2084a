"""What an executor process makes once from a run's broadcasts and keeps for the run's tasks.

Tasks of one run in one Python worker share what is made from the run's broadcast arrays (a
boilerplate finder, word statistics, a table of fingerprint frequencies) instead of building it
again for every batch; a token drawn by the driver for the run names it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

#: Per executor process: what was made, by the token of the run that made it.
_MADE: dict[str, Any] = {}


def once_per_process(token: str, make: Callable[[], T]) -> T:
    """`make()` the first time `token` is asked for in this process; what it made after."""
    if token not in _MADE:
        _MADE[token] = make()
    found: T = _MADE[token]
    return found
