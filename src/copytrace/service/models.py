"""Request and response bodies of the API (they make its OpenAPI description)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_ID = 1024
#: Documents in one add request.
MAX_DOCUMENTS = 1000


class DocumentIn(BaseModel):
    """A document to add or query: its text, or the HTML of a page (its main text is used)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=MAX_ID, description="The document's id.")
    text: str | None = Field(default=None, description="The text (or give `html`).")
    html: str | None = Field(default=None, description="A page's HTML; its main text is used.")
    url: str | None = Field(default=None, max_length=8192, description="Where the page was.")
    meta: dict[str, Any] = Field(default_factory=dict, description="Metadata (e.g. date, url).")

    @model_validator(mode="after")
    def _one_body(self) -> DocumentIn:
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of 'text' and 'html'")
        return self


class AddRequest(BaseModel):
    """Documents to add."""

    model_config = ConfigDict(extra="forbid")

    documents: list[DocumentIn] = Field(min_length=1, max_length=MAX_DOCUMENTS)
    replace: bool = Field(default=True, description="Replace documents whose text changed.")


class AddResponse(BaseModel):
    """What an add did."""

    added: int
    unchanged: int
    replaced: int
    skipped: int
    empty: int
    documents: int = Field(description="Documents in the index after the add.")
    skipped_records: list[dict[str, str]] = []


class QueryRequest(BaseModel):
    """A text (or a page's HTML) to look up."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = None
    html: str | None = None
    id: str = Field(default="query", min_length=1, max_length=MAX_ID)
    url: str | None = Field(default=None, max_length=8192)
    meta: dict[str, Any] = Field(default_factory=dict)
    add: bool = Field(
        default=False, description="Add the document after the query (needs the token)."
    )
    texts: bool = Field(default=False, description="Also return the matched documents' texts.")

    @model_validator(mode="after")
    def _one_body(self) -> QueryRequest:
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of 'text' and 'html'")
        return self


class SpanOut(BaseModel):
    """Aligned characters [a_start, a_end) of the query and [b_start, b_end) of the match."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    similarity: float


class MatchOut(BaseModel):
    """One match, as a line of matches.jsonl (`a`: the query, `b`: the indexed document)."""

    a: str
    b: str
    relation: str
    jaccard: float
    containment_a_in_b: float
    containment_b_in_a: float
    a_coverage: float
    b_coverage: float
    source: str | None
    source_reason: str
    spans: list[SpanOut]


class DocumentOut(BaseModel):
    """An indexed document."""

    id: str
    added: float
    date: str | None
    meta: dict[str, Any]
    chars: int
    text: str | None = None


class QueryOut(BaseModel):
    """The query as compared (HTML reduced to its main text), and its matches."""

    query: dict[str, Any]
    matches: list[MatchOut]
    documents: dict[str, DocumentOut] = Field(
        default_factory=dict, description="Matched documents, with `texts`."
    )


class RecentOut(BaseModel):
    """A page of the latest documents, newest first."""

    documents: list[DocumentOut]
    next_before: int | None = Field(description="Pass as `before` for the next page.")


class MemberOut(BaseModel):
    """A cluster member and its relation to the source."""

    id: str
    relation: str


class ClusterOut(BaseModel):
    """Documents joined by whole-document relations, with their likely source."""

    source: str
    source_reason: str
    members: list[MemberOut]
