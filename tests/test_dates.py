"""Dates in metadata (io/dates.py): every accepted format gives the same sortable ISO text."""

from __future__ import annotations

import datetime as dt
import random

from copytrace.io.dates import parse_date


def _by_strptime(text: str) -> str | None:
    for fmt in ("%d-%b-%Y %H:%M:%S.%f", "%d-%b-%Y %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).isoformat(timespec="seconds")
        except ValueError:
            continue
    return None


def test_reuters_dates_parse_as_strptime_parses_them() -> None:
    rng = random.Random(3)
    months = ["JAN", "Feb", "mar", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    samples = ["26-FEB-1987 15:01:01.79", "1-MAR-1987 9:5:7", "31-FEB-1987 10:00:00.00"]
    for _ in range(500):
        day, hour = rng.randint(1, 31), rng.randint(0, 23)
        tail = rng.choice(["", ".5", ".79", ".123456"])
        month = rng.choice(months)
        minute, second = rng.randint(0, 59), rng.randint(0, 59)
        samples.append(
            f"{day}-{month}-{rng.randint(1980, 2030)} {hour}:{minute:02d}:{second:02d}{tail}"
        )
    for text in samples:
        assert parse_date(text) == _by_strptime(text), text
    assert parse_date("26-FEB-1987 15:01:01.79") == "1987-02-26T15:01:01"
    assert parse_date("31-FEB-1987 10:00:00.00") is None


def test_other_formats_still_parse() -> None:
    assert parse_date("2026-12-02T10:00:00Z") == "2026-12-02T10:00:00"
    assert parse_date("2 December 2026") == "2026-12-02T00:00:00"
    assert parse_date("Wed, 02 Dec 2026 10:00:00 +0100") == "2026-12-02T09:00:00"
    assert parse_date("26-FOO-1987 15:01:01") is None
    assert parse_date("") is None
