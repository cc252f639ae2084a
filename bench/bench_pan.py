"""PAN text alignment on the Indonesian PAN-PC-11-format corpus: precision, recall, plagdet.

Run from the repository root, in the virtualenv where copytrace is installed:

    python bench/bench_pan.py --write-results          # the default settings
    python bench/bench_pan.py --grid --write-results   # plus a small grid of settings

The corpus is ../shared/corpora/pan_format_indonesian_plagiarism (`--corpora` overrides):
35 suspicious and 30 source documents with 94 reuse cases. Every (suspicious, source) pair,
35 x 30 = 1,050 of them, goes through `copytrace.compare(suspicious, source)` (exact: no sketch,
no candidate generation). When the comparison has a relation, each of its spans becomes one PAN
detection: suspicious-side offsets from the span's A side, source-side offsets from its B side.
With `--mode scan` the 65 documents instead go through one `copytrace.scan` and each match
between a suspicious and a source document gives its spans (so candidate generation counts too).

The measures are those of copytrace.evaluation (Potthast et al., COLING 2010): macro precision
and recall over characters of both sides, granularity, plagdet, overall and per obfuscation.
`--grid` repeats the run for passage_min_tokens in 10/20/40 and rewrite_min_tokens in 20/40/80
(shingle and winnowing settings do not matter to `compare`, which aligns the two texts directly)
and prints the overall scores of each. `--write-results` replaces this benchmark's section of
bench/RESULTS.md (re-read just before writing) and leaves the other sections as they are.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from common import cpu_model, upsert_section, version

import copytrace
from copytrace import Settings
from copytrace.evaluation import (
    OVERALL,
    Case,
    Detection,
    PanScores,
    format_table,
    list_documents,
    load_truth,
    pan_measures_by_obfuscation,
)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"
CORPUS = "pan_format_indonesian_plagiarism"
RESULTS = REPO / "bench" / "RESULTS.md"
HEADING = "## PAN text alignment (Indonesian PAN-PC-11 format)"
#: Targets of the passage-alignment issue.
TARGET_OVERALL = 0.85
TARGET_VERBATIM = 0.95
GRID_MIN_TOKENS = (10, 20, 40)
GRID_REWRITE_MIN_TOKENS = (20, 40, 80)


@dataclass(frozen=True)
class Run:
    """Detections of one run over the corpus and their scores."""

    settings: Settings
    detections: list[Detection]
    scores: dict[str, PanScores]
    seconds: float
    pairs_with_relation: int
    detections_without_case: int


def read_text(path: Path) -> str:
    """A corpus file as PAN counts it: UTF-8 characters, line ends untranslated."""
    with path.open(encoding="utf-8", newline="") as fh:
        return fh.read()


def load_corpus(corpus: Path) -> tuple[dict[str, str], dict[str, str], list[Case]]:
    """Suspicious and source texts by file name, and the ground-truth cases."""
    suspicious, sources = list_documents(corpus)
    return (
        {p.name: read_text(p) for p in suspicious},
        {p.name: read_text(p) for p in sources},
        load_truth(corpus),
    )


#: The scan mode without the sentence sketches (on by default), as the modes table names it.
SCAN_NO_REWORDED = "scan --no-reworded-candidates"


def detections_by_compare(
    suspicious: dict[str, str], sources: dict[str, str], settings: Settings
) -> tuple[list[Detection], int]:
    """One detection per span of every related (suspicious, source) comparison."""
    detections: list[Detection] = []
    related = 0
    for sus_name, sus_text in suspicious.items():
        for src_name, src_text in sources.items():
            c = copytrace.compare(sus_text, src_text, settings)
            if c.relation is None:
                continue
            related += 1
            detections += [
                _detection(sus_name, src_name, s.a_start, s.a_end, s.b_start, s.b_end)
                for s in c.spans
            ]
    return detections, related


def detections_by_scan(
    suspicious: dict[str, str], sources: dict[str, str], settings: Settings
) -> tuple[list[Detection], int]:
    """One detection per span of every scan match between a suspicious and a source document."""
    docs = [(f"sus/{n}", t) for n, t in suspicious.items()]
    docs += [(f"src/{n}", t) for n, t in sources.items()]
    result = copytrace.scan(docs, settings)
    detections: list[Detection] = []
    related = 0
    for m in result.matches:
        sides = {m.a[:4], m.b[:4]}
        if sides != {"sus/", "src/"}:
            continue
        related += 1
        sus_is_a = m.a.startswith("sus/")
        sus_name, src_name = (m.a[4:], m.b[4:]) if sus_is_a else (m.b[4:], m.a[4:])
        for s in m.spans:
            if sus_is_a:
                detections.append(
                    _detection(sus_name, src_name, s.a_start, s.a_end, s.b_start, s.b_end)
                )
            else:
                detections.append(
                    _detection(sus_name, src_name, s.b_start, s.b_end, s.a_start, s.a_end)
                )
    return detections, related


def _detection(sus: str, src: str, a0: int, a1: int, b0: int, b1: int) -> Detection:
    """A PAN detection from half-open character spans on both sides."""
    return Detection(sus, src, a0, a1 - a0, b0, b1 - b0)


def run(
    suspicious: dict[str, str],
    sources: dict[str, str],
    cases: list[Case],
    settings: Settings,
    mode: str,
) -> Run:
    """Detect over the whole corpus with `settings` and score the detections."""
    find = detections_by_compare if mode == "compare" else detections_by_scan
    copytrace.compare("warm up the compiled kernels", "warm up the kernels", settings)
    t = time.perf_counter()
    detections, related = find(suspicious, sources, settings)
    seconds = time.perf_counter() - t
    pairs_with_case = {c.pair for c in cases}
    stray = sum(d.pair not in pairs_with_case for d in detections)
    scores = pan_measures_by_obfuscation(cases, detections)
    return Run(settings, detections, scores, seconds, related, stray)


def grid(
    suspicious: dict[str, str], sources: dict[str, str], cases: list[Case], mode: str
) -> list[Run]:
    """Runs over passage_min_tokens x rewrite_min_tokens, the other settings at their defaults."""
    return [
        run(suspicious, sources, cases, Settings(passage_min_tokens=n, rewrite_min_tokens=r), mode)
        for n in GRID_MIN_TOKENS
        for r in GRID_REWRITE_MIN_TOKENS
    ]


def grid_table(runs: list[Run]) -> str:
    """Markdown table of the overall scores (and verbatim plagdet) of each grid run."""
    lines = [
        "| passage_min_tokens | rewrite_min_tokens | precision | recall | granularity | plagdet "
        "| plagdet (none) | detections |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    best = max(runs, key=lambda r: r.scores[OVERALL].plagdet)
    for r in runs:
        s = r.scores[OVERALL]
        none = f"{r.scores['none'].plagdet:.3f}" if "none" in r.scores else "–"
        mark = " **(best)**" if r is best else ""
        lines.append(
            f"| {r.settings.passage_min_tokens} | {r.settings.rewrite_min_tokens} "
            f"| {s.precision:.3f} "
            f"| {s.recall:.3f} | {s.granularity:.3f} | {s.plagdet:.3f}{mark} | {none} "
            f"| {s.n_detections} |"
        )
    return "\n".join(lines)


def targets_line(r: Run) -> str:
    """Whether a run meets the issue's targets."""
    overall = r.scores[OVERALL].plagdet
    none = r.scores["none"].plagdet if "none" in r.scores else float("nan")

    def verdict(value: float, target: float) -> str:
        if value >= target:
            return f"{value:.3f} ≥ {target}, **met**"
        return f"{value:.3f} < {target}, **not met**"

    return (
        f"Targets: overall plagdet {verdict(overall, TARGET_OVERALL)}; verbatim (`none`) "
        f"plagdet {verdict(none, TARGET_VERBATIM)}."
    )


def machine_line() -> str:
    """Architecture, CPU model and the cores this process may use."""
    return f"{platform.machine()}, {cpu_model()}, nproc = {len(os.sched_getaffinity(0))}"


def versions_line() -> str:
    """copytrace, numba, numpy and Python versions."""
    return (
        f"copytrace {copytrace.__version__}, numba {version('numba')}, numpy {version('numpy')}, "
        f"Python {platform.python_version()}"
    )


def write_section(heading: str, section: str, path: Path = RESULTS) -> None:
    """Put `section` into RESULTS.md, replacing only the earlier section under `heading`."""
    upsert_section(heading, section, path)


def modes_table(runs: dict[str, Run]) -> str:
    """Markdown table of the overall scores of the compare and scan modes at the same settings."""
    lines = [
        "| mode | pairs with a relation | detections | precision | recall | granularity "
        "| plagdet | plagdet (none) | seconds |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for mode, r in runs.items():
        s = r.scores[OVERALL]
        none = f"{r.scores['none'].plagdet:.3f}" if "none" in r.scores else "–"
        lines.append(
            f"| {mode} | {r.pairs_with_relation} | {s.n_detections} | {s.precision:.3f} "
            f"| {s.recall:.3f} | {s.granularity:.3f} | {s.plagdet:.3f} | {none} "
            f"| {r.seconds:.1f} |"
        )
    return "\n".join(lines)


def build_section(
    main: Run,
    by_mode: dict[str, Run],
    runs: list[Run] | None,
    cases: list[Case],
    command: str,
    mode: str,
) -> str:
    """The Markdown section for bench/RESULTS.md."""
    how = (
        "`copytrace.compare(suspicious, source)` on each of the 35 × 30 = 1,050 pairs"
        if mode == "compare"
        else "one `copytrace.scan` over the 65 documents (matches between a suspicious and a "
        "source document)"
    )
    counts = Counter(c.obfuscation for c in cases)
    lines = [
        HEADING,
        "",
        f"- Command: `{command}`",
        f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {machine_line()}",
        f"- Versions: {versions_line()}",
        f"- Input: `{CORPUS}`: 35 suspicious and 30 source documents, {len(cases)} cases ("
        + ", ".join(f"{k} {v}" for k, v in counts.items())
        + ").",
        f"- Method: {how}; every span of a comparison with a relation is one detection. "
        f"Default settings (passage_min_tokens {main.settings.passage_min_tokens}, "
        f"rewrite_min_tokens {main.settings.rewrite_min_tokens}, align_gap "
        f"{main.settings.align_gap}, rewrite_similarity {main.settings.rewrite_similarity}). "
        f"{main.pairs_with_relation} pairs had a relation; {main.detections_without_case} "
        f"detections fell on pairs without any case; {main.seconds:.1f} s.",
        "",
        format_table(main.scores),
        "",
        targets_line(main),
        "",
        "The same default settings through both front doors (`compare` aligns every pair; "
        "`scan` aligns only the candidate pairs that its sketches propose):",
        "",
        modes_table(by_mode),
    ]
    if runs:
        best = max(runs, key=lambda r: r.scores[OVERALL].plagdet)
        lines += [
            "",
            "Grid (overall scores; the other settings at their defaults):",
            "",
            grid_table(runs),
            "",
            f"Best overall plagdet: {best.scores[OVERALL].plagdet:.3f} with passage_min_tokens "
            f"{best.settings.passage_min_tokens}, rewrite_min_tokens "
            f"{best.settings.rewrite_min_tokens}. " + targets_line(best),
        ]
    lines += [
        "",
        "Notes: precision and recall are PAN's character-level macro measures over both sides "
        "of each case; *detections* of a type are those overlapping a case of that type, so "
        "precision per type shows how tightly they fit, and detections on pairs without a case "
        "only lower the overall precision. Simulated cases are manual rewrites; "
        "random-shuffling and pos-preserving cases reorder words; semantic-variation cases "
        "substitute synonyms. `scan` aligns only the pairs its candidate generation proposes: "
        "similar MinHash signatures, at least 3 shared passage fingerprints (a shared run of "
        "12 words guarantees one), or sentences that share their rarest words (sentence "
        "sketches, `copytrace.sentence_sketch`), while `compare` aligns every pair it is "
        f"given. `{SCAN_NO_REWORDED}` leaves the sentence sketches out: a pair whose only "
        "reuse is reworded throughout shares few word runs and is then never aligned.",
    ]
    return "\n".join(lines) + "\n"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="shared corpora folder")
    p.add_argument("--mode", choices=("compare", "scan"), default="compare")
    p.add_argument("--grid", action="store_true", help="also try a grid of settings")
    p.add_argument("--write-results", action="store_true", help="update bench/RESULTS.md")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the section, and optionally write it to RESULTS.md."""
    args = parse_args(argv)
    corpus = args.corpora / CORPUS
    if not corpus.is_dir():
        print(f"Error: corpus not found at {corpus} (use --corpora).", file=sys.stderr)
        return 1
    suspicious, sources, cases = load_corpus(corpus)
    by_mode = {m: run(suspicious, sources, cases, Settings(), m) for m in ("compare", "scan")}
    without = Settings(reworded_candidates=False)
    by_mode[SCAN_NO_REWORDED] = run(suspicious, sources, cases, without, "scan")
    main_run = by_mode[args.mode]
    runs = grid(suspicious, sources, cases, args.mode) if args.grid else None
    command = "python bench/bench_pan.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    section = build_section(main_run, by_mode, runs, cases, command.strip(), args.mode)
    print(section)
    if args.write_results:
        write_section(HEADING, section)
        print(f"wrote {RESULTS.relative_to(REPO)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
