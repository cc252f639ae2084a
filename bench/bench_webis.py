"""Paraphrase pairs (Webis-CPC-11 sample): what lexical evidence says about human rewrites.

Run from the repository root, in the virtualenv where copytrace is installed:

    python bench/bench_webis.py --write-results

The 1,000 passage pairs of ../shared/corpora/webis_cpc11_sample (`--corpora` overrides; 500
judged paraphrases, 500 not: lazy near-copies, unrelated text or failed rewrites) each go
through `copytrace.compare(original, paraphrase)`, the passages being the `text` fields of their
sentences joined by spaces in `sen_nr` order. It runs twice: with the default settings and with
passage_min_tokens=10 and rewrite_min_tokens=10 (the passages are short: median about 43 words,
near the default 40-token minimum for reworded passages). For each it prints a confusion table
of the relation found (none, exact, near_duplicate, contained, passage_reuse, rewrite) against
`is_paraphrased`, and the precision, recall, F1 and accuracy of two predictors of "is a
paraphrase": any relation, and `rewrite` alone. There is no target: the table documents the
limits of lexical evidence on human paraphrase. `--write-results` replaces this benchmark's
section of bench/RESULTS.md (re-read just before writing) and leaves the others.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench_pan import REPO, RESULTS, machine_line, versions_line, write_section

import copytrace
from copytrace import Relation, Settings

DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"
SAMPLE = Path("webis_cpc11_sample") / "Webis-CPC-11_1000_sample.json"
HEADING = "## Paraphrase pairs (Webis-CPC-11 sample)"
NONE = "none"
ROWS = (NONE, *(r.value for r in Relation))


@dataclass(frozen=True)
class Pair:
    """One judged passage pair."""

    original: str
    paraphrase: str
    is_paraphrase: bool


@dataclass(frozen=True)
class Outcome:
    """Relations found for every pair under one setting."""

    label: str
    settings: Settings
    relations: list[str]
    seconds: float


def _passage(sentences: list[dict]) -> str:
    """A passage from its sentence records, in sen_nr order, joined by spaces."""
    return " ".join(s["text"].strip() for s in sorted(sentences, key=lambda s: s["sen_nr"]))


def load_pairs(path: Path) -> list[Pair]:
    """The judged pairs of the sample file."""
    records = json.loads(path.read_text(encoding="utf-8"))
    return [
        Pair(_passage(r["original"]), _passage(r["paraphrase"]), r["is_paraphrased"] == "Yes")
        for r in records
    ]


def run(pairs: list[Pair], label: str, settings: Settings) -> Outcome:
    """Compare every pair under `settings`."""
    copytrace.compare("warm up the compiled kernels", "warm up the kernels", settings)
    t = time.perf_counter()
    relations = []
    for p in pairs:
        c = copytrace.compare(p.original, p.paraphrase, settings)
        relations.append(NONE if c.relation is None else c.relation.value)
    return Outcome(label, settings, relations, time.perf_counter() - t)


def confusion_table(pairs: list[Pair], outcomes: list[Outcome]) -> str:
    """Markdown table: relation found (rows) by judged label, one column pair per setting."""
    header = "| relation found | " + " | ".join(
        f"{o.label}: paraphrase | {o.label}: not" for o in outcomes
    )
    lines = [header + " |", "|---|" + "---:|" * (2 * len(outcomes))]
    labels = [p.is_paraphrase for p in pairs]
    counts = [Counter(zip(o.relations, labels, strict=True)) for o in outcomes]
    for row in ROWS:
        cells = " | ".join(f"{c[(row, True)]} | {c[(row, False)]}" for c in counts)
        lines.append(f"| {row} | {cells} |")
    totals = " | ".join(
        f"{sum(p.is_paraphrase for p in pairs)} | {sum(not p.is_paraphrase for p in pairs)}"
        for _ in outcomes
    )
    lines.append(f"| total | {totals} |")
    return "\n".join(lines)


def _scores(predicted: list[bool], truth: list[bool]) -> tuple[float, float, float, float]:
    """Precision, recall, F1 and accuracy of binary predictions."""
    tp = sum(p and t for p, t in zip(predicted, truth, strict=True))
    fp = sum(p and not t for p, t in zip(predicted, truth, strict=True))
    fn = sum(t and not p for p, t in zip(predicted, truth, strict=True))
    correct = sum(p == t for p, t in zip(predicted, truth, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, correct / len(truth)


PREDICTORS: dict[str, Callable[[str], bool]] = {
    "any relation": lambda r: r != NONE,
    "`rewrite` only": lambda r: r == Relation.REWRITE.value,
}


def metrics_table(pairs: list[Pair], outcomes: list[Outcome]) -> str:
    """Markdown table of precision, recall, F1 and accuracy per setting and predictor."""
    truth = [p.is_paraphrase for p in pairs]
    lines = [
        "| settings | predictor of paraphrase | predicted | precision | recall | F1 "
        "| accuracy | seconds |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for o in outcomes:
        for name, predictor in PREDICTORS.items():
            predicted = [predictor(r) for r in o.relations]
            precision, recall, f1, accuracy = _scores(predicted, truth)
            lines.append(
                f"| {o.label} | {name} | {sum(predicted)} | {precision:.3f} | {recall:.3f} "
                f"| {f1:.3f} | {accuracy:.3f} | {o.seconds:.1f} |"
            )
    return "\n".join(lines)


def build_section(pairs: list[Pair], outcomes: list[Outcome], command: str) -> str:
    """The Markdown section for bench/RESULTS.md."""
    words = [len(p.original.split()) for p in pairs]
    lines = [
        HEADING,
        "",
        f"- Command: `{command}`",
        f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {machine_line()}",
        f"- Versions: {versions_line()}",
        f"- Input: `{SAMPLE}`: {len(pairs)} pairs, {sum(p.is_paraphrase for p in pairs)} judged "
        f"paraphrases; originals of {statistics.median(words):.0f} words (median, "
        f"{min(words)}–{max(words)}).",
        "- Method: `copytrace.compare(original, paraphrase, settings)` per pair; *defaults* are "
        "the default settings, *min 10* the defaults with passage_min_tokens=10 and "
        "rewrite_min_tokens=10.",
        "",
        confusion_table(pairs, outcomes),
        "",
        metrics_table(pairs, outcomes),
        "",
        "Notes: no target; this documents what lexical evidence can and cannot tell. A "
        "paraphrase (Yes) is a real human rewrite; the negatives (No) include lazy near-copies, "
        "which share more words with the original than good paraphrases do, so a relation found "
        "is evidence of copied wording, not of a paraphrase.",
    ]
    return "\n".join(lines) + "\n"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="shared corpora folder")
    p.add_argument("--write-results", action="store_true", help="update bench/RESULTS.md")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the section, and optionally write it to RESULTS.md."""
    args = parse_args(argv)
    path = args.corpora / SAMPLE
    if not path.is_file():
        print(f"Error: sample not found at {path} (use --corpora).", file=sys.stderr)
        return 1
    pairs = load_pairs(path)
    outcomes = [
        run(pairs, "defaults", Settings()),
        run(pairs, "min 10", Settings(passage_min_tokens=10, rewrite_min_tokens=10)),
    ]
    command = "python bench/bench_webis.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    section = build_section(pairs, outcomes, command.strip())
    print(section)
    if args.write_results:
        write_section(HEADING, section)
        print(f"wrote {RESULTS.relative_to(REPO)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
