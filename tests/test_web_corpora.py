"""Web pages as input, on real article text: HTML directories, WARC archives and chrome-laden text.

The acceptance targets of the "Web pages as input" issue, measured on articles of
../shared/corpora (skipped when absent). Real BBC and Reuters articles of at least 150 words,
chosen so that no two share an 8-word run (the corpora hold real near-duplicates; a few of the
chosen still share a reworded background paragraph, which `compare` and so a scan relate), are
wrapped at test time in the templates of three made-up news sites written below. Every site
has its own structure, nav menu, masthead, share bar, "Add a comment" box, "KEY WORDS: ..."
line, cookie banner, list of related articles (made-up headlines, the same on every page of the
site) and copyright footer; every page has a canonical URL on its site's host and a publication
date.

The corpus (built once per module, fixed seed):

- the Daily Courier publishes 500 different articles;
- 100 of them are reprinted whole by the Evening Lantern or Metro Wire (alternately);
- 100 others are reprinted there cut at 40-60% of their body, at a sentence end;
- the Lantern and Metro Wire also publish 40 articles of their own each.

The same pages are scanned as a directory of HTML files, as a WARC.gz written here with warcio
(with request records and non-HTML responses around them), and as JSON Lines records without
host or URL whose every document of a "site" carries that site's header and footer lines. A
control run of the JSON Lines with ``keep_boilerplate=True`` shows what the chrome does without
the guard (printed, not asserted).
"""

from __future__ import annotations

import datetime as dt
import gzip
import html
import io
import json
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from unrelated import few_enough
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import copytrace
from copytrace import Match, Relation, ScanResult, Settings
from copytrace.io.textdir import walk_files

pytestmark = pytest.mark.corpora

#: Seed of the article shuffle and of the truncation points.
SEED = 20260314
#: Shortest article body used, in words.
MIN_WORDS = 150
#: Articles on the Daily Courier; they must not match one another.
SAME_SITE = 500
#: Courier articles reprinted whole on another site, and reprinted truncated.
REPRINTS = 100
TRUNCATED = 100
#: A truncated reprint keeps this share of the body's characters, up to a sentence end.
CUT_RANGE = (0.40, 0.60)
#: Articles of their own on each of the two reprinting sites.
OWN_ARTICLES = 40
#: Share of the pairs that must be found with the expected relation.
TARGET = 0.98
#: Without a host, only lines of at most this many words can be chrome (copytrace.boilerplate).
MAX_CHROME_WORDS = 10

SAME_DOCUMENT = frozenset({Relation.EXACT, Relation.NEAR_DUPLICATE})
CONTAINED_OR_STRONGER = frozenset({Relation.EXACT, Relation.NEAR_DUPLICATE, Relation.CONTAINED})


# --- real articles -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    """A real article: its corpus id, headline, body paragraphs and topic words."""

    key: str
    headline: str
    paragraphs: tuple[str, ...]
    topics: tuple[str, ...]

    @property
    def body(self) -> str:
        """The body as one string, paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)

    @property
    def words(self) -> int:
        """Words of the body."""
        return len(self.body.split())


def read_jsonl_gz(path: Path) -> Iterator[dict[str, Any]]:
    """Records of a gzip JSON Lines file."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def bbc_article(record: dict[str, Any]) -> Article | None:
    """A BBC record as an Article: its first line is the headline, blank lines part paragraphs."""
    blocks = [" ".join(b.split()) for b in record["text"].split("\n\n")]
    blocks = [b for b in blocks if b]
    if len(blocks) < 2:
        return None
    return Article(record["id"], blocks[0], tuple(blocks[1:]), (record.get("category", "news"),))


#: A Reuters paragraph starts on a line indented by spaces, or after a blank line.
_REUTERS_PARAGRAPH = re.compile(r"\n\s*\n|\n(?= {2,})")


def reuters_article(record: dict[str, Any]) -> Article | None:
    """A Reuters record as an Article: its title is the headline, hard wraps are undone."""
    title = " ".join(str(record.get("title") or "").split())
    paragraphs = [" ".join(p.split()) for p in _REUTERS_PARAGRAPH.split(record["text"])]
    paragraphs = [p for p in paragraphs if p]
    if not title or not paragraphs:
        return None
    return Article(record["id"], title, tuple(paragraphs), tuple(record.get("topics") or ()))


def word_8grams(text: str) -> set[tuple[str, ...]]:
    """The distinct runs of 8 words of a text (lower-cased \\w+ words)."""
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + 8]) for i in range(len(words) - 7)}


def disjoint_articles(pool: Iterable[Article], count: int) -> list[Article]:
    """Greedily, up to `count` articles of the pool sharing no 8-word run with one another."""
    seen: set[tuple[str, ...]] = set()
    chosen: list[Article] = []
    for article in pool:
        grams = word_8grams(article.headline + "\n" + article.body)
        if not grams or grams & seen:
            continue
        seen |= grams
        chosen.append(article)
        if len(chosen) == count:
            break
    return chosen


#: Words before a full stop that do not end a sentence.
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "st", "co", "inc", "corp", "ltd", "plc", "jr", "sr", "no", "vs"}
    | {"gen", "gov", "sen", "rep", "rev", "prof", "u.s", "u.k"}
)
_SENTENCE_END = re.compile(r"(?<=\S)[.!?][\"'”’)]?(?=\s+[\"“‘(]?[A-Z0-9])|(?<=\S)[.!?](?=\n|$)")


def sentence_ends(text: str) -> list[int]:
    """Character offsets just after each sentence end of a text."""
    ends = []
    for m in _SENTENCE_END.finditer(text):
        word = re.findall(r"[\w.]+$", text[: m.start()])
        if m.group().startswith(".") and word and word[0].lower() in _ABBREVIATIONS:
            continue
        ends.append(m.end())
    return ends


def truncated(article: Article, rng: random.Random) -> Article | None:
    """The article cut at a sentence end between 40% and 60% of its body, or None if it has none
    there."""
    body = article.body
    low, high = CUT_RANGE
    cuts = [e for e in sentence_ends(body) if low <= e / len(body) <= high]
    if not cuts:
        return None
    kept = body[: rng.choice(cuts)]
    return replace(article, paragraphs=tuple(p for p in kept.split("\n\n") if p.strip()))


# --- made-up sites -------------------------------------------------------------------------------


def esc(text: str) -> str:
    """Text escaped for HTML."""
    return html.escape(text, quote=True)


@dataclass(frozen=True)
class Site:
    """A made-up news site: host, URL and file layout, page template and text-only chrome."""

    key: str
    name: str
    host: str
    url_path: Callable[[str, dt.datetime], str]
    template: Callable[[Page], str]
    related: tuple[str, ...]
    #: Chrome of the same site as plain text lines (each at most 10 words), for JSON Lines.
    header_lines: tuple[str, ...]
    footer_lines: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    """One page of the corpus: which article (family) in which form on which site."""

    site: Site
    article: Article
    kind: str  # "original", "reprint", "truncated" or "own"
    slug: str
    published: dt.datetime

    @property
    def family(self) -> str:
        """The id of the real article the page carries; pages of one family are related."""
        return self.article.key

    @property
    def url(self) -> str:
        """The page's canonical URL on its site's host."""
        return f"https://{self.site.host}{self.site.url_path(self.slug, self.published)}"

    @property
    def path(self) -> str:
        """Where the page is written in the HTML directory (relative, '/'-separated)."""
        return f"{self.site.key}{self.site.url_path(self.slug, self.published)}"

    @property
    def file_path(self) -> str:
        """The page's file in the HTML directory: its path, with .html added if it has no
        HTML suffix."""
        return self.path if self.path.endswith((".html", ".htm")) else self.path + ".html"

    @property
    def doc_id(self) -> str:
        """The page's id as a JSON Lines record."""
        return f"{self.site.key}:{self.slug}"

    @property
    def keywords(self) -> str:
        """The page's KEY WORDS: the article's topics as the site files them."""
        topics = [t.replace("-", " ").title() for t in self.article.topics[:3]]
        return ", ".join([*topics, self.site.name.split()[-1]]) if topics else self.site.name

    def html(self) -> str:
        """The page's HTML in its site's template."""
        return self.site.template(self)

    def plain_text(self) -> str:
        """The page as plain text: the site's header lines, the article, the footer lines."""
        return "\n".join(
            [
                *self.site.header_lines,
                "",
                self.article.headline,
                "",
                self.article.body,
                "",
                *self.site.footer_lines,
            ]
        )


def paragraphs_html(paragraphs: Iterable[str]) -> str:
    """Paragraphs as <p> elements."""
    return "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)


def related_html(site: Site, heading: str) -> str:
    """The site's related-article list: the same made-up headlines on every page."""
    items = "".join(
        f'<li><a href="/news/related-{i}">{esc(h)}</a></li>' for i, h in enumerate(site.related)
    )
    return f"<h2>{esc(heading)}</h2><ul>{items}</ul>"


def courier_template(page: Page) -> str:
    """The Daily Courier: semantic HTML5, meta article:published_time with a zone."""
    site, art = page.site, page.article
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>{esc(art.headline)} | Daily Courier</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="article:published_time" content="{page.published.isoformat()}">
<meta property="og:site_name" content="Daily Courier">
<link rel="canonical" href="{page.url}">
<link rel="stylesheet" href="/static/courier.css">
</head><body>
<div id="cookie-banner" class="cookie-consent" role="dialog">
<p>We use cookies to improve your experience on the Daily Courier.</p>
<button>Accept all cookies</button> <a href="/cookies">Cookie settings</a></div>
<header class="site-header"><div class="masthead"><a class="logo" href="/">DAILY COURIER</a>
<p class="tagline">Independent news since 1884</p></div>
<nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/news/world">World</a></li>
<li><a href="/news/business">Business</a></li><li><a href="/news/politics">Politics</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/news/science">Science</a></li>
<li><a href="/opinion">Opinion</a></li></ul></nav></header>
<main id="main"><article class="story">
<h1 class="story-headline">{esc(art.headline)}</h1>
<div class="share-bar"><span>Share this article</span>
<a href="#share-facebook">Facebook</a> <a href="#share-x">X</a> <a href="#share-email">Email</a>
</div>
<div class="story-body">
{paragraphs_html(art.paragraphs)}
</div>
<p class="keywords">KEY WORDS: {esc(page.keywords)}</p>
</article>
<aside class="related-articles">{related_html(site, "Related articles")}</aside>
<section id="comments" class="comments"><h2>Add a comment</h2>
<form action="/comments" method="post"><textarea name="comment"></textarea>
<button type="submit">Post comment</button></form>
<p>Comments are moderated and may take an hour to appear.</p></section>
</main>
<footer class="site-footer"><ul><li><a href="/about">About us</a></li>
<li><a href="/contact">Contact</a></li><li><a href="/privacy">Privacy policy</a></li></ul>
<p>&copy; 2026 Daily Courier Media Ltd. All rights reserved.</p></footer>
</body></html>
"""


def lantern_template(page: Page) -> str:
    """The Evening Lantern: an older CMS's div soup, meta name="date" without a time."""
    site, art = page.site, page.article
    return f"""<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>Evening Lantern - {esc(art.headline)}</title>
<meta name="date" content="{page.published.date().isoformat()}">
<meta name="keywords" content="{esc(page.keywords)}">
<link rel="canonical" href="{page.url}">
</head>
<body><div id="wrapper">
<div id="masthead"><span class="brand">The Evening Lantern</span>
<span class="motto">Lighting up the news every evening</span></div>
<div class="menu"><a href="/">Front page</a> | <a href="/local">Local</a> |
<a href="/nation">Nation</a> | <a href="/money">Money</a> | <a href="/sport">Sport</a> |
<a href="/letters">Letters</a></div>
<div id="content">
<div class="story"><h2 class="headline">{esc(art.headline)}</h2>
<div class="byline">By Lantern staff</div>
<div class="text">
{paragraphs_html(art.paragraphs)}
</div>
<div class="tools">Share this article: <a href="#email">Email</a> |
<a href="#print">Print</a></div>
<div class="tags">KEY WORDS: {esc(page.keywords)}</div>
</div>
<div class="more-stories">{related_html(site, "More from the Lantern")}</div>
<div id="comments"><h3>Add a comment</h3><p>Log in to join the discussion.</p>
<textarea></textarea></div>
</div>
<div id="footer">Copyright &copy; 2026 Lantern Newspapers plc | Terms | Privacy</div>
<div class="cookie-notice">This site uses cookies. <a href="/cookies">Find out more</a></div>
</div></body></html>
"""


def metro_template(page: Page) -> str:
    """Metro Wire: a JavaScript-app shell with sections, meta itemprop="datePublished" in UTC."""
    site, art = page.site, page.article
    blocks = "\n".join(
        f'<section class="block block-text"><p>{esc(p)}</p></section>' for p in art.paragraphs
    )
    when = page.published.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>{esc(art.headline)} — Metro Wire</title>
<meta itemprop="datePublished" content="{when}">
<link rel="canonical" href="{page.url}">
<script>window.__METRO__ = {{"edition": "uk", "menu": ["Latest", "Money", "Tech"]}};</script>
</head><body>
<div id="app">
<div class="topbar"><button class="menu-toggle">Menu</button>
<span class="wordmark">METRO WIRE</span>
<a class="cta" href="/subscribe">Subscribe from £1 a week</a></div>
<ul class="nav-tabs"><li>Latest</li><li>Money</li><li>Tech</li><li>Culture</li>
<li>Travel</li></ul>
<div class="article-wrap">
<h1>{esc(art.headline)}</h1>
<div class="share-rail"><span>Share this article</span></div>
{blocks}
<div class="topic-line">KEY WORDS: {esc(page.keywords)}</div>
<div class="comments-cta"><button>Add a comment</button></div>
</div>
<div class="recirculation">{related_html(site, "Read next")}</div>
<div class="site-footer"><p>Metro Wire is a trading name of Metro Wire Digital Ltd.</p>
<p>© 2026 Metro Wire Digital Ltd</p></div>
</div>
<div class="consent" role="dialog"><p>We and our partners use cookies for analytics.</p>
<button>Agree</button></div>
</body></html>
"""


COURIER = Site(
    key="daily-courier",
    name="Daily Courier",
    host="www.daily-courier.example",
    url_path=lambda slug, when: f"/news/{slug}",
    template=courier_template,
    related=(
        "Council approves riverside cycle lane after long delay",
        "Storm warning issued for coastal towns this weekend",
        "Rail fares to rise by four per cent in March",
        "Hospital car park charges scrapped for night staff",
    ),
    header_lines=(
        "DAILY COURIER | Home | World | Business | Sport",
        "Independent news since 1884",
        "We use cookies. Accept all cookies",
        "Share this article",
    ),
    footer_lines=(
        "KEY WORDS: news, world, business",
        "Add a comment",
        "Related: Council approves riverside cycle lane after long delay",
        "Related: Storm warning issued for coastal towns this weekend",
        "© 2026 Daily Courier Media Ltd",
    ),
)
LANTERN = Site(
    key="evening-lantern",
    name="Evening Lantern",
    host="eveninglantern.example",
    url_path=lambda slug, when: f"/story/{when:%Y%m%d}/{slug}.htm",
    template=lantern_template,
    related=(
        "Lantern readers vote for the best chip shop in town",
        "Ferry timetable changes from Monday",
        "Letters: the bypass will ruin the valley",
        "School choir sings at the cathedral",
    ),
    header_lines=(
        "The Evening Lantern",
        "Front page | Local | Nation | Money | Sport",
        "Share this article: Email | Print",
    ),
    footer_lines=(
        "KEY WORDS: lantern, local, nation",
        "More from the Lantern",
        "Ferry timetable changes from Monday",
        "Add a comment",
        "Copyright © 2026 Lantern Newspapers plc",
        "This site uses cookies. Find out more",
    ),
)
METRO = Site(
    key="metro-wire",
    name="Metro Wire",
    host="metro-wire.example",
    url_path=lambda slug, when: f"/{when:%Y/%m}/{slug}.html",
    template=metro_template,
    related=(
        "Ten gadgets we could not live without this year",
        "Why everyone is talking about the four-day week",
        "The cheapest city breaks for the spring",
    ),
    header_lines=(
        "METRO WIRE | Latest | Money | Tech | Culture",
        "Subscribe from £1 a week",
        "Share this article",
    ),
    footer_lines=(
        "Add a comment",
        "KEY WORDS: metro, latest, money",
        "Read next: Ten gadgets we could not live without",
        "We and our partners use cookies for analytics",
        "© 2026 Metro Wire Digital Ltd",
    ),
)
SITES = (COURIER, LANTERN, METRO)


def slug_of(headline: str, number: int) -> str:
    """A URL slug for a headline, made unique by a number."""
    words = re.sub(r"[^a-z0-9]+", "-", headline.lower()).strip("-")[:60].strip("-")
    return f"{words or 'story'}-{number}"


# --- the corpus ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebCorpus:
    """The pages, and the same corpus written as an HTML directory, a WARC.gz and JSON Lines."""

    pages: tuple[Page, ...]
    html_dir: Path
    warc: Path
    jsonl: Path

    def of_kind(self, kind: str) -> list[Page]:
        """The pages of one kind."""
        return [p for p in self.pages if p.kind == kind]

    def original_of(self, page: Page) -> Page:
        """The Courier original of a reprint."""
        return next(p for p in self.of_kind("original") if p.family == page.family)


def build_pages(corpora: Path) -> tuple[Page, ...]:
    """Choose the articles and lay them out on the three sites (see the module docstring)."""
    rng = random.Random(SEED)
    pool: list[Article] = []
    for record in read_jsonl_gz(corpora / "bbc_news.jsonl.gz"):
        article = bbc_article(record)
        if article is not None and article.words >= MIN_WORDS:
            pool.append(article)
    for record in read_jsonl_gz(corpora / "reuters21578.jsonl.gz"):
        article = reuters_article(record)
        if article is not None and article.words >= MIN_WORDS:
            pool.append(article)
    rng.shuffle(pool)
    articles = disjoint_articles(pool, SAME_SITE + 2 * OWN_ARTICLES)
    assert len(articles) == SAME_SITE + 2 * OWN_ARTICLES
    courier, own = articles[:SAME_SITE], articles[SAME_SITE:]
    start = dt.datetime(2026, 1, 5, 7, 30, tzinfo=dt.UTC)
    pages: list[Page] = []
    for n, article in enumerate(courier):
        when = start + dt.timedelta(hours=3 * n)
        pages.append(Page(COURIER, article, "original", slug_of(article.headline, n), when))
    reprinters = (LANTERN, METRO)
    later = dt.timedelta(days=1, hours=5)
    for n, page in enumerate(pages[:REPRINTS]):
        site = reprinters[n % 2]
        pages.append(replace(page, site=site, kind="reprint", published=page.published + later))
    cut_pages = 0
    for page in pages[REPRINTS:SAME_SITE]:
        if cut_pages == TRUNCATED:
            break
        cut = truncated(page.article, rng)
        if cut is None:
            continue
        site = reprinters[cut_pages % 2]
        pages.append(
            replace(
                page, site=site, article=cut, kind="truncated", published=page.published + later
            )
        )
        cut_pages += 1
    assert cut_pages == TRUNCATED
    for n, article in enumerate(own):
        site = reprinters[n % 2]
        when = start + dt.timedelta(hours=5 * n + 1)
        pages.append(Page(site, article, "own", slug_of(article.headline, 1000 + n), when))
    return tuple(pages)


def write_html_dir(pages: Iterable[Page], root: Path) -> None:
    """Write each page as an HTML file under `root` at its path."""
    for page in pages:
        target = root / page.file_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.html(), encoding="utf-8")


def _response(writer: WARCWriter, url: str, body: bytes, content_type: str, date: str) -> Any:
    """A WARC response record with HTTP headers."""
    http = StatusAndHeaders(
        "200 OK",
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("Server", "nginx"),
            ("Cache-Control", "max-age=300"),
        ],
        protocol="HTTP/1.1",
    )
    return writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": date},
    )


def _request(writer: WARCWriter, url: str, host: str, date: str) -> Any:
    """A WARC request record for a GET of `url`."""
    path = url.split(host, 1)[1] or "/"
    http = StatusAndHeaders(
        f"GET {path} HTTP/1.1",
        [("Host", host), ("User-Agent", "copytrace-test-crawler/1.0"), ("Accept", "text/html")],
        is_http_request=True,
    )
    return writer.create_warc_record(
        url, "request", http_headers=http, warc_headers_dict={"WARC-Date": date}
    )


def write_warc(pages: Iterable[Page], path: Path) -> None:
    """A crawl of the pages, one gzip member per record: a warcinfo record, a request and a
    response per page (WARC-Target-URI = the page URL), and per site a stylesheet, a logo and a
    robots.txt response that are not pages."""
    date = "2026-03-01T12:00:00Z"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for site in SITES:
            base = f"https://{site.host}"
            assets = [
                (
                    "/static/site.css",
                    b"body{font-family:serif}\n.cookie-consent{position:fixed}\n",
                    "text/css",
                ),
                ("/static/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(256), "image/png"),
                ("/robots.txt", b"User-agent: *\nDisallow: /comments\n", "text/plain"),
            ]
            for rel, body, ctype in assets:
                writer.write_record(_request(writer, base + rel, site.host, date))
                writer.write_record(_response(writer, base + rel, body, ctype, date))
        for page in pages:
            writer.write_record(_request(writer, page.url, page.site.host, date))
            body = page.html().encode("utf-8")
            writer.write_record(_response(writer, page.url, body, "text/html; charset=utf-8", date))


def write_jsonl(pages: Iterable[Page], path: Path) -> None:
    """The pages as JSON Lines records of plain text with the site's chrome lines: id, text and
    date; no host and no URL."""
    with open(path, "w", encoding="utf-8") as out:
        for page in pages:
            record = {
                "id": page.doc_id,
                "text": page.plain_text(),
                "date": page.published.isoformat(),
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


@pytest.fixture(scope="module")
def web_corpus(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> WebCorpus:
    """The corpus of the module, built once and written in the three input forms."""
    pages = build_pages(corpora)
    root = tmp_path_factory.mktemp("web_corpora")
    html_dir = root / "site"
    write_html_dir(pages, html_dir)
    # The WARC holds the pages in the directory reader's order (sorted paths), so that both
    # readers give the scan the same documents in the same order.
    by_file = {p.file_path: p for p in pages}
    by_path = [by_file[f.relative_to(html_dir).as_posix()] for f in walk_files(html_dir)]
    warc = root / "crawl.warc.gz"
    write_warc(by_path, warc)
    jsonl = root / "pages.jsonl"
    write_jsonl(pages, jsonl)
    return WebCorpus(pages, html_dir, warc, jsonl)


# --- scanning and checking -----------------------------------------------------------------------


@dataclass(frozen=True)
class Scanned:
    """A scan's result, which page each result id is, and how long the scan took."""

    name: str
    result: ScanResult
    page_of: dict[str, Page]
    seconds: float
    #: Metadata of each document as the reader gave it (HTML and WARC inputs only).
    meta: dict[str, dict[str, Any]] = field(default_factory=dict)

    @cached_property
    def id_of(self) -> dict[str, str]:
        """Result id of each page, by page URL."""
        return {page.url: doc_id for doc_id, page in self.page_of.items()}

    @cached_property
    def _matches(self) -> dict[frozenset[str], Match]:
        return {frozenset((m.a, m.b)): m for m in self.result.matches}

    def relation(self, a: Page, b: Page) -> Match | None:
        """The match between two pages, if any."""
        return self._matches.get(frozenset((self.id_of[a.url], self.id_of[b.url])))

    def describe(self, match: Match | None, a: Page, b: Page) -> str:
        """A match (or its absence) between two pages, with its scores, for failure messages."""
        ids = f"{self.id_of[a.url]} ~ {self.id_of[b.url]}"
        if match is None:
            return f"{ids}: no match"
        return (
            f"{ids}: {match.relation.value} jaccard={match.jaccard:.3f} "
            f"containment a-in-b={match.containment_a_in_b:.3f} "
            f"b-in-a={match.containment_b_in_a:.3f} (a={match.a})"
        )


def scan_with_urls(name: str, path: Path, pages: Iterable[Page]) -> Scanned:
    """Scan an HTML directory or WARC; map result ids to pages through each document's url."""
    t0 = time.perf_counter()
    result = copytrace.scan(path)
    seconds = time.perf_counter() - t0
    by_url = {p.url: p for p in pages}
    page_of: dict[str, Page] = {}
    meta: dict[str, dict[str, Any]] = {}
    for doc in copytrace.read(path):
        url = doc.meta.get("url")
        assert url in by_url, (doc.id, url)
        page_of[doc.id] = by_url[url]
        meta[doc.id] = doc.meta
    return Scanned(name, result, page_of, seconds, meta)


@pytest.fixture(scope="module")
def html_scan(web_corpus: WebCorpus) -> Scanned:
    """The scan of the HTML directory."""
    return scan_with_urls("html", web_corpus.html_dir, web_corpus.pages)


@pytest.fixture(scope="module")
def warc_scan(web_corpus: WebCorpus) -> Scanned:
    """The scan of the WARC.gz."""
    return scan_with_urls("warc", web_corpus.warc, web_corpus.pages)


def scan_jsonl(name: str, corpus: WebCorpus, settings: Settings | None) -> Scanned:
    """Scan the JSON Lines form of the corpus; ids are the pages' doc_ids."""
    t0 = time.perf_counter()
    result = copytrace.scan(corpus.jsonl, settings)
    seconds = time.perf_counter() - t0
    return Scanned(name, result, {p.doc_id: p for p in corpus.pages}, seconds)


@pytest.fixture(scope="module")
def jsonl_scan(web_corpus: WebCorpus) -> Scanned:
    """The scan of the JSON Lines with default settings (boilerplate guard on)."""
    return scan_jsonl("jsonl", web_corpus, None)


@pytest.fixture(scope="module")
def jsonl_control_scan(web_corpus: WebCorpus) -> Scanned:
    """The scan of the JSON Lines with the boilerplate guard off (keep_boilerplate=True)."""
    return scan_jsonl("jsonl-keep-boilerplate", web_corpus, Settings(keep_boilerplate=True))


def pair_hits(
    scanned: Scanned, corpus: WebCorpus, kind: str, allowed: frozenset[Relation]
) -> tuple[int, list[str]]:
    """How many reprints of `kind` are matched to their original with an allowed relation, and
    a description of each miss."""
    hits, misses = 0, []
    for page in corpus.of_kind(kind):
        original = corpus.original_of(page)
        match = scanned.relation(original, page)
        if match is not None and match.relation in allowed:
            hits += 1
        else:
            misses.append(scanned.describe(match, original, page))
    return hits, misses


def articles_related(a: Article, b: Article) -> bool:
    """Whether `compare` relates two articles. Articles sharing no 8-word run can still share a
    reworded paragraph (a follow-up story recycling its background, edited): then a scan rightly
    relates their pages too, as it relates what `compare` relates."""
    texts = (f"{x.headline}\n\n{x.body}" for x in (a, b))
    return copytrace.compare(*texts).relation is not None


def false_matches(scanned: Scanned) -> list[Match]:
    """Matches between pages of different articles that `compare` does not relate."""
    page_of = scanned.page_of
    return [
        m
        for m in scanned.result.matches
        if page_of[m.a].family != page_of[m.b].family
        and not articles_related(page_of[m.a].article, page_of[m.b].article)
    ]


def mixed_clusters(scanned: Scanned) -> list[list[str]]:
    """Clusters whose members carry more than one article, as lists of member ids."""
    out = []
    for cluster in scanned.result.clusters:
        families = {scanned.page_of[m.id].family for m in cluster.members}
        if len(families) > 1:
            out.append([m.id for m in cluster.members])
    return out


def describe_false(scanned: Scanned, matches: list[Match], limit: int = 3) -> list[str]:
    """The first few false matches with their scores."""
    return [
        scanned.describe(m, scanned.page_of[m.a], scanned.page_of[m.b]) for m in matches[:limit]
    ]


SCANS = ("html_scan", "jsonl_scan")


# --- 0. the corpus is what the targets assume ---------------------------------------------------


def test_the_corpus_is_as_designed(web_corpus: WebCorpus) -> None:
    pages = web_corpus.pages
    originals = web_corpus.of_kind("original")
    assert len(originals) == SAME_SITE
    assert {p.site for p in originals} == {COURIER}
    assert len({p.family for p in originals}) == SAME_SITE  # 500 different articles
    assert all(p.article.words >= MIN_WORDS for p in originals)
    for kind, count in (("reprint", REPRINTS), ("truncated", TRUNCATED)):
        reprints = web_corpus.of_kind(kind)
        assert len(reprints) == count
        assert {p.site for p in reprints} == {LANTERN, METRO}
    for page in web_corpus.of_kind("truncated"):
        share = len(page.article.body) / len(web_corpus.original_of(page).article.body)
        assert CUT_RANGE[0] <= share <= CUT_RANGE[1]
        assert page.article.body.rstrip()[-1] in ".!?\"'”’)"
    assert len({p.url for p in pages}) == len(pages)
    for site in SITES:
        for line in site.header_lines + site.footer_lines:
            assert len(line.split()) <= MAX_CHROME_WORDS, line
    assert len(list(web_corpus.html_dir.rglob("*.htm*"))) == len(pages)


# --- 1-4. HTML pages and JSON Lines with chrome lines -------------------------------------------


@pytest.mark.parametrize("scan_name", SCANS)
def test_same_article_on_two_sites_is_a_near_duplicate(
    scan_name: str, web_corpus: WebCorpus, request: pytest.FixtureRequest
) -> None:
    scanned: Scanned = request.getfixturevalue(scan_name)
    hits, misses = pair_hits(scanned, web_corpus, "reprint", SAME_DOCUMENT)
    assert hits >= TARGET * REPRINTS, (hits, REPRINTS, misses[:3])


@pytest.mark.parametrize("scan_name", SCANS)
def test_different_articles_on_one_site_are_not_matched(
    scan_name: str, web_corpus: WebCorpus, request: pytest.FixtureRequest
) -> None:
    scanned: Scanned = request.getfixturevalue(scan_name)
    courier_ids = {i for i, p in scanned.page_of.items() if p.kind == "original"}
    assert len(courier_ids) == SAME_SITE
    page_of = scanned.page_of
    across = [m for m in scanned.result.matches if page_of[m.a].family != page_of[m.b].family]
    # Articles that share no 8-word run and yet a reworded paragraph: a handful at most.
    assert few_enough(across, len(page_of)), describe_false(scanned, across)
    wrong = false_matches(scanned)  # anywhere in the corpus
    same_site = [m for m in wrong if m.a in courier_ids and m.b in courier_ids]
    assert same_site == [], describe_false(scanned, same_site)
    assert wrong == [], (len(wrong), describe_false(scanned, wrong))
    assert mixed_clusters(scanned) == []


@pytest.mark.parametrize("scan_name", SCANS)
def test_truncated_reprint_is_contained(
    scan_name: str, web_corpus: WebCorpus, request: pytest.FixtureRequest
) -> None:
    scanned: Scanned = request.getfixturevalue(scan_name)
    hits, misses = pair_hits(scanned, web_corpus, "truncated", CONTAINED_OR_STRONGER)
    assert hits >= TARGET * TRUNCATED, (hits, TRUNCATED, misses[:3])


@pytest.mark.parametrize("scan_name", SCANS)
def test_repeated_site_chrome_is_marked_as_boilerplate(
    scan_name: str, request: pytest.FixtureRequest
) -> None:
    scanned: Scanned = request.getfixturevalue(scan_name)
    stats = scanned.result.summary["boilerplate"]
    assert stats["enabled"] is True
    assert stats["lines_marked"] > 0, stats
    assert stats["line_occurrences_masked"] > 0, stats


# --- page metadata ------------------------------------------------------------------------------


def expected_date(page: Page) -> str:
    """The publication date copytrace should read from the page's meta tag (ISO 8601, UTC)."""
    if page.site is LANTERN:  # <meta name="date"> carries the day only
        return f"{page.published.date().isoformat()}T00:00:00"
    return page.published.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")


@pytest.mark.parametrize("scan_name", ["html_scan", "warc_scan"])
def test_pages_carry_url_host_and_date(scan_name: str, request: pytest.FixtureRequest) -> None:
    scanned: Scanned = request.getfixturevalue(scan_name)
    wrong = []
    for doc_id, page in scanned.page_of.items():
        meta = scanned.meta[doc_id]
        got = (meta.get("url"), meta.get("host"), meta.get("date"))
        if got != (page.url, page.site.host, expected_date(page)):
            wrong.append((doc_id, got))
    assert wrong == [], wrong[:3]


# --- WARC -----------------------------------------------------------------------------------------


def related_pairs(scanned: Scanned) -> set[tuple[frozenset[str], str]]:
    """Every match as (the two page URLs, relation)."""
    url = {i: p.url for i, p in scanned.page_of.items()}
    return {(frozenset((url[m.a], url[m.b])), m.relation.value) for m in scanned.result.matches}


def cluster_urls(scanned: Scanned) -> set[frozenset[str]]:
    """Every cluster as the set of its members' URLs."""
    return {
        frozenset(scanned.page_of[m.id].url for m in c.members) for c in scanned.result.clusters
    }


def test_warc_gives_the_same_related_pairs_as_the_html_directory(
    web_corpus: WebCorpus, html_scan: Scanned, warc_scan: Scanned
) -> None:
    # Only the page responses are documents: not the requests, stylesheets, logos, robots.txt.
    assert warc_scan.result.summary["records"]["documents"] == len(web_corpus.pages)
    assert sorted(p.url for p in warc_scan.page_of.values()) == sorted(
        p.url for p in web_corpus.pages
    )
    assert all(i.startswith("urn:uuid:") for i in warc_scan.page_of)
    html_pairs = related_pairs(html_scan)
    assert len(html_pairs) >= TARGET * (REPRINTS + TRUNCATED)
    warc_pairs = related_pairs(warc_scan)
    assert warc_pairs == html_pairs, (
        sorted(map(str, warc_pairs - html_pairs))[:3],
        sorted(map(str, html_pairs - warc_pairs))[:3],
    )
    assert cluster_urls(warc_scan) == cluster_urls(html_scan)


# --- control: plain text without the boilerplate guard -----------------------------------------


def test_control_without_the_boilerplate_guard(
    web_corpus: WebCorpus,
    jsonl_scan: Scanned,
    jsonl_control_scan: Scanned,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """What the chrome lines do when they are sketched: reported, not asserted."""
    control = jsonl_control_scan
    stats = control.result.summary["boilerplate"]
    assert stats["enabled"] is False
    assert stats["lines_marked"] == 0 and stats["line_occurrences_masked"] == 0
    wrong = false_matches(control)
    by_relation = Counter(m.relation.value for m in wrong)
    reprints, _ = pair_hits(control, web_corpus, "reprint", SAME_DOCUMENT)
    cut, _ = pair_hits(control, web_corpus, "truncated", CONTAINED_OR_STRONGER)
    guarded_wrong = len(false_matches(jsonl_scan))
    with capsys.disabled():
        print(
            f"\n[web corpora] JSON Lines with site chrome, keep_boilerplate=True: "
            f"{len(wrong)} false pairs {dict(by_relation)}, {len(mixed_clusters(control))} "
            f"mixed clusters; reprints found {reprints}/{REPRINTS}, truncated {cut}/{TRUNCATED}. "
            f"With the guard: {guarded_wrong} false pairs."
        )
        for line in describe_false(control, wrong):
            print(f"[web corpora]   e.g. {line}")
        for scanned in (jsonl_scan, control):
            print(f"[web corpora] {scanned.name}: scan {scanned.seconds:.1f} s")
