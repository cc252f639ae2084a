"""What an executor makes once from a run's broadcasts (`engines.spark.once`)."""

from __future__ import annotations

import uuid

from copytrace.engines.spark.once import once_per_process


def test_each_run_token_is_made_once_and_runs_apart() -> None:
    made: list[str] = []

    def maker(name: str) -> object:
        def make() -> object:
            made.append(name)
            return object()

        return make

    first, second = uuid.uuid4().hex, uuid.uuid4().hex
    a = once_per_process(first, maker("a"))
    assert once_per_process(first, maker("again")) is a
    b = once_per_process(second, maker("b"))
    assert b is not a
    assert made == ["a", "b"]
