"""Write docs/cli.md from the commands' own --help, so the reference never drifts from the code.

python docs/make_cli_reference.py
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from copytrace.cli import main

OUT = Path(__file__).with_name("cli.md")
COMMANDS = (
    ("scan",),
    ("dedup",),
    ("compare",),
    ("index",),
    ("index", "add"),
    ("index", "query"),
    ("index", "remove"),
    ("index", "stats"),
    ("serve",),
)


def reference() -> str:
    """The CLI reference as Markdown."""
    runner = CliRunner()
    parts = [
        "# Command-line reference",
        "",
        "Generated from `--help` by `python docs/make_cli_reference.py`; a test checks it is "
        "current.",
        "",
    ]
    for args in ((), *COMMANDS):
        result = runner.invoke(main, [*args, "--help"], prog_name="copytrace", terminal_width=100)
        title = " ".join(("copytrace", *args))
        parts += [f"## `{title}`", "", "```", result.output.rstrip(), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    OUT.write_text(reference(), encoding="utf-8")
    print(f"wrote {OUT}")
