"""Where verification's time goes, by what each candidate pair turns out to be.

Run from the repository root, in the virtualenv where copytrace is installed:

    python bench/bench_verify_outcomes.py --write-results

Scans the shared news corpora (bbc_news + reuters21578 + 20newsgroups) and the 15,000 Wikipedia
articles of ../shared/corpora, each in this process with `--jobs 1` and default settings, and
times every call of `verify_pair`. Each verified pair is put in a class by how many passage
fingerprints its two documents share (the candidate stage's count; "bands only" for pairs that
only the signatures proposed) and by whether the token aligner finds a verbatim passage in it
(any box of `passage_min_tokens` words or more, before the pieces are cut). The table gives per
class the pairs, the seconds spent verifying them, and how many became matches; the second table
gives, for the judged pairs of `tests/data/judged_passages.jsonl` that the scan reports with a
passage relation, the verdicts by relation and by whether a verbatim passage was found.

It hooks two internals (`stages.verify_pair` and `align._aligned`, the latter wrapped in Python,
which adds a token-aligner call per aligned pair to the timings), so its seconds are for
comparing classes with each other, not for comparing with the scan's own timings.
"""

from __future__ import annotations

import argparse
import collections
import json
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common import upsert_section

import copytrace.align as align_module
import copytrace.engines.local.stages as stages
from copytrace import __version__, api
from copytrace.align.token import token_boxes

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
JUDGED = REPO / "tests" / "data" / "judged_passages.jsonl"
RESULTS = REPO / "bench" / "RESULTS.md"
HEADING = "## Verification by outcome: where a passage scan's time goes"
GROUPS = {
    "news": ("bbc_news.jsonl.gz", "reuters21578.jsonl.gz", "20newsgroups.jsonl.gz"),
    "wikipedia": ("wikipedia_2015_articles.jsonl.gz",),
}
#: Buckets of shared passage fingerprints (upper bounds, inclusive); -1: proposed by bands only.
BUCKETS = ((-1, "bands only"), (3, "3"), (4, "4"), (7, "5-7"), (11, "8-11"), (10**9, "12+"))
PASSAGE_RELATIONS = ("passage_reuse", "rewrite")


class Recorder:
    """Hooks that record, per verified pair, its seconds, relation, shared fingerprints and
    whether the token aligner found a verbatim passage."""

    def __init__(self) -> None:
        self.shared: dict[tuple[int, int], int] = {}
        self.pairs: list[tuple[str, str, float, str | None, bool]] = []
        self._verbatim = False

    def install(self) -> Callable[[], None]:
        """Wrap the two internals; returns what undoes it."""
        found, verify, align = stages.passage_candidates, stages.verify_pair, align_module._aligned

        def candidates(*args: Any, **kwargs: Any) -> Any:
            out = found(*args, **kwargs)
            if kwargs.get("least") is None and len(args) < 6:  # not the sentence keys' pairs
                for (i, j), n in zip(out.pairs.tolist(), out.shared.tolist(), strict=True):
                    self.shared[(i, j)] = n
            return out

        def verify_pair(a_id: str, a: Any, b_id: str, b: Any, *rest: Any, **kw: Any) -> Any:
            self._verbatim = False
            start = time.perf_counter()
            match = verify(a_id, a, b_id, b, *rest, **kw)
            seconds = time.perf_counter() - start
            relation = None if match is None else match.relation.value
            self.pairs.append((a_id, b_id, seconds, relation, self._verbatim))
            return match

        def aligned(*args: Any) -> Any:
            # The arguments of `_aligned` that `token_boxes` takes, in its order.
            boxes, _ = token_boxes(*args[0:2], *args[4:8], *args[26:28])
            self._verbatim = self._verbatim or boxes.shape[0] > 0
            return align(*args)

        stages.passage_candidates = candidates
        stages.verify_pair = verify_pair
        align_module._aligned = aligned

        def undo() -> None:
            stages.passage_candidates = found
            stages.verify_pair = verify
            align_module._aligned = align

        return undo


def scan_group(files: list[Path]) -> tuple[list[tuple[str, str, float, str | None, bool]], dict]:
    """One scan with the hooks: per pair (a, b, seconds, relation, verbatim, shared), and the
    scan's timings."""
    recorder = Recorder()
    ids: dict[int, str] = {}
    keep_ids = stages.VerifyStage._pairs

    def pairs(self: Any, candidates: Any, found: Any, corpus: Any, prepared: Any) -> None:
        ids.update((i, corpus.docs.id(i)) for i in range(len(corpus.docs)))
        keep_ids(self, candidates, found, corpus, prepared)

    stages.VerifyStage._pairs = pairs  # type: ignore[method-assign]
    undo = recorder.install()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            result = api.scan([str(f) for f in files], jobs=1, out=Path(tmp) / "out")
            timings = dict(result.summary.to_dict()["timings_s"])
    finally:
        undo()
        stages.VerifyStage._pairs = keep_ids  # type: ignore[method-assign]
    index = {name: i for i, name in ids.items()}
    rows = []
    for a, b, seconds, relation, verbatim in recorder.pairs:
        i, j = sorted((index[a], index[b]))
        rows.append((a, b, seconds, relation, verbatim, recorder.shared.get((i, j), -1)))
    return rows, timings


def bucket_of(shared: int) -> str:
    """The label of the bucket that `shared` fingerprints fall in."""
    return next(label for top, label in BUCKETS if shared <= top)


def outcome_table(rows: list) -> list[str]:
    """Markdown rows: per bucket and verbatim or not, pairs, seconds and matches."""
    pairs: collections.Counter = collections.Counter()
    seconds: collections.Counter = collections.Counter()
    matched: collections.Counter = collections.Counter()
    wasted = 0.0
    for _, _, s, relation, verbatim, shared in rows:
        key = (bucket_of(shared), verbatim)
        pairs[key] += 1
        seconds[key] += s
        matched[key] += relation is not None
        wasted += s if relation is None else 0.0
    total = sum(seconds.values())
    out = []
    for _, label in BUCKETS:
        for verbatim in (True, False):
            key = (label, verbatim)
            if pairs[key]:
                out.append(
                    f"| {label} | {'yes' if verbatim else 'no'} | {pairs[key]:,} | "
                    f"{matched[key]:,} | {pairs[key] - matched[key]:,} | {seconds[key]:.2f} | "
                    f"{seconds[key] / total:.0%} |"
                )
    out.append(f"| all | | {sum(pairs.values()):,} | {sum(matched.values()):,} | "
               f"{sum(pairs.values()) - sum(matched.values()):,} | {total:.2f} | "
               f"{wasted / total:.0%} on pairs that matched nothing |")  # fmt: skip
    return out


def judged_table(rows: list, judged_path: Path) -> list[str]:
    """Markdown rows: judged pairs reported with a passage relation, by verbatim or not."""
    found = {}
    for a, b, _, relation, verbatim, _ in rows:
        found[(a, b)] = found[(b, a)] = (relation, verbatim)
    counts: collections.Counter = collections.Counter()
    seen = set()
    for line in judged_path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        key = (item["a"], item["b"])
        if key in seen or key not in found or found[key][0] not in PASSAGE_RELATIONS:
            continue
        seen.add(key)
        relation, verbatim = found[key]
        counts[(relation, verbatim, item["verdict"] == "reuse")] += 1
    out = []
    for relation in PASSAGE_RELATIONS:
        for verbatim in (True, False):
            real, false = counts[(relation, verbatim, True)], counts[(relation, verbatim, False)]
            if real + false:
                out.append(
                    f"| {relation} | {'yes' if verbatim else 'no'} | {real} | {false} | "
                    f"{real / (real + false):.3f} |"
                )
    return out


def main() -> None:
    """Scan each group with the hooks, print the tables and optionally record them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args()
    missing = [f for files in GROUPS.values() for f in files if not (args.corpora / f).exists()]
    if missing:
        sys.exit(f"bench_verify_outcomes: not found in {args.corpora}: {', '.join(missing)}")
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        HEADING,
        "",
        "- Command: `python bench/bench_verify_outcomes.py --write-results`",
        f"- Date: {started}",
        f"- Machine: {platform.machine()}, Python {platform.python_version()}, "
        f"copytrace {__version__}",
        "- Each group scanned in one process, `--jobs 1`, default settings; seconds are those "
        "of `verify_pair` calls (with the hook's extra token-aligner call).",
    ]
    for group, files in GROUPS.items():
        rows, timings = scan_group([args.corpora / f for f in files])
        lines += [
            "",
            f"### {group} (scan stages, s: "
            + ", ".join(f"{k} {v:.2f}" for k, v in timings.items())
            + ")",
            "",
            "| shared fingerprints | verbatim passage found | pairs | matched | matched "
            "nothing | seconds | share of seconds |",
            "|---|---|--:|--:|--:|--:|--:|",
            *outcome_table(rows),
            "",
            "| relation (judged pairs reported) | verbatim passage found | reuse | not reuse | "
            "precision |",
            "|---|---|--:|--:|--:|",
            *judged_table(rows, JUDGED),
        ]
    section = "\n".join(lines) + "\n"
    print(section)
    if args.write_results:
        upsert_section(HEADING, section, RESULTS)


if __name__ == "__main__":
    main()
