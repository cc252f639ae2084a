"""Start the service: `copytrace serve INDEX` (uvicorn, one process, a thread per request)."""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path

from copytrace.errors import InputError, MissingDependencyError

INSTALL_HINT = 'The HTTP service needs FastAPI and uvicorn: pip install "copytrace[service]"'


def _require() -> None:
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise MissingDependencyError(f"{INSTALL_HINT} ({exc}).") from exc


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
) -> None:
    """Serve the index until interrupted."""
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
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        index.close()
