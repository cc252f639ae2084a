"""Dates found in metadata, turned into sortable ISO-8601 text."""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime
from typing import Any

_FORMATS = (
    "%d-%b-%Y %H:%M:%S.%f",  # Reuters-21578: 26-FEB-1987 15:01:01.79
    "%d-%b-%Y %H:%M:%S",
    "%d %B %Y",
    "%B %d, %Y",
    "%Y/%m/%d",
)


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
