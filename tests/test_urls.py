"""One host parser (copytrace.urls) for page metadata and document records."""

from __future__ import annotations

import pytest

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
