"""copytrace.Index: adding, querying, removing, getting and describing, as users call it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import copytrace
from copytrace import Document, Index, Relation, Settings

DEMO = Path(__file__).resolve().parents[1] / "demo" / "news.jsonl"

STORY = (
    "The harbour authority approved a new ferry timetable on Tuesday after months of talks "
    "with the crews, who had asked for shorter shifts and a second boat on the morning run. "
    "Commuters on Gull Island said the change would cut their journey by twenty minutes. "
    "The first crossing will now leave the Pier Street terminal at half past five, and the "
    "last one at eleven at night, the authority said in a statement."
)
OTHER = (
    "A rare snowy owl was seen on the dunes north of the lighthouse for the third winter in "
    "a row, and birdwatchers travelled from across the county to see it before the storm. "
    "The warden asked visitors to keep to the paths and to leave their dogs at home while "
    "the bird rests during the day."
)


def test_add_is_idempotent_and_counts_what_it_did(tmp_path: Path) -> None:
    with Index(tmp_path / "i.db") as ix:
        first = ix.add(DEMO)
        again = ix.add(DEMO)
        changed = ix.add([Document("northvale-gazette/rye-loaf", "A new text entirely, " * 5)])
        kept = ix.add([Document("northvale-gazette/harbor-ferry", STORY)], replace=False)
        assert (first.added, first.unchanged, first.replaced, first.skipped) == (25, 0, 0, 0)
        assert (again.added, again.unchanged) == (0, 25)
        assert (changed.replaced, changed.added) == (1, 0)
        assert (kept.skipped, kept.replaced) == (1, 0)
        assert "not replaced" in kept.skipped_records[0]["reason"]
        got = ix.get("northvale-gazette/rye-loaf")
        assert got is not None and got.text.startswith("A new text entirely")
        assert ix.stats()["documents"] == 25
        assert ix.check() == []


def test_documents_are_found_again_by_any_id_in_batches_of_any_size(tmp_path: Path) -> None:
    # An add looks its batch's ids up together; ids of every kind must be found again.
    odd = ["ümlaut", "日本", "emoji😀x", 'q"uote', "back\\slash", "new\nline", "nul\x00?", ""]
    ids = odd + [f"filler-{k}" for k in range(1200)]
    docs = [
        Document(i, f"words of document {k} on its own topic number {k * 7}")
        for k, i in enumerate(ids)
    ]
    with Index(tmp_path / "i.db") as index:
        assert index.add(docs).added == len(ids)
        again = index.add(docs)
        assert (again.added, again.unchanged) == (0, len(ids))
        changed = [Document(d.id, d.text + " and more") for d in docs[:10]]
        assert index.add(changed).replaced == 10
        assert index.get("nul\x00?").text.endswith(" and more")


def test_ids_repeated_in_one_add_are_bad_records(tmp_path: Path) -> None:
    docs = [Document("a", STORY), Document("a", OTHER)]
    with Index(tmp_path / "i.db") as ix:
        with pytest.raises(copytrace.InputError, match='duplicate id "a"'):
            ix.add(docs)
        skipped = ix.add(docs, on_error="skip")
        assert skipped.unchanged == 1 and skipped.skipped == 1
        assert 'duplicate id "a"' in skipped.skipped_records[0]["reason"]


def test_query_finds_copies_with_spans_and_source(tmp_path: Path) -> None:
    with Index(tmp_path / "i.db") as ix:
        ix.add([Document("story", STORY, {"date": "2024-03-01"}), Document("owl", OTHER)])
        quoted = "Our view. " + STORY[:260] + " That is all we know so far about it today."
        found = ix.query(Document("new", quoted, {"date": "2024-03-05"}))
        assert [m.b for m in found.matches] == ["story"]
        m = found.matches[0]
        assert m.a == "new" and m.source == "story" and m.source_reason == "earlier date"
        assert m.relation is copytrace.compare(quoted, STORY).relation
        span = m.spans[0]
        assert quoted[span.a_start : span.a_end].split()[:4] == STORY.split()[:4]
        assert STORY[span.b_start : span.b_end].startswith("The harbour")
        assert ix.query("Nothing like either of them at all, just a few other words.").matches == []
        exact = ix.query(Document("copy", STORY + "\n"))
        assert [(x.b, x.relation) for x in exact.matches] == [("story", Relation.EXACT)]


def test_query_with_add_is_the_monitoring_loop(tmp_path: Path) -> None:
    with Index(tmp_path / "i.db") as ix:
        assert ix.query(Document("first", STORY), add=True).matches == []
        second = ix.query(Document("second", STORY), add=True)
        assert [m.b for m in second.matches] == ["first"]
        assert ix.stats()["documents"] == 2


def test_remove_takes_documents_out_of_answers(tmp_path: Path) -> None:
    with Index(tmp_path / "i.db") as ix:
        ix.add([Document("story", STORY), Document("copy", STORY), Document("owl", OTHER)])
        removed, missing = ix.remove(["story", "nope"])
        assert removed == ["story"] and missing == ["nope"]
        assert [m.b for m in ix.query(Document("q", STORY)).matches] == ["copy"]
        ix.remove("copy")
        assert ix.query(Document("q", STORY)).matches == []
        assert ix.get("copy") is None
        assert ix.check() == []
        assert ix.stats()["distinct_texts"] == 1


def test_a_line_becomes_chrome_and_earlier_pages_are_blanked_again(tmp_path: Path) -> None:
    menu = "SUBSCRIBE | Share this story | Follow us on every platform"
    bodies = [STORY, OTHER] + [f"Page {k} has its own words: {f'w{k} ' * 30}" for k in range(4)]
    docs = [
        Document(f"p{k}", f"{menu}\n{body}\n", {"url": f"https://site.example/{k}"})
        for k, body in enumerate(bodies)
    ]
    with Index(tmp_path / "i.db") as ix:
        ix.add(docs[:4])
        first = ix.storage
        with first.read():
            before = first.find_document("p0")
        assert before is not None and before.blanks == []  # four pages: not chrome yet
        ix.add(docs[4:])
        with first.read():
            after = first.find_document("p0")
        assert after is not None and after.blanks == [(0, len(menu) + 1)]
        assert ix.stats()["chrome_lines"] >= 1
        assert ix.check() == []


def test_a_new_index_runs_without_the_reworded_path_and_refuses_it(tmp_path: Path) -> None:
    # The scan's default runs the reworded-candidate path, which the index does not have: a
    # new index leaves it off, and settings asking for it are refused before any file is made.
    with Index(tmp_path / "i.db") as ix:
        assert ix.settings.reworded_candidates is False
    assert Settings().reworded_candidates is True
    with pytest.raises(copytrace.SettingsError, match="reworded_candidates=False"):
        Index(tmp_path / "new.db", Settings())
    assert not (tmp_path / "new.db").exists()


def test_settings_are_kept_and_other_settings_refused(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    with Index(path, Settings(shingle_size=4, reworded_candidates=False)) as ix:
        ix.add([Document("a", STORY)])
    with Index(path) as ix:
        assert ix.settings.shingle_size == 4
    with pytest.raises(copytrace.SettingsError) as err:
        Index(path, Settings(shingle_size=6, reworded_candidates=False))
    message = str(err.value)
    assert "shingle_size=4" in message and "shingle_size=6" in message
    assert "sketch fingerprint" in message and "build a new index" in message


def test_an_index_of_another_sketch_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    Index(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '999' WHERE key = 'sketch_format_version'")
    db.commit()
    db.close()
    with pytest.raises(copytrace.CopytraceError, match="sketch format 999"):
        Index(path)


def test_open_without_create_needs_an_index(tmp_path: Path) -> None:
    with pytest.raises(copytrace.InputError, match="no such index"):
        Index(tmp_path / "missing.db", create=False)


def test_stats_describe_the_index(tmp_path: Path) -> None:
    with Index(tmp_path / "i.db") as ix:
        ix.add(DEMO)
        stats = ix.stats()
    assert stats["documents"] == 25 and stats["distinct_texts"] == 22
    assert stats["settings"]["sketch_fingerprint"] == Settings().sketch_fingerprint()
    assert stats["size"]["file_bytes"] > 0 and stats["text_chars"] > 40_000
    json.dumps(stats)  # plain JSON


def test_recent_and_cluster(tmp_path: Path) -> None:
    with Index(tmp_path / "i.db") as ix:
        ix.add(DEMO)
        recent = ix.recent(3)
        assert len(recent) == 3 and recent[0].number > recent[1].number
        cluster = ix.cluster("midland-post/harbor-ferry-reprint")
        assert cluster is not None and cluster.source == "northvale-gazette/harbor-ferry"
        assert {m.id for m in cluster.members} == {
            "northvale-gazette/harbor-ferry",
            "midland-post/harbor-ferry-reprint",
            "riverside-daily-wire/harbor-ferry-reprint",
        }
        assert ix.cluster("nope") is None


def test_index_is_exported_from_the_package_root() -> None:
    assert copytrace.Index is Index and "Index" in copytrace.__all__


def test_ids_and_metadata_that_json_cannot_hold_are_refused_by_name(tmp_path: Path) -> None:
    """Lone surrogates (a Python str may hold them) in an id or stored metadata: bad records;
    in a post's sender line they are only text, and the post is indexed."""
    post = f"From: someone\udfff@example.org\nSubject: ferry\n\n{STORY}"
    docs = [
        Document("bad\ud800", STORY),
        Document("meta", OTHER, {"note": "x\udc80"}),
        Document("post", post),
    ]
    with Index(tmp_path / "i.db") as ix:
        with pytest.raises(copytrace.InputError, match=r"document 'bad\\ud800': its id"):
            ix.add(docs)
        added = ix.add(docs, on_error="skip")
        assert (added.added, added.skipped) == (1, 2)
        reasons = [r["reason"] for r in added.skipped_records]
        assert "its id cannot be written" in reasons[0]
        assert "its metadata cannot be written" in reasons[1]
        assert ix.query(STORY).matches  # the post holds the story
        with pytest.raises(copytrace.InputError, match="its id cannot be written"):
            ix.query(Document("q\ud800", STORY))
