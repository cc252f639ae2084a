"""Build the copytrace demo corpus: demo/news.jsonl plus demo/EXPECTED.md, the answer key.

Every document is derived from the made-up stories in originals.py. The script uses only the
standard library and a fixed random seed, so each run writes byte-identical files.

Usage: python3 demo/make_demo.py   (from any directory)
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
SEED = 20260302

#: Page chrome of the outlets that copy stories: the navigation header and the footer template.
CHROME: dict[str, tuple[str, str]] = {
    "Midland Post": (
        "MIDLAND POST | Home | World | Business | Sport",
        "Share this article · Comments ({n}) · © 2026 Midland Post",
    ),
    "Riverside Daily Wire": (
        "RIVERSIDE DAILY WIRE | News | Local | Opinion | Weather",
        "Follow us · {n} comments · © 2026 Riverside Daily Wire. All rights reserved.",
    ),
    "Coastline Dispatch": (
        "COASTLINE DISPATCH | Front Page | Region | Money | Culture",
        "Share · Print · Comments ({n}) · © 2026 Coastline Dispatch",
    ),
    "Pellmoor Observer": (
        "PELLMOOR OBSERVER | Latest | Politics | Sport | Life",
        "Share this story · {n} readers commented · © 2026 Pellmoor Observer",
    ),
    "The Valley Ledger": (
        "THE VALLEY LEDGER | Home | News | Farming | Sport",
        "Share · Comments ({n}) · © 2026 The Valley Ledger",
    ),
}

#: Verbatim reprints (source id, copying site); harbor-ferry is syndicated to two sites.
EXACT = [
    ("harbor-ferry", "Midland Post"),
    ("harbor-ferry", "Riverside Daily Wire"),
    ("council-vote", "The Valley Ledger"),
]
#: The same text wrapped in another site's header and footer; lake-microbes goes to two sites.
RECHROMED = [
    ("lake-microbes", "Midland Post"),
    ("lake-microbes", "Coastline Dispatch"),
    ("cup-semifinal", "Pellmoor Observer"),
]
#: Light edits: (source id, copying site, phrase swaps); one sentence is also dropped.
LIGHT_EDITS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "brack-flood",
        "Riverside Daily Wire",
        [
            ("More than three hundred", "Over three hundred"),
            ("relentless rain", "torrential rain"),
            ("estimated that", "reckoned that"),
            ("an urgent review", "a swift review"),
        ],
    ),
    (
        "heater-recall",
        "The Valley Ledger",
        [
            ("almost forty thousand", "nearly forty thousand"),
            ("urged anyone", "told anyone"),
            ("questioned why", "asked why"),
            ("about six percent", "around six percent"),
        ],
    ),
]
#: Stories cut at 40-60% of their length and re-published under another site's chrome.
TRUNCATED = [
    ("council-vote", "Coastline Dispatch"),
    ("cup-semifinal", "Riverside Daily Wire"),
    ("heater-recall", "Midland Post"),
]
#: The host article quotes these consecutive paragraphs (0-based, end exclusive) of this story.
EXCERPT_SOURCE, EXCERPT_PARAGRAPHS = "museum-theft", (1, 4)
#: The story rewritten by synonym swapping, the site that runs it and the share of words swapped.
SPUN_SOURCE, SPUN_SITE, SPUN_RATE = "gullhaven-election", "Pellmoor Observer", 0.20

# Function words are never swapped, so the rate is measured against content words only.
_STOPWORD_LIST = """
    a about after all also an and any are as at be been before but by can could did do does
    for from had has have he her here him his how i if in into is it its just more most my no
    nor not now of off on once one only or other our out over own per she should so some such
    than that the their them then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your
"""
STOPWORDS = frozenset(_STOPWORD_LIST.split())

# Hand-written synonyms for the spun story; each key is an exact word form found in it.
SYNONYMS = {
    "act": "move",
    "affected": "impacted",
    "almost": "nearly",
    "arrived": "turned up",
    "ballot": "vote",
    "boiler": "furnace",
    "broken": "faulty",
    "candidate": "nominee",
    "carefully": "closely",
    "carrying": "bringing",
    "chair": "seat",
    "closure": "shutting",
    "coast": "shoreline",
    "coats": "jackets",
    "complained": "grumbled",
    "congratulated": "praised",
    "covered": "hid",
    "district": "borough",
    "elections": "polls",
    "entirely": "wholly",
    "errors": "mistakes",
    "especially": "particularly",
    "established": "mainstream",
    "everyday": "daily",
    "face": "features",
    "figures": "numbers",
    "finally": "eventually",
    "focused": "concentrated",
    "former": "onetime",
    "future": "fate",
    "hall": "centre",
    "hands": "palms",
    "held": "kept",
    "household": "home",
    "hugged": "embraced",
    "ignored": "overlooked",
    "independent": "unaffiliated",
    "investigate": "examine",
    "issues": "matters",
    "knocked": "rapped",
    "leaflets": "flyers",
    "lectures": "teaches",
    "losing": "defeated",
    "low": "poor",
    "lowest": "weakest",
    "meeting": "session",
    "moved": "relocated",
    "neighbourhood": "area",
    "newcomer": "novice",
    "numbers": "figures",
    "observers": "watchers",
    "often": "frequently",
    "older": "elderly",
    "overturning": "reversing",
    "phone": "telephone",
    "press": "push",
    "promised": "pledged",
    "rebuild": "restore",
    "recorded": "logged",
    "reflected": "mirrored",
    "registered": "enrolled",
    "requested": "demanded",
    "residents": "locals",
    "result": "outcome",
    "rival": "opponent",
    "staff": "employees",
    "stretched": "dragged",
    "surgery": "practice",
    "talk": "speak",
    "teacher": "educator",
    "trust": "confidence",
    "voters": "electors",
    "votes": "ballots",
    "want": "need",
    "warning": "caution",
    "weak": "poor",
    "wins": "takes",
    "won": "secured",
    "wrong": "incorrect",
}

# A sentence ends at . ! or ? (optionally followed by a closing quote) before whitespace and a
# capital or an opening quote; the stories avoid abbreviations so this simple rule is exact.
SENTENCE_END = re.compile(r'(?:(?<=[.!?])|(?<=[.!?]"))\s+(?=["A-Z])')
# Hyphenated compounds stay one token so that halves of "by-election" are never swapped.
WORD = re.compile(r"[A-Za-z]+(?:['-][A-Za-z]+)*")


@dataclass(frozen=True)
class Derived:
    """One output document plus the answer-key row that explains where it came from."""

    doc: dict[str, str]
    source: str
    how: str
    relation: str


def load_originals() -> ModuleType:
    """Import originals.py from this script's directory, whatever the current directory is."""
    spec = importlib.util.spec_from_file_location("demo_originals", HERE / "originals.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def slug(name: str) -> str:
    """Turn a site name into a lowercase, hyphenated identifier."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences."""
    return SENTENCE_END.split(paragraph)


def story_text(title: str, paragraphs: list[str]) -> str:
    """Render a story the way every outlet prints it: title, blank line, paragraphs."""
    return "\n\n".join([title, *paragraphs])


def later(date: str, rng: random.Random) -> str:
    """Return a date one to four days after `date`, as copies appear after their source."""
    return (dt.date.fromisoformat(date) + dt.timedelta(days=rng.randint(1, 4))).isoformat()


def make_doc(doc_id: str, text: str, date: str, site: str, path: str) -> dict[str, str]:
    """Assemble one JSONL record with a made-up URL on a reserved .example domain."""
    url = f"https://{slug(site)}.example/news/{date.replace('-', '/')}/{path}"
    return {"id": doc_id, "text": text, "date": date, "site": site, "url": url}


def add_chrome(text: str, site: str, rng: random.Random) -> str:
    """Wrap text in the site's navigation header and footer."""
    header, footer = CHROME[site]
    return f"{header}\n\n{text}\n\n{footer.format(n=rng.randint(0, 60))}"


def check_story(story: dict[str, Any], low: int = 300, high: int = 500) -> None:
    """Fail loudly if a story breaks the corpus rules (paragraph, sentence and word counts)."""
    paragraphs = story["paragraphs"]
    words = sum(len(p.split()) for p in paragraphs)
    problems = []
    if not 4 <= len(paragraphs) <= 7:
        problems.append(f"{len(paragraphs)} paragraphs")
    if not low <= words <= high:
        problems.append(f"{words} words")
    for i, paragraph in enumerate(paragraphs):
        if not 2 <= len(split_sentences(paragraph)) <= 4:
            problems.append(f"paragraph {i + 1} has {len(split_sentences(paragraph))} sentences")
    if problems:
        raise ValueError(f"story {story['id']!r}: " + ", ".join(problems))


def light_edit(
    paragraphs: list[str], swaps: list[tuple[str, str]], rng: random.Random
) -> tuple[list[str], str]:
    """Swap a few phrases and drop one sentence; return the paragraphs and the dropped sentence."""
    sentences = [split_sentences(p) for p in paragraphs]
    # Drop from a paragraph that keeps at least two sentences, never the lead sentence, and never
    # one holding a swapped phrase, so the answer key stays exact.
    candidates = [
        (i, j)
        for i, group in enumerate(sentences)
        for j, sentence in enumerate(group)
        if len(group) >= 3 and (i, j) != (0, 0) and not any(old in sentence for old, _ in swaps)
    ]
    i, j = rng.choice(candidates)
    dropped = sentences[i].pop(j)
    edited = [" ".join(group) for group in sentences]
    text = "\n\n".join(edited)
    for old, new in swaps:
        if text.count(old) != 1:
            raise ValueError(f"phrase {old!r} must occur exactly once")
        text = text.replace(old, new)
    return text.split("\n\n"), dropped


def truncate(text: str, rng: random.Random) -> tuple[str, int]:
    """Cut text at the sentence end nearest a random point in 40-60%; return it and the percent."""
    target = rng.uniform(0.42, 0.58) * len(text)
    ends = [m.start() for m in SENTENCE_END.finditer(text)]
    ends = [e for e in ends if 0.40 * len(text) <= e <= 0.60 * len(text)]
    if not ends:
        raise ValueError("no sentence ends between 40% and 60% of the text")
    cut = min(ends, key=lambda e: abs(e - target))
    return text[:cut], round(100 * cut / len(text))


def match_case(word: str, template: str) -> str:
    """Give `word` the capitalisation of `template` (all caps, capitalised or lower)."""
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[0].isupper():
        return word[0].upper() + word[1:]
    return word


def spin(text: str, rng: random.Random, rate: float) -> tuple[str, int, int]:
    """Swap `rate` of the content words for synonyms; return text, swapped and content counts."""
    tokens = list(WORD.finditer(text))
    content = [m for m in tokens if m.group().lower() not in STOPWORDS]
    eligible = [m for m in content if m.group().lower() in SYNONYMS]
    want = round(rate * len(content))
    if len(eligible) < want:
        raise ValueError(f"only {len(eligible)} swappable words; need {want}")
    chosen = sorted(rng.sample(eligible, want), key=lambda m: m.start())
    out, pos = [], 0
    for m in chosen:
        out += [text[pos : m.start()], match_case(SYNONYMS[m.group().lower()], m.group())]
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), want, len(content)


def build(originals: ModuleType) -> list[Derived]:
    """Derive every demo document from the stories; the order of rng calls fixes the output."""
    rng = random.Random(SEED)
    stories = {s["id"]: s for s in [*originals.ORIGINALS, *originals.STANDALONE]}
    for story in stories.values():
        check_story(story)
    texts = {sid: story_text(s["title"], s["paragraphs"]) for sid, s in stories.items()}
    out: list[Derived] = []

    def original_id(sid: str) -> str:
        """Return the output id of a story as published by its own outlet."""
        return f"{slug(stories[sid]['site'])}/{sid}"

    def copy(sid: str, site: str, suffix: str, text: str, how: str, relation: str) -> None:
        """Record a copy of story `sid` run by `site` a few days after the original."""
        date = later(stories[sid]["date"], rng)
        doc = make_doc(f"{slug(site)}/{sid}-{suffix}", text, date, site, sid)
        out.append(Derived(doc, original_id(sid), how, relation))

    for sid, story in stories.items():
        doc = make_doc(original_id(sid), texts[sid], story["date"], story["site"], sid)
        out.append(Derived(doc, "", "original", ""))

    for sid, site in EXACT:
        copy(sid, site, "reprint", texts[sid], "exact reprint (verbatim)", "exact")

    for sid, site in RECHROMED:
        how = "re-chromed (site header and footer added)"
        copy(sid, site, "repost", add_chrome(texts[sid], site, rng), how, "near_duplicate")

    for sid, site, swaps in LIGHT_EDITS:
        paragraphs, dropped = light_edit(stories[sid]["paragraphs"], swaps, rng)
        first_words = " ".join(dropped.split()[:6])
        changes = "; ".join(f"{old} → {new}" for old, new in swaps)
        how = f'light edit: phrases changed ({changes}); sentence "{first_words} ..." dropped'
        text = story_text(stories[sid]["title"], paragraphs)
        copy(sid, site, "edited", text, how, "near_duplicate")

    for sid, site in TRUNCATED:
        text, percent = truncate(texts[sid], rng)
        how = f"truncated at {percent}% of its length (sentence end), site chrome added"
        copy(sid, site, "brief", add_chrome(text, site, rng), how, "contained")

    host = originals.EXCERPT_HOST
    first, stop = EXCERPT_PARAGRAPHS
    quoted = stories[EXCERPT_SOURCE]["paragraphs"][first:stop]
    host_text = story_text(host["title"], [*host["before"], *quoted, *host["after"]])
    host_id = f"{slug(host['site'])}/{host['id']}"
    doc = make_doc(host_id, host_text, host["date"], host["site"], host["id"])
    how = f"excerpt: paragraphs {first + 1}-{stop} quoted inside a new article"
    out.append(Derived(doc, original_id(EXCERPT_SOURCE), how, "passage_reuse"))

    text, swapped, content = spin(texts[SPUN_SOURCE], rng, SPUN_RATE)
    how = f"spun: {swapped} of {content} content words ({100 * swapped / content:.0f}%) swapped"
    copy(SPUN_SOURCE, SPUN_SITE, "rewrite", text, how, "rewrite")

    out.sort(key=lambda d: (d.doc["date"], d.doc["id"]))
    ids = [d.doc["id"] for d in out]
    urls = [d.doc["url"] for d in out]
    if len(set(ids)) != len(ids) or len(set(urls)) != len(urls):
        raise ValueError("document ids and urls must be unique")
    return out


def expected_md(docs: list[Derived], originals: ModuleType) -> str:
    """Render the answer key: every derived document, its source and how it was made."""
    lines = [
        "# Demo corpus answer key",
        "",
        "Generated by `make_demo.py` together with `news.jsonl`; do not edit by hand.",
        f"The corpus holds {len(docs)} documents, all made up: "
        f"{sum(1 for d in docs if not d.source)} originals and "
        f"{sum(1 for d in docs if d.source)} derived documents.",
        "",
        "| Document | Date | Derived from | How | Intended relation |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| `{d.doc['id']}` | {d.doc['date']} | `{d.source}` | {d.how} | {d.relation} |"
        for d in docs
        if d.source
    ]
    alone = ", ".join(f"`{slug(s['site'])}/{s['id']}`" for s in originals.STANDALONE)
    lines += [
        "",
        "The last column names the copytrace relation each derivation is built to exercise.",
        "Re-chromed copies differ from their source only in page chrome, so a run that strips",
        "boilerplate may fairly report them as exact; truncated copies are contained in their",
        "source apart from their chrome.",
        "",
        "Copies of the same source are also related to each other (for example the two",
        "`harbor-ferry` reprints are exact copies of one another).",
        "",
        f"Stand-alone stories with no copies anywhere in the corpus: {alone}.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    """Write demo/news.jsonl and demo/EXPECTED.md next to this script."""
    originals = load_originals()
    docs = build(originals)
    # newline="\n" keeps the bytes identical on every platform.
    with open(HERE / "news.jsonl", "w", encoding="utf-8", newline="\n") as fh:
        for d in docs:
            fh.write(json.dumps(d.doc, ensure_ascii=False) + "\n")
    with open(HERE / "EXPECTED.md", "w", encoding="utf-8", newline="\n") as fh:
        fh.write(expected_md(docs, originals))
    print(f"wrote {len(docs)} documents to {HERE / 'news.jsonl'} and the key to EXPECTED.md")


if __name__ == "__main__":
    main()
