"""Web pages as input: main-text extraction and page metadata (io/html.py), directories of .html
files and single .html files, and dedup of an HTML directory.

Every page is made in html_helpers.py: made-up articles in made-up site templates.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from html_helpers import (
    ARTICLES,
    CHROME_WORDS,
    EXPECTED_DATES,
    KNOWN_LEAKS,
    MENU_WORDS,
    PAGES,
    TEMPLATES,
    article_text,
    has_phrase,
    page_html,
    recall,
    tokens,
    write_pages,
)
from hypothesis import given, settings
from hypothesis import strategies as st

import copytrace
from copytrace.cli import main
from copytrace.errors import InputError
from copytrace.io.base import BadRecord, ReadOptions
from copytrace.io.html import Page, extract_page
from copytrace.io.inputs import input_kind, open_reader
from copytrace.io.textdir import HtmlFileReader
from copytrace.model import Document

# --- extraction --------------------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("index", range(len(ARTICLES)))
def test_extraction_keeps_the_article_and_drops_the_chrome(template: str, index: int) -> None:
    page = extract_page(page_html(template, index))
    assert recall(page.text, article_text(index)) >= 0.9
    # At most 10% of the extract is neither article nor headline.
    extra = tokens(page.text) - tokens(ARTICLES[index][0] + "\n" + article_text(index))
    assert sum(extra.values()) <= 0.1 * sum(tokens(page.text).values()), extra
    for word in MENU_WORDS:
        assert not has_phrase(page.text, word), word
    for phrase in set(CHROME_WORDS) - KNOWN_LEAKS.get(template, set()):
        assert not has_phrase(page.text, phrase), phrase


@pytest.mark.parametrize("template", TEMPLATES)
def test_page_metadata(template: str) -> None:
    page = extract_page(page_html(template, 1))
    headline = ARTICLES[1][0]
    assert page.title is not None and page.title.startswith(
        ("Coast Weekly - " if template == "table" else "") + headline
    )
    assert page.date == EXPECTED_DATES[template]
    expected_url = {
        "news": f"https://www.quayside-herald.example/news/{len(headline)}",
        "blog": f"https://valley-notes.example/posts/{len(headline)}",
    }.get(template)
    assert page.url == expected_url
    assert page.host == (expected_url.split("/")[2] if expected_url else None)


def test_fetch_url_wins_over_the_canonical_link_and_gives_the_host() -> None:
    page = extract_page(page_html("news", 0), "https://Mirror.Example.NET:8080/a?b=1")
    assert page.url == "https://Mirror.Example.NET:8080/a?b=1"
    assert page.host == "mirror.example.net"


def test_bytes_are_decoded_by_bom_header_meta_or_utf8() -> None:
    html = "<html><head><title>Café</title>{meta}</head><body><p>{text}</p></body></html>"
    text = "Crème brûlée at the café beside the harbour, served until late every evening."
    latin = html.format(meta='<meta charset="iso-8859-1">', text=text).encode("cp1252")
    assert extract_page(latin).text == text
    assert extract_page(latin).encoding == "cp1252"
    # An HTTP charset overrides the page; a byte-order mark overrides both.
    no_meta = html.format(meta="", text=text)
    assert extract_page(no_meta.encode("cp1252"), charset="windows-1252").text == text
    utf16 = b"\xff\xfe" + no_meta.encode("utf-16-le")
    page = extract_page(utf16, charset="iso-8859-1")
    assert (page.text, page.title, page.encoding, page.decode_errors) == (
        text,
        "Café",
        "utf-16-le",
        0,
    )
    plain = extract_page(no_meta.encode("utf-8"))
    assert (plain.text, plain.encoding, plain.decode_errors) == (text, "utf-8", 0)


def test_undecodable_bytes_are_replaced_and_counted() -> None:
    # Bytes invalid in the encoding the page declares are replaced, not guessed around.
    data = (
        b'<html><head><meta charset="utf-8"></head><body><p>Good words \xff\xfe then more '
        b"good words \xc3</p></body></html>"
    )
    page = extract_page(data)
    assert page.encoding == "utf-8"
    assert page.decode_errors == 3
    assert page.text == "Good words \ufffd\ufffd then more good words \ufffd"


@pytest.mark.parametrize(
    "html",
    [
        "",
        b"",
        "<html><body></body></html>",
        "<html><body><nav><a href='/'>Home</a></nav></body></html>",
        "<<<<>>>></p></div></html><!--",
        b"\x00\x01\x02\xff\xfe" * 300,
        "<script>" * 1000,
        "<div>" * 5000 + "deep" + "</div>" * 10,
        '<meta name="date" content="not a date"><time datetime="yesterday">x</time>',
        '<script type="application/ld+json">{not json</script>',
        '<link rel="canonical" href="javascript:alert(1)"><meta property="og:url" content="/rel">',
    ],
)
def test_garbage_never_raises(html: str | bytes) -> None:
    page = extract_page(html)
    assert isinstance(page, Page)
    assert page.date is None and page.url is None
    assert "Home" not in page.text


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=2000)))
def test_any_input_gives_a_page(data: str | bytes) -> None:
    page = extract_page(data)
    assert isinstance(page.text, str)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", page.text)


# --- directories and single files --------------------------------------------------------------


def test_directory_of_html_files(tmp_path: Path) -> None:
    root = write_pages(tmp_path / "site")
    docs = {d.id: d for d in copytrace.read(root)}
    assert sorted(docs) == sorted([rel for rel, _, _ in PAGES] + ["notes.txt"])
    assert docs["notes.txt"].text == "A plain text note kept beside the pages."
    for rel, template, index in PAGES:
        doc = docs[rel]
        assert doc.text == extract_page(page_html(template, index)).text
        assert recall(doc.text, article_text(index)) >= 0.9
        assert doc.meta["path"] == rel
        assert doc.meta["date"] == EXPECTED_DATES[template]
        assert ARTICLES[index][0] in doc.meta["title"]
    news = docs["news/harbour-ferry.html"].meta
    assert news["url"].startswith("https://www.quayside-herald.example/news/")
    assert news["host"] == "www.quayside-herald.example"
    assert docs["blog/oak-survey.htm"].meta["host"] == "valley-notes.example"
    assert "url" not in docs["old/bakery.html"].meta
    reader = open_reader(root, ReadOptions())
    assert reader.ignored_files == 1  # style.css


def test_single_html_file(tmp_path: Path) -> None:
    path = tmp_path / "Page.HTM"
    path.write_bytes(page_html("news", 2).encode("utf-8"))
    assert input_kind(path) == "html"
    reader = open_reader(path, ReadOptions())
    assert isinstance(reader, HtmlFileReader)
    [(origin, doc)] = list(reader)
    assert isinstance(doc, Document)
    assert doc.id == "Page.HTM" and origin.path == str(path) and origin.unit == ""
    assert recall(doc.text, article_text(2)) >= 0.9
    assert doc.meta["date"] == EXPECTED_DATES["news"]


def test_binary_html_file_is_a_bad_record(tmp_path: Path) -> None:
    path = tmp_path / "broken.html"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    [(_, bad)] = list(open_reader(path, ReadOptions()))
    assert isinstance(bad, BadRecord)
    assert bad.message() == f"{path}: binary file (NUL bytes), not HTML."


def test_empty_directory_message_names_both_kinds(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"no \.txt or \.html files in this directory\."):
        open_reader(tmp_path / "empty", ReadOptions())


# --- the command line on HTML directories ------------------------------------------------------


def test_dedup_html_directory_copies_kept_files(tmp_path: Path) -> None:
    root = write_pages(tmp_path / "site")
    result = CliRunner().invoke(main, ["dedup", str(root), "-o", str(tmp_path / "kept"), "-q"])
    assert result.exit_code == 0, (result.output, result.exception)
    out = tmp_path / "kept"
    kept = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    expected = [rel for rel, _, _ in PAGES if rel != "news/harbour-ferry.html"] + ["notes.txt"]
    assert kept == sorted(expected)
    for rel in kept:
        assert (tmp_path / "kept" / rel).read_bytes() == (root / rel).read_bytes()
