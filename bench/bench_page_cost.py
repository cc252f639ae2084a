"""What fresh memory costs on this machine, and how much of a scan's time it takes.

Run from the repository root, after `pip install -e ".[bench]"`:

    python bench/bench_page_cost.py [--rounds 3] [--corpora ../shared/corpora]

Two measures, side by side in one run:
- the cost of a fresh 4 kB page: an anonymous mapping of 400 MB touched once a page (each touch
  takes a page fault), and the same size filled at once with `madvise(MADV_POPULATE_WRITE)`
  (no fault per page, the same allocation and zeroing in the kernel);
- `copytrace scan FILES --no-passages --jobs 1 --quiet` on the end-to-end bench's four files
  (news, newsgroups, Reuters, Wikipedia), a fresh process per round: its wall time, peak RSS and
  minor page faults (`os.wait4`), and the bytes its text store wrote to a tmpfs file
  (summary.json's `temporary_texts`: the kernel allocates those pages on write, no fault is
  counted); pages times the page cost estimates the seconds the scan spends on fresh memory.

On a virtual machine a fresh page is dear (the hypervisor backs it too), and no way of
asking for pages changes that: what bounds the scan's time here is how much fresh memory it
touches, not how it asks for it. Prints a Markdown table; nothing is written.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import mmap
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FILES = (
    "bbc_news.jsonl.gz",
    "reuters21578.jsonl.gz",
    "20newsgroups.jsonl.gz",
    "wikipedia_2015_articles.jsonl.gz",
)
PAGE = 4096
SIZE = 400 << 20
MADV_POPULATE_WRITE = 23  # Linux 5.14 and later


def touch_cost() -> float:
    """Seconds per fresh page, faulted in one touch at a time."""
    area = mmap.mmap(-1, SIZE)
    start = time.perf_counter()
    for offset in range(0, SIZE, PAGE):
        area[offset] = 1
    seconds = time.perf_counter() - start
    area.close()
    return seconds / (SIZE // PAGE)


def populate_cost() -> float | None:
    """Seconds per fresh page, allocated in one madvise call; None where it is refused."""
    libc = ctypes.CDLL(None, use_errno=True)
    area = mmap.mmap(-1, SIZE)
    buffer = ctypes.c_char.from_buffer(area)
    start = time.perf_counter()
    done = libc.madvise(
        ctypes.c_void_p(ctypes.addressof(buffer)), ctypes.c_size_t(SIZE), MADV_POPULATE_WRITE
    )
    seconds = time.perf_counter() - start
    del buffer
    area.close()
    return None if done != 0 else seconds / (SIZE // PAGE)


def scan_once(files: list[str]) -> tuple[float, int, int, int]:
    """Wall seconds, peak RSS (kB), minor faults and tmpfs bytes of one scan process."""
    out = tempfile.mkdtemp(prefix="page-cost-")
    cmd = ["copytrace", "scan", *files, "--out", out, "--no-passages", "--jobs", "1", "--quiet"]
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"the scan failed: {' '.join(cmd)}")
    with open(Path(out) / "summary.json", encoding="utf-8") as fh:
        in_tmpfs = json.load(fh)["temporary_texts"]["memory_bytes"]
    shutil.rmtree(out, ignore_errors=True)
    return wall, usage.ru_maxrss, usage.ru_minflt, in_tmpfs


def main() -> None:
    """Measure the page cost and the scan's faults, then print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    args = parser.parse_args()
    files = [str(args.corpora / f) for f in FILES]
    missing = [f for f in files if not Path(f).is_file()]
    if missing:
        sys.exit(f"missing input: {', '.join(missing)}")
    touch, populate, scans = [], [], []
    scan_once(files)  # warm-up: page cache and numba's cache
    for _ in range(args.rounds):
        touch.append(touch_cost())
        cost = populate_cost()
        if cost is not None:
            populate.append(cost)
        scans.append(scan_once(files))
    page = statistics.median(touch)
    wall = statistics.median(s[0] for s in scans)
    faults = statistics.median(s[2] for s in scans)
    tmpfs_pages = statistics.median(s[3] for s in scans) / PAGE
    print(f"| measure | median of {args.rounds} |")
    print("|---|--:|")
    print(f"| fresh page, touched: µs | {page * 1e6:.2f} |")
    if populate:
        print(f"| fresh page, MADV_POPULATE_WRITE: µs | {statistics.median(populate) * 1e6:.2f} |")
    print(f"| scan --no-passages -j 1: wall s | {wall:.2f} |")
    print(f"| scan: peak RSS MB | {statistics.median(s[1] for s in scans) / 1024:.0f} |")
    print(f"| scan: minor page faults | {faults:,.0f} |")
    print(f"| scan: text store pages in tmpfs | {tmpfs_pages:,.0f} |")
    fresh = (faults + tmpfs_pages) * page
    share = fresh / wall
    print(f"| scan: fresh pages x page cost, s (share of wall) | {fresh:.2f} ({share:.0%}) |")


if __name__ == "__main__":
    main()
