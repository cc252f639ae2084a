"""Sentence sketches: keys that survive rewording, and the candidate pairs they make."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import copytrace
from copytrace.sentence_sketch import (
    KEYS_PER_SENTENCE,
    RARE_WORDS,
    WordStats,
    keyed_sentences,
    sentence_candidates,
    sentence_keys,
    word_stats,
)
from copytrace.text import U64, mix64, tokenize

DEMO = Path(__file__).resolve().parents[1] / "demo" / "news.jsonl"

# A made-up report and a rewording of it by hand: the same facts sentence by sentence, in other
# words and other orders, with no run of 12 words in common.
SOURCE = """Library reopens after flood repairs

The Ashcombe public library reopened on Saturday, eleven months after burst water mains flooded \
its basement archive and ruined more than four thousand books. Head librarian Yvonne Castellane \
cut a ribbon at the Mercer Street entrance while about two hundred residents waited to return \
borrowed novels. The council spent nine hundred thousand pounds on new pumps, shelving and a \
raised floor for the local history collection. Volunteers from the Ashcombe Historical Society \
spent the winter drying parish registers and wartime newspapers page by page. Castellane said \
the children's reading corner had been rebuilt with donations from the Tollmarsh brewery. A new \
café on the ground floor will be run by students from Ashcombe College. The library will open \
until eight o'clock on weekday evenings from next month."""

REWORDED = """Flood-hit Ashcombe library back in business

Residents of Ashcombe got their library back on Saturday, almost a year after water from broken \
mains poured into the basement archive, destroying over four thousand volumes. Around two \
hundred locals, many clutching overdue novels, watched chief librarian Yvonne Castellane snip a \
ribbon by the Mercer Street doors. New pumps, fresh shelving and a raised floor for the local \
history room cost the council some nine hundred thousand pounds. Throughout the winter, members \
of the Ashcombe Historical Society dried wartime papers and parish registers one page at a time. \
According to Castellane, gifts from the Tollmarsh brewery paid for a rebuilt reading corner for \
children. Students of Ashcombe College are to staff a café on the ground floor. From next month \
the doors will stay open until eight in the evening on weekdays."""


def _demo_texts() -> list[str]:
    with DEMO.open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh]


def _keys_by_sentence(text: str, stats: WordStats) -> dict[int, set[int]]:
    keys, sentences, offsets = sentence_keys([text], stats)
    assert offsets.tolist() == [0, keys.shape[0]]
    out: dict[int, set[int]] = {}
    for key, sentence in zip(keys.tolist(), sentences.tolist(), strict=True):
        out.setdefault(sentence, set()).add(key)
    return out


def test_each_sentence_gives_its_keys_with_its_number() -> None:
    by_sentence = _keys_by_sentence(SOURCE, word_stats(_demo_texts()))
    # The heading (sentence 0) has fewer than five content words; the seven sentences after it
    # have keys.
    assert sorted(by_sentence) == [1, 2, 3, 4, 5, 6, 7]
    assert all(len(keys) == KEYS_PER_SENTENCE for keys in by_sentence.values())
    _, sentences, _ = sentence_keys([SOURCE], word_stats(_demo_texts()))
    assert np.all(np.diff(sentences) >= 0)


#: Words of every length around the 8 bytes the tokenizer hashes at once; cases, digits, accents,
#: marks, CJK.
_WORDS = st.text(alphabet=st.sampled_from("abcXYZ019éßΩ\u0301漢"), min_size=1, max_size=19).filter(
    lambda w: not w.startswith("\u0301")
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, min_size=5, max_size=14), st.sampled_from([" ", ", ", " - ", "  "]))
def test_a_sentence_is_keyed_by_its_rarest_tokenizer_words(words: list[str], sep: str) -> None:
    # With no word statistics every word is as rare as the next, so a sentence's keys pair its
    # RARE_WORDS smallest distinct token hashes, as the tokenizer hashes them (a sentence of
    # fewer distinct words pairs them with empty slots, 0).
    text = sep.join(words) + "."
    tokens = tokenize(text).hashes.tolist()
    rarest = sorted(set(tokens))[:RARE_WORDS]
    rarest += [0] * (RARE_WORDS - len(rarest))
    with np.errstate(over="ignore"):
        expected = {
            int(mix64(mix64(U64(min(a, b))) ^ (U64(max(a, b)) * U64(0x9E3779B97F4A7C15))))
            for i, a in enumerate(rarest)
            for b in rarest[i + 1 :]
        }
    keys = _keys_by_sentence(text, WordStats.empty())
    assert keys == ({0: expected} if len(tokens) >= 5 else {})


def test_short_sentences_give_no_keys() -> None:
    keys, _, offsets = sentence_keys(["Thanks.", "See you on Monday."], WordStats.empty())
    assert keys.shape[0] == 0
    assert offsets.tolist() == [0, 0, 0]


def test_keys_survive_rewording_and_differ_between_stories() -> None:
    stats = word_stats([*_demo_texts(), SOURCE, REWORDED])
    source = _keys_by_sentence(SOURCE, stats)
    reworded = _keys_by_sentence(REWORDED, stats)
    source_keys = set().union(*source.values())
    joined = [s for s, keys in reworded.items() if keys & source_keys]
    assert len(joined) >= 3, f"only sentences {joined} of the rewording share a key"
    for other in _demo_texts():
        other_keys = set().union(set(), *_keys_by_sentence(other, stats).values())
        assert len(other_keys & source_keys) <= 1


def test_stop_words_of_the_corpus_are_never_key_words() -> None:
    # "alpha beta gamma delta" are in every text: stop words, so the sentence made only of them
    # and three other words has too few content words for a key.
    texts = [f"Alpha beta gamma delta word{i} other{i} more{i}." for i in range(40)]
    stats = word_stats(texts)
    keys, _, _ = sentence_keys(texts[:1], stats)
    assert keys.shape[0] == 0
    keys, _, _ = sentence_keys(texts[:1], WordStats.empty())
    assert keys.shape[0] == KEYS_PER_SENTENCE


def test_candidates_rank_pairs_by_the_sentences_they_share() -> None:
    # Documents 0 and 1 share keys in two sentences of 0; 0 and 2 in one; key 9 is in 3 docs.
    keys = np.array([5, 5, 6, 6, 7, 7, 9, 9, 9], dtype=np.uint64)
    docs = np.array([0, 1, 0, 1, 0, 2, 1, 2, 3], dtype=np.int64)
    sentences = np.array([0, 4, 1, 3, 0, 0, 0, 0, 0], dtype=np.int32)
    codes, support = sentence_candidates(keys, docs, sentences, 4, max_df=2, budget=10)
    assert codes.tolist() == [0 * 4 + 1, 0 * 4 + 2]
    assert support.tolist() == [2, 1]
    codes, support = sentence_candidates(keys, docs, sentences, 4, max_df=2, budget=1)
    assert codes.tolist() == [1] and support.tolist() == [2]
    codes, _ = sentence_candidates(keys, docs, sentences, 4, max_df=3, budget=10)
    assert {1 * 4 + 2, 1 * 4 + 3, 2 * 4 + 3} <= set(codes.tolist())


def test_scan_finds_a_copy_reworded_throughout_only_with_the_sentence_sketches() -> None:
    with DEMO.open(encoding="utf-8") as fh:
        items = [(r["id"], r["text"]) for r in map(json.loads, fh)]
    items += [("ashcombe-echo/library", SOURCE), ("tollmarsh-post/library", REWORDED)]
    pair = ("ashcombe-echo/library", "tollmarsh-post/library")

    def found(result: copytrace.ScanResult) -> list[copytrace.Match]:
        return [m for m in result.matches if {m.a, m.b} == set(pair)]

    assert found(copytrace.scan(items, copytrace.Settings(reworded_candidates=False))) == []
    result = copytrace.scan(items)  # the path is on by default
    (match,) = found(result)
    assert match.relation == copytrace.Relation.REWRITE
    assert match.a_coverage > 0.8 and match.b_coverage > 0.8
    passages = result.summary.to_dict()["passages"]
    assert passages["pairs_only_from_sentences"] >= 1
    assert passages["matches_only_from_sentences"] == 1
    # compare relates the pair the same way.
    assert copytrace.compare(SOURCE, REWORDED).relation == copytrace.Relation.REWRITE


def test_candidates_are_the_same_with_packed_and_wide_rows() -> None:
    # Pair codes of 30 documents and sentence numbers fit in one 64-bit row; with a corpus
    # size of 2**31 they do not, and the rows take two columns: same pairs, same support, and
    # both agree with counting by hand.
    rng = np.random.default_rng(7)
    keys = rng.integers(0, 60, size=400).astype(np.uint64)
    docs = rng.integers(0, 30, size=400).astype(np.int64)
    sentences = rng.integers(0, 12, size=400).astype(np.int32)
    expected: dict[tuple[int, int], set[int]] = {}
    for k in np.unique(keys):
        at = np.flatnonzero(keys == k)
        if np.unique(docs[at]).shape[0] > 5:
            continue
        for u in at:
            for v in at:
                if docs[u] < docs[v]:
                    expected.setdefault((int(docs[u]), int(docs[v])), set()).add(int(sentences[u]))
    for n in (30, 2**31):
        for budget in (10_000, 25):
            codes, support = sentence_candidates(keys, docs, sentences, n, 5, budget)
            got = {(int(c) // n, int(c) % n): int(s) for c, s in zip(codes, support, strict=True)}
            best = sorted(expected, key=lambda p: (-len(expected[p]), p))[:budget]
            assert got == {p: len(expected[p]) for p in best}


def test_keyed_sentences_number_the_sentences_as_the_keys_came() -> None:
    # The scan keeps the keys without their sentence numbers and numbers them from the keys'
    # order: same grouping of keys into sentences, so the same candidates and support.
    with DEMO.open(encoding="utf-8") as fh:
        texts = [r["text"] for r in map(json.loads, fh)] + [SOURCE, REWORDED, "", "Too short."]
    keys, sentences, offsets = sentence_keys(texts, word_stats(texts))
    counts = np.diff(offsets)
    derived = keyed_sentences(counts)
    docs = np.repeat(np.arange(len(texts)), counts)
    assert derived.shape == sentences.shape and keys.shape[0] > 10 * KEYS_PER_SENTENCE
    for d in range(len(texts)):
        mine, theirs = derived[docs == d], sentences[docs == d]
        # One number for the same keys: a bijection between the two numberings.
        assert len(set(zip(mine.tolist(), theirs.tolist(), strict=True))) == len(set(mine.tolist()))
        assert len(set(mine.tolist())) == len(set(theirs.tolist()))
    for budget in (10_000, 5):
        a = sentence_candidates(keys, docs, sentences, len(texts), 50, budget)
        b = sentence_candidates(keys, docs, derived, len(texts), 50, budget)
        assert a[0].tolist() == b[0].tolist() and a[1].tolist() == b[1].tolist()


def _with_figures(text: str, books: str, residents: str, pounds: str) -> str:
    """The library story with its counts written as figures."""
    for words, figure in (
        ("more than four thousand", f"more than {books}"),
        ("over four thousand", f"over {books}"),
        ("about two hundred", f"about {residents}"),
        ("Around two hundred", f"Around {residents}"),
        ("nine hundred thousand pounds", f"{pounds} pounds"),
        ("some nine hundred thousand", f"some {pounds}"),
    ):
        text = text.replace(words, figure)
    return text


def test_a_pair_only_the_sentence_sketches_propose_must_keep_its_figures() -> None:
    with DEMO.open(encoding="utf-8") as fh:
        items = [(r["id"], r["text"]) for r in map(json.loads, fh)]
    source = _with_figures(SOURCE, "4,120", "212", "915,000")
    kept = _with_figures(REWORDED, "4,120", "212", "915,000")
    other = _with_figures(REWORDED, "3,870", "236", "884,000")
    settings = copytrace.Settings(reworded_candidates=True)

    def relations(copy: str) -> list[copytrace.Relation]:
        docs = [*items, ("ashcombe-echo/library", source), ("tollmarsh-post/library", copy)]
        result = copytrace.scan(docs, settings)
        pair = {"ashcombe-echo/library", "tollmarsh-post/library"}
        return [m.relation for m in result.matches if {m.a, m.b} == pair]

    # The rewording that keeps the figures is reported; the same words around other figures
    # (next month's report, say) are not, though compare, which is asked about the pair
    # itself, relates both.
    assert relations(kept) == [copytrace.Relation.REWRITE]
    assert relations(other) == []
    assert copytrace.compare(source, other).relation == copytrace.Relation.REWRITE
