"""Output paths: checked before any work, written to temporaries and renamed into place.

A scan can take hours; an output that cannot be written must fail before it starts, naming the
option that gave the path, not after it ends. Outputs that belong together (dedup's corpus, its
list of dropped documents and its summary) are written beside their targets under hidden names
and renamed into place only when all of them are complete, so a failed run leaves none of them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from copytrace.errors import OutputError


def _existing_ancestor(path: Path) -> Path:
    """The nearest existing ancestor of a path that does not exist (at worst the root)."""
    for parent in path.absolute().parents:
        if parent.exists():
            return parent
    return Path(path.absolute().anchor)


def check_output_path(path: Path, option: str, *, directory: bool = False) -> None:
    """Fail with an OutputError naming `option` unless `path` can be written as a file (or, with
    `directory`, as a directory), creating missing parent directories if need be."""
    path = Path(path)
    if path.exists():
        if directory and not path.is_dir():
            raise OutputError(
                f"{option} {path}: exists and is not a directory; {option} needs a directory."
            )
        if not directory and path.is_dir():
            raise OutputError(f"{option} {path}: is a directory; {option} needs a file name.")
        where = path if directory else path.absolute().parent
    else:
        where = _existing_ancestor(path)
        if not where.is_dir():
            raise OutputError(f"{option} {path}: {where} is a file, not a directory.")
    # Files are written beside their target and renamed: the directory must be writable.
    if not os.access(where, os.W_OK | os.X_OK):
        raise OutputError(f"{option} {path}: cannot write in {where} (permission denied).")


def make_out_dir(out: Path, option: str = "--out") -> list[Path]:
    """Check and create an output directory; returns the directories created, deepest last."""
    check_output_path(out, option, directory=True)
    created = [p for p in (*reversed(out.absolute().parents), out.absolute()) if not p.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{option} {out}: cannot create the directory ({exc.strerror}).") from exc
    return created


def remove_if_empty(created: list[Path]) -> None:
    """Remove directories `make_out_dir` created, deepest first, as far as they are empty."""
    for directory in reversed(created):
        try:
            directory.rmdir()
        except OSError:
            return


def temporary_beside(target: Path) -> Path:
    """A hidden temporary name in the target's directory (so renaming it is atomic)."""
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


class StagedOutputs:
    """Outputs written to temporaries beside their targets, then renamed into place together."""

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []

    def stage(self, target: Path) -> Path:
        """The temporary path to write `target` to (its parent directories are created)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = temporary_beside(target)
        _remove(tmp)
        self._staged.append((tmp, target))
        return tmp

    def commit(self) -> None:
        """Rename every temporary to its target (an existing empty directory is replaced)."""
        for tmp, target in self._staged:
            if target.is_dir() and not target.is_symlink():
                target.rmdir()  # checked empty before the work; a directory output replaces it
            os.replace(tmp, target)
        self._staged = []

    def discard(self) -> None:
        """Delete every temporary (after a failure)."""
        for tmp, _ in self._staged:
            _remove(tmp)
        self._staged = []


@contextmanager
def staged_outputs() -> Iterator[StagedOutputs]:
    """Stage outputs; on leaving, all are renamed into place, or on an error all are deleted."""
    staged = StagedOutputs()
    try:
        yield staged
    except BaseException:
        staged.discard()
        raise
    staged.commit()
