"""What the first run compiles: CPU seconds per kernel group and the costliest kernels.

Run from the repository root, in the virtualenv where copytrace is installed:

    python bench/bench_compile.py --write-results

Each group of `copytrace.engines.kernels.ALL_GROUPS` (what building the wheel compiles) is
compiled in order in one process, with numba's cache pointed at a new empty directory (nothing
is loaded from an earlier run), under numba's default optimisation level and, with `--opt`,
others (each in a fresh child process).
Reported: CPU seconds per group (process time around `compile_group`) and, from numba's compile
events, the kernels whose compilation took longest (inclusive of the kernels they call that
were compiled with them, so the figures of a kernel and its callees overlap).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime

from bench_pan import machine_line, versions_line
from common import upsert_section

HEADING = "## First run: what compiling the kernels costs (bench_compile.py)"


def measure() -> dict[str, object]:
    """Compile every group in this process (NUMBA_CACHE_DIR already empty); the times."""
    from numba.core import event

    per_kernel: dict[str, float] = {}

    class Listener(event.Listener):
        def __init__(self) -> None:
            self.started: dict[tuple[int, str], float] = {}

        def on_start(self, ev: event.Event) -> None:
            key = (id(ev.data["dispatcher"]), str(ev.data.get("args")))
            self.started[key] = time.process_time()

        def on_end(self, ev: event.Event) -> None:
            key = (id(ev.data["dispatcher"]), str(ev.data.get("args")))
            func = ev.data["dispatcher"].py_func
            if key in self.started:
                name = f"{func.__module__}.{func.__qualname__}"
                spent = time.process_time() - self.started.pop(key)
                per_kernel[name] = per_kernel.get(name, 0.0) + spent

    event.register("numba:compile", Listener())
    from copytrace.engines import kernels

    groups = {}
    for name in kernels.ALL_GROUPS:
        t = time.process_time()
        kernels.compile_group(name)
        groups[name] = time.process_time() - t
    top = [[k, round(v, 2)] for k, v in sorted(per_kernel.items(), key=lambda kv: -kv[1])[:8]]
    return {"groups": groups, "total": sum(groups.values()), "top": top}


def child(opt: str | None) -> dict[str, object]:
    """`measure` in a fresh process with an empty cache (and NUMBA_OPT=opt)."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        if opt is not None:
            env["NUMBA_OPT"] = opt
        out = subprocess.run(
            [sys.executable, __file__, "--child"], env=env, capture_output=True, text=True
        )
        if out.returncode != 0:
            raise SystemExit(out.stderr)
        return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Measure, print and optionally record."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opt", nargs="*", default=["1", "0"], help="other NUMBA_OPT levels")
    parser.add_argument("--write-results", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure()))
        return
    runs = {"default": child(None)} | {f"NUMBA_OPT={o}": child(o) for o in args.opt}
    names = list(runs["default"]["groups"])  # type: ignore[call-overload]
    lines = [
        HEADING,
        "",
        "- Command: `python bench/bench_compile.py"
        + (f" --opt {' '.join(args.opt)}" if args.opt != ["1", "0"] else "")
        + " --write-results`",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average {os.getloadavg()[0]:.1f}",
        f"- Machine: {machine_line()}",
        f"- Versions: {versions_line()}",
        "",
        "CPU seconds to compile each kernel group with an empty cache, one group after another "
        "in one process (a group reuses what earlier groups compiled in that process):",
        "",
        "| group | " + " | ".join(runs) + " |",
        "|---|" + "--:|" * len(runs),
    ]
    for name in names:
        lines.append(
            f"| {name} | "
            + " | ".join(f"{r['groups'][name]:.1f}" for r in runs.values())  # type: ignore[index]
            + " |"
        )
    lines.append("| all | " + " | ".join(f"{r['total']:.1f}" for r in runs.values()) + " |")
    lines += [
        "",
        "Costliest kernels at the default level (inclusive CPU seconds): "
        + ", ".join(f"`{k}` {v}" for k, v in runs["default"]["top"])  # type: ignore[attr-defined]
        + ".",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write_results:
        upsert_section(HEADING, text)


if __name__ == "__main__":
    main()
