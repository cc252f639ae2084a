"""Helpers of the command-line tests (test_cli*.py, test_api.py).

Most tests call the click command in-process with CliRunner (`run`); a few run the installed
`copytrace` entry point in a real subprocess. All test data is made up, in tmp_path: a corpus
of distinct synthetic articles plus four copies of known kinds (`write_corpus`, in every input
format), or six short records (`small_corpus`).
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import json
import random
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import zstandard
from click.testing import CliRunner, Result

from copytrace.cli import main

# --- the synthetic corpus ----------------------------------------------------------------------

N_ORIGINALS = 20
EXACT = "copies/2024/exact"
HEADER = "copies/2024/new-header"
EDITED = "copies/2024/three-words"
TRUNCATED = "copies/2024/truncated"

#: The related pairs of the corpus and their relation; every other pair is unrelated.
EXPECTED = {
    frozenset({"originals/a00", EXACT}): "exact",
    frozenset({"originals/a01", HEADER}): "near_duplicate",
    frozenset({"originals/a02", EDITED}): "near_duplicate",
    frozenset({"originals/a03", TRUNCATED}): "contained",
}
N_RECORDS = N_ORIGINALS + 4


@functools.cache
def vocabulary() -> list[str]:
    """2,000 made-up words of 2-4 consonant-vowel syllables."""
    rng = random.Random(1234)
    words: set[str] = set()
    while len(words) < 2000:
        words.add("".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3)))
    return sorted(words)


def words_of(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def five_grams(text: str) -> set[tuple[str, ...]]:
    w = words_of(text)
    return {tuple(w[i : i + 5]) for i in range(len(w) - 4)}


def make_article(rng: random.Random, n_words: int) -> str:
    """A title line, then paragraphs of sentences; it ends with a word, not punctuation."""
    words = rng.choices(vocabulary(), k=n_words)
    title = " ".join(w.capitalize() for w in words[:6])
    body = words[6:]
    sentences = []
    i = 0
    while i < len(body):
        chunk = body[i : i + rng.randint(8, 18)]
        i += len(chunk)
        sentences.append(" ".join([chunk[0].capitalize(), *chunk[1:]]))
    paragraphs = [". ".join(sentences[j : j + 4]) for j in range(0, len(sentences), 4)]
    return title + "\n\n" + ".\n\n".join(paragraphs)


def change_words(text: str, positions: list[int]) -> str:
    """Replace the words at the given token positions with words found nowhere else."""
    tokens = list(re.finditer(r"\w+", text))
    for k, pos in sorted(enumerate(positions), key=lambda kp: -kp[1]):
        m = tokens[pos]
        text = text[: m.start()] + f"altered{k}" + text[m.end() :]
    return text


@functools.cache
def corpus() -> tuple[tuple[str, str], ...]:
    """(id, text) of 20 distinct articles of 200-400 words followed by 4 copies."""
    rng = random.Random(2024)
    originals = [
        (f"originals/a{i:02d}", make_article(rng, rng.randint(200, 400)))
        for i in range(N_ORIGINALS)
    ]
    seen: set[tuple[str, ...]] = set()
    for _, text in originals:
        grams = five_grams(text)
        assert not grams & seen, "two synthetic articles share a 5-word run"
        seen |= grams
    texts = dict(originals)
    a0, a1, a2, a3 = (texts[f"originals/a0{i}"] for i in range(4))
    new_title = " ".join(w.capitalize() for w in rng.choices(vocabulary(), k=6))
    n2 = len(words_of(a2))
    copies = [
        (EXACT, "\n  " + a0 + "\n"),  # same words, different surrounding whitespace
        (HEADER, new_title + "\n" + a1.split("\n", 1)[1]),
        (EDITED, change_words(a2, [n2 // 4, n2 // 2, 3 * n2 // 4])),
        (TRUNCATED, a3[: a3.rfind(" ", 0, len(a3) // 2)]),
    ]
    return tuple(originals + copies)


def texts_by_id() -> dict[str, str]:
    return dict(corpus())


def norm_id(doc_id: str) -> str:
    """Corpus id of a document id in any format (text-directory ids end with .txt)."""
    return doc_id.removesuffix(".txt")


def records(extra: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The corpus as records with metadata columns; `extra` adds fields per id."""
    out = []
    for n, (doc_id, text) in enumerate(corpus()):
        rec = {"id": doc_id, "text": text, "outlet": doc_id.split("/")[0], "number": n}
        rec.update((extra or {}).get(doc_id, {}))
        out.append(rec)
    return out


def jsonl_lines(recs: list[dict[str, Any]]) -> list[bytes]:
    return [json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in recs]


def write_corpus(kind: str, root: Path, recs: list[dict[str, Any]] | None = None) -> Path:
    """Write the corpus in one input format under root; return the input path."""
    recs = recs if recs is not None else records()
    root.mkdir(parents=True, exist_ok=True)
    if kind == "textdir":
        base = root / "corpus"
        for r in recs:
            target = base / f"{r['id']}.txt"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(r["text"], encoding="utf-8")
        return base
    if kind == "parquet":
        path = root / "corpus.parquet"
        pq.write_table(pa.Table.from_pylist(recs), path, row_group_size=7)
        return path
    if kind == "csv":
        path = root / "corpus.csv"
        buf = io.StringIO(newline="")
        writer = csv.DictWriter(buf, fieldnames=list(recs[0]))
        writer.writeheader()
        writer.writerows(recs)
        path.write_text(buf.getvalue(), encoding="utf-8", newline="")
        return path
    data = b"".join(jsonl_lines(recs))
    path = root / f"corpus.{kind}"
    if kind == "jsonl.gz":
        path.write_bytes(gzip.compress(data))
    elif kind == "jsonl.zst":
        path.write_bytes(zstandard.ZstdCompressor().compress(data))
    else:
        assert kind == "jsonl"
        path.write_bytes(data)
    return path


# --- running the command line ------------------------------------------------------------------


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_ok(result: Result) -> None:
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    assert result.exception is None
    assert "Traceback" not in result.output


def assert_error(result: Result, code: int = 1) -> None:
    """A clean failure: the exit status, no stray exception, no traceback."""
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    # CliRunner turns an uncaught exception into exit status 1 as well; a clean exit is SystemExit.
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert "Traceback" not in result.stderr


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def scan(*inputs: object, out: Path, extra: tuple[str, ...] = ()) -> tuple[Result, dict[str, Any]]:
    result = run("scan", *inputs, "--out", out, "-q", *extra)
    assert_ok(result)
    found = {
        "matches": read_jsonl(out / "matches.jsonl"),
        "clusters": read_jsonl(out / "clusters.jsonl"),
        "summary": json.loads((out / "summary.json").read_text(encoding="utf-8")),
    }
    return result, found


def pairs_of(matches: list[dict[str, Any]]) -> dict[frozenset[str], str]:
    out: dict[frozenset[str], str] = {}
    for m in matches:
        key = frozenset({norm_id(m["a"]), norm_id(m["b"])})
        assert key not in out, f"pair reported twice: {sorted(key)}"
        out[key] = m["relation"]
    return out


def assert_summary_adds_up(summary: dict[str, Any]) -> None:
    rec, docs = summary["records"], summary["documents"]
    assert rec["read"] == rec["documents"] + rec["skipped"] + sum(rec["not_documents"].values())
    assert docs["scanned"] + docs["empty"] == rec["documents"]
    assert docs["kept_by_dedup"] + docs["dropped_by_dedup"] == rec["documents"]
    assert len(summary["skipped_records"]) == rec["skipped"]
    assert len(summary["empty_documents"]) == docs["empty"]


# --- bad input ---------------------------------------------------------------------------------

SKIP_HINT = " (--on-error skip skips bad records.)"


def _jsonl_with(tmp_path: Path, bad: bytes, at: int = 3, name: str = "input.jsonl") -> Path:
    """Three good records with `bad` inserted as line number `at`."""
    lines = jsonl_lines(records()[5:8])
    lines.insert(at - 1, bad)
    path = tmp_path / name
    path.write_bytes(b"".join(lines))
    return path


BAD_LINES = [
    (b'{"id": "broken", "text": "no closing brace"\n', "malformed JSON ("),
    (b'{"id": "b1", "body": "the words"}\n', 'no field "text"'),
    (b'{"id": "n1", "text": null}\n', 'field "text" must be a string'),
    (b'{"id": "u1", "text": "caf\xe9 au lait"}\n', "invalid UTF-8 at byte 25"),
    (b'{"id": "originals/a05", "text": "reused id"}\n', 'duplicate id "originals/a05"'),
]


def _corpus_with_bad_lines(tmp_path: Path) -> tuple[Path, list[tuple[int, str]], list[bytes]]:
    """The corpus with bad lines and a blank line mixed in; returns bad line numbers."""
    lines = jsonl_lines(records())
    good = list(lines)
    for k, (bad, _) in enumerate(BAD_LINES):
        lines.insert(3 + 5 * k, bad)
    lines.insert(10, b"\n")
    bad_at = [
        (n, reason) for n, line in enumerate(lines, 1) for b, reason in BAD_LINES if line == b
    ]
    path = tmp_path / "messy.jsonl"
    path.write_bytes(b"".join(lines))
    return path, bad_at, good


# --- two files to compare ----------------------------------------------------------------------


def _two_files(tmp_path: Path, a_id: str, b_id: str) -> tuple[Path, Path]:
    texts = texts_by_id()
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(texts[a_id], encoding="utf-8")
    b.write_text(texts[b_id], encoding="utf-8")
    return a, b


def _compare_files(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    words = [f"word{k}" for k in range(60)]
    a.write_text(" ".join(words), encoding="utf-8")
    words[30] = "changed"
    b.write_text(" ".join(words), encoding="utf-8")
    return a, b


# --- six short records -------------------------------------------------------------------------

TEXT = "The council voted on Tuesday to close the old harbour ferry after forty years of service. "


def small_corpus(tmp_path: Path, bad_line: bool = False) -> Path:
    """Six records, two of them copies; with `bad_line`, a malformed last line."""
    recs = [{"id": f"d{k}", "text": f"Story {k}. " + f"w{k} " * 30 + TEXT * 2} for k in range(4)]
    recs += [{"id": "copy", "text": recs[0]["text"]}, {"id": "copy2", "text": recs[1]["text"]}]
    data = b"".join(json.dumps(r).encode() + b"\n" for r in recs)
    path = tmp_path / "news.jsonl"
    path.write_bytes(data + (b'{"id": "broken"\n' if bad_line else b""))
    return path
