"""Main text and metadata of an HTML page: the article without menus, share bars and comments.

Extraction uses Resiliparse (`extract_plain_text(tree, main_content=True)`), chosen over
trafilatura by `bench/bench_html.py` (see bench/RESULTS.md): on made-up pages wrapped in site
chrome it was about ten times faster per core, at token precision 0.93 against 0.95 and the same
recall, and it let copytrace relate every copy of a 150-word-or-longer article across templates,
as trafilatura did. `extract_page` is total: garbage, binary junk and pages without text give a
Page with empty text, never an exception.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import orjson
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import map_encoding_to_html5
from resiliparse.parse.html import HTMLTree

from copytrace.io.dates import parse_date
from copytrace.io.encoding import bom_encoding, codec_name, guess_encoding, mostly_utf8
from copytrace.urls import host_of

HTML_SUFFIXES = (".html", ".htm")
#: Bytes searched for a <meta charset> declaration (the HTML standard's prescan looks at 1024;
#: pages with long heads often declare it later).
CHARSET_SCAN_BYTES = 4096
#: Options of Resiliparse's extractor. Comment sections, bylines and post dates are page chrome
#: for copytrace (they differ between copies of one story), and so are alt texts and form fields.
EXTRACT_OPTIONS: dict[str, Any] = {
    "main_content": True,
    "preserve_formatting": True,
    "comments": False,
    "post_meta": False,
    "alt_texts": False,
    "form_fields": False,
    "noscript": False,
    "links": False,
}

_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([a-zA-Z0-9_.:\-]+)""", re.IGNORECASE
)
_CONTENT_TYPE_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([a-zA-Z0-9_.:\-]+)""", re.I)
#: <meta> names, properties or itemprops giving a publication date, most specific first.
_DATE_META = (
    "article:published_time",
    "datepublished",
    "date",
    "dc.date",
    "dcterms.date",
    "dc.date.issued",
    "pubdate",
    "publish-date",
    "og:published_time",
)
_WHITESPACE = re.compile(r"\s+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Page:
    """What copytrace keeps of an HTML page: main text, title, publication date, URL and host."""

    text: str
    title: str | None = None
    date: str | None = None  # ISO 8601, UTC when the page gave a zone
    url: str | None = None
    host: str | None = None
    encoding: str = "utf-8"
    decode_errors: int = 0  # undecodable byte sequences replaced by U+FFFD


def charset_of_content_type(content_type: str | None) -> str | None:
    """The charset parameter of an HTTP Content-Type header value, or None."""
    if not content_type:
        return None
    found = _CONTENT_TYPE_CHARSET.search(content_type)
    return found.group(1) if found else None


def _codec(label: str | None) -> str | None:
    """The Python codec for an encoding label (WHATWG names), or None if unknown."""
    if not label:
        return None
    name = map_encoding_to_html5(label.strip().lower())
    try:
        return codecs.lookup(name).name if name else None
    except LookupError:
        return None


def _meta_charset(data: bytes) -> str | None:
    found = _META_CHARSET.search(data[:CHARSET_SCAN_BYTES])
    if not found:
        return None
    codec = _codec(found.group(1).decode("ascii", "replace"))
    # A page whose bytes let us read its <meta> as ASCII is not UTF-16, whatever it says.
    return "utf-8" if codec is not None and codec.startswith("utf-16") else codec


def _undeclared(data: bytes) -> str:
    """The encoding of a page that declares none: UTF-8 when it is (mostly) UTF-8, else a guess."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if mostly_utf8(data):
        return "utf-8"
    return guess_encoding(data) or "utf-8"


def decode_html(
    data: bytes, charset: str | None = None, encoding: str | None = None
) -> tuple[str, str, int]:
    """(text, encoding, undecodable sequences) of HTML bytes.

    The encoding is the byte-order mark's, else `encoding` (named by the user), else `charset`
    (from an HTTP header), else the page's <meta charset>, else UTF-8 when the bytes are (mostly)
    UTF-8, else a guess (see copytrace.io.encoding). Bytes invalid in it become U+FFFD and are
    counted.
    """
    bom = bom_encoding(data)
    if bom is not None:
        encoding, data = bom[0], data[bom[1] :]
    else:
        encoding = (
            codec_name(encoding) or _codec(charset) or _meta_charset(data) or _undeclared(data)
        )
    try:
        return data.decode(encoding), encoding, 0
    except UnicodeDecodeError:
        replaced = data.decode(encoding, "replace")
        errors = replaced.count("\ufffd") - data.decode(encoding, "ignore").count("\ufffd")
        return replaced, encoding, max(errors, 1)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = _WHITESPACE.sub(" ", value).strip()
    return value or None


def _head_meta(tree: HTMLTree) -> tuple[dict[str, str], str | None]:
    """The head's <meta> contents by lower-case name, property or itemprop (first wins), and the
    canonical link."""
    head = tree.head
    metas: dict[str, str] = {}
    if head is None:
        return metas, None
    for node in head.query_selector_all("meta[content]"):
        key = node.getattr("property") or node.getattr("name") or node.getattr("itemprop")
        if key:
            metas.setdefault(key.strip().lower(), node.getattr("content") or "")
    link = head.query_selector('link[rel~="canonical" i][href]')
    canonical = _absolute_url(_clean(link.getattr("href"))) if link is not None else None
    return metas, canonical


def _json_ld_date(value: Any, depth: int = 0) -> str | None:
    """The first datePublished in a JSON-LD value (objects, lists and @graph), or None."""
    if depth > 8:
        return None
    if isinstance(value, list):
        for item in value:
            found = _json_ld_date(item, depth + 1)
            if found:
                return found
    elif isinstance(value, dict):
        date = parse_date(value.get("datePublished"))
        if date:
            return date
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if key in value:
                found = _json_ld_date(value[key], depth + 1)
                if found:
                    return found
    return None


def _date(tree: HTMLTree, metas: dict[str, str]) -> str | None:
    for key in _DATE_META:
        date = parse_date(metas.get(key))
        if date:
            return date
    document = tree.document
    if document is None:
        return None
    for node in document.query_selector_all("time[datetime]"):
        date = parse_date(node.getattr("datetime"))
        if date:
            return date
    for node in document.query_selector_all('script[type="application/ld+json" i]'):
        try:
            date = _json_ld_date(orjson.loads(node.text or ""))
        except orjson.JSONDecodeError:
            continue
        if date:
            return date
    return None


def _absolute_url(candidate: str | None) -> str | None:
    """`candidate` if it is an absolute http(s) URL, else None (relative links lack a base)."""
    if not candidate:
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    return candidate if parts.scheme in ("http", "https") and parts.netloc else None


def extract_page(
    html: str | bytes,
    url: str | None = None,
    *,
    charset: str | None = None,
    encoding: str | None = None,
) -> Page:
    """Main text, title, date, URL and host of an HTML page; never raises on malformed HTML.

    `url` is where the page was fetched (it wins over the page's canonical link); `charset` is
    the encoding named by an HTTP Content-Type header, if any, and `encoding` one the user named.
    """
    errors = 0
    if isinstance(html, bytes):
        html, encoding, errors = decode_html(html, charset, encoding)
    else:
        encoding = "utf-8"
    try:
        tree = HTMLTree.parse(html)
    except Exception:  # the parser is lenient; this guards against the unforeseen
        return Page("", url=url, host=host_of(url), encoding=encoding, decode_errors=errors)
    try:
        text = _CONTROL.sub("", extract_plain_text(tree, **EXTRACT_OPTIONS)).strip()
    except Exception:
        text = ""
    try:
        metas, canonical = _head_meta(tree)
        title = _clean(tree.title) or _clean(metas.get("og:title"))
        date = _date(tree, metas)
        page_url = canonical or _absolute_url(_clean(metas.get("og:url")))
    except Exception:
        title, date, page_url = None, None, None
    url = url or page_url
    return Page(text, title, date, url, host_of(url), encoding, errors)
