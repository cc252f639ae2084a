"""The command line starts without numba's probe for SciPy's BLAS and without modules a scan
does not use, and ends without the interpreter's tear-down (copytrace.engines.startup)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[1] / "demo" / "news.jsonl"


def test_the_command_line_loads_no_scipy_linalg(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from copytrace.cli import main\n"
        f"main(['scan', {str(DEMO)!r}, '--out', {str(tmp_path / 'out')!r}, '-q', '-j', '1'],"
        " standalone_mode=False)\n"
        "import numba.np.arraymath as a\n"
        "print('scipy.linalg' in sys.modules, a._HAVE_BLAS)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split()[-2:] == ["False", "False"]
    assert (tmp_path / "out" / "matches.jsonl").exists()


def test_a_scan_loads_neither_the_index_nor_the_terminal_report(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from copytrace.cli import main\n"
        f"main(['scan', {str(DEMO)!r}, '--out', {str(tmp_path / 'out')!r}, '-q', '-j', '1'],"
        " standalone_mode=False)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('copytrace.index', 'rich'))))\n"
        "import copytrace\n"
        "print(copytrace.Index.__module__, 'copytrace.index' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-2:] == ["[]", "copytrace.index.index True"]


def test_a_library_user_keeps_numba_as_it_is() -> None:
    code = (
        "import importlib.util\n"
        "import copytrace\n"
        f"copytrace.scan({str(DEMO)!r}, jobs=1)\n"
        "import numba.np.arraymath as a\n"
        "print(a._HAVE_BLAS == (importlib.util.find_spec('scipy') is not None))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split()[-1] == "True"


#: Allocates 100 MB, frees it, allocates it again, and prints the page faults of the second.
_REUSE = (
    "import resource\n"
    "def faults():\n"
    "    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt\n"
    "a = bytearray(100 << 20)\n"
    "del a\n"
    "f0 = faults()\n"
    "b = bytearray(100 << 20)\n"
    "print(faults() - f0)\n"
)


def _faults_of_reuse(setup: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", setup + _REUSE], capture_output=True, text=True, check=True
    )
    return int(done.stdout.split()[-1])


def _glibc() -> bool:
    import platform

    return platform.libc_ver()[0] == "glibc"


def test_the_command_line_reuses_freed_memory(tmp_path: Path) -> None:
    if not _glibc():
        pytest.skip("keeping freed memory is a glibc setting; this C library is left alone")
    cli = (
        "from copytrace.cli import main\n"
        f"main(['scan', {str(DEMO)!r}, '--out', {str(tmp_path / 'out')!r}, '-q', '-j', '1'],"
        " standalone_mode=False)\n"
    )
    library = f"import copytrace\ncopytrace.scan({str(DEMO)!r}, jobs=1)\n"
    kept, given_back = _faults_of_reuse(cli), _faults_of_reuse(library)
    # 100 MB faulted in again is 25,600 pages of 4 kB (or 50 huge pages); reused, next to none.
    assert given_back >= 40
    assert kept * 10 < given_back


def test_keep_freed_memory_says_whether_it_could() -> None:
    assert _faults_of_reuse("") >= 40
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from copytrace.engines.startup import keep_freed_memory as k\nprint(k())\n" + _REUSE,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    said, faults = done.stdout.split()[-2:]
    assert said == str(_glibc())
    if _glibc():
        assert int(faults) < 40


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [(None, 0, ""), (3, 3, ""), ("it went wrong", 1, "it went wrong\n")],
)
def test_leaving_runs_the_exit_handlers_flushes_and_keeps_the_status(
    tmp_path: Path, code: object, status: int, message: str
) -> None:
    marker = tmp_path / "handler-ran"
    program = (
        "import atexit, pathlib, sys\n"
        "from copytrace.engines.startup import leave\n"
        f"atexit.register(pathlib.Path({str(marker)!r}).write_text, 'yes')\n"
        "sys.stdout.write('unflushed output')\n"  # no newline: still in the buffer
        f"leave({code!r})\n"
        "print('never reached')\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert done.returncode == status
    assert done.stdout == "unflushed output"
    assert done.stderr == message
    assert marker.read_text() == "yes"


def test_the_installed_command_writes_its_outputs_before_it_leaves(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "copytrace"
    out = tmp_path / "out"
    done = subprocess.run(
        [str(exe), "scan", str(DEMO), "--out", str(out), "-j", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("25 documents: ") and done.stdout.endswith("summary.json.\n")
    summary = (out / "summary.json").read_text()
    assert summary.rstrip().endswith("}")  # written whole
    lines = (out / "matches.jsonl").read_text().splitlines()
    assert lines and all(line.endswith("}") for line in lines)
