"""The one place that writes a scan's outputs: matches.jsonl, clusters.jsonl, summary.json and
the HTML report.

`ScanOutputs` names where they go; its paths are checked before any reading (`check`), matches
stream to their file while verification runs (`match_sink`), and the rest is written once, after
the run, while the run still holds the texts the report shows (`write`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copytrace.io.matchfile import MatchFile
from copytrace.io.outputs import check_output_path, make_out_dir, remove_if_empty
from copytrace.io.results import write_json, write_jsonl


@dataclass(frozen=True, slots=True)
class ScanOutputs:
    """Where a scan writes: a directory for matches, clusters and summary (`out`), or only a
    matches file; and the HTML report with its number of side-by-side pairs."""

    out: Path | None = None
    report: Path | None = None
    report_pairs: int = 200
    matches_file: Path | None = None
    #: Without a matches file: keep matches in a temporary file rather than in memory.
    spill: bool = False

    @property
    def matches_path(self) -> Path | None:
        """Where matches stream to, if anywhere."""
        return self.out / "matches.jsonl" if self.out is not None else self.matches_file

    def check(self) -> list[Path]:
        """Fail before any work when an output cannot be written (naming its option); create
        `out`, returning the directories created (for `abandon`)."""
        if self.report is not None:
            check_output_path(self.report, "--report")
        if self.matches_file is not None:
            check_output_path(self.matches_file, "matches_file")
        return make_out_dir(self.out, "--out") if self.out is not None else []

    def match_sink(self) -> MatchFile | None:
        """The file verified matches stream to, or None (a list in memory)."""
        path = self.matches_path
        if path is None:
            return MatchFile(directory=None) if self.spill else None
        return MatchFile(path)

    def write(
        self,
        clusters: Iterable[Any],
        summary: dict[str, Any],
        result: Any,
        text_of: Callable[[str], str],
    ) -> None:
        """Write everything but the matches (streamed already) once the run is done; `text_of`
        gives the texts the report shows."""
        if self.out is not None:
            write_jsonl(self.out / "clusters.jsonl", (c.to_dict() for c in clusters))
            write_json(self.out / "summary.json", summary)
        if self.report is not None:
            from copytrace.report.html import write_report

            write_report(self.report, result, text_of, max_pairs=self.report_pairs)

    @staticmethod
    def abandon(created: list[Path]) -> None:
        """After a failed run: remove the output directories it created, if still empty."""
        remove_if_empty(created)
