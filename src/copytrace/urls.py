"""Host names of URLs, for every layer: one parser, which never raises on a malformed URL.

Metadata comes from users' files and crawls, where `http://[bad/x`, `http://host:port/` and
non-string values all occur; a document with such a URL simply has no host.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit


def host_of(url: object) -> str | None:
    """The lower-case host name of an absolute URL ('//' and a host), or None for anything else."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    at = url.find("//")
    if at < 0:
        return None
    # Only what comes before the path decides the host: parse that part once per site, not once
    # per document (the documents of a corpus come from few sites).
    end = len(url)
    for stop in "/?#":
        found = url.find(stop, at + 2, end)
        if found >= 0:
            end = found
    return _host_of_site(url[:end])


@lru_cache(maxsize=1 << 12)
def _host_of_site(url: str) -> str | None:
    try:
        return urlsplit(url).hostname or None
    except ValueError:  # an invalid IPv6 literal, a bad port or netloc
        return None
