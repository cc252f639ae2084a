"""What the benchmark scripts share: the machine description and their RESULTS.md sections.

Each script owns one section of bench/RESULTS.md and replaces only that one.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
TITLE = "# copytrace benchmark results"
INTRO = (
    "Measurements made by the scripts in `bench/`, each section written by the script named in "
    "it, with the exact command, date, machine and library versions. Timings come from a shared "
    "machine and move by several per cent between runs; compare ratios measured side by side in "
    "one run rather than absolute numbers across sections or machines."
)


#: A line in a section of RESULTS.md below which the text stays when a benchmark rewrites the
#: section: notes written by hand (what a run showed, what was tried and dropped).
KEPT_NOTES = "<!-- kept: the notes below this line stay when the section is rewritten -->"


def upsert_section(heading: str, section: str, path: Path = RESULTS) -> None:
    """Put `section` (which starts with `heading`) into RESULTS.md, replacing its old copy; the
    old copy's notes below a KEPT_NOTES line follow the new section."""
    if not path.exists():
        path.write_text(f"{TITLE}\n\n{INTRO}\n\n{section}", encoding="utf-8")
        return
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)  # re-read just now
    starts = [i for i, line in enumerate(lines) if line.rstrip("\n") == heading]
    if not starts:
        text = "".join(lines).rstrip("\n")
        path.write_text(f"{text}\n\n{section}", encoding="utf-8")
        return
    start = starts[0]
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].startswith(("## ", "# "))),
        len(lines),
    )
    marks = [i for i in range(start, end) if lines[i].rstrip("\n") == KEPT_NOTES]
    if marks and KEPT_NOTES not in section:
        notes = "".join(lines[marks[0] : end]).rstrip("\n")
        section = section.rstrip("\n") + "\n\n" + notes + "\n"
    after = "".join(lines[end:])
    path.write_text("".join(lines[:start]) + section + ("\n" + after if after else ""), "utf-8")


def command_output(cmd: Sequence[str], fallback: str) -> str:
    """A command's stripped output, or `fallback` when it cannot run."""
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return fallback


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, or platform's guess."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def version(package: str) -> str:
    """Installed version of a distribution, or 'not installed'."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _children(pid: int) -> list[int]:
    """A process's children, from /proc/PID/task/*/children (none once it is gone)."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found.extend(int(c) for c in (task / "children").read_text().split())
    except OSError:
        pass
    return found


def tree_pss_bytes(pid: int) -> int:
    """Proportional set size of a process and all its descendants: shared pages (a forked
    worker's inherited memory) count once in total, so the sum is the tree's real footprint."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(_children(p))
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
        except OSError:
            continue
    return total


class TreeMemory(threading.Thread):
    """Samples `tree_pss_bytes(pid)` every `interval` seconds until stopped; keeps the peak.

    Sampling can miss a peak shorter than the interval; the reaped child's ru_maxrss cannot,
    but it counts one process only, not the worker processes copytrace forks to verify pairs.
    """

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self._done = threading.Event()

    def run(self) -> None:
        """Sample until stop()."""
        while not self._done.is_set():
            self.peak = max(self.peak, tree_pss_bytes(self.pid))
            self._done.wait(self.interval)

    def stop(self) -> int:
        """Stop sampling; the peak in bytes."""
        self._done.set()
        self.join()
        return self.peak


@dataclass(frozen=True)
class ChildRun:
    """What a measured child process took: wall and CPU seconds (user + system, its workers'
    included), the peak RSS of the child alone and the peak summed PSS of it and its workers."""

    wall: float
    cpu: float
    rss_bytes: int
    pss_bytes: int


def run_measured(
    cmd: Sequence[str], env: dict[str, str] | None = None, log: Path | None = None
) -> ChildRun:
    """Run a command as a child process and measure it (RSS from os.wait4, PSS sampled every
    0.5 s); exit with its error output (or `log`, where its output went) if it fails."""
    with open(log, "w") if log is not None else open(os.devnull, "w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd),
            stdout=out,
            stderr=subprocess.STDOUT if log is not None else subprocess.PIPE,
            env=env,
        )
        sampler = TreeMemory(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        pss = sampler.stop()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        if log is not None:
            sys.stderr.write(log.read_text())
        elif proc.stderr is not None:
            sys.stderr.write(proc.stderr.read().decode())
        raise SystemExit(f"{' '.join(cmd[:2])} failed with exit code {code}")
    return ChildRun(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, pss)
