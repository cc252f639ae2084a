"""The index's chrome rules are the engine's: same lines counted, same ranges blanked."""

from __future__ import annotations

from copytrace.boilerplate import BoilerplateFinder
from copytrace.engines.local.corpus import provenance_of
from copytrace.index.chrome import blanks_of, counted_keys, threshold
from copytrace.messages import message_parts


def _corpus() -> list[tuple[str, dict[str, str]]]:
    docs = []
    for k in range(8):
        body = f"Story {k} has words of its own, w{k}a w{k}b w{k}c, and a long sentence. " * 3
        page = f"SITE MENU | Home | World\n{body}\nShare this story\nCopyright Site {k % 2}\n"
        docs.append((page, {"url": f"https://site{k % 2}.example/{k}"}))
        docs.append((f"Reuter\n{body}\nBriefly noted\n", {}))
        post = (
            f"From: writer{k % 2}@example.org (Writer)\nSubject: Re: topic {k}\n"
            f"Organization: Example\n\nIn article <x{k}@y>, someone writes:\n> quoted {k}\n"
            f"My own reply number {k} with its own words.\n\n-- \nWriter {k % 2}\n"
            "Example Org, phone 555\n"
        )
        docs.append((post, {}))
    return docs


def test_blanks_equal_the_engines_once_counts_are_in() -> None:
    docs = _corpus()
    finder = BoilerplateFinder(3)
    counts: dict[int, int] = {}
    seen: set[tuple[object, str]] = set()
    provenances = []
    for text, meta in docs:
        parts = message_parts(text)
        provenance = provenance_of(meta, parts, None)
        provenances.append((provenance, parts))
        finder.add(provenance, text, post=parts is not None)
        if (provenance, text) in seen:
            continue
        seen.add((provenance, text))
        for key in counted_keys(text, provenance, parts is not None):
            counts[key] = counts.get(key, 0) + 1
    finder.finish()
    chrome = {k for k, n in counts.items() if n >= threshold(k, 3)}
    engine = finder.blanks_many([p for p, _ in provenances], [t for t, _ in docs])
    mine = [
        blanks_of(text, p, None if parts is None else parts.ranges, chrome)
        for (text, _), (p, parts) in zip(docs, provenances, strict=True)
    ]
    assert [b.runs for b in mine] == [b.runs for b in engine]
    assert sum(bool(b.runs) for b in mine) == len(docs)  # every kind of chrome was found
    assert finder.n_marked == len(chrome)
