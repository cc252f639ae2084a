"""The local engine's document table (engines/local/documents.py): ids, origins, dates and
provenances in compact columns, checked against the plain Python they replace (a dict, a
list of objects) on generated data."""

from __future__ import annotations

import random

from copytrace.boilerplate import Provenance
from copytrace.engines.local.documents import DocumentTable, date_code, date_text
from copytrace.io.base import Origin


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
