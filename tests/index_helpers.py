"""Compare the related pairs of `scan` with those of an index queried document by document.

Both are taken over exact-copy classes: `scan` relates exact copies to the first document with
their text and compares the other texts through that document, the index compares each query
with the first document of every other text. So a pair (a, b) is compared as (class of a,
class of b); exact copies as the partition into classes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import copytrace
from copytrace import Document, Index, Match, Relation, Settings


def _classes(exact: Iterable[Match], ids: Sequence[str]) -> dict[str, str]:
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for m in exact:
        a, b = find(m.a), find(m.b)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {i: find(i) for i in ids}


def _pairs(matches: Iterable[Match], ids: Sequence[str]) -> tuple[dict, dict[str, str]]:
    matches = list(matches)
    cls = _classes([m for m in matches if m.relation is Relation.EXACT], ids)
    out: dict[frozenset[str], str] = {}
    for m in matches:
        if m.relation is Relation.EXACT:
            continue
        key = frozenset((cls[m.a], cls[m.b]))
        out[key] = m.relation.value
    return out, cls


def scan_and_index(
    docs: Sequence[Document], tmp: Path, settings: Settings | None = None, batches: int = 1
) -> tuple[tuple[dict, dict[str, str]], tuple[dict, dict[str, str]]]:
    """(pairs, classes) of scan, and of the index built in `batches` adds then queried (both
    without the reworded-candidate path, which the index does not run)."""
    settings = settings or Settings(reworded_candidates=False)
    ids = [d.id for d in docs]
    scanned = copytrace.scan(list(docs), settings)
    with Index(tmp / "eq.db", settings) as index:
        size = -(-len(docs) // batches)
        for start in range(0, len(docs), size):
            index.add(list(docs[start : start + size]))
        found: list[Match] = []
        for d in docs:
            found.extend(index.query(d).matches)
    return _pairs(scanned.matches, ids), _pairs(found, ids)


def read_corpus(path: Path, limit: int, min_chars: int = 400) -> list[Document]:
    """The first `limit` documents of a shared corpus file with at least `min_chars`."""
    out = []
    for d in copytrace.read(path):
        if len(d.text) >= min_chars:
            out.append(d)
            if len(out) == limit:
                break
    return out


def made_copies(bases: Sequence[Document], seed: int = 7) -> list[Document]:
    """Real articles and made copies of them, under site chrome of five hosts.

    Per article: the original; every third an exact copy on another site, every third an
    edited copy (one word in 60 replaced), every fourth a copy cut at 55%, every fifth a
    paragraph quoted inside another article. Each site (posts excepted) puts a menu line and a
    footer around its pages, so host chrome is found (and blanked again in the first pages of
    each site).
    """
    import random

    rng = random.Random(seed)
    sites = [f"site{k}.example" for k in range(5)]

    def page(site: str, text: str) -> str:
        if text.startswith("From:"):  # a post stays a post: its author's lines are its chrome
            return text
        return f"{site.upper()} | Home | World | Business\n{text}\nCopyright {site}. All rights.\n"

    out: list[Document] = []
    for k, base in enumerate(bases):
        site = sites[k % 5]
        text = base.text

        def doc(kind: str, body: str, where: str, k: int = k, name: str = base.id) -> Document:
            meta = {} if body.startswith("From:") else {"url": f"https://{where}/{k}/{kind}"}
            return Document(f"{name}/{kind}", page(where, body), meta)

        out.append(doc("original", text, site))
        other = sites[(k + 1 + rng.randrange(4)) % 5]
        if k % 3 == 0:
            out.append(doc("copy", text, other))
        if k % 3 == 1:
            words = text.split(" ")
            edited = [("changed" if i % 60 == 12 else w) for i, w in enumerate(words)]
            out.append(doc("edited", " ".join(edited), other))
        if k % 4 == 2:
            out.append(doc("cut", text[: int(len(text) * 0.55)], other))
        if k % 5 == 3 and k + 1 < len(bases):
            quote = text[: min(len(text), 600)]
            host = bases[k + 1].text
            half = len(host) // 2
            out.append(doc("quoting", host[:half] + "\n" + quote + "\n" + host[half:], other))
    return out


def synthetic_docs(n: int, seed: int = 3, prefix: str = "doc") -> list[Document]:
    """`n` made-up articles (about 120 words each); every tenth copies an earlier one, every
    tenth but one quotes half of an earlier one."""
    import random

    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ren", "tas", "vo", "bel", "dri", "un", "sa", "pel", "gor"]
    vocab = ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(6000)]
    out: list[Document] = []
    for i in range(n):
        if i % 10 == 9 and out:
            earlier = out[rng.randrange(len(out))]
            text = earlier.text
        else:
            sentences = []
            for _ in range(8):
                words = [rng.choice(vocab) for _ in range(rng.randint(10, 20))]
                sentences.append(" ".join(words).capitalize() + ".")
            text = " ".join(sentences)
            if i % 10 == 8 and out:
                earlier = out[rng.randrange(len(out))].text
                text = text + " " + earlier[: len(earlier) // 2]
        out.append(Document(f"{prefix}-{i}", text))
    return out


def write_jsonl(path: Path, docs: Sequence[Document]) -> Path:
    """Write documents as JSON Lines (id, text, and their metadata)."""
    import json

    with open(path, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps({"id": d.id, "text": d.text, **d.meta}) + "\n")
    return path
