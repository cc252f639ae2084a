"""Precision of passage_reuse and rewrite on real text, from judged samples; recall on the reuse.

Run from the repository root, in the virtualenv where copytrace is installed:

    python bench/bench_precision.py --write-results

scans the shared news and newsgroup corpora (bbc_news, reuters21578, 20newsgroups in one scan)
and the 15,000 Wikipedia articles with default settings, then reads the judged items in
tests/data/judged_passages.jsonl: precision per corpus group and relation is the share judged
reuse among the items of the samples drawn from this code's output (`--samples`) that the scan
still reports as passage_reuse or rewrite; recall is the share of the pairs judged reuse in the
samples drawn at random from a scan's output (after-, before-, dev-) that the scan still reports
(any relation), and of the verbatim ones, the share labelled passage_reuse or a whole-document
relation. The same over every judged pair, with the samples of what changes removed or added
(gone-, changed-), is shown beside it.

The judging tools:

    python bench/bench_precision.py scan DIR    # scans both corpora into DIR/news, DIR/wiki
    python bench/bench_precision.py sample DIR --name N --seed S -o items.jsonl
    python bench/bench_precision.py show items.jsonl [--first K --count N]

`sample` draws a stratified random sample of the passage matches of a scan (per corpus and
relation; see PER_STRATUM), `show` prints each item's aligned passages with their context for a
reader to judge. Verdicts are stored as ids, labels and one-line reasons only.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from common import cpu_model, upsert_section, version

from copytrace.evaluation.judged import (
    corpus_of,
    draw_sample,
    drawn_at_random,
    load_judgments,
    population,
    precision,
    recall,
    reported_pairs,
    weighted_precision,
)

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
JUDGED = REPO / "tests" / "data" / "judged_passages.jsonl"
HEADING = "## Precision of passage relations on real text (judged samples)"
NEWS = ("bbc_news", "reuters21578", "20newsgroups")
WIKI = ("wikipedia_2015_articles",)
#: Items drawn per relation from each corpus.
PER_STRATUM = {
    "bbc_news": 25,
    "reuters21578": 25,
    "20newsgroups": 50,
    "wikipedia_2015_articles": 25,
}
#: Targets of the precision issue.
TARGET_PRECISION = 0.95
TARGET_RECALL = 0.95


def scan_corpora(out: Path, corpora: Path, extra: list[str]) -> dict[str, float]:
    """Scan the news + newsgroups corpora and the Wikipedia articles into out/news, out/wiki;
    returns the wall seconds of each scan (the installed `copytrace` command, default settings)."""
    seconds = {}
    for name, files in (("news", NEWS), ("wiki", WIKI)):
        paths = [str(corpora / f"{f}.jsonl.gz") for f in files]
        cmd = ["copytrace", "scan", *paths, "--out", str(out / name), "-q", *extra]
        t = time.perf_counter()
        subprocess.run(cmd, check=True)
        seconds[name] = time.perf_counter() - t
    return seconds


def read_matches(scan_dir: Path) -> list[dict]:
    """The matches of both scans under scan_dir."""
    out = []
    for name in ("news", "wiki"):
        with open(scan_dir / name / "matches.jsonl", "rb") as fh:
            out.extend(json.loads(line) for line in fh)
    return out


class Texts:
    """Document texts of the shared corpora, loaded per corpus on first use."""

    def __init__(self, corpora: Path) -> None:
        self.corpora = corpora
        self._by_corpus: dict[str, dict[str, str]] = {}

    def __call__(self, doc_id: str) -> str:
        name = corpus_of(doc_id)
        if name not in self._by_corpus:
            texts = {}
            with gzip.open(self.corpora / f"{name}.jsonl.gz", "rt", encoding="utf-8") as fh:
                for line in fh:
                    r = json.loads(line)
                    texts[str(r["id"])] = r["text"]
            self._by_corpus[name] = texts
        return self._by_corpus[name][doc_id]


def _excerpt(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]} [... {len(text) - limit} characters ...] {text[-half:]}"


def show_item(item: dict, texts: Texts, context: int = 300, limit: int = 4000) -> str:
    """An item's scores and aligned passages with their context, for a reader to judge."""
    ta, tb = texts(item["a"]), texts(item["b"])
    lines = [
        f"### {item['a']} ~ {item['b']}: {item['relation']}, jaccard {item['jaccard']}, "
        f"containment a-in-b {item['containment_a_in_b']} b-in-a {item['containment_b_in_a']}, "
        f"coverage a {item['a_coverage']} b {item['b_coverage']}; lengths {len(ta)}, {len(tb)}"
    ]
    for k, s in enumerate(item["spans"], start=1):
        lines.append(
            f"--- span {k}: similarity {s['similarity']}, "
            f"A[{s['a_start']}:{s['a_end']}] B[{s['b_start']}:{s['b_end']}]"
        )
        for side, text, lo, hi in (
            ("A", ta, s["a_start"], s["a_end"]),
            ("B", tb, s["b_start"], s["b_end"]),
        ):
            before = text[max(0, lo - context) : lo]
            after = text[hi : hi + context]
            lines.append(f"{side}: ...{before}<<<{_excerpt(text[lo:hi], limit)}>>>{after}...")
    return "\n".join(lines)


def cmd_sample(args: argparse.Namespace) -> None:
    """Draw a stratified sample of a scan's passage matches."""
    per = dict(PER_STRATUM)
    if args.per_stratum:
        per = {k: args.per_stratum for k in per}
    items = draw_sample(read_matches(args.scan_dir), per, args.seed)
    with open(args.output, "w", encoding="utf-8") as fh:
        for m in items:
            fh.write(json.dumps({"sample": args.name, **m}) + "\n")
    print(f"{len(items)} items written to {args.output}")


def cmd_show(args: argparse.Namespace) -> None:
    """Print items for judging."""
    texts = Texts(args.corpora)
    with open(args.items, encoding="utf-8") as fh:
        items = [json.loads(line) for line in fh]
    for k, item in enumerate(items[args.first : args.first + args.count], start=args.first):
        print(f"\n#{k}")
        print(show_item(item, texts, args.context, args.limit))


def measure(scan_dir: Path, samples: set[str]) -> tuple[list, dict, list, list]:
    """Precision (plain, and weighted by corpus sizes) and recall (on the random samples, and
    on every judged pair) of the scans under scan_dir on the stored judgments."""
    judged = load_judgments(JUDGED)
    matches = list(read_matches(scan_dir))
    reported = reported_pairs(matches)
    weighted = weighted_precision(judged, reported, samples, population(matches))
    return (
        precision(judged, reported, samples),
        weighted,
        recall(judged, reported, drawn_at_random),
        recall(judged, reported),
    )


def cmd_results(args: argparse.Namespace) -> None:
    """Scan, measure, print and optionally write the results section."""
    scan_dir = args.scan_dir or Path(f"/tmp/copytrace-precision-{os.getpid()}")
    seconds = scan_corpora(scan_dir, args.corpora, []) if not args.no_scan else {}
    samples = set(args.samples)
    prec, weighted, rec, rec_all = measure(scan_dir, samples)
    counts: dict[str, dict[str, int]] = {}
    for name in ("news", "wiki"):
        summary = json.loads((scan_dir / name / "summary.json").read_text())
        counts[name] = summary["matches"]
    table = [
        "| corpus group | relation | judged items reported | judged reuse | precision "
        "| weighted by corpus sizes | target |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for p in prec:
        w = weighted.get((p.group, p.relation), p.value)
        ok = "met" if min(p.value, w) >= TARGET_PRECISION else "NOT met"
        table.append(
            f"| {p.group} | {p.relation} | {p.judged} | {p.reuse} | {p.value:.3f} | {w:.3f} "
            f"| ≥ {TARGET_PRECISION} ({ok}) |"
        )
    rtable = [
        "| corpus group | judged reuse in | pairs judged reuse | still reported | recall "
        "| verbatim | verbatim as passage_reuse or whole-document | share |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for which, rows in (("random samples", rec), ("every sample", rec_all)):
        for r in rows:
            rtable.append(
                f"| {r.group} | {which} | {r.reuse} | {r.reported} | {r.value:.3f} | "
                f"{r.verbatim} | {r.verbatim_as_verbatim} | {r.verbatim_labels:.3f} |"
            )
    matches_line = "; ".join(
        f"{name}: " + ", ".join(f"{v:,} {k}" for k, v in c.items() if v)
        for name, c in counts.items()
    )
    text = "\n".join(
        [
            HEADING,
            "",
            f"- Command: `{shlex.join(['python', 'bench/bench_precision.py', *sys.argv[1:]])}`",
            f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            f"- Machine: {platform.machine()}, {cpu_model()}, nproc = {os.cpu_count()}",
            f"- Versions: copytrace {version('copytrace')}, Python {platform.python_version()}",
            "- Input: one scan of bbc_news + reuters21578 + 20newsgroups (42,649 records) and "
            "one of wikipedia_2015_articles (15,000), default settings"
            + (f" ({seconds['news']:.1f} s and {seconds['wiki']:.1f} s)" if seconds else "")
            + f". Matches: {matches_line}.",
            f"- Judged items: `tests/data/judged_passages.jsonl`; precision on samples "
            f"{', '.join(sorted(samples))}.",
            "",
            *table,
            "",
            *rtable,
            "",
            "Precision counts the judged items of the named samples that this scan still reports "
            "with a passage relation, by the relation it reports now; the weighted column "
            "weighs each corpus's precision by its number of matches of that relation (the "
            "samples draw as many items from BBC as from Reuters). Recall counts the pairs "
            "judged reuse in the samples drawn at random from a scan's output (after-, before-, "
            "dev-: the estimate the target is on), and in every sample, with those of what a "
            "change removed or added (gone-, changed-: often all such pairs, so each of a "
            "change's losses is counted where the random samples count one pair in several "
            "hundred); verbatim reuse should come out as passage_reuse or a whole-document "
            "relation. A pair counts as reported when its two documents, or exact copies of "
            "them, are related (a scan compares exact duplicates once, by one of them). Each "
            "sample was drawn with `sample` (seed in its commit "
            "message or closing note) from a scan of the code it is named after and judged by "
            "reading both texts against the rubric in `docs/judging.md`.",
            "",
        ]
    )
    print(text)
    if args.write_results:
        upsert_section(HEADING, text)


def main() -> None:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("scan", help="scan the corpora into DIR/news and DIR/wiki")
    p.add_argument("scan_dir", type=Path)
    p = sub.add_parser("sample", help="draw a stratified sample of a scan's passage matches")
    p.add_argument("scan_dir", type=Path)
    p.add_argument("--name", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--per-stratum", type=int, default=0)
    p.add_argument("-o", "--output", type=Path, required=True)
    p = sub.add_parser("show", help="print sampled items for judging")
    p.add_argument("items", type=Path)
    p.add_argument("--first", type=int, default=0)
    p.add_argument("--count", type=int, default=10)
    p.add_argument("--context", type=int, default=300)
    p.add_argument("--limit", type=int, default=4000)
    parser.add_argument("--write-results", action="store_true")
    parser.add_argument("--scan-dir", type=Path, default=None)
    parser.add_argument("--no-scan", action="store_true", help="measure an existing --scan-dir")
    parser.add_argument("--samples", nargs="+", default=["after"])
    args = parser.parse_args()
    if args.command == "scan":
        scan_corpora(args.scan_dir, args.corpora, [])
    elif args.command == "sample":
        cmd_sample(args)
    elif args.command == "show":
        cmd_show(args)
    else:
        cmd_results(args)


if __name__ == "__main__":
    main()
