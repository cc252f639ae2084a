"""Generators of labelled reuse (spun copies, inserted excerpts) and the WordNet reader."""

from __future__ import annotations

import itertools
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrace import MissingDependencyError
from copytrace.evaluation import (
    STOPWORDS,
    content_words,
    insert_excerpt,
    load_synonyms,
    paragraph_spans,
    spin,
)
from copytrace.evaluation.synth import WORD
from copytrace.evaluation.wordnet import DEFAULT_WORDNET, WORDNET_FILES

SYNONYMS = {
    "council": ["board", "assembly"],
    "voted": ["decided", "resolved"],
    "close": ["shut", "end"],
    "harbour": ["port", "haven"],
    "ferry": ["boat", "shuttle"],
    "old": ["aged", "ancient"],
    "tuesday": ["tues"],
    "service": ["operation", "provision"],
    "costs": ["expenses", "outlays"],
    "rising": ["climbing", "mounting"],
    "the": ["thee"],  # a stopword: must never be replaced
    "ok": ["fine"],  # too short: must never be replaced
}

TEXT = (
    "The Council voted on Tuesday to close the OLD harbour ferry.\n\n"
    "Costs were rising, the council said; the ferry service (est. 1921) can't pay.\n"
    "It's ok -- the harbour stays open, and 42 old boats remain."
)


def _words(text: str) -> list[str]:
    return WORD.findall(text)


def _replaced(original: str, spun: str) -> int:
    a, b = _words(original), _words(spun)
    assert len(a) == len(b)
    return sum(x != y for x, y in zip(a, b, strict=True))


def test_content_words_skip_stopwords_short_words_and_words_without_synonyms() -> None:
    found = [m.group() for m in content_words(TEXT, SYNONYMS)]
    assert found == [
        "Council",
        "voted",
        "Tuesday",
        "close",
        "OLD",
        "harbour",
        "ferry",
        "Costs",
        "rising",
        "council",
        "ferry",
        "service",
        "harbour",
        "old",
    ]
    assert "the" in STOPWORDS


@pytest.mark.parametrize("rate", [0.0, 0.15, 0.3, 0.5, 1.0])
def test_spin_replaces_exactly_the_rate_of_content_words(rate: float) -> None:
    n = len(content_words(TEXT, SYNONYMS))
    for seed in range(20):
        spun = spin(TEXT, rate, random.Random(seed), SYNONYMS)
        assert _replaced(TEXT, spun) == round(rate * n)


def test_spin_keeps_every_other_character_and_the_capitalisation() -> None:
    spun = spin(TEXT, 1.0, random.Random(3), SYNONYMS)
    assert WORD.sub("", spun) == WORD.sub("", TEXT)
    for before, after in zip(_words(TEXT), _words(spun), strict=True):
        if before == after:
            continue
        assert after.lower() in SYNONYMS[before.lower()]
        if before.isupper():
            assert after.isupper()
        elif before[0].isupper():
            assert after[0].isupper() and after[1:].islower()
        else:
            assert after.islower()
    # Stopwords, short words, numbers and words with apostrophes are untouched.
    for kept in ("The ", " the ", "ok", "42", "can't", "It's", "1921"):
        assert kept in spun


def test_spin_is_deterministic_for_a_seed() -> None:
    runs = {spin(TEXT, 0.5, random.Random(7), SYNONYMS) for _ in range(5)}
    assert len(runs) == 1
    others = {spin(TEXT, 0.5, random.Random(seed), SYNONYMS) for seed in range(10)}
    assert len(others) > 1


def test_spin_rejects_a_rate_outside_0_1() -> None:
    with pytest.raises(ValueError, match="rate must be in"):
        spin(TEXT, 1.5, random.Random(0), SYNONYMS)


def test_spin_with_custom_stopwords() -> None:
    spun = spin(TEXT, 1.0, random.Random(0), SYNONYMS, stopwords=set(STOPWORDS) | {"ferry"})
    assert spun.count("ferry") == TEXT.count("ferry")


# --------------------------------------------------------------------------- paragraphs


def test_paragraph_spans_split_on_blank_lines() -> None:
    text = "  Title\n\nFirst para\nstill first.\n \t\nSecond para.\n\n\n\nThird.  \n"
    spans = paragraph_spans(text)
    assert [text[a:b] for a, b in spans] == [
        "Title",
        "First para\nstill first.",
        "Second para.",
        "Third.",
    ]


def test_paragraph_spans_split_on_lines_without_blank_lines() -> None:
    text = "one\ntwo two\n  \nthree"  # a whitespace-only line counts as a blank line
    assert [text[a:b] for a, b in paragraph_spans(text)] == ["one\ntwo two", "three"]
    text = "one\ntwo two\nthree\n"
    assert [text[a:b] for a, b in paragraph_spans(text)] == ["one", "two two", "three"]
    assert paragraph_spans("") == []
    assert paragraph_spans("\n\n  \n") == []


# --------------------------------------------------------------------------- excerpts

HOST = "Host title\n\nHost one is here.\n\nHost two is here.\n\nHost three, the last."
SOURCE = "Src title\n\nSrc A.\n\nSrc B, longer.\n\nSrc C.\n\nSrc D ends."


def _check_excerpt(host: str, source: str, seed: int) -> None:
    text, (hs, he), (ss, se) = insert_excerpt(host, source, random.Random(seed))
    excerpt = text[hs:he]
    assert excerpt == source[ss:se]
    source_paragraphs = paragraph_spans(source)
    starts = [a for a, _ in source_paragraphs]
    ends = [b for _, b in source_paragraphs]
    assert ss in starts and se in ends
    assert 2 <= ends.index(se) - starts.index(ss) + 1 <= 3
    # Removing the excerpt and the separator after it gives the host back.
    host_paragraphs = paragraph_spans(host)
    rest = text[:hs] + text[he:]
    separators = {host[b:a] for (_, b), (a, _) in itertools.pairwise(host_paragraphs)}
    assert any(
        rest[:hs] + rest[hs + len(sep) :] == host and rest[hs : hs + len(sep)] == sep
        for sep in separators
    )
    # Inserted between two host paragraphs: at a paragraph start, never first or last.
    new_starts = [a for a, _ in paragraph_spans(text)]
    assert hs in new_starts and hs > host_paragraphs[0][0]
    assert text[he:].strip() and text[:hs].strip()


@pytest.mark.parametrize("seed", range(30))
def test_insert_excerpt_offsets(seed: int) -> None:
    _check_excerpt(HOST, SOURCE, seed)


def test_insert_excerpt_with_single_newline_paragraphs() -> None:
    host = "h1 line\nh2 line\nh3 line"
    source = "s1\ns2\ns3\ns4"
    for seed in range(10):
        _check_excerpt(host, source, seed)
        text, _, _ = insert_excerpt(host, source, random.Random(seed))
        assert "\n\n" not in text


def test_insert_excerpt_is_deterministic_and_varies_with_the_seed() -> None:
    runs = {insert_excerpt(HOST, SOURCE, random.Random(5)) for _ in range(3)}
    assert len(runs) == 1
    assert len({insert_excerpt(HOST, SOURCE, random.Random(s)) for s in range(20)}) > 3


def test_insert_excerpt_draws_2_or_3_paragraphs() -> None:
    counts = set()
    for seed in range(40):
        _, _, (ss, se) = insert_excerpt(HOST, SOURCE, random.Random(seed))
        counts.add(SOURCE[ss:se].count("\n\n") + 1)
    assert counts == {2, 3}


def test_insert_excerpt_needs_enough_paragraphs() -> None:
    with pytest.raises(ValueError, match="host has 1 paragraph"):
        insert_excerpt("just one paragraph", SOURCE, random.Random(0))
    with pytest.raises(ValueError, match="source has 1 paragraph"):
        insert_excerpt(HOST, "only one", random.Random(0))
    with pytest.raises(ValueError, match="paragraphs must be"):
        insert_excerpt(HOST, SOURCE, random.Random(0), paragraphs=(3, 2))


_LINE = st.text(alphabet="abc .,", min_size=1, max_size=12).filter(lambda s: s.strip() != "")


@settings(max_examples=200, deadline=None)
@given(
    host=st.lists(_LINE, min_size=2, max_size=6),
    source=st.lists(_LINE, min_size=2, max_size=6),
    sep=st.sampled_from(["\n\n", "\n \n", "\n\n\n", "\n"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_insert_excerpt_property(host: list[str], source: list[str], sep: str, seed: int) -> None:
    host_text = sep.join(p.strip() for p in host)
    source_text = sep.join(p.strip() for p in source)
    _check_excerpt(host_text, source_text, seed)


# --------------------------------------------------------------------------- WordNet

FAKE_HEADER = "  1 This software and database is being provided to you, the LICENSEE, by\n"


def _fake_wordnet(folder: Path) -> Path:
    lines = {
        "data.noun": [
            "00001 03 n 03 car 0 auto 0 automobile 0 000 | a motor vehicle",
            "00002 03 n 02 car 1 railcar 0 000 | a wheeled vehicle on rails",
            "00003 03 n 02 motor_vehicle 0 car 2 000 | multi-word lemmas are skipped",
        ],
        "data.verb": ["00004 30 v 02 Drive 0 motor 0 000 | travel in a vehicle"],
        "data.adj": ["00005 00 s 02 big(a) 0 large(p) 0 000 | markers are stripped"],
        "data.adv": ["00006 02 r 01 alone 0 000 | a synset of one word"],
    }
    for name, body in lines.items():
        (folder / name).write_text(FAKE_HEADER + "\n".join(body) + "\n", encoding="utf-8")
    return folder


def test_load_synonyms_parses_data_files(tmp_path: Path) -> None:
    synonyms = load_synonyms(_fake_wordnet(tmp_path))
    assert synonyms == {
        "car": ["auto", "automobile", "railcar"],
        "auto": ["car", "automobile"],
        "automobile": ["car", "auto"],
        "railcar": ["car"],
        "drive": ["motor"],
        "motor": ["drive"],
        "big": ["large"],
        "large": ["big"],
    }
    assert load_synonyms(tmp_path) is synonyms  # cached


def test_load_synonyms_names_the_package_when_files_are_missing(tmp_path: Path) -> None:
    (tmp_path / "data.noun").write_text(FAKE_HEADER, encoding="utf-8")
    with pytest.raises(MissingDependencyError, match=r"apt-get install wordnet-base") as info:
        load_synonyms(tmp_path)
    assert "data.verb" in str(info.value) and str(tmp_path.resolve()) in str(info.value)
    assert isinstance(info.value, ImportError)


def test_load_synonyms_from_the_installed_wordnet() -> None:
    if not all((DEFAULT_WORDNET / name).is_file() for name in WORDNET_FILES):
        pytest.skip(f"WordNet not installed at {DEFAULT_WORDNET} (apt-get install wordnet-base)")
    synonyms = load_synonyms()
    assert len(synonyms) > 30_000
    assert "automobile" in synonyms["car"]
    assert all("_" not in s and s != w for w, ss in synonyms.items() for s in ss)
    assert all(w == w.lower() for w in synonyms)
    text = (
        "The government announced a large increase in spending on public transport, "
        "hospitals and schools across the country, officials confirmed on Monday evening."
    )
    n = len(content_words(text, synonyms))
    assert n >= 10
    spun = spin(text, 0.3, random.Random(1), synonyms)
    assert _replaced_loose(text, spun) == round(0.3 * n)


def _replaced_loose(original: str, spun: str) -> int:
    """Replaced words when synonyms may hold hyphens (one word may become 'pee-pee')."""
    a = re.findall(r"\S+", original)
    b = re.findall(r"\S+", spun)
    assert len(a) == len(b)
    return sum(x != y for x, y in zip(a, b, strict=True))
