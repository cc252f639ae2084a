"""What the benchmark scripts share: the machine description and their RESULTS.md sections.

Each script owns one section of bench/RESULTS.md and replaces only that one.
"""

from __future__ import annotations

import platform
import subprocess
from collections.abc import Sequence
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


def upsert_section(heading: str, section: str, path: Path = RESULTS) -> None:
    """Put `section` (which starts with `heading`) into RESULTS.md, replacing its old copy."""
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
