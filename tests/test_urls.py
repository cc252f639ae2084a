"""One host parser (copytrace.urls) for page metadata and document records."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrace.engines.local.corpus import host_of as document_host
from copytrace.urls import host_of


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://Example.COM/a", "example.com"),
        ("http://[bad/x", None),
        ("http://[::1]:80/", "::1"),
        ("http://host:99999999/", "host"),
        ("example.com/no-scheme", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_one_host_parser_tolerates_malformed_urls(url: object, host: str | None) -> None:
    assert host_of(url) == host
    assert document_host({"url": url}) == host


def _host_from_whole_url(url: str) -> str | None:
    """The host as urllib finds it in the whole URL (host_of parses only the part before the
    path, once per site)."""
    if "//" not in url:
        return None
    try:
        return urlsplit(url.strip()).hostname or None
    except ValueError:
        return None


URL_PIECES = st.sampled_from(
    [*"ab.:/?#@[]% \t\n-xX19", "//", "http://", "HTTPS://", "[::1]", ":80", "é", "www.Site.org"]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(URL_PIECES, max_size=12).map("".join))
def test_the_host_is_the_one_found_in_the_whole_url(url: str) -> None:
    assert host_of(url) == _host_from_whole_url(url)
