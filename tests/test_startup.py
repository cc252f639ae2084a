"""The command line starts without numba's probe for SciPy's BLAS (copytrace.engines.startup)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
