"""Reworded candidates (sentence sketches): what they cost, what they find, how they rank.

Run from the repository root, in the virtualenv where copytrace is installed:

    python bench/bench_reworded.py --write-results

1. Cost. Scans bbc_news + reuters21578 + 20newsgroups (about 42,600 documents) with the path
   (the default) and without it (`--no-reworded-candidates`), alternating the two `--repeat`
   times (default 3) after a warm-up of each, and reports the medians of wall and CPU seconds
   (workers included), peak RSS of the scan process and peak PSS with its workers, the matches
   of each relation, and the pairs and matches only the sentence sketches proposed
   (summary.json, `passages`).
2. Precision of what the path adds (issue 11 asks that it adds no false pairs). The matches of
   the last scan with the path that the last scan without it lacks, on the news corpus and on
   the Wikipedia articles (wikipedia_2015_articles, one scan each way, not timed), against the
   judged samples of them in tests/data/judged_reworded.jsonl (drawn from such scans, judged by
   reading both texts as docs/judging.md says): how many of the judged ones the scan still
   reports, and how many of those are real reuse.
3. Calibration (no target). How the sentence keys rank paraphrase pairs: for each pair of the
   Webis-CPC-11 sample (passages), MRPC (news sentences) and the news genre of STS-benchmark
   (scored 0-5), the number of sentence keys the two sides share, the word statistics taken
   from all texts of that data set as a scan of it would. Reported: the share of positive and
   of negative pairs with at least one shared key (what the path proposes), and the AUC of the
   shared-key count (the chance that a random paraphrase shares more keys than a random
   non-paraphrase; ties count half); for STS, the Spearman correlation with the score.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from bench_pan import machine_line, versions_line
from common import run_measured, upsert_section

from copytrace.evaluation.judged import load_judgments
from copytrace.sentence_sketch import sentence_keys, word_stats

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
NEWS = ("bbc_news.jsonl.gz", "reuters21578.jsonl.gz", "20newsgroups.jsonl.gz")
WIKI = ("wikipedia_2015_articles.jsonl.gz",)
HEADING = "## Reworded candidates: cost on the news corpus and paraphrase ranking"
RELATIONS = ("exact", "near_duplicate", "contained", "passage_reuse", "rewrite")
JUDGED = REPO / "tests" / "data" / "judged_reworded.jsonl"
#: A scan's matches: (a, b) -> relation.
Pairs = dict[tuple[str, str], str]


def read_pairs(out: Path) -> Pairs:
    """The matches a scan wrote, as (a, b) -> relation."""
    with open(out / "matches.jsonl", encoding="utf-8") as fh:
        return {(m["a"], m["b"]): m["relation"] for m in map(json.loads, fh)}


def run_scan(inputs: list[Path], out: Path, reworded: bool) -> dict[str, float]:
    """One scan in a child process: wall s, CPU s (workers included), peak RSS and PSS MB, and
    the counts of its summary.json."""
    exe = Path(sys.executable).parent / "copytrace"
    flag = "--reworded-candidates" if reworded else "--no-reworded-candidates"
    cmd = [str(exe), "scan", *map(str, inputs), "--out", str(out), "--quiet"]
    run = run_measured([*cmd, flag])
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    passages = summary["passages"]
    row = {
        "wall": run.wall,
        "cpu": run.cpu,
        "rss": run.rss_bytes / 2**20,
        "pss": run.pss_bytes / 2**20,
        "pairs_only": passages.get("pairs_only_from_sentences", 0),
        "matches_only": passages.get("matches_only_from_sentences", 0),
    }
    row.update({r: summary["matches"].get(r, 0) for r in RELATIONS})
    return row


def cost(corpora: Path, repeat: int) -> tuple[list[str], Pairs]:
    """The cost table's Markdown lines, and the matches only the path found."""
    inputs = [corpora / f for f in NEWS]
    runs: dict[bool, list[dict[str, float]]] = {False: [], True: []}
    found: dict[bool, Pairs] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        for reworded in (False, True):
            run_scan(inputs, out, reworded)  # warm-up: fills numba's cache
        for r in range(repeat):
            for reworded in (False, True) if r % 2 == 0 else (True, False):
                runs[reworded].append(run_scan(inputs, out, reworded))
                found[reworded] = read_pairs(out)
                print(f"run {r + 1} reworded={reworded}: {runs[reworded][-1]}", file=sys.stderr)
    med = {k: {f: statistics.median(x[f] for x in v) for f in v[0]} for k, v in runs.items()}
    off, on = med[False], med[True]
    lines = [
        "| mode | wall s | CPU s | peak RSS MB | with workers MB (PSS) | "
        + " | ".join(RELATIONS)
        + " | pairs only from sentences | their matches |",
        "|---|--:|--:|--:|--:|" + "--:|" * len(RELATIONS) + "--:|--:|",
    ]
    for name, m in (("--no-reworded-candidates", off), ("default (the path on)", on)):
        lines.append(
            f"| {name} | {m['wall']:.1f} | {m['cpu']:.1f} | {m['rss']:.0f} | {m['pss']:.0f} | "
            + " | ".join(f"{m[r]:.0f}" for r in RELATIONS)
            + f" | {m['pairs_only']:.0f} | {m['matches_only']:.0f} |"
        )
    lines += [
        "",
        f"Ratios (medians of {repeat} alternating runs): wall {on['wall'] / off['wall']:.2f}x, "
        f"CPU {on['cpu'] / off['cpu']:.2f}x, peak RSS {on['rss'] / off['rss']:.2f}x, with "
        f"workers {on['pss'] / off['pss']:.2f}x (targets: time at most 1.3x, memory at most "
        "1.2x).",
    ]
    added = {k: v for k, v in found[True].items() if k not in found[False]}
    return lines, added


def added_by_path(inputs: list[Path]) -> Pairs:
    """The matches a scan of `inputs` finds with the path and not without it (one scan each)."""
    found: dict[bool, Pairs] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for reworded in (False, True):
            out = Path(tmp) / f"reworded-{reworded}"
            run_scan(inputs, out, reworded)
            found[reworded] = read_pairs(out)
    return {k: v for k, v in found[True].items() if k not in found[False]}


def judged_precision(added: dict[str, Pairs]) -> list[str]:
    """The judged samples of the added matches of each corpus: how many the scan still adds,
    how many of those are real."""
    if not JUDGED.exists():
        return [f"No judged sample ({JUDGED.relative_to(REPO)} is missing)."]
    judged = load_judgments(JUDGED)
    lines = [
        "| corpus | relation | added matches | judged of them | real reuse | precision |",
        "|---|---|--:|--:|--:|--:|",
    ]
    kinds: dict[str, int] = {}
    for corpus, pairs_of in added.items():
        for relation in ("passage_reuse", "rewrite", "all"):
            pairs = {k for k, v in pairs_of.items() if relation in ("all", v)}
            mine = [j for j in judged if (j.a, j.b) in pairs]
            real = sum(j.verdict == "reuse" for j in mine)
            share = f"{real / len(mine):.2f}" if mine else "–"
            lines.append(
                f"| {corpus} | {relation} | {len(pairs):,} | {len(mine)} | {real} | {share} |"
            )
        for j in judged:
            if (j.a, j.b) in pairs_of and j.verdict != "reuse":
                kinds[j.kind] = kinds.get(j.kind, 0) + 1
    samples = ", ".join(sorted({j.sample for j in judged}))
    lines += [
        "",
        f"Judged sample(s): {samples}. What the false ones are: "
        + (", ".join(f"{k} {n}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1])) or "none")
        + ".",
    ]
    return lines


def shared_keys(pairs: Sequence[tuple[str, str]]) -> np.ndarray:
    """Sentence keys shared by the two sides of each pair (word statistics of all the texts)."""
    texts = [t for pair in pairs for t in pair]
    stats = word_stats(texts)
    keys, _, offsets = sentence_keys(texts, stats)
    out = np.empty(len(pairs), dtype=np.int64)
    for i in range(len(pairs)):
        a = keys[offsets[2 * i] : offsets[2 * i + 1]]
        b = keys[offsets[2 * i + 1] : offsets[2 * i + 2]]
        out[i] = np.intersect1d(a, b).shape[0]
    return out


def auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    pos, neg = scores[positive], scores[~positive]
    ranks = _ranks(np.concatenate((pos, neg)))
    return float(ranks[: pos.shape[0]].sum() - pos.shape[0] * (pos.shape[0] + 1) / 2) / (
        pos.shape[0] * neg.shape[0]
    )


def _ranks(x: np.ndarray) -> np.ndarray:
    """1-based ranks, ties given their mean rank."""
    order = np.argsort(x, kind="stable")
    ranks = np.empty(x.shape[0])
    sorted_x = x[order]
    i = 0
    while i < x.shape[0]:
        j = i
        while j + 1 < x.shape[0] and sorted_x[j + 1] == sorted_x[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rank correlation."""
    return float(np.corrcoef(_ranks(x.astype(float)), _ranks(y.astype(float)))[0, 1])


def load_webis(corpora: Path) -> tuple[list[tuple[str, str]], np.ndarray]:
    """Webis-CPC-11 sample: (original, paraphrase) passages and whether judged a paraphrase."""
    rows = json.loads(
        (corpora / "webis_cpc11_sample" / "Webis-CPC-11_1000_sample.json").read_text()
    )

    def joined(sentences: list[dict]) -> str:
        return " ".join(s["text"] for s in sorted(sentences, key=lambda s: s["sen_nr"]))

    pairs = [(joined(r["original"]), joined(r["paraphrase"])) for r in rows]
    return pairs, np.array([r["is_paraphrased"] == "Yes" for r in rows])


def load_mrpc(corpora: Path) -> tuple[list[tuple[str, str]], np.ndarray]:
    """MRPC train and test: sentence pairs and their paraphrase labels."""
    pairs, labels = [], []
    for name in ("msr_paraphrase_train.txt", "msr_paraphrase_test.txt"):
        with (corpora / "mrpc" / name).open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(row) == 5 and row[0] in ("0", "1"):
                    pairs.append((row[3], row[4]))
                    labels.append(row[0] == "1")
    return pairs, np.array(labels)


def load_sts_news(corpora: Path) -> tuple[list[tuple[str, str]], np.ndarray]:
    """STS-benchmark, news genre: sentence pairs and their 0-5 similarity scores."""
    pairs, scores = [], []
    for name in ("sts-train.csv", "sts-dev.csv", "sts-test.csv"):
        with (corpora / "sts_benchmark" / name).open(encoding="utf-8") as fh:
            for line in fh:
                row = line.rstrip("\n").split("\t")
                if len(row) >= 7 and row[0] == "main-news":
                    pairs.append((row[5], row[6]))
                    scores.append(float(row[4]))
    return pairs, np.array(scores)


def calibration(corpora: Path) -> list[str]:
    """The calibration table's Markdown lines."""
    lines = [
        "| data set | pairs (positive) | positives sharing a key | negatives sharing a key "
        "| AUC of shared keys | Spearman with score |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for name, loader in (("Webis-CPC-11 sample", load_webis), ("MRPC", load_mrpc)):
        pairs, positive = loader(corpora)
        shared = shared_keys(pairs)
        lines.append(
            f"| {name} | {len(pairs):,} ({int(positive.sum()):,}) "
            f"| {np.mean(shared[positive] > 0):.2f} | {np.mean(shared[~positive] > 0):.2f} "
            f"| {auc(shared, positive):.3f} | – |"
        )
    pairs, scores = load_sts_news(corpora)
    shared = shared_keys(pairs)
    positive = scores >= 4.0
    lines.append(
        f"| STS-benchmark news (positive: score ≥ 4) | {len(pairs):,} ({int(positive.sum()):,}) "
        f"| {np.mean(shared[positive] > 0):.2f} | {np.mean(shared[~positive] > 0):.2f} "
        f"| {auc(shared, positive):.3f} | {spearman(shared, scores):.3f} |"
    )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Measure, print and optionally record."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-cost", action="store_true", help="calibration only")
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args(argv)
    if not args.corpora.is_dir():
        print(f"Error: corpora not found at {args.corpora} (use --corpora).", file=sys.stderr)
        return 1
    load = os.getloadavg()
    section = [
        HEADING,
        "",
        "- Command: `python bench/bench_reworded.py"
        + (" --skip-cost" if args.skip_cost else "")
        + (f" --repeat {args.repeat}" if args.repeat != 3 else "")
        + " --write-results`",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average at the start {load[0]:.1f}",
        f"- Machine: {machine_line()}",
        f"- Versions: {versions_line()}",
        "",
    ]
    if not args.skip_cost:
        lines, added = cost(args.corpora, args.repeat)
        wiki_added = added_by_path([args.corpora / f for f in WIKI])
        section += [
            "Cost on the news corpus (" + ", ".join(NEWS) + "):",
            "",
            *lines,
            "",
            "Matches only the path found (in the last scan with it, not in the last without it; "
            "the Wikipedia articles in one scan each way), and the judged samples of them:",
            "",
            *judged_precision({"news": added, "wikipedia": wiki_added}),
            "",
        ]
    section += [
        "How sentence keys rank paraphrase pairs (a pair of documents sharing a key is a "
        "candidate; no target):",
        "",
        *calibration(args.corpora),
        "",
    ]
    text = "\n".join(section)
    print(text)
    if args.write_results:
        upsert_section(HEADING, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
