"""Tests of the engine's compact memory: columns, hash tables, streamed matches, lazy clusters.

Each compact structure is checked against the plain Python it replaces (a dict, a list of
objects, a sort), on generated data.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np
import orjson
import pytest

import copytrace
import copytrace.boilerplate as boilerplate
import copytrace.lsh as lsh
from copytrace import Settings
from copytrace.boilerplate import BoilerplateFinder, Provenance
from copytrace.engines.local.documents import DocumentTable, date_code, date_text
from copytrace.engines.local.tables import EMPTY_SLOT, first_exact, rehash_exact, table_size
from copytrace.io.base import Origin
from copytrace.io.matchfile import MatchFile
from copytrace.lines import line_key

DEMO = Path(__file__).resolve().parents[1] / "demo" / "news.jsonl"


def test_duplicate_ids_match_a_dict_across_and_within_batches() -> None:
    rng = random.Random(7)
    names = [f"doc/{i}" for i in range(3000)] + ["ünï/çødé", "\ud800lone", "", "x" * 500]
    stream = [rng.choice(names) for _ in range(6000)]
    table, seen = DocumentTable(), {}
    start = 0
    while start < len(stream):
        batch = stream[start : start + rng.randint(1, 700)]
        start += len(batch)
        first = table.claim_ids(batch)
        for doc_id, earlier in zip(batch, first, strict=True):
            assert earlier == seen.get(doc_id, -1)
            if earlier < 0:
                seen[doc_id] = len(seen)
                table.add_facts(Origin(0, "in.jsonl", "line", len(seen)), None, None)
    assert len(table) == len(seen)
    assert all(table.id(i) == doc_id for doc_id, i in seen.items())
    table.compact()  # the table is rebuilt when asked again
    assert all(table.find(doc_id) == i for doc_id, i in seen.items())
    assert table.find("never seen") is None
    known = next(iter(seen))
    assert table.claim_ids([known, "brand new"]) == [seen[known], -1]


def test_origins_dates_and_provenances_come_back() -> None:
    table = DocumentTable()
    origins = [
        Origin(0, "a.jsonl", "line", 1),
        Origin(0, "a.jsonl", "line", 2),
        Origin(1, "dir/x.txt", "", 0),
        Origin(2, "b.warc.gz", "record", 10**12),
        Origin(0, "a.jsonl", "line", 3),
    ]
    dates = [None, "1987-02-26T15:01:01", "0001-01-01T00:00:00", "9999-12-31T23:59:59", None]
    provenances = [
        Provenance(),
        Provenance("example.org"),
        Provenance(None, "ann@example.org"),
        Provenance("news.example.com", "bob@example.com"),
        Provenance("example.org"),
    ]
    table.claim_ids([f"d{i}" for i in range(len(origins))])
    for origin, date, provenance in zip(origins, dates, provenances, strict=True):
        table.add_facts(origin, date, provenance)
    assert [table.origin(i) for i in range(5)] == origins
    assert [table.date(i) for i in range(5)] == dates == list(table.dates)
    assert [table.provenance(i) for i in range(5)] == provenances
    assert date_code(dates[1]) < date_code(dates[3])
    assert date_text(date_code(dates[1])) == dates[1]


def test_first_exact_points_copies_at_the_first_document() -> None:
    rng = np.random.default_rng(3)
    n = 5000
    texts = rng.integers(0, 800, size=n)
    exact = np.stack([texts * 7919 + 1, texts * 104729 + 3], axis=1).astype(np.uint64)
    exact[10, 0] = exact[11, 0]  # same first half, other second half: not a copy
    n_tokens = rng.integers(0, 4, size=n).astype(np.int32)
    table = np.full(table_size(0), EMPTY_SLOT, dtype=np.int32)
    rep = np.empty(n, dtype=np.int32)
    distinct = 0
    for start in range(0, n, 611):
        if 2 * (distinct + 611) > table.shape[0]:  # grown as the engine grows it
            larger = np.full(table_size(distinct + 611), EMPTY_SLOT, dtype=np.int32)
            rehash_exact(table, larger, exact)
            table = larger
        distinct += first_exact(table, exact, n_tokens, start, rep[start : start + 611])
    first: dict[tuple[int, int], int] = {}
    for d in range(n):
        if n_tokens[d] == 0:
            assert rep[d] == d
            continue
        assert rep[d] == first.setdefault(tuple(exact[d].tolist()), d)


def _brute_candidates(sig: np.ndarray, bands: int, rows: int, max_bucket: int) -> set[tuple]:
    pairs: set[tuple[int, int]] = set()
    for b in range(bands):
        buckets: dict[bytes, list[int]] = {}
        for i, row in enumerate(sig[:, b * rows : (b + 1) * rows]):
            buckets.setdefault(row.tobytes(), []).append(i)
        for members in buckets.values():
            if len(members) > max_bucket:
                pairs.update((members[0], m) for m in members[1:])
            else:
                pairs.update(itertools.combinations(members, 2))
    return pairs


def test_candidate_pairs_match_brute_force_banding() -> None:
    rng = np.random.default_rng(11)
    for _ in range(5):
        sig = rng.integers(0, 6, size=(400, 8)).astype(np.uint32)
        settings = Settings(num_perm=8, bands=4, rows=2, max_bucket=int(rng.integers(2, 40)))
        found = lsh.candidate_pairs(sig, settings)
        expected = sorted(_brute_candidates(sig, 4, 2, settings.max_bucket))
        assert [tuple(p) for p in found.pairs.tolist()] == expected


def _brute_passages(h: np.ndarray, d: np.ndarray, s: Settings) -> dict[tuple[int, int], int]:
    docs_of: dict[int, set[int]] = {}
    for hash_, doc in zip(h.tolist(), d.tolist(), strict=True):
        docs_of.setdefault(hash_, set()).add(doc)
    shared: dict[tuple[int, int], int] = {}
    for docs in docs_of.values():
        if len(docs) <= s.max_fingerprint_df:
            for pair in itertools.combinations(sorted(docs), 2):
                shared[pair] = shared.get(pair, 0) + 1
    return {p: k for p, k in shared.items() if k >= s.passage_min_fingerprints}


@pytest.mark.parametrize("chunk", [1, 7, 1 << 22])
def test_passage_candidates_match_brute_force(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(lsh, "PAIR_CHUNK", chunk)
    rng = np.random.default_rng(5)
    n = 300
    fp_doc = np.sort(rng.integers(0, n, size=6000)).astype(np.int32)
    fp_hash = rng.integers(0, 900, size=6000).astype(np.uint64)
    fp_hash[::50] = 7  # one fingerprint in very many documents: ignored
    settings = Settings(max_fingerprint_df=20, passage_min_fingerprints=2)
    expected = _brute_passages(fp_hash, fp_doc, settings)
    found = lsh.passage_candidates(fp_hash.copy(), fp_doc.copy(), n, settings)
    got = dict(zip(map(tuple, found.pairs.tolist()), found.shared.tolist(), strict=True))
    assert got == expected
    assert list(got) == sorted(got)


def test_sort_postings_orders_by_hash_then_document() -> None:
    rng = np.random.default_rng(2)
    h = rng.integers(0, 50, size=20000).astype(np.uint64)
    h[:3000] = 9  # a long run of one hash
    d = rng.integers(0, 1000, size=20000).astype(np.int32)
    order = np.lexsort((d, h))
    expected_h, expected_d = h[order], d[order]
    lsh.sort_postings(h, d)
    assert np.array_equal(h, expected_h) and np.array_equal(d, expected_d)


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


def test_match_file_reads_back_what_it_wrote(tmp_path: Path) -> None:
    result = copytrace.scan(DEMO)
    target = tmp_path / "matches.jsonl"
    streamed = copytrace.scan(DEMO, matches_file=target)
    assert isinstance(streamed.matches, MatchFile) and not isinstance(result.matches, MatchFile)
    lines = target.read_bytes().splitlines()
    assert lines == [orjson.dumps(m.to_dict()) for m in result.matches]
    assert len(streamed.matches) == len(result.matches) > 0
    assert list(streamed.matches) == list(result.matches)  # exact scores, not the rounded ones
    assert streamed.matches[-1] == result.matches[-1]
    assert streamed.matches[1:3] == list(result.matches[1:3])
    assert not list(tmp_path.glob(".*.tmp"))
    # With an output directory the matches stream to its matches.jsonl, the rest follows.
    out = tmp_path / "out"
    copytrace.scan(DEMO, out=out)
    assert (out / "matches.jsonl").read_bytes().splitlines() == lines
    assert sorted(p.name for p in out.iterdir()) == [
        "clusters.jsonl",
        "matches.jsonl",
        "summary.json",
    ]


def test_failed_scan_leaves_no_partial_match_file(tmp_path: Path) -> None:
    target = tmp_path / "matches.jsonl"
    with pytest.raises(copytrace.InputError):
        copytrace.scan([("a", "some text"), ("a", "again")], matches_file=target)
    assert list(tmp_path.iterdir()) == []


def test_clusters_and_dropped_read_like_lists() -> None:
    result = copytrace.scan(DEMO)
    clusters = list(result.clusters)
    assert len(clusters) == len(result.clusters) == result.summary["clusters"] > 0
    assert result.clusters[-1] == clusters[-1] and result.clusters[:2] == clusters[:2]
    assert [c.cluster for c in clusters] == list(range(len(clusters)))
    dropped = list(result.dropped)
    expected = [
        (m.id, c.source, m.relation) for c in clusters for m in c.members if m.id != c.source
    ]
    assert [(d.id, d.duplicate_of, d.relation) for d in dropped] == expected
    assert len(result.dropped) == result.summary["documents"]["dropped_by_dedup"]
    assert all(str(d.origin).startswith(str(DEMO)) for d in dropped)


def test_exact_copies_keep_one_signature_and_few_bytes_each() -> None:
    from copytrace.engines.local.corpus import Corpus
    from copytrace.engines.local.run import documents_as_items
    from copytrace.engines.local.store import TextStore

    words = [f"w{i}" for i in range(2000)]
    rng = random.Random(4)
    originals = [" ".join(rng.choices(words, k=200)) for _ in range(50)]
    docs = [(f"copy-{k}-of-{i}", text) for k in range(40) for i, text in enumerate(originals)]
    with TextStore() as store:
        corpus = Corpus(Settings(), store, "fail")
        for origin, record in documents_as_items(docs):
            corpus.add(origin, record)
        sketches = corpus.sketches()
    assert sketches.signatures.shape[0] == len(originals)
    per_doc = sum(
        getattr(sketches, name).nbytes
        for name in ("exact", "rep", "n_tokens", "n_shingles", "text_span")
    )
    assert per_doc / len(docs) <= 48
    assert len({int(r) for r in sketches.rep}) == len(originals)


def test_cli_report_from_streamed_matches_equals_the_api_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from copytrace.cli import main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    args = ["scan", str(DEMO), "--out", str(tmp_path / "out"), "--report"]
    outcome = CliRunner().invoke(main, [*args, str(tmp_path / "cli.html"), "--quiet"])
    assert outcome.exit_code == 0, outcome.output
    copytrace.scan(DEMO, html_report=tmp_path / "api.html")
    assert (tmp_path / "cli.html").read_bytes() == (tmp_path / "api.html").read_bytes()


def test_union_find_groups_match_connected_components() -> None:
    from copytrace.cluster import UnionFind, connected_components, groups_of

    rng = np.random.default_rng(9)
    for n in (1, 7, 500):
        edges = rng.integers(0, n, size=(n // 2, 2))
        joined = UnionFind(n)
        joined.union_edges(edges[: n // 4, 0], edges[: n // 4, 1])
        for a, b in edges[n // 4 :].tolist():
            joined.union(a, b)
        members, offsets = joined.groups()
        got = [members[offsets[k] : offsets[k + 1]].tolist() for k in range(len(offsets) - 1)]
        expected = [g.tolist() for g in groups_of(connected_components(n, edges))]
        assert got == expected
        assert all(joined.joined_size(g[0], g[-1]) == len(g) for g in got)


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


def test_verification_reads_texts_blanked_as_they_were_sketched(tmp_path: Path) -> None:
    from copytrace.engines.local.corpus import Corpus
    from copytrace.engines.local.store import TextStore
    from copytrace.model import Document

    rng = random.Random(6)
    chrome = ["Sign in", "Subscribe now", "Related stories"]
    with TextStore(str(tmp_path)) as store:
        corpus = Corpus(Settings(boilerplate_min_docs=5), store, "fail")
        texts = []
        for k in range(40):
            lines = [*rng.sample(chrome, 2), f"Story {k} says {rng.random()}."]
            texts.append("\n".join(lines))
            corpus.add(Origin(0, "mem", "doc", k + 1), Document(f"d{k}", texts[-1]))
        corpus.sketches()
        finder = corpus.boilerplate
        for k, text in enumerate(texts):
            assert corpus.sketch_text(k) == finder.mask(Provenance(), text)[0] != text


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
