"""Unit tests of boilerplate detection (copytrace.boilerplate): counts merged in batches, each
distinct text counted once, and blanked lines checked against a line-by-line reference."""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
import pytest

import copytrace.boilerplate as boilerplate
from copytrace.boilerplate import BoilerplateFinder, Provenance, _first_of_each
from copytrace.lines import line_key
from copytrace.messages import message_parts


def test_boilerplate_counts_merged_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(1)
    lines = [f"menu item {i}" for i in range(40)] + ["A long paragraph. " * 30]
    texts = ["\n".join(rng.sample(lines, 6)) for _ in range(300)]
    hosts = [Provenance(rng.choice([None, "a.example", "b.example"])) for _ in texts]
    finders = []
    for batch in (3, 1 << 30):
        monkeypatch.setattr(boilerplate, "COUNT_BATCH", batch)
        finder = BoilerplateFinder(25)
        for host, text in zip(hosts, texts, strict=True):
            finder.add(host, text)
        finder.finish()
        finders.append(finder)
    assert np.array_equal(finders[0].marked, finders[1].marked)
    assert finders[0].n_marked > 0
    masked = finders[0].mask_many(hosts, texts)
    assert masked == [finders[0].mask(h, t) for h, t in zip(hosts, texts, strict=True)]
    assert any(n for _, n in masked)
    assert all(len(m) == len(t) for (m, _), t in zip(masked, texts, strict=True))


def test_blanked_runs_match_a_line_by_line_reference() -> None:
    rng = random.Random(4)
    chrome = ["Share this story", "  MENU  ", "Cookies help us", "Home | News"]
    body = [f"Paragraph {i} of a story, with its own words {i * 7}." for i in range(50)]
    texts = []
    for _ in range(200):
        lines = rng.sample(chrome, 3) + rng.sample(body, 4) + ["x" * 400]
        rng.shuffle(lines)
        texts.append(rng.choice(["\n", "\r\n"]).join(lines) + rng.choice(["", "\n"]))
    texts.append("Share this story\nMENU\n")  # nothing but chrome: kept whole
    hosts = [Provenance(rng.choice([None, "a.example"])) for _ in texts]
    finder = BoilerplateFinder(20)
    for host, text in zip(hosts, texts, strict=True):
        finder.add(host, text)
    finder.finish()
    marked = set(finder.marked.tolist())

    def reference(provenance: Provenance, text: str) -> tuple[str, int]:
        out, n = [], 0
        (group,) = boilerplate._groups(provenance, post=False)  # a page: its host, or the corpus
        for line in text.splitlines(keepends=True):
            key = (line_key(line) & boilerplate._NO_FLAG) ^ group.salt
            if key in marked and len(line) <= boilerplate.MAX_LINE_CHARS + 2:
                out.append(" " * len(line))
                n += 1
            else:
                out.append(line)
        result = "".join(out)
        return (text, 0) if result.isspace() else (result, n)

    expected = [reference(h, t) for h, t in zip(hosts, texts, strict=True)]
    assert finder.mask_many(hosts, texts) == expected
    assert sum(n > 0 for _, n in expected) >= 150 and expected[-1] == (texts[-1], 0)


def test_boilerplate_counts_each_distinct_text_once() -> None:
    story = "Markets fell on Monday\nBy a staff reporter\n" + "The index lost two per cent. " * 9
    finder = BoilerplateFinder(5)
    unknown, other = Provenance(), Provenance("other.example")
    for _ in range(12):  # one story stored twelve times over, as crawls and reprints do
        finder.add(unknown, story)
    for k in range(4):  # and on four other pages
        finder.add(unknown, f"By a staff reporter\nOther news number {k}.")
    for page in range(3000):  # the set of seen texts grows past its first size
        finder.add(other, f"page {page}\nMENU")
    finder.finish()
    masked, n = finder.mask(unknown, story)
    assert n == 1 and "By a staff reporter" not in masked and "Markets fell" in masked
    assert finder.mask(other, "page 7\nMENU")[1] == 1


# Chrome per provenance group: hosts, authors, and the signatures of posts.


def _finder(min_docs: int, texts: list[tuple[Provenance, str]]) -> BoilerplateFinder:
    """A finder that has counted `texts`, posts (`message_parts`) as posts."""
    finder = BoilerplateFinder(min_docs)
    for provenance, text in texts:
        finder.add(provenance, text, post=message_parts(text) is not None)
    finder.finish()
    return finder


def _blanked(finder: BoilerplateFinder, provenance: Provenance, text: str) -> list[str]:
    """The stripped lines of a text that the finder blanks (header lines of posts included)."""
    (found,) = finder.blanks_many([provenance], [text])
    lines = []
    for lo, hi in found.runs:
        lines.extend(x.strip() for x in text[lo:hi].splitlines() if x.strip())
    return lines


def _page(k: int, *extra: str) -> str:
    return "\n".join([f"Story number {k} about the harbour, with words of its own {k}.", *extra])


@pytest.mark.parametrize("min_docs", [2, 5])
def test_a_hosts_line_is_chrome_from_min_docs_of_its_pages_on(min_docs: int) -> None:
    host = Provenance("velbrook-courier.example")
    menu = "Home | Harbour | Sport | Weather"
    below = [(host, _page(k, menu)) for k in range(min_docs - 1)]
    assert _blanked(_finder(min_docs, below), host, _page(0, menu)) == []
    at = [*below, (host, _page(99, menu))]
    assert _blanked(_finder(min_docs, at), host, _page(0, menu)) == [menu]


def test_hosts_count_their_lines_apart_and_long_lines_need_a_host() -> None:
    line = "Subscribe to the Courier for the full story and a weekly tide table in your inbox"
    assert len(line.split()) > boilerplate.MAX_CORPUS_LINE_WORDS
    a, b, unknown = Provenance("a.example"), Provenance("b.example"), Provenance()
    split = [(a, _page(k, line)) for k in range(3)] + [(b, _page(10 + k, line)) for k in range(3)]
    finder = _finder(5, split)
    assert _blanked(finder, a, _page(0, line)) == _blanked(finder, b, _page(10, line)) == []
    one_host = [(a, _page(k, line)) for k in range(5)]
    assert _blanked(_finder(5, one_host), a, _page(0, line)) == [line]
    # Without a host only short lines count across the corpus: a long line could be a
    # reprinted story's own paragraph.
    no_host = [(unknown, _page(k, line, "Read more")) for k in range(8)]
    assert _blanked(_finder(5, no_host), unknown, _page(0, line, "Read more")) == ["Read more"]


def test_lines_longer_than_max_line_chars_are_never_chrome() -> None:
    host = Provenance("a.example")
    long_line = "A caption of many words. " * 13
    assert len(long_line) > boilerplate.MAX_LINE_CHARS
    texts = [(host, _page(k, long_line, "Share this")) for k in range(6)]
    assert _blanked(_finder(5, texts), host, _page(0, long_line, "Share this")) == ["Share this"]


def _post(author: str, subject: str, body: Sequence[str], tail: Sequence[str] = ()) -> str:
    return "\n".join([f"From: {author}", f"Subject: {subject}", "", *body, *tail]) + "\n"


TOMAS = "tomas@polder.example"
SIGNATURE = [
    "Tomas Veerhuis, Department of Applied Drainage, Polder Institute of Ostmere",
    "Room 214, Dijkstraat 9, phone 555 0192",
]


def _body(k: int, lines: int = 3) -> list[str]:
    return [
        f"Question {k}, line {n}: how do the sluices at Kroonvliet {k} behave?"
        for n in range(lines)
    ]


def test_signature_lines_are_chrome_once_they_end_two_posts_of_their_author() -> None:
    author = Provenance(None, TOMAS)
    one = _post(TOMAS, "Pumps", _body(1), SIGNATURE)
    two = _post(TOMAS, "Eels", _body(2), SIGNATURE)
    assert boilerplate.SIGNATURE_MIN_POSTS == 2
    alone = _finder(5, [(author, one)])
    assert _blanked(alone, author, one) == ["From: tomas@polder.example", "Subject: Pumps"]
    finder = _finder(5, [(author, one), (author, two)])
    blanked = _blanked(finder, author, one)
    assert [x for x in SIGNATURE if x in blanked] == SIGNATURE
    assert not any(line in blanked for line in _body(1))
    (found,) = finder.blanks_many([author], [one])
    assert found.post and not found.signature and found.lines >= 2  # no "-- " separator


def test_the_same_last_lines_of_two_authors_are_not_a_signature() -> None:
    other = "ina@velbrook.example"
    one = _post(TOMAS, "Pumps", _body(1), SIGNATURE)
    two = _post(other, "Eels", _body(2), SIGNATURE)
    texts = [(Provenance(None, TOMAS), one), (Provenance(None, other), two)]
    finder = _finder(5, texts)
    assert not set(SIGNATURE) & set(_blanked(finder, Provenance(None, TOMAS), one))


BOXED = [
    "+--------------------------------+-----------------------------+",
    "| Tomas Veerhuis                 | Polder Institute of Ostmere |",
    "| Room 214, Dijkstraat 9         | phone 555 0192              |",
    "+--------------------------------+-----------------------------+",
]


def test_a_boxed_signature_is_chrome_though_its_lines_start_as_quotes_do() -> None:
    # '|' also quotes a reply's lines; at the end of two posts of one author it is a box.
    author = Provenance(None, TOMAS)
    one = _post(TOMAS, "Pumps", _body(1), BOXED)
    two = _post(TOMAS, "Eels", _body(2), BOXED)
    blanked = _blanked(_finder(5, [(author, one), (author, two)]), author, one)
    assert set(BOXED) <= set(blanked)
    assert not any(line in blanked for line in _body(1))
    # The same box ending posts of two authors is no one's signature.
    other = Provenance(None, "ina@velbrook.example")
    theirs = _post("ina@velbrook.example", "Eels", _body(2), BOXED)
    blanked = _blanked(_finder(5, [(author, one), (other, theirs)]), author, one)
    assert not set(BOXED[1:3]) & set(blanked)
    # Quoted with '>', or with '|' above a post's last lines, it counts nowhere.
    reply = [f"> {x}" for x in BOXED[1:3]] + _body(3, lines=boilerplate.SIGNATURE_LINES)
    early = [BOXED[1], BOXED[2], *_body(4, lines=boilerplate.SIGNATURE_LINES)]
    posts = [_post(TOMAS, f"Re: Pumps {k}", body) for k, body in enumerate([reply, early] * 3)]
    finder = _finder(2, [(author, p) for p in posts])
    assert not set(BOXED[1:3]) & set(_blanked(finder, author, posts[1]))


def test_signature_lines_need_posts_and_count_only_at_the_end() -> None:
    author = Provenance(None, TOMAS)
    # Texts that are not posts (an author from an origin field) need min_docs like any line.
    notes = [(author, "\n".join([*_body(k), *SIGNATURE])) for k in range(2)]
    assert _blanked(_finder(5, notes), author, notes[0][1]) == []
    # A post where the lines are not among its last SIGNATURE_LINES lines does not count them,
    # and keeps them: only a post's last lines can be its signature.
    long_body = _body(3, lines=boilerplate.SIGNATURE_LINES)
    early = _post(TOMAS, "Weirs", [*SIGNATURE, *long_body])
    ended = _post(TOMAS, "Pumps", _body(1), SIGNATURE)
    finder = _finder(5, [(author, early), (author, ended)])
    assert not set(SIGNATURE) & set(_blanked(finder, author, ended))
    finder = _finder(
        5, [(author, early), (author, ended), (author, _post(TOMAS, "Eels", _body(2), SIGNATURE))]
    )
    assert set(SIGNATURE) <= set(_blanked(finder, author, ended))
    assert not set(SIGNATURE) & set(_blanked(finder, author, early))


def test_an_authors_lines_anywhere_are_chrome_from_min_docs_posts_on() -> None:
    author = Provenance(None, TOMAS)
    notice = "X-Disclaimer: my opinions are not those of the Polder Institute"
    posts = [
        _post(TOMAS, f"Topic {k}", [notice, *_body(k, lines=boilerplate.SIGNATURE_LINES)])
        for k in range(5)
    ]
    below = _finder(5, [(author, p) for p in posts[:4]])
    assert notice not in _blanked(below, author, posts[0])
    at = _finder(5, [(author, p) for p in posts])
    assert notice in _blanked(at, author, posts[0])


def test_quoted_lines_are_never_chrome() -> None:
    author = Provenance(None, TOMAS)
    quoted = "> The sluice at Kroonvliet opens at high water, said the warden."
    posts = [
        _post(
            TOMAS,
            f"Re: Sluices {k}",
            [quoted, f"My own reply {k} about the warden's claim."],
            [quoted],
        )
        for k in range(6)
    ]
    finder = _finder(2, [(author, p) for p in posts])
    assert quoted not in _blanked(finder, author, posts[0])
    # The same line unquoted in as many posts is chrome.
    plain = [p.replace("> ", "") for p in posts]
    finder = _finder(2, [(author, p) for p in plain])
    assert quoted[2:] in _blanked(finder, author, plain[0])


def test_a_posts_header_attributions_and_signature_are_blanked_alone() -> None:
    text = _post(
        TOMAS,
        "Re: Eels",
        [
            "In article <e1@ostmere.example>, ina@ostmere.example (Ina) writes:",
            "> Eels climb.",
            "They do.",
        ],
        ["-- ", "Tomas"],
    )
    author = Provenance(None, TOMAS)
    finder = _finder(5, [(author, text)])
    (found,) = finder.blanks_many([author], [text])
    assert (found.post, found.signature, found.attributions, found.lines) == (True, True, 1, 0)
    masked, n = finder.mask(author, text)
    assert n == 0 and len(masked) == len(text)
    assert masked.split() == [">", "Eels", "climb.", "They", "do."]


def test_a_post_that_is_all_chrome_keeps_its_text() -> None:
    author = Provenance(None, TOMAS)
    text = _post(TOMAS, "Signature test", [], ["-- ", *SIGNATURE])
    finder = _finder(5, [(author, text)])
    assert finder.blanks_many([author], [text]) == [boilerplate.NOTHING]
    assert finder.mask(author, text) == (text, 0)


def test_only_blanks_is_true_when_what_is_left_strips_to_nothing() -> None:
    from copytrace.boilerplate import only_blanks

    rng = random.Random(5)
    # Unicode white space (which `str.strip` drops) and characters it keeps, zero-width ones too.
    chars = [" ", "\t", "\n", "\u00a0", "\u3000", "\u2028", "\x1c", "\x85", "a", "\u200b", "é"]
    for _ in range(5000):
        text = "".join(rng.choice(chars) for _ in range(rng.randrange(0, 30)))
        cuts = sorted(rng.sample(range(len(text) + 1), min(len(text) + 1, 2 * rng.randrange(1, 4))))
        runs = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)] or [(0, 0)]
        kept = [text[: runs[0][0]]] + [
            text[hi:lo] for (_, hi), (lo, _) in zip(runs, [*runs[1:], (len(text), 0)], strict=True)
        ]
        assert only_blanks(text, runs) == (not any(piece.strip() for piece in kept))


def test_each_line_key_counts_once_per_text() -> None:
    rng = np.random.default_rng(7)
    key = rng.integers(-40, 40, 50_000).astype(np.int64) * 0x1234567890ABC
    owner = rng.integers(0, 200, 50_000).astype(np.int64)
    first = _first_of_each(key, owner)
    pairs = list(zip(key.tolist(), owner.tolist(), strict=True))
    # The first occurrence of each (owner, key) pair is kept, and only it.
    seen: set[tuple[int, int]] = set()
    expected = []
    for pair in pairs:
        expected.append(pair not in seen)
        seen.add(pair)
    assert first.tolist() == expected
