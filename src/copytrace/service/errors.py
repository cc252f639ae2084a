"""One JSON error shape for every failure the service reports.

`{"error": {"status": 422, "code": "invalid_request", "message": "...", "details": [...]}}`:
validation errors and bad input are 4xx, a busy index is 503, and only a bug is a 500.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from copytrace.errors import CopytraceError, InputError, SettingsError
from copytrace.index.storage import IndexBusyError

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "request_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    500: "internal_error",
    503: "busy",
}


def error_body(status: int, message: str, details: list[Any] | None = None) -> dict[str, Any]:
    """The error shape."""
    body: dict[str, Any] = {
        "status": status,
        "code": CODES.get(status, "error"),
        "message": message,
    }
    if details:
        body["details"] = details
    return {"error": body}


def error_response(status: int, message: str, details: list[Any] | None = None) -> JSONResponse:
    """A JSON response in the error shape."""
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(error_body(status, message, details), status_code=status, headers=headers)


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for e in exc.errors():
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "body"
        out.append({"field": where, "message": str(e.get("msg", "invalid"))})
    return out


def install(app: FastAPI) -> None:
    """Install the handlers that turn every error into the one shape."""

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        """A body or parameter that does not validate: 422, each problem in `details`."""
        details = _validation_details(exc)
        first = details[0] if details else {"field": "body", "message": "invalid"}
        return error_response(422, f"{first['field']}: {first['message']}", details)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        """404, 401, 405, 413 ... in the one shape."""
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return error_response(exc.status_code, message)

    @app.exception_handler(IndexBusyError)
    async def busy(request: Request, exc: IndexBusyError) -> JSONResponse:
        """The index stayed locked by another writer: 503, try again."""
        return error_response(503, str(exc))

    @app.exception_handler(CopytraceError)
    async def bad_input(request: Request, exc: CopytraceError) -> JSONResponse:
        """copytrace's own errors about input: 400."""
        status = 400 if isinstance(exc, InputError | SettingsError | ValueError) else 500
        return error_response(status, str(exc))

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> JSONResponse:
        """Anything else is a bug: 500, still in the one shape."""
        return error_response(500, f"internal error ({type(exc).__name__}); see the server log")
