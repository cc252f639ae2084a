"""Start the service: `copytrace serve INDEX` (uvicorn, one process, a thread per request)."""

from __future__ import annotations

import gc
import ipaddress
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from copytrace.errors import InputError, MissingDependencyError

if TYPE_CHECKING:
    from copytrace.index import Index

INSTALL_HINT = 'The HTTP service needs FastAPI and uvicorn: pip install "copytrace[service]"'


def _require() -> None:
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise MissingDependencyError(f"{INSTALL_HINT} ({exc}).") from exc


#: The text of the query that loads the kernels before the first request.
WARM_UP_TEXT = " ".join(
    f"Sentence {k} of the warm-up has words w{k}a w{k}b w{k}c." for k in range(8)
)


def settle(index: Index) -> None:
    """Load the query kernels with a first query, then freeze the objects made so far.

    With numba's objects loaded, a full garbage collection takes 50-100 ms, and one comes every
    few hundred queries, stalling the request it falls on; frozen (`gc.freeze`), the objects
    of startup are no longer traversed. The first request is spared loading the kernels too.
    """
    from copytrace.model import Document

    index.query(Document("warm-up", WARM_UP_TEXT))
    gc.collect()
    gc.freeze()


def is_loopback(host: str) -> bool:
    """Whether an address only answers this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(
    index_path: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    token_file: Path | None = None,
    max_request_mb: float = 16.0,
    prepare: Callable[[], None] | None = None,
) -> None:
    """Serve the index until interrupted; `prepare` runs once the inputs are checked and the
    index is open, before the warm-up (the command line compiles the kernels there, visibly)."""
    _require()
    import uvicorn

    from copytrace.index import Index
    from copytrace.service.app import create_app, read_token

    if not Path(index_path).exists():
        raise InputError(f"{index_path}: no such index (copytrace index add creates one).")
    try:
        token = read_token(token_file)
    except OSError as exc:
        raise InputError(f"--token-file {token_file}: {exc.strerror or exc}.") from exc
    except ValueError as exc:
        raise InputError(f"--token-file {exc}.") from exc
    if token is None and not is_loopback(host):
        print(
            f"Warning: serving on {host} without --token-file: anyone who reaches it can add "
            "and delete documents.",
            file=sys.stderr,
        )
    index = Index(index_path, create=False)
    app = create_app(index, token, int(max_request_mb * (1 << 20)))
    if prepare is not None:
        prepare()
    settle(index)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        index.close()
