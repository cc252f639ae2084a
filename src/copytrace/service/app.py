"""The FastAPI application: the API routes over one Index, and the page at `/`."""

from __future__ import annotations

import hmac
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Query
from fastapi.responses import HTMLResponse, Response

from copytrace import __version__
from copytrace.index import Index
from copytrace.index.core import Document, extract_page
from copytrace.index.query import QueryResult
from copytrace.service import errors
from copytrace.service.limits import BodyLimit
from copytrace.service.models import (
    AddRequest,
    AddResponse,
    ClusterOut,
    DocumentIn,
    DocumentOut,
    QueryOut,
    QueryRequest,
    RecentOut,
)

_PAGE_FILES = {"app.js": "text/javascript", "style.css": "text/css"}


def _document(d: DocumentIn | QueryRequest) -> Document:
    """The Document of a request: HTML reduced to its main text, with the page's metadata."""
    meta = dict(d.meta)
    if d.url:
        meta.setdefault("url", d.url)
    if d.html is not None:
        page = extract_page(d.html, d.url)
        for key, value in (("title", page.title), ("date", page.date), ("url", page.url)):
            if value and key not in meta:
                meta[key] = value
        return Document(d.id, page.text, meta)
    return Document(d.id, d.text or "", meta)


def _doc_out(d: Any, text: bool) -> DocumentOut:
    return DocumentOut(**d.to_dict(text=text))


def create_app(
    index: Index, token: str | None = None, max_request_bytes: int = 16 << 20
) -> FastAPI:
    """The service over an open index; writes need `token` when one is given."""
    app = FastAPI(
        title="copytrace",
        version=__version__,
        description="Have we seen this text before? Exact copies, near-duplicates, contained "
        "documents, reused passages and rewrites of a text among the indexed documents, with "
        'aligned spans. Errors have one shape: {"error": {"status", "code", "message", '
        '"details"}}.',
        docs_url=None,
        redoc_url=None,
    )
    errors.install(app)
    app.add_middleware(BodyLimit, limit=max_request_bytes)

    def writer(authorization: Annotated[str | None, Header()] = None) -> None:
        """Writes need 'Authorization: Bearer TOKEN' when the service has a token."""
        if token is None:
            return
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not given or not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(
                401,
                "this request writes to the index: send the service's "
                "token as 'Authorization: Bearer TOKEN'",
            )

    def query_out(found: QueryResult, texts: bool) -> QueryOut:
        """The response of a query, with the matched texts when asked."""
        docs: dict[str, DocumentOut] = {}
        if texts:
            for m in found.matches:
                d = index.get(m.b)
                if d is not None:
                    docs[m.b] = _doc_out(d, True)
        q = found.document
        return QueryOut(
            query={
                "id": q.id,
                "text": q.text,
                "chars": len(q.text),
                "meta": q.meta,
                "indexed": found.indexed,
                "candidates": found.candidates,
            },
            matches=[m.to_dict() for m in found.matches],  # type: ignore[misc]
            documents=docs,
        )

    @app.get("/health", tags=["about"])
    def health() -> dict[str, Any]:
        """Whether the service answers, and how many documents the index holds."""
        return {
            "status": "ok",
            "version": __version__,
            "documents": index.stats(sizes=False)["documents"],
        }

    @app.get("/stats", tags=["about"])
    def stats() -> dict[str, Any]:
        """Documents, size on disk, settings and versions of the index."""
        return index.stats(tables=False)

    @app.post("/query", response_model=QueryOut, tags=["query"])
    def query(
        body: QueryRequest, authorization: Annotated[str | None, Header()] = None
    ) -> QueryOut:
        """The matches of a text (or a page's HTML) among the indexed documents."""
        if body.add:
            writer(authorization)
        found = index.query(_document(body), add=body.add)
        return query_out(found, body.texts)

    @app.post(
        "/documents", response_model=AddResponse, tags=["documents"], dependencies=[Depends(writer)]
    )
    def add(body: AddRequest) -> AddResponse:
        """Add documents (same id and text: unchanged; another text: replaced unless
        `replace` is false)."""
        ids = [d.id for d in body.documents]
        if len(set(ids)) != len(ids):
            raise HTTPException(422, "documents: an id is given twice")
        result = index.add([_document(d) for d in body.documents], replace=body.replace)
        return AddResponse(
            added=result.added,
            unchanged=result.unchanged,
            replaced=result.replaced,
            skipped=result.skipped,
            empty=result.empty,
            documents=index.stats(sizes=False)["documents"],
            skipped_records=result.skipped_records,
        )

    @app.get("/documents", response_model=RecentOut, tags=["documents"])
    def recent(
        limit: Annotated[int, Query(ge=1, le=200)] = 20,
        before: Annotated[int | None, Query(ge=1)] = None,
    ) -> RecentOut:
        """The latest documents added, newest first (texts left out)."""
        docs = index.recent(limit, before)
        nxt = docs[-1].number if len(docs) == limit else None
        return RecentOut(documents=[_doc_out(d, False) for d in docs], next_before=nxt)

    @app.get("/documents/{doc_id:path}/matches", response_model=QueryOut, tags=["documents"])
    def matches(doc_id: str, texts: bool = False) -> QueryOut:
        """The matches of an indexed document among the others."""
        found = index.matches_of(doc_id)
        if found is None:
            raise HTTPException(404, f"no document with id {doc_id!r}")
        return query_out(found, texts)

    @app.get("/documents/{doc_id:path}/cluster", response_model=ClusterOut, tags=["documents"])
    def cluster(doc_id: str) -> ClusterOut:
        """The documents joined to this one by exact, near-duplicate and contained relations."""
        found = index.cluster(doc_id)
        if found is None:
            raise HTTPException(404, f"no document with id {doc_id!r}")
        return ClusterOut(
            source=found.source,
            source_reason=found.source_reason,
            members=[{"id": m.id, "relation": m.relation} for m in found.members],  # type: ignore[misc]
        )

    @app.get("/documents/{doc_id:path}", response_model=DocumentOut, tags=["documents"])
    def get(doc_id: str) -> DocumentOut:
        """An indexed document with its text."""
        d = index.get(doc_id)
        if d is None:
            raise HTTPException(404, f"no document with id {doc_id!r}")
        return _doc_out(d, True)

    @app.delete("/documents/{doc_id:path}", tags=["documents"], dependencies=[Depends(writer)])
    def delete(doc_id: str) -> dict[str, str]:
        """Remove a document from the index."""
        removed, _ = index.remove([doc_id])
        if not removed:
            raise HTTPException(404, f"no document with id {doc_id!r}")
        return {"removed": doc_id}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> HTMLResponse:
        """The web page."""
        return HTMLResponse(_page_file("index.html"))

    @app.get("/page/{name}", include_in_schema=False)
    def page_file(name: str) -> Response:
        """The page's script and style sheet."""
        if name not in _PAGE_FILES:
            raise HTTPException(404, f"no page file {name!r}")
        return Response(_page_file(name), media_type=_PAGE_FILES[name])

    return app


def _page_file(name: str) -> str:
    return resources.files("copytrace.service").joinpath("page", name).read_text("utf-8")


def read_token(path: Path | None) -> str | None:
    """The token in a file (its first line), or None without a file."""
    if path is None:
        return None
    token = path.read_text(encoding="utf-8").strip().splitlines()
    if not token or not token[0].strip():
        raise ValueError(f"{path}: the token file is empty")
    return token[0].strip()
