"""Made-up web pages for the HTML and WARC tests: made-up articles wrapped in made-up site
templates with menus, cookie banners, share bars, KEY WORDS lists, related-article lists,
comments and footers."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

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


def write_pages(root: Path) -> Path:
    for rel, template, index in PAGES:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page_html(template, index), encoding="utf-8")
    (root / "notes.txt").write_text("A plain text note kept beside the pages.", encoding="utf-8")
    (root / "style.css").write_text("body { color: black }", encoding="utf-8")
    return root
