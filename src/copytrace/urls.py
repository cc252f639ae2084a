"""Host names of URLs, for every layer: one parser, which never raises on a malformed URL.

Metadata comes from users' files and crawls, where `http://[bad/x`, `http://host:port/` and
non-string values all occur; a document with such a URL simply has no host.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def host_of(url: object) -> str | None:
    """The lower-case host name of an absolute URL ('//' and a host), or None for anything else."""
    if not isinstance(url, str) or "//" not in url:
        return None
    try:
        return urlsplit(url.strip()).hostname or None
    except ValueError:  # an invalid IPv6 literal, a bad port or netloc
        return None
