"""The cluster of an indexed document: the documents joined to it by whole-document relations.

Found by following verified `exact`, `near_duplicate` and `contained` matches from the document
(each hop a query of an indexed document), up to a limit; the source is chosen as `scan` chooses
it (earliest date, else the document containing most others, else the longest).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from copytrace.index.core import (
    LINKED,
    SOURCE,
    WHOLE_DOCUMENT,
    Cluster,
    Document,
    Match,
    Member,
    Relation,
    choose_source,
)

if TYPE_CHECKING:
    from copytrace.index.index import Index


def cluster_of(index: Index, doc_id: str, limit: int = 200) -> Cluster | None:
    """The cluster holding `doc_id` (None when the document is not indexed)."""
    storage = index.storage
    start = storage.find_document(doc_id)
    if start is None:
        return None
    order = [doc_id]
    docs = {doc_id: start}
    edges: dict[frozenset[str], Match] = {}
    todo = [doc_id]
    copies: set[frozenset[str]] = set()
    while todo and len(order) < limit:
        current = docs[todo.pop(0)]
        if current.text_id is not None:  # every exact copy, not only the oldest
            same = storage.members(current.text_id)
            for number, other_id in storage.document_ids(same).items():
                if other_id != current.id:
                    copies.add(frozenset((current.id, other_id)))
                if other_id not in docs and len(order) < limit:
                    docs[other_id] = storage.document(number)
                    order.append(other_id)
                    todo.append(other_id)
        found = index.searcher.query(Document(current.id, current.text, current.meta))
        for m in found.matches:
            if m.relation not in WHOLE_DOCUMENT:
                continue
            edges.setdefault(frozenset((m.a, m.b)), m)
            if m.b not in docs and len(order) < limit:
                other = storage.find_document(m.b)
                if other is None:
                    continue
                docs[m.b] = other
                order.append(m.b)
                todo.append(m.b)
    members = list(range(len(order)))
    dates = [docs[i].date for i in order]
    lengths = [len(docs[i].text) for i in order]
    contains = [0] * len(order)
    for m in edges.values():
        if m.relation is Relation.CONTAINED:
            big = m.b if m.containment_a_in_b >= m.containment_b_in_a else m.a
            contains[order.index(big)] += 1
    choice = choose_source(members, dates, lengths, contains)
    source = order[choice.index]
    out = []
    for i in order:
        if i == source:
            out.append(Member(i, SOURCE))
            continue
        key = frozenset((i, source))
        edge = edges.get(key)
        if key in copies:
            out.append(Member(i, Relation.EXACT.value))
        else:
            out.append(Member(i, edge.relation.value if edge is not None else LINKED))
    return Cluster(0, source, tuple(out), choice.reason)
