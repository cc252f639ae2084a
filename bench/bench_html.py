"""Benchmark: main-text extraction from HTML pages, Resiliparse vs trafilatura.

Pages are generated here: made-up articles (sentences assembled from this script's own phrase
lists) wrapped in six made-up site templates with navigation menus, cookie banners, share bars,
"KEY WORDS" tag lists, related-article lists, comment sections, inline advertisements and footers.
Quality is token-level precision and recall of each extract against the article text that was
inserted; speed is pages per CPU second in one thread (= pages/s per core) and the median wall
time per page.

    python bench/bench_html.py                  # print the tables
    python bench/bench_html.py --write-results  # also replace this section of bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import html
import os
import platform
import random
import re
import shlex
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import command_output, cpu_model, upsert_section, version

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "RESULTS.md"
HEADING = "## HTML main-text extraction"

# --- made-up article text -------------------------------------------------------------------

SUBJECTS = (
    "The harbour council",
    "A spokesperson for the regional water board",
    "Residents of Millbrook Lane",
    "The county's chief engineer",
    "Members of the Eastwick cycling club",
    "The school governors",
    "A group of volunteer divers",
    "The festival organisers",
    "Officials at the northern bus depot",
    "Two independent bakers on the quay",
    "The parish allotment society",
    "Inspectors from the rail safety office",
    "The new head of the lifeboat station",
    "Shopkeepers along Castle Parade",
)
VERBS = (
    "approved a revised budget for",
    "raised fresh concerns about",
    "announced a six-week delay to",
    "published new figures on",
    "called for an independent review of",
    "celebrated the reopening of",
    "voted narrowly against",
    "agreed to pay for repairs to",
    "began a public consultation on",
    "warned of rising costs at",
    "asked the minister to explain",
    "planted the first trees beside",
)
OBJECTS = (
    "the old ferry terminal",
    "the riverside footpath",
    "the night bus service",
    "a community orchard",
    "the library extension",
    "the coastal flood barrier",
    "the winter gritting routes",
    "the town's disused tram depot",
    "the swimming baths on Quarry Road",
    "a plan to pedestrianise the market square",
    "the mobile dental clinic",
    "the footbridge over the canal basin",
)
TAILS = (
    "on Tuesday evening.",
    "after a meeting that lasted almost three hours.",
    "despite objections from several traders.",
    "for the third year running.",
    "ahead of the spring tides.",
    "according to documents released this week.",
    "in a move that surprised many observers.",
    "following months of complaints from parents.",
    "before the end of the financial year.",
    "while the weather stayed unusually mild.",
)
FIRST_NAMES = ("Orla", "Tomasz", "Imani", "Bertil", "Salome", "Ravi", "Henrike", "Cosmo", "Ada")
LAST_NAMES = ("Penhallow", "Reedy", "Castellan", "Fawcett", "Oyelaran", "Quist", "Marchbank")
ROLES = (
    "who chairs the transport committee",
    "a retired ferry pilot",
    "the owner of a hardware shop nearby",
    "a councillor for the harbour ward",
    "who has lived in the village for forty years",
    "the treasurer of the residents' association",
)
QUOTES = (
    "We have listened carefully to every household and we think this is a fair outcome",
    "Nobody wants to see the service disappear, but the numbers simply do not add up",
    "It has taken far too long and people deserve a proper explanation",
    "This is the best news the town has had in a decade",
    "We will keep pressing until the work is finished properly",
    "The money has to come from somewhere and I worry it will come from the schools",
)
NUMBER_SENTENCES = (
    "The work is expected to cost {a} thousand pounds and to take {b} months.",
    "About {a} people signed a petition, and {b} of them attended the meeting.",
    "Passenger numbers fell by {b} per cent last year, to roughly {a} a week.",
    "The scheme covers {a} homes in {b} streets on the western edge of the town.",
)
BYLINE_ROLES = ("Local affairs reporter", "Transport correspondent", "Staff writer")

# --- made-up page chrome --------------------------------------------------------------------

SITES = (
    ("The Millbrook Courier", "www.millbrook-courier.example"),
    ("Eastwick Evening Lamp", "eastwick-lamp.example"),
    ("Harbourside Weekly", "harbourside-weekly.example"),
    ("Northfold Gazette", "www.northfold-gazette.example"),
)
MENU = (
    "Home",
    "News",
    "Sport",
    "Weather",
    "Business",
    "Opinion",
    "Lifestyle",
    "Puzzles",
    "Obituaries",
    "Subscribe",
    "Sign in",
)
TAGS = ("Transport", "Council", "Budget", "Harbour", "Environment", "Schools", "Planning")
COMMENT_LINES = (
    "About time too, I have been waiting years for this.",
    "Does anyone know if the car park will stay open during the works?",
    "Same story every winter. Nothing ever changes round here.",
    "Brilliant, well done to everyone who campaigned for it.",
    "I would like to see the full accounts before I believe a word of it.",
    "My grandmother worked there in the sixties, lovely to see it mentioned.",
)
COMMENTERS = ("quayside_jo", "BrambleFan77", "oldtimer", "M. Wren", "nightowl_cyclist")
CHROME_MARKERS = (
    "We use cookies",
    "Share this article",
    "Add a comment",
    "KEY WORDS",
    "Related articles",
    "Most read",
    "Sign up for our newsletter",
    "All rights reserved",
    "Advertisement",
    "Leave a reply",
)


@dataclass(frozen=True)
class Article:
    """A made-up article: the text that a perfect extractor returns."""

    headline: str
    author: str
    date: datetime
    paragraphs: tuple[str, ...]

    @property
    def body(self) -> str:
        """The paragraphs joined; the reference for precision and recall."""
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class TestPage:
    """A generated page and what it wraps."""

    html: str
    article: Article
    template: str


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _sentence(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.6:
        parts = (SUBJECTS, VERBS, OBJECTS, TAILS)
        return " ".join(rng.choice(part) for part in parts)
    if kind < 0.8:
        return f'"{rng.choice(QUOTES)}," said {_name(rng)}, {rng.choice(ROLES)}.'
    return rng.choice(NUMBER_SENTENCES).format(a=rng.randint(12, 950), b=rng.randint(2, 40))


def _headline(rng: random.Random) -> str:
    subject = rng.choice(SUBJECTS).removeprefix("The ").removeprefix("A ")
    text = f"{subject} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    return text[0].upper() + text[1:]


def make_article(rng: random.Random) -> Article:
    """A made-up article: 1 to 14 paragraphs of 1 to 5 sentences (some pages are short)."""
    n_par = rng.choice((1, 2, 3, 4, 6, 8, 10, 14))
    paragraphs = tuple(
        " ".join(_sentence(rng) for _ in range(rng.randint(1, 5))) for _ in range(n_par)
    )
    date = datetime(2024, 1, 1, 6, 0, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 500_000))
    return Article(_headline(rng), _name(rng), date, paragraphs)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _menu(rng: random.Random, tag: str = "li") -> str:
    items = MENU[: rng.randint(6, len(MENU))]
    return "".join(f'<{tag}><a href="/{_slug(i)}">{_e(i)}</a></{tag}>' for i in items)


def _related(rng: random.Random, n: int = 4) -> str:
    return "".join(
        f'<li><a href="/news/{_slug(h)}">{_e(h)}</a></li>'
        for h in (_headline(rng) for _ in range(n))
    )


def _comments(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(1, 4)):
        out.append(
            f'<div class="comment"><span class="author">{_e(rng.choice(COMMENTERS))}</span>'
            f'<p>{_e(rng.choice(COMMENT_LINES))}</p><a href="#">Reply</a> <a href="#">Report</a>'
            "</div>"
        )
    return "".join(out)


def _cookie_banner() -> str:
    return (
        '<div id="cookie-consent" class="cookie-banner"><p>We use cookies to improve your '
        "experience of our website. By continuing to browse you agree to our use of cookies.</p>"
        "<button>Accept all</button><button>Manage preferences</button></div>"
    )


def _head(a: Article, site: tuple[str, str], extra: str = "") -> str:
    name, host = site
    return (
        f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{_e(a.headline)} | {_e(name)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="canonical" href="https://{host}/news/{_slug(a.headline)}">'
        '<link rel="stylesheet" href="/static/main.css">'
        "<style>body{font-family:serif}.nav li{display:inline}</style>"
        "<script>window.dataLayer=window.dataLayer||[];dataLayer.push({page:'article'});</script>"
        f"{extra}</head>"
    )


def template_broadsheet(a: Article, rng: random.Random) -> str:
    """Semantic HTML5: header/nav, article with share bar and KEY WORDS, aside, comments."""
    site = rng.choice(SITES)
    meta = f'<meta property="article:published_time" content="{a.date.isoformat()}">'
    paras = "".join(f"<p>{_e(p)}</p>" for p in a.paragraphs)
    tags = "".join(f'<li><a href="/tag/{_slug(t)}">{t}</a></li>' for t in rng.sample(TAGS, 3))
    return (
        _head(a, site, meta) + "<body>" + _cookie_banner() + '<header><a class="logo" href="/">'
        f'{_e(site[0])}</a><nav class="nav"><ul>{_menu(rng)}</ul></nav></header>'
        f"<main><article><h1>{_e(a.headline)}</h1>"
        f'<p class="byline">By {_e(a.author)} | <time datetime="{a.date.isoformat()}">'
        f"{a.date:%d %B %Y}</time></p>"
        '<div class="share"><span>Share this article</span><a href="#">Facebook</a>'
        '<a href="#">Twitter</a><a href="#">Email</a></div>'
        f'<div class="article-body">{paras}</div>'
        f'<div class="keywords"><h3>KEY WORDS</h3><ul>{tags}</ul></div></article>'
        f'<aside class="related"><h2>Related articles</h2><ul>{_related(rng)}</ul></aside>'
        '<section id="comments" class="comments"><h2>Add a comment</h2><form>'
        '<textarea name="comment" placeholder="Write your comment"></textarea>'
        f"<button>Post comment</button></form>{_comments(rng)}</section></main>"
        '<footer><ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact us'
        '</a></li><li><a href="/privacy">Privacy policy</a></li></ul>'
        f"<p>© 2024 {_e(site[0])} Media Ltd. All rights reserved.</p></footer></body></html>"
    )


def template_div_soup(a: Article, rng: random.Random) -> str:
    """No semantic tags: nested divs, text blocks with <br>, ads between paragraphs."""
    site = rng.choice(SITES)
    blocks = []
    for i, p in enumerate(a.paragraphs):
        blocks.append(f'<div class="txt-block">{_e(p)}</div>')
        if i == 1:
            blocks.append('<div class="ad-slot"><span>Advertisement</span></div>')
        if i == 3:
            h = _headline(rng)
            blocks.append(f'<div class="inline-more">Read more: <a href="/n/1">{_e(h)}</a></div>')
    return (
        _head(a, site, f'<meta name="date" content="{a.date:%Y-%m-%d}">') + "<body>"
        f'<div class="top-bar"><div class="menu">{_menu(rng, "div")}</div></div>'
        '<div class="container"><div class="row"><div class="col-md-8">'
        f'<div class="headline-wrap"><div class="hl">{_e(a.headline)}</div></div>'
        f'<div class="meta-line">{_e(a.author)} · {a.date:%d/%m/%Y %H:%M}</div>'
        '<div class="share-tools">Share this article <a href="#">Facebook</a> '
        '<a href="#">WhatsApp</a></div>'
        f'<div class="story">{"".join(blocks)}</div>'
        '<div class="tags">KEY WORDS: '
        + ", ".join(f'<a href="/t/{t}">{t}</a>' for t in rng.sample(TAGS, 4))
        + "</div></div>"
        f'<div class="col-md-4"><div class="box"><div class="box-title">Most read</div>'
        f"<ol>{_related(rng, 5)}</ol></div></div></div></div>"
        + _cookie_banner()
        + f'<div class="bottom">© {_e(site[0])}. All rights reserved. '
        '<a href="/terms">Terms of use</a></div></body></html>'
    )


def template_blog(a: Article, rng: random.Random) -> str:
    """A blog theme: entry content, sidebar widgets, newsletter box, comment list and reply form."""
    site = rng.choice(SITES)
    paras = "".join(f"<p>{_e(p)}</p>" for p in a.paragraphs)
    return (
        _head(a, site) + '<body class="single-post"><div id="page">'
        f'<div id="masthead"><span class="site-title">{_e(site[0])}</span>'
        f'<ul class="primary-menu">{_menu(rng)}</ul></div><div id="content">'
        f'<div class="post"><h2 class="entry-title">{_e(a.headline)}</h2>'
        f'<div class="entry-meta">Posted on {a.date:%B %d, %Y} by {_e(a.author)}</div>'
        f'<div class="entry-content">{paras}</div>'
        '<div class="sharedaddy"><h3>Share this article</h3><a href="#">Print</a>'
        '<a href="#">Email</a></div></div>'
        f'<div id="comments"><h3>{rng.randint(1, 9)} thoughts on this post</h3>'
        f'<ol class="comment-list">{_comments(rng)}</ol>'
        '<div id="respond"><h3>Leave a reply</h3><p>Your email address will not be published.'
        "</p><textarea></textarea><input type=submit value='Post comment'></div></div></div>"
        '<div id="sidebar"><div class="widget"><h4>Sign up for our newsletter</h4>'
        '<input type="email" placeholder="Your email"><button>Subscribe</button></div>'
        f'<div class="widget"><h4>Related articles</h4><ul>{_related(rng, 3)}</ul></div></div>'
        f'<div id="colophon">Proudly powered by a made-up engine. © {_e(site[0])}</div>'
        "</div></body></html>"
    )


def template_tables(a: Article, rng: random.Random) -> str:
    """A 2000s layout: tables, <font>, paragraphs separated by <br><br>."""
    site = rng.choice(SITES)
    body = "<br><br>\n".join(_e(p) for p in a.paragraphs)
    nav = "<br>".join(f'<a href="/{_slug(i)}.html">{_e(i)}</a>' for i in MENU)
    return (
        f"<html><head><title>{_e(site[0])} - {_e(a.headline)}</title>"
        f'<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        f'<meta name="date" content="{a.date:%Y-%m-%d}"></head>'
        '<body bgcolor="#ffffff"><table width="100%" border="0"><tr>'
        f'<td width="150" valign="top" class="nav"><font size="2">{nav}</font></td>'
        f'<td valign="top"><font size="5"><b>{_e(a.headline)}</b></font><br>'
        f'<font size="1">{a.date:%d.%m.%Y} - {_e(a.author)}</font><br><br>'
        f'<font face="Arial" size="3">{body}</font><br><br>'
        '<font size="1"><a href="/print">Print</a> | <a href="/mail">Email this page</a> | '
        "Share this article</font></td>"
        '<td width="160" valign="top"><font size="2"><b>Most read</b><br>'
        + "<br>".join(f'<a href="/x">{_e(_headline(rng))}</a>' for _ in range(4))
        + "<br><br>Advertisement</font></td></tr></table>"
        f'<center><font size="1">Copyright {_e(site[0])}. All rights reserved.</font></center>'
        "</body></html>"
    )


def template_app(a: Article, rng: random.Random) -> str:
    """A script-heavy site: JSON-LD, sections with ads and inline links, a late cookie modal."""
    site = rng.choice(SITES)
    ld = (
        '<script type="application/ld+json">{"@context":"https://schema.org","@type":'
        f'"NewsArticle","headline":"x","datePublished":"{a.date.isoformat()}"}}</script>'
    )
    sections = []
    for i, p in enumerate(a.paragraphs):
        sections.append(f'<section class="block"><p class="para">{_e(p)}</p></section>')
        if i % 3 == 2:
            sections.append(
                '<div class="ad" data-slot="mid"><p>Advertisement</p><p>Continue reading below'
                "</p></div>"
            )
    return (
        _head(a, site, ld) + '<body><div id="app"><div class="header-shell">'
        f'<button aria-label="menu">Menu</button><ul class="drawer">{_menu(rng)}</ul>'
        '<a class="cta" href="/subscribe">Subscribe for £1</a></div>'
        '<div class="article-shell"><div class="share-rail"><span>Share this article</span>'
        "<button>Copy link</button></div>"
        f'<h1 class="title">{_e(a.headline)}</h1><div class="author-card"><span>{_e(a.author)}'
        f"</span><span>{rng.choice(BYLINE_ROLES)}</span></div>{''.join(sections)}"
        '<div class="share-rail"><span>Share this article</span></div>'
        f'<div class="recirc"><h2>Most read</h2><ul>{_related(rng, 5)}</ul></div>'
        '<div class="comments-cta"><button>Add a comment</button></div></div>'
        "<script>hydrate({});</script></div>"
        '<div class="consent-modal" role="dialog"><h2>Your privacy</h2><p>We use cookies and '
        "similar technologies to personalise content and ads.</p><button>Accept all</button>"
        "</div></body></html>"
    )


def template_print(a: Article, rng: random.Random) -> str:
    """A print view: hardly any chrome, which a main-content heuristic must not over-prune."""
    site = rng.choice(SITES)
    paras = "".join(f"<p>{_e(p)}</p>" for p in a.paragraphs)
    return (
        _head(a, site) + f'<body class="print"><div class="brand">{_e(site[0])}</div>'
        f"<h1>{_e(a.headline)}</h1><p><em>{_e(a.author)}, {a.date:%d %B %Y}</em></p>{paras}"
        f'<p class="small">All rights reserved. Printed from {site[1]}</p></body></html>'
    )


TEMPLATES: dict[str, Callable[[Article, random.Random], str]] = {
    "broadsheet": template_broadsheet,
    "div soup": template_div_soup,
    "blog": template_blog,
    "table layout": template_tables,
    "script-heavy": template_app,
    "print view": template_print,
}


def make_pages(n: int, seed: int = 1) -> list[TestPage]:
    """n pages in twins: pages 2k and 2k+1 wrap the same made-up article in two templates."""
    rng = random.Random(seed)
    names = list(TEMPLATES)
    pages = []
    for k in range((n + 1) // 2):
        article = make_article(rng)
        first = k % len(names)
        second = (first + 1 + rng.randrange(len(names) - 1)) % len(names)
        for name in (names[first], names[second]):
            pages.append(TestPage(TEMPLATES[name](article, rng), article, name))
    return pages[:n]


# --- extractors -----------------------------------------------------------------------------


def extractors() -> dict[str, Callable[[str], str]]:
    """The contenders, by table label; each takes an HTML string and returns plain text."""
    import trafilatura
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    from copytrace.io.html import extract_page

    def resiliparse_main(page: str) -> str:
        return extract_plain_text(HTMLTree.parse(page), main_content=True)

    def resiliparse_all(page: str) -> str:
        return extract_plain_text(HTMLTree.parse(page), main_content=False)

    def trafilatura_default(page: str) -> str:
        return trafilatura.extract(page, include_comments=False) or ""

    def trafilatura_fast(page: str) -> str:
        return trafilatura.extract(page, include_comments=False, fast=True) or ""

    def copytrace_page(page: str) -> str:
        return extract_page(page).text

    return {
        "copytrace `extract_page` (Resiliparse, main content, no comments)": copytrace_page,
        "Resiliparse `extract_plain_text(main_content=True)`": resiliparse_main,
        "trafilatura `extract`": trafilatura_default,
        "trafilatura `extract(fast=True)`": trafilatura_fast,
        "Resiliparse `extract_plain_text(main_content=False)` (all visible text)": resiliparse_all,
    }


# --- measuring ------------------------------------------------------------------------------

_TOKEN = re.compile(r"\w+")
#: copytrace's default thresholds: Jaccard for near_duplicate, containment for contained.
TWIN_THRESHOLD = 0.8
#: Articles of at least this many words count as long (a typical news story is longer).
LONG_WORDS = 150


def article_words(article: Article) -> int:
    """Words in the article's paragraphs."""
    return len(_TOKEN.findall(article.body))


def tokens(text: str) -> Counter[str]:
    """Case-folded word tokens with their counts."""
    return Counter(_TOKEN.findall(text.casefold()))


def shingles(text: str, k: int = 5) -> set[tuple[str, ...]]:
    """Word k-grams of a text (one shingle for shorter texts), as copytrace compares documents."""
    words = _TOKEN.findall(text.casefold())
    return {tuple(words[i : i + k]) for i in range(max(1, len(words) - k + 1))}


def twin_scores(a: str, b: str) -> tuple[float, float]:
    """(Jaccard, containment of the smaller in the larger) of two texts' word 5-gram sets."""
    sa, sb = shingles(a), shingles(b)
    shared = len(sa & sb)
    return shared / len(sa | sb), shared / min(len(sa), len(sb))


def score(extracted: str, article: Article) -> tuple[int, int, int]:
    """(shared tokens, extracted tokens, reference tokens) of one page.

    The reference is the article's paragraphs. The headline counts neither for nor against an
    extractor (trafilatura leaves it out of the text, Resiliparse keeps it): its first occurrence
    is removed from the extract before counting.
    """
    got = tokens(extracted.replace(article.headline, " ", 1))
    want = tokens(article.body)
    shared = sum((got & want).values())
    return shared, sum(got.values()), sum(want.values())


@dataclass
class Row:
    """One extractor's measurements."""

    name: str
    pages_per_cpu_s: float
    median_ms: float
    precision: float
    recall: float
    pages_recall_below_90: int
    pages_with_chrome: int
    empty: int
    twin_jaccard: float
    twins_related: float
    long_twins_related: float
    by_template: dict[str, tuple[float, float]]


def measure(
    name: str, extract: Callable[[str], str], pages: Sequence[TestPage], repeats: int
) -> Row:
    """Time `extract` over all pages `repeats` times (after a warm-up), then score its output."""
    for page in pages[:10]:
        extract(page.html)
    rates, times = [], []
    outputs: list[str] = []
    for _ in range(repeats):
        outputs = []
        cpu0 = time.process_time()
        for page in pages:
            t0 = time.perf_counter()
            outputs.append(extract(page.html))
            times.append(time.perf_counter() - t0)
        rates.append(len(pages) / max(time.process_time() - cpu0, 1e-9))
    shared = got = want = 0
    low = chrome = empty = 0
    per: dict[str, list[int]] = {}
    for page, text in zip(pages, outputs, strict=True):
        s, g, w = score(text, page.article)
        shared, got, want = shared + s, got + g, want + w
        acc = per.setdefault(page.template, [0, 0, 0])
        acc[0], acc[1], acc[2] = acc[0] + s, acc[1] + g, acc[2] + w
        low += s / w < 0.9
        chrome += any(marker in text for marker in CHROME_MARKERS)
        empty += not text.strip()
    twins = [
        (*twin_scores(outputs[i], outputs[i + 1]), article_words(pages[i].article) >= LONG_WORDS)
        for i in range(0, len(pages) - 1, 2)
    ]
    related = [(j >= TWIN_THRESHOLD or c >= TWIN_THRESHOLD, long) for j, c, long in twins]
    n_long = sum(long for _, long in related)
    return Row(
        name,
        statistics.median(rates),
        statistics.median(times) * 1000,
        shared / got if got else 0.0,
        shared / want,
        low,
        chrome,
        empty,
        statistics.median(j for j, _, _ in twins),
        sum(ok for ok, _ in related) / len(related),
        sum(ok for ok, long in related if long) / n_long if n_long else float("nan"),
        {t: (s / g if g else 0.0, s / w) for t, (s, g, w) in per.items()},
    )


# --- report ---------------------------------------------------------------------------------


def build_section(
    rows: Sequence[Row],
    pages: Sequence[TestPage],
    args: argparse.Namespace,
    load: tuple[tuple[float, ...], tuple[float, ...]],
) -> str:
    """The Markdown section for bench/RESULTS.md."""
    argv = " ".join(shlex.quote(a) for a in sys.argv[1:])
    machine = (
        f"{command_output(['uname', '-m'], platform.machine())}, {cpu_model()}, "
        f"nproc = {command_output(['nproc'], '?')}; load average (1, 5, 15 min) "
        f"{', '.join(f'{x:.2f}' for x in load[0])} before, "
        f"{', '.join(f'{x:.2f}' for x in load[1])} after"
    )
    versions = ", ".join(
        f"{p} {version(p)}"
        for p in ("copytrace", "resiliparse", "trafilatura", "lxml", "lxml_html_clean")
    )
    n_tokens = sum(sum(tokens(p.article.body).values()) for p in pages)
    n_twins = len(pages) // 2
    n_long = sum(article_words(pages[i].article) >= LONG_WORDS for i in range(0, 2 * n_twins, 2))
    mb = sum(len(p.html.encode()) for p in pages) / 1e6
    lines = [
        HEADING,
        "",
        f"- Command: `{' '.join(['python bench/bench_html.py', argv]).strip()}`",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine}",
        f"- Versions: {versions}; Python {platform.python_version()}",
        f"- Input: {len(pages)} generated pages ({mb:.1f} MB of HTML, {n_tokens:,} article "
        f"tokens; seed {args.seed}) from {len(TEMPLATES)} made-up site templates "
        f"({', '.join(TEMPLATES)}), in twins: each article is wrapped in two different "
        "templates. Articles are 1 to 14 paragraphs of sentences assembled from "
        "the script's own phrase lists; the chrome is navigation menus, cookie banners, share "
        "bars, KEY WORDS lists, related and most-read lists, comment sections with comments, "
        "newsletter boxes, inline advertisements and footers.",
        f"- Runs: each extractor over all pages {args.repeats} times in this one process, one "
        "thread, after a 10-page warm-up; *pages/s per core* is pages per CPU second (median "
        "of the runs), *median ms/page* the median wall time of one call (HTML string in, text "
        "out).",
        "",
        "| library | pages/s per core | median ms/page | precision | recall "
        "| pages with recall < 0.9 | pages with chrome | empty extracts "
        "| twin Jaccard (median) | twins related | twins related, ≥ 150 words |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.name} | {r.pages_per_cpu_s:,.0f} | {r.median_ms:.2f} | {r.precision:.3f} "
            f"| {r.recall:.3f} | {r.pages_recall_below_90} | {r.pages_with_chrome} "
            f"| {r.empty} | {r.twin_jaccard:.3f} | {r.twins_related:.1%} "
            f"| {r.long_twins_related:.1%} |"
        )
    lines += [
        "",
        "Precision and recall by template (precision / recall):",
        "",
        "| library | " + " | ".join(TEMPLATES) + " |",
        "|---|" + "--:|" * len(TEMPLATES),
    ]
    for r in rows:
        cells = " | ".join(
            f"{r.by_template[t][0]:.2f} / {r.by_template[t][1]:.2f}" for t in TEMPLATES
        )
        lines.append(f"| {r.name} | {cells} |")
    lines += [
        "",
        "Notes: precision and recall are token-level (case-folded `\\w+` tokens, counted as "
        "multisets) over all pages pooled: shared tokens over tokens extracted, and over tokens "
        "of the article paragraphs inserted. The headline is neutral (removed once from each "
        "extract before counting): trafilatura puts it in metadata, and Resiliparse keeps it "
        "only when it is not outside a recognised article-body container. *pages with chrome* "
        "counts extracts containing any of: "
        + ", ".join(f'"{m}"' for m in CHROME_MARKERS)
        + ". Related-article headlines and comments are made of the same kind of words as the "
        "articles, so chrome that leaks costs precision without being marked. *twin Jaccard* is "
        "the Jaccard similarity of the word 5-gram sets of the two extracts of one article in "
        "two templates (1.0 when both templates are stripped to the same text); *twins related* "
        "is the share of twins whose extracts meet copytrace's default rules (Jaccard ≥ 0.8, or "
        "≥ 0.8 of the smaller extract's 5-grams in the larger), over all "
        f"{n_twins} twins and over the {n_long} twins of articles of at least {LONG_WORDS} "
        "words. The generator puts all article text in paragraphs or `<br>`-separated blocks of "
        "plain sentences, so it hardly tests recall: every extractor keeps all of it here, and "
        "recall on real pages (link-dense paragraphs, captions, lists) is not measured. "
        "trafilatura runs with `include_comments=False` (its default keeps comment "
        "sections). The copytrace row is `copytrace.io.html.extract_page` on the same strings: "
        "Resiliparse with `main_content=True, comments=False, post_meta=False, "
        "alt_texts=False`, plus the title, date and canonical-URL lookups.",
    ]
    return "\n".join(lines) + "\n"


def write_results(section: str, path: Path = RESULTS) -> None:
    """Put `section` into bench/RESULTS.md, replacing an earlier copy of the same heading."""
    upsert_section(HEADING, section, path)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pages", type=int, default=600, help="pages to generate (default 600)")
    p.add_argument("--repeats", type=int, default=3, help="timed runs per extractor (default 3)")
    p.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    p.add_argument("--write-results", action="store_true", help="update bench/RESULTS.md")
    p.add_argument("--dump", type=Path, help="also write the generated pages to this directory")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Generate the pages, measure every extractor, print the tables, optionally write them."""
    args = parse_args(argv)
    pages = make_pages(args.pages, args.seed)
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
        for i, page in enumerate(pages):
            (args.dump / f"{i:04d}-{_slug(page.template)}.html").write_text(page.html, "utf-8")
    rows = []
    load_before = os.getloadavg()
    for name, extract in extractors().items():
        print(f"measuring {name} ...", file=sys.stderr)
        rows.append(measure(name, extract, pages, args.repeats))
    section = build_section(rows, pages, args, (load_before, os.getloadavg()))
    print(section)
    if args.write_results:
        write_results(section)
        print(f"wrote {RESULTS.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
