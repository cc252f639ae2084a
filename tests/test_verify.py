"""Unit tests of verification (copytrace.verify): scores, relations, shared spans, orientation."""

from __future__ import annotations

import numpy as np

from copytrace import Relation, Settings
from copytrace.align.boxes import Passage
from copytrace.align.pieces import FILLED_MAX_TOKENS, filled_template
from copytrace.sketch import shingle_text, sketch_batch
from copytrace.verify import (
    EDITED_COPY,
    _edited_copy,
    _fillings_of_a_template,
    relation_of,
    scores,
    shared_span,
    shingle_set,
)


def _set(text: str, s: Settings):  # type: ignore[no-untyped-def]
    sk = sketch_batch([text], s)
    return shingle_set(shingle_text(text, s), tuple(sk.exact[0].tolist()))


def test_scores_relation_and_span() -> None:
    s = Settings()
    body = " ".join(f"word{i}" for i in range(100))
    head = " ".join(f"word{i}" for i in range(40))
    a, b = _set("HEADER " + head, s), _set(body, s)
    sc = scores(a, b)
    assert sc.containment_a_in_b == 36 / 37
    assert relation_of(False, sc, s) is Relation.CONTAINED
    span = shared_span(a, b, sc.jaccard)
    assert span is not None
    assert ("HEADER " + head)[span.a_start : span.a_end] == head
    assert body[span.b_start : span.b_end] == head
    assert relation_of(True, sc, s) is Relation.EXACT
    unrelated = _set(" ".join(f"other{i}" for i in range(50)), s)
    assert relation_of(False, scores(a, unrelated), s) is None


def test_orient_changes_only_the_source() -> None:
    from dataclasses import fields, replace

    from copytrace.model import Match, Span
    from copytrace.verify import orient

    s = Settings()
    m = Match("a", "b", Relation.CONTAINED, 0.3, 0.9, 0.2, (Span(1, 9, 2, 8, 0.97),), 0.8, 0.1)
    assert all(getattr(m, f.name) != f.default for f in fields(Match)[:9])
    cases = [
        (("2020-01-02", "2020-01-01"), "b", "earlier date"),
        ((None, "2020-01-01"), "b", "contains the other"),
        ((None, None), None, "undetermined: no date, no containment"),
    ]
    for (date_a, date_b), source, reason in cases:
        if source is None:
            m = replace(m, containment_a_in_b=0.2)
        assert orient(m, date_a, date_b, s) == replace(m, source=source, source_reason=reason)


def _terms_passage(a: str, b: str, s: Settings):  # type: ignore[no-untyped-def]
    """The shingle sets of two notices and their shared terms (from TERMS on) as a passage."""
    sa, sb = _set(a, s), _set(b, s)
    ta, tb = sa.shingled, sb.shingled
    ia = int(np.searchsorted(ta.starts, a.index(TERMS[:20])))
    ib = int(np.searchsorted(tb.starts, b.index(TERMS[:20])))
    return sa, sb, Passage(ia, len(ta.tokens), ib, len(tb.tokens), len(ta.tokens) - ia, 1.0)


TERMS = (
    "The notes come in units of 1,000 and 10,000 crowns and will trade in Velbrook; dealers "
    "placing them earn 1-1/4 pct and the managing group a further 5/8 pct."
)


def _notice(issuer: str, amount: int, coupon: str, bank: str, year: int) -> str:
    return (
        f"{issuer} is selling {amount} mln crowns of notes due {year} paying {coupon} pct and "
        f"priced at par, the arranging bank {bank} said. {TERMS}"
    )


def test_two_short_notices_that_are_one_reworded_passage_are_judged_as_whole_texts() -> None:
    s = Settings()
    a = _notice("Harrowgate Mills", 75, "8-1/2", "Brindle Capital", 1992)
    b = _notice("Quenby Ropeworks", 50, "9-1/4", "Osric Securities", 1994)
    sa, sb = _set(a, s), _set(b, s)
    n_a, n_b = len(sa.shingled.tokens), len(sb.shingled.tokens)
    # Nothing outside one passage over both texts: the whole texts are two fillings.
    reworded = Passage(0, n_a, 0, n_b, 10, 0.8)
    assert _fillings_of_a_template([reworded], sa, sb, s.rewrite_similarity)
    # A verbatim passage over them is left to the passage rules (a reply that is mostly the
    # post it quotes).
    verbatim = Passage(0, n_a, 0, n_b, n_a, 1.0)
    assert not _fillings_of_a_template([verbatim], sa, sb, s.rewrite_similarity)
    # The same notice reworded with its issuer and figures kept: one notice.
    sc = _set(a.replace("is selling", "sells"), s)
    alike = Passage(0, n_a, 0, len(sc.shingled.tokens), 10, 0.9)
    assert not _fillings_of_a_template([alike], sa, sc, s.rewrite_similarity)


def test_two_short_notices_are_fillings_of_one_frame_outside_their_shared_terms() -> None:
    s = Settings()
    a = _notice("Harrowgate Mills", 75, "8-1/2", "Brindle Capital", 1992)
    b = _notice("Quenby Ropeworks", 50, "9-1/4", "Osric Securities", 1994)
    sa, sb, passage = _terms_passage(a, b, s)
    assert _fillings_of_a_template([passage], sa, sb, s.rewrite_similarity)
    # One notice with its coupon corrected keeps its issuer and bank: not two fillings.
    corrected = a.replace("8-1/2", "8-3/4")
    sa, sc, passage = _terms_passage(a, corrected, s)
    assert not _fillings_of_a_template([passage], sa, sc, s.rewrite_similarity)
    # Longer documents are no notices, even where what is outside their passages would pass
    # for two fillings of one frame.
    long_a = " ".join(f"Ward {k} of Velbrook voted for the harbour plan." for k in range(20))
    long_b = " ".join(f"Ward {k} of Ostmere voted for the railway plan." for k in range(40, 60))
    sa, sb, passage = _terms_passage(f"{long_a} {a}", f"{long_b} {b}", s)
    assert len(sa.shingled.tokens) > FILLED_MAX_TOKENS
    out_a, out_b = slice(0, passage.a_start), slice(0, passage.b_start)
    ta, tb = sa.shingled, sb.shingled
    assert filled_template(ta.tokens[out_a], ta.shapes[out_a], tb.tokens[out_b], tb.shapes[out_b])
    assert not _fillings_of_a_template([passage], sa, sb, s.rewrite_similarity)


def test_a_reworded_passage_of_small_edits_is_an_edited_copy() -> None:
    settings = Settings()
    assert settings.rewrite_similarity > EDITED_COPY

    def passage(similarity: float) -> Passage:
        return Passage(0, 60, 0, 60, 0, similarity)

    assert _edited_copy([passage(0.8), passage(EDITED_COPY)], settings)
    # A copy spun at every fifth word, or a passage verbatim already (its words are counted
    # as verbatim words instead), is none.
    assert not _edited_copy([passage(0.8)], settings)
    assert not _edited_copy([passage(settings.rewrite_similarity)], settings)
