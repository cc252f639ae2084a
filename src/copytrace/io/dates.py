"""Dates found in metadata, turned into sortable ISO-8601 text."""

from __future__ import annotations

import datetime as dt
import re
from email.utils import parsedate_to_datetime
from typing import Any

_FORMATS = (
    "%d-%b-%Y %H:%M:%S.%f",  # Reuters-21578: 26-FEB-1987 15:01:01.79
    "%d-%b-%Y %H:%M:%S",
    "%d %B %Y",
    "%B %d, %Y",
    "%Y/%m/%d",
)

#: Reuters-21578's format, parsed without strptime (which costs more than the rest of reading
#: such a record); the same dates as its first two `_FORMATS`.
_DAY_MONTH_YEAR = re.compile(
    r"(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d{1,6})?"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def _day_month_year(text: str) -> dt.datetime | None:
    """A date in Reuters-21578's format (26-FEB-1987 15:01:01.79), or None."""
    m = _DAY_MONTH_YEAR.fullmatch(text)
    month = None if m is None else _MONTHS.get(m.group(2).lower())
    if m is None or month is None:
        return None
    day, _, year, hour, minute, second = m.groups()
    try:
        return dt.datetime(int(year), month, int(day), int(hour), int(minute), int(second))
    except ValueError:
        return None


def _iso(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(timespec="seconds")


def parse_date(value: Any) -> str | None:
    """ISO-8601 'YYYY-MM-DDTHH:MM:SS' (UTC when a zone is given) for a date value, or None."""
    if isinstance(value, dt.datetime):
        return _iso(value)
    if isinstance(value, dt.date):
        return _iso(dt.datetime(value.year, value.month, value.day))
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text[:1].isdigit() and (fast := _day_month_year(text)) is not None:
        return _iso(fast)
    try:
        return _iso(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    for fmt in _FORMATS:
        try:
            return _iso(dt.datetime.strptime(text, fmt))
        except ValueError:
            continue
    try:
        return _iso(parsedate_to_datetime(text))  # RFC 2822, as in e-mail and HTTP headers
    except (TypeError, ValueError, IndexError):
        return None
