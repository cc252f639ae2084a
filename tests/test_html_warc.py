"""Web pages as input: main-text extraction, page metadata, directories of .html files, and WARC.

Every page is made here: made-up articles wrapped in made-up site templates with menus, cookie
banners, share bars, KEY WORDS lists, related-article lists, comments and footers. WARC files are
written in the test with warcio.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import copytrace
from copytrace.cli import main
from copytrace.errors import InputError
from copytrace.io.base import BadRecord, ReadOptions
from copytrace.io.html import Page, extract_page
from copytrace.io.inputs import input_kind, open_reader
from copytrace.io.textdir import HtmlFileReader
from copytrace.io.warc import WarcReader
from copytrace.model import Document

# --- made-up articles and site templates -------------------------------------------------------

ARTICLES: list[tuple[str, list[str]]] = [
    (
        "Harbour ferry to run through the winter after council vote",
        [
            "The little ferry that crosses the harbour mouth will keep running through the "
            "winter months for the first time in eleven years, after councillors voted to cover "
            "the cost of a second skipper.",
            "Passengers had complained that the service stopped each October just as the "
            "footbridge upstream closed for repairs, leaving a detour of almost four miles for "
            "anyone walking from the fish market to the station.",
            '"We heard the same story from nurses, pupils and market traders," said the chair of '
            'the transport panel. "A boat that only sails in summer is a pleasure trip, not a '
            'public service."',
            "The extra sailings will cost about ninety thousand pounds a year, paid from the "
            "parking reserve until a longer arrangement is agreed with the port authority.",
        ],
    ),
    (
        "Volunteers map every oak tree in Greywater Park",
        [
            "A team of forty volunteers has spent the summer measuring, photographing and "
            "numbering every oak tree in Greywater Park, producing the first complete survey of "
            "the woodland since it opened to the public.",
            "The survey found three hundred and twelve oaks, eight of them thought to be more "
            "than four centuries old, and a handful of younger trees planted by schoolchildren "
            "during a storm recovery project.",
            "Each tree now carries a small metal tag, and the results have been placed in the "
            "town library so that visitors can follow a printed trail between the oldest "
            "specimens.",
        ],
    ),
    (
        "Night bakery on Tannery Street wins regional bread prize",
        [
            "A bakery that works only between midnight and dawn has won the regional prize for "
            "sourdough, beating more than sixty entries from across the valley.",
            "The owners started the business in a converted garage four years ago, selling "
            "loaves from a hatch to shift workers leaving the bottling plant at six in the "
            "morning.",
            "Judges praised the crust and the slow fermentation, and noted that the flour comes "
            "from a mill barely two miles from the oven.",
        ],
    ),
    (
        "Lighthouse keepers' cottages to become a museum of the coast",
        [
            "The row of empty keepers' cottages below the old lighthouse will reopen next "
            "spring as a small museum of coastal life, with rooms given over to shipwrecks, "
            "fishing and the families who tended the lamp.",
            "The trust that owns the buildings raised most of the money through a public "
            "appeal, and local craftspeople have repaired the slate roofs and the iron railings "
            "free of charge.",
            "Admission will be free for children, and the lantern room at the top of the tower "
            "will open on summer weekends when the skies are clear.",
        ],
    ),
]

#: Menu entries of the templates; they never appear in an article.
MENU_WORDS = ("Home", "News", "Sport", "Weather", "Archive", "Letters", "Menu")
#: Other chrome of the templates, never in an article.
CHROME_WORDS = (
    "Subscribe",
    "Share this article",
    "Newsletter",
    "cookies",
    "Add a comment",
    "KEY WORDS",
    "Related articles",
    "Parking charges",
    "Quayside Herald",
)
#: Chrome that Resiliparse's main-content rules keep: a call-to-action link in a <div
#: class="header"> and a <div class="share-rail"> match none of its class patterns. Such lines
#: repeat on every page of a site, which is what boilerplate detection downstream is for.
KNOWN_LEAKS = {"app": {"Subscribe", "Share this article"}}


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def paragraphs_html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{esc(p)}</p>" for p in paragraphs)


def news_template(headline: str, paragraphs: list[str]) -> str:
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{esc(headline)} | The Quayside Herald</title>
<meta property="article:published_time" content="2024-02-03T08:30:00+00:00">
<link rel="canonical" href="https://www.quayside-herald.example/news/{len(headline)}">
</head><body>
<div class="cookie-banner"><p>We use cookies to give you the best experience.</p>
<button>Accept</button></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li>
<li><a href="/subscribe">Subscribe</a></li></ul></nav></header>
<main><article><h1>{esc(headline)}</h1>
<div class="share"><span>Share this article</span><a href="#">Facebook</a>
<a href="#">Email</a></div>
<div class="article-body">{paragraphs_html(paragraphs)}</div>
<div class="keywords"><h4>KEY WORDS</h4><a href="/t/a">Harbour</a> <a href="/t/b">Council</a></div>
</article>
<aside><h2>Related articles</h2><ul><li><a href="/x">Parking charges rise again</a></li>
<li><a href="/y">Market hall roof repaired</a></li></ul></aside>
<section class="comments"><h2>Add a comment</h2><form><textarea></textarea>
<button>Post</button></form></section></main>
<footer><p>Sign up to our Newsletter</p><p>&copy; 2024 Quayside Herald Ltd</p></footer>
</body></html>"""


def blog_template(headline: str, paragraphs: list[str]) -> str:
    return f"""<html><head><title>{esc(headline)}</title>
<meta name="date" content="2024-05-06">
<meta property="og:url" content="https://valley-notes.example/posts/{len(headline)}">
</head><body><div id="top"><span class="brand">Valley Notes</span>
<ul class="menu"><li><a href="/">Home</a></li><li><a href="/archive">Archive</a></li>
<li><a href="/subscribe">Subscribe</a></li></ul></div>
<div id="content"><div class="post"><h2 class="entry-title">{esc(headline)}</h2>
<div class="entry-content">{paragraphs_html(paragraphs)}</div>
<div class="sharing">Share this article: <a href="#">Print</a></div></div>
<div id="comments"><h3>Add a comment</h3><textarea></textarea></div></div>
<div id="sidebar"><h4>Newsletter</h4><input type="email"><button>Subscribe</button></div>
</body></html>"""


def table_template(headline: str, paragraphs: list[str]) -> str:
    body = "<br><br>".join(esc(p) for p in paragraphs)
    return f"""<html><head><title>Coast Weekly - {esc(headline)}</title></head>
<body><table width="100%"><tr>
<td class="nav"><a href="/">Home</a><br><a href="/subscribe">Subscribe</a><br>
<a href="/news">News</a><br><a href="/letters">Letters</a></td>
<td><font size="5"><b>{esc(headline)}</b></font><br>
<time datetime="2023-11-12T17:00:00Z">12 November</time><br><br>
<font size="3">{body}</font></td></tr></table>
<div class="footer">Share this article | Newsletter | We use cookies</div></body></html>"""


def app_template(headline: str, paragraphs: list[str]) -> str:
    sections = "".join(f'<section class="block"><p>{esc(p)}</p></section>' for p in paragraphs)
    ld = json.dumps({"@context": "https://schema.org", "@graph": [{"datePublished": "2022-07-08"}]})
    return f"""<!doctype html><html><head><title>{esc(headline)}</title>
<script type="application/ld+json">{ld}</script>
<script>window.__STATE__ = {{"user": null, "menu": ["Subscribe"]}};</script></head>
<body><div id="app"><div class="header"><button>Menu</button>
<a class="cta" href="/subscribe">Subscribe</a></div>
<h1>{esc(headline)}</h1><div class="share-rail"><span>Share this article</span></div>
{sections}
<div class="comments-cta"><button>Add a comment</button></div></div>
<div class="consent" role="dialog"><p>We use cookies for analytics.</p></div></body></html>"""


TEMPLATES: dict[str, Callable[[str, list[str]], str]] = {
    "news": news_template,
    "blog": blog_template,
    "table": table_template,
    "app": app_template,
}
EXPECTED_DATES = {
    "news": "2024-02-03T08:30:00",
    "blog": "2024-05-06T00:00:00",
    "table": "2023-11-12T17:00:00",
    "app": "2022-07-08T00:00:00",
}

#: The pages of the directory and WARC tests: (relative path, template, article); the first
#: article appears twice, in two templates.
PAGES = [
    ("news/harbour-ferry.html", "news", 0),
    ("blog/oak-survey.htm", "blog", 1),
    ("old/bakery.html", "table", 2),
    ("app/lighthouse.html", "app", 3),
    ("mirror/ferry-copy.html", "app", 0),
]


def tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.casefold()))


def recall(extracted: str, reference: str) -> float:
    want = tokens(reference)
    return sum((tokens(extracted) & want).values()) / sum(want.values())


def article_text(index: int) -> str:
    """The article's paragraphs: what extraction must recover (the headline may or may not be
    kept: Resiliparse drops an <h1> outside a recognised article-body container)."""
    return "\n".join(ARTICLES[index][1])


def has_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"\b{re.escape(phrase)}\b", text, re.IGNORECASE) is not None


def page_html(template: str, index: int) -> str:
    headline, paragraphs = ARTICLES[index]
    return TEMPLATES[template](headline, paragraphs)


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


def write_pages(root: Path) -> Path:
    for rel, template, index in PAGES:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page_html(template, index), encoding="utf-8")
    (root / "notes.txt").write_text("A plain text note kept beside the pages.", encoding="utf-8")
    (root / "style.css").write_text("body { color: black }", encoding="utf-8")
    return root


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


# --- WARC --------------------------------------------------------------------------------------


def _response(
    writer: WARCWriter,
    url: str,
    body: bytes,
    content_type: str | None,
    status: str = "200 OK",
    date: str = "2024-06-01T12:00:00Z",
) -> Any:
    headers = [("Content-Type", content_type)] if content_type else []
    http = StatusAndHeaders(status, [*headers, ("Content-Length", str(len(body)))], "HTTP/1.1")
    return writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": date},
    )


def write_warc(path: Path, *, gzip_records: bool = True) -> list[str]:
    """A crawl of PAGES plus records that are not documents; returns the page record ids."""
    ids = []
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip_records)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for rel, template, index in PAGES:
            url = f"https://crawl.example/{rel}"
            request = StatusAndHeaders("GET /" + rel + " HTTP/1.1", [("Host", "crawl.example")])
            writer.write_record(
                writer.create_warc_record(url, "request", http_headers=request, payload=None)
            )
            body = page_html(template, index).encode("utf-8")
            ctype = "text/html; charset=utf-8" if index != 3 else "application/xhtml+xml"
            record = _response(writer, url, body, ctype)
            ids.append(record.rec_headers.get_header("WARC-Record-ID")[1:-1])
            writer.write_record(record)
        png = b"\x89PNG\r\n\x1a\n" + bytes(200)
        writer.write_record(_response(writer, "https://crawl.example/logo.png", png, "image/png"))
        moved = b"<html><body>Moved <a href='/new'>here</a></body></html>"
        writer.write_record(
            _response(writer, "https://crawl.example/old", moved, "text/html", "301 Moved")
        )
        writer.write_record(
            writer.create_revisit_record(
                "https://crawl.example/news/harbour-ferry.html",
                "sha1:AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH",
                "https://crawl.example/news/harbour-ferry.html",
                "2024-05-01T00:00:00Z",
                http_headers=StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html")], "HTTP/1.1"
                ),
            )
        )
        writer.write_record(
            writer.create_warc_record(
                "dns:crawl.example",
                "response",
                payload=io.BytesIO(b"20240601120000\ncrawl.example. 300 IN A 192.0.2.1\n"),
                warc_content_type="text/dns",
            )
        )
        writer.write_record(
            writer.create_warc_record(
                "https://crawl.example/news",
                "metadata",
                payload=io.BytesIO(b"outlinks: 3\n"),
                warc_content_type="application/warc-fields",
            )
        )
    return ids


EXPECTED_SKIPPED = {
    "warcinfo": 1,
    "request": len(PAGES),
    "non-html response": 1,
    "non-2xx response": 1,
    "revisit": 1,
    "non-http response": 1,
    "metadata": 1,
}
#: Records of the test crawl: warcinfo, a request and a response per page, then five more.
N_RECORDS = 1 + 2 * len(PAGES) + 5


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_warc_gives_the_same_texts_as_the_html_directory(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    ids = write_warc(path, gzip_records=name.endswith(".gz"))
    assert input_kind(path) == "warc"
    site_docs = {d.id: d for d in copytrace.read(write_pages(tmp_path / "site"))}
    warc_docs = list(copytrace.read(path))
    assert [d.id for d in warc_docs] == ids
    assert all(d.id.startswith("urn:uuid:") for d in warc_docs)
    assert [d.text for d in warc_docs] == [site_docs[rel].text for rel, _, _ in PAGES]
    for doc, (rel, template, index) in zip(warc_docs, PAGES, strict=True):
        assert doc.meta["url"] == f"https://crawl.example/{rel}"
        assert doc.meta["host"] == "crawl.example"
        assert doc.meta["date"] == EXPECTED_DATES[template]  # the page's date, not the crawl's
        assert doc.meta["crawl_date"] == "2024-06-01T12:00:00"
        assert ARTICLES[index][0] in doc.meta["title"]


def test_warc_counts_the_records_that_are_not_documents(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path)
    reader = open_reader(path, ReadOptions())
    assert isinstance(reader, WarcReader)
    items = list(reader)
    assert reader.skipped_records == EXPECTED_SKIPPED
    assert len(items) + sum(reader.skipped_records.values()) == N_RECORDS
    # Origins number every record of the file, documents or not: warcinfo is record 1, then a
    # request and a response per page.
    assert [(o.unit, o.number) for o, _ in items] == [
        ("record", 3 + 2 * i) for i in range(len(PAGES))
    ]
    assert str(items[0][0]) == f"{path} record 3"
    assert reader.bytes_done() == path.stat().st_size
    list(reader)  # a second pass counts afresh
    assert reader.skipped_records == EXPECTED_SKIPPED


def test_warc_page_without_date_uses_the_crawl_date(tmp_path: Path) -> None:
    path = tmp_path / "one.warc.gz"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        body = b"<html><body><p>Only text here, and no date anywhere.</p></body></html>"
        writer.write_record(
            _response(writer, "http://a.example/x", body, None, date="2021-01-02T03:04:05Z")
        )
    [doc] = copytrace.read(path)
    assert doc.text == "Only text here, and no date anywhere."  # HTML sniffed without a type
    assert doc.meta["date"] == doc.meta["crawl_date"] == "2021-01-02T03:04:05"


def _last_record_offset(data: bytes) -> int:
    iterator = ArchiveIterator(io.BytesIO(data))
    offsets = []
    for _ in iterator:
        offsets.append(iterator.get_record_offset())
    return offsets[-1]


@pytest.mark.parametrize(
    ("name", "damage", "reason"),
    [
        (
            "half.warc.gz",
            lambda d: d[: len(d) // 2],
            r"truncated WARC record at byte \d+: \d+ of its \d+ bytes are missing",
        ),
        (
            "payload.warc",
            lambda d: d[:-10],
            r"truncated WARC record at byte \d+: 6 of its 12 bytes are missing",
        ),
        ("header.warc", lambda d: d[:-30], r"truncated or corrupt WARC record header at byte"),
        (
            "tail.warc.gz",
            lambda d: d[: _last_record_offset(d) + 12],  # the last gzip member's first bytes
            r"the file ends inside a record that starts at byte \d+ \(\d+ bytes, too short",
        ),
        (
            "garbled.warc.gz",
            lambda d: d[:2000] + b"\x00" * 64 + d[2064:],
            r"corrupt or truncated WARC at byte \d+: ",
        ),
        ("text.warc", lambda d: b"this is not a crawl at all\n", r"not a WARC file"),
        (
            "onegzip.warc.gz",
            lambda d: gzip.compress(gzip.decompress(d)),
            r"one gzip member per record; recompress it",
        ),
    ],
)
def test_corrupt_warc_is_a_bad_record_naming_file_and_record(
    tmp_path: Path, name: str, damage: Callable[[bytes], bytes], reason: str
) -> None:
    good = tmp_path / ("good.warc.gz" if name.endswith(".gz") else "good.warc")
    write_warc(good, gzip_records=name.endswith(".gz"))
    path = tmp_path / name
    path.write_bytes(damage(good.read_bytes()))
    reader = open_reader(path, ReadOptions())
    items = list(reader)
    origin, bad = items[-1]
    assert isinstance(bad, BadRecord)
    assert all(isinstance(doc, Document) for _, doc in items[:-1])
    # Every record before the bad one is a document or a counted skip; nothing after it is read.
    assert isinstance(reader, WarcReader)
    assert len(items) - 1 + sum(reader.skipped_records.values()) == origin.number - 1
    assert re.search(reason, bad.reason), bad.reason
    assert re.fullmatch(rf"{re.escape(str(path))} record \d+: .+", bad.message())
    with pytest.raises(InputError, match=re.escape(f"{path} record {origin.number}: ")):
        list(copytrace.read(path))
    # Skipping keeps the documents before the damage.
    assert len(list(copytrace.read(path, on_error="skip"))) == len(items) - 1


# --- the command line on web input -------------------------------------------------------------


def test_cli_scan_on_a_warc_finds_the_page_reprinted_in_other_chrome(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    ids = write_warc(path)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["scan", str(path), "--out", str(out), "-q"])
    assert result.exit_code == 0, (result.output, result.exception)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["records"]["documents"] == len(PAGES)
    matches = [json.loads(line) for line in (out / "matches.jsonl").read_text().splitlines()]
    # The ferry story in the news and the app template: one pair, nothing else.
    assert [{m["a"], m["b"]} for m in matches] == [{ids[0], ids[4]}]
    assert matches[0]["relation"] in ("exact", "near_duplicate")


def test_cli_dedup_on_a_warc_keeps_every_other_record(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    ids = write_warc(path)
    output = tmp_path / "kept.warc.gz"
    result = CliRunner().invoke(main, ["dedup", str(path), "-o", str(output), "-q"])
    assert result.exit_code == 0, (result.output, result.exception)
    with open(path, "rb") as f:
        before = [r.rec_headers.get_header("WARC-Record-ID")[1:-1] for r in ArchiveIterator(f)]
    with open(output, "rb") as f:
        after = [r.rec_headers.get_header("WARC-Record-ID")[1:-1] for r in ArchiveIterator(f)]
    # The ferry story's app page carries the earlier date, so it is the source and the news
    # page is the dropped duplicate.
    dropped = [json.loads(line) for line in (tmp_path / "kept.dropped.jsonl").open()]
    assert [(d["id"], d["duplicate_of"]) for d in dropped] == [(ids[0], ids[4])]
    assert after == [r for r in before if r != ids[0]]
    assert _records_copied_verbatim(output, path)
    assert [d.id for d in copytrace.read(output)] == ids[1:]


@pytest.mark.parametrize("out_name", ["kept.warc", "kept.warc.gz"])
@pytest.mark.parametrize("in_name", ["crawl.warc", "crawl.warc.gz"])
def test_dedup_warc_converts_between_plain_and_gzip(
    tmp_path: Path, in_name: str, out_name: str
) -> None:
    path = tmp_path / in_name
    ids = write_warc(path, gzip_records=in_name.endswith(".gz"))
    result = copytrace.dedup(path, tmp_path / out_name)
    # Records that are not pages (warcinfo, requests, ...) are passed through, not counted as kept.
    passed = sum(EXPECTED_SKIPPED.values())
    assert (result.kept, result.dropped, result.skipped) == (N_RECORDS - 1 - passed, 1, 0)
    assert result.passed_through == passed
    assert [d.id for d in copytrace.read(tmp_path / out_name)] == ids[1:]
    reader = open_reader(tmp_path / out_name, ReadOptions())
    list(reader)
    assert reader.skipped_records == EXPECTED_SKIPPED
    if in_name.endswith(".gz") == out_name.endswith(".gz"):
        assert _records_copied_verbatim(tmp_path / out_name, path)


def _records_copied_verbatim(output: Path, source: Path) -> bool:
    """Every record's bytes (its gzip member, for gzip WARCs) in `output` occur in `source`."""
    src = source.read_bytes()
    with open(output, "rb") as f:
        it = ArchiveIterator(f)
        spans = []
        for record in it:
            it.read_to_end(record)
            spans.append((it.get_record_offset(), it.get_record_length()))
    data = output.read_bytes()
    return all(data[o : o + n] in src for o, n in spans)


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


# --- response bodies: encodings and size --------------------------------------------------------

BODY_PAGE = (
    b"<html><head><title>Encoded</title></head><body><nav><a href='/'>Home</a></nav>"
    b"<article><p>The tide tables for the estuary were printed a week late this spring, and "
    b"the harbour master apologised to every skipper who ran aground.</p></article></body></html>"
)
BODY_TEXT = (
    "The tide tables for the estuary were printed a week late this spring, and the harbour "
    "master apologised to every skipper who ran aground."
)


def _chunked(data: bytes) -> bytes:
    half = len(data) // 2
    return (
        b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in (data[:half], data[half:])) + b"0\r\n\r\n"
    )


def write_encoded_warc(path: Path, bodies: list[tuple[str | None, bool, bytes]]) -> None:
    """One HTML response per (Content-Encoding, chunked, body)."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for i, (encoding, chunked, body) in enumerate(bodies):
            headers = [("Content-Type", "text/html; charset=utf-8")]
            headers += [("Content-Encoding", encoding)] if encoding else []
            headers += [("Transfer-Encoding", "chunked")] if chunked else []
            http = StatusAndHeaders("200 OK", headers, "HTTP/1.1")
            payload = io.BytesIO(_chunked(body) if chunked else body)
            writer.write_record(
                writer.create_warc_record(
                    f"https://enc.example/{i}", "response", payload=payload, http_headers=http
                )
            )


def test_warc_bodies_are_decoded_whatever_their_encoding(tmp_path: Path) -> None:
    import zlib

    import zstandard

    bodies: list[tuple[str | None, bool, bytes]] = [
        (None, False, BODY_PAGE),
        (None, True, BODY_PAGE),
        ("gzip", False, gzip.compress(BODY_PAGE)),
        ("x-gzip", True, gzip.compress(BODY_PAGE)),
        ("deflate", False, zlib.compress(BODY_PAGE)),
        ("zstd", True, zstandard.ZstdCompressor().compress(BODY_PAGE)),
    ]
    path = tmp_path / "enc.warc.gz"
    write_encoded_warc(path, bodies)
    assert [d.text for d in copytrace.read(path)] == [BODY_TEXT] * len(bodies)


def test_warc_brotli_bodies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    brotli = pytest.importorskip("brotli")
    path = tmp_path / "br.warc.gz"
    write_encoded_warc(
        path, [("br", False, brotli.compress(BODY_PAGE)), ("br", True, brotli.compress(BODY_PAGE))]
    )
    assert [d.text for d in copytrace.read(path)] == [BODY_TEXT, BODY_TEXT]
    # Without a brotli package the record is bad, with the fix in its message.
    monkeypatch.setitem(sys.modules, "brotli", None)
    monkeypatch.setitem(sys.modules, "brotlicffi", None)
    with pytest.raises(InputError, match=re.escape(f"{path} record 1: ") + ".*pip install brotli"):
        list(copytrace.read(path))


def test_undecodable_bodies_are_bad_records_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "bad-bodies.warc.gz"
    write_encoded_warc(
        path,
        [
            ("compress", False, b"\x1f\x9d\x90 not supported"),
            ("zstd", False, b"this is not zstd"),
            (None, False, BODY_PAGE),
        ],
    )
    items = list(open_reader(path, ReadOptions()))
    reasons = [getattr(r, "reason", None) for _, r in items]
    assert reasons[0] == "cannot read the response body: unsupported Content-Encoding 'compress'."
    assert reasons[1] is not None and reasons[1].startswith("cannot read the response body: zstd")
    last = items[2][1]
    assert isinstance(last, Document) and last.text == BODY_TEXT
    assert [d.text for d in copytrace.read(path, on_error="skip")] == [BODY_TEXT]


def test_oversized_pages_are_skipped_and_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path)
    monkeypatch.setattr("copytrace.io.warc.MAX_PAGE_BYTES", 1000)
    reader = open_reader(path, ReadOptions())
    assert list(reader) == []
    assert reader.skipped_records["oversized response"] == len(PAGES)


def test_dedup_warc_output_must_be_a_warc(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path)
    with pytest.raises(InputError) as err:
        copytrace.dedup(path, tmp_path / "kept.jsonl")
    assert str(err.value) == (
        f"{tmp_path / 'kept.jsonl'}: the input is warc, so the output name must end with "
        ".warc or .warc.gz."
    )
