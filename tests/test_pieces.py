"""Unit tests of copytrace.align.pieces: the word-by-word alignment of a passage (lcs_pairs),
its cut into verbatim pieces with tight edges (refine_boxes), and each piece's verdict
(reuse, template, list or two texts on one topic)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrace import Settings
from copytrace.align import multiset_dice
from copytrace.align.pieces import (
    ALL_FIGURES_MIN,
    BREAK_GAP,
    EDGE_DICE,
    FIGURES,
    FILLED_MIN_TOKENS,
    ITEM_SHARE,
    KEEP,
    KEPT_FIGURES,
    LIST,
    LIST_NAME_SHARE,
    MAX_CELLS,
    MIN_PIECE,
    MIN_RUN,
    OTHER_FIGURES,
    OWN_FINGERPRINTS,
    OWNLESS,
    RECURRING_MIN,
    RECURRING_SHARE,
    REFILLED_FIGURES,
    REPLACED_LINES,
    SERIES_FACTOR,
    SERIES_SHARE,
    SHOUTED_SHARE,
    STOCK,
    STOCK_MAX_WORDS,
    TABLE,
    TABLE_WORDS,
    TEMPLATE,
    TOPIC,
    _anchored,
    _cut,
    _piece_similarity,
    _pieces,
    _recurs,
    drops_a_figure,
    figure_keys,
    filled_template,
    lcs_pairs,
    other_figures,
    refilled,
    refine_boxes,
    region_verdict,
    word_share,
)
from copytrace.sketch import Shingled, shingle_text
from copytrace.text import CAPITAL, ITEM_END, NAME, NUMBER, SHOUTED
from copytrace.verify import sorted_unique

SETTINGS = Settings()
NO_HASHES = np.empty(0, dtype=np.uint64)
NO_DF = np.empty(0, dtype=np.int32)
MIN_DF = 5


def _words(prefix: str, n: int) -> str:
    """n distinct lower-case words (letters only: no figures, no names)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return " ".join(
        prefix + letters[k // 676] + letters[k // 26 % 26] + letters[k % 26] for k in range(n)
    )


def _ints(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def _no_lines(ia: np.ndarray, ib: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shapes for the regions of an alignment with no token starting a line."""
    size_a = int(np.max(ia)) + 1 if len(ia) else 0
    size_b = int(np.max(ib)) + 1 if len(ib) else 0
    return np.zeros(size_a, dtype=np.uint8), np.zeros(size_b, dtype=np.uint8)


# lcs_pairs: a longest common subsequence, as positions.


def _lcs_length(a: list[int], b: list[int]) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        prev_diag = 0
        for j, y in enumerate(b, start=1):
            prev_diag, row[j] = row[j], prev_diag + 1 if x == y else max(row[j], row[j - 1])
    return row[-1]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 5), max_size=25),
    st.lists(st.integers(0, 5), max_size=25),
)
def test_lcs_pairs_is_a_longest_common_subsequence(a: list[int], b: list[int]) -> None:
    ta, tb = np.array(a, dtype=np.uint64), np.array(b, dtype=np.uint64)
    ia, ib = lcs_pairs(ta, tb)
    assert ia.shape == ib.shape and ia.shape[0] == _lcs_length(a, b)
    assert np.all(np.diff(ia) > 0) and np.all(np.diff(ib) > 0)
    assert np.array_equal(ta[ia], tb[ib])


def test_lcs_pairs_of_a_quote_with_an_interjection() -> None:
    quote = list(range(10))
    a = np.array([*quote[:4], 90, 91, *quote[4:]], dtype=np.uint64)
    ia, ib = lcs_pairs(a, np.array(quote, dtype=np.uint64))
    assert ia.tolist() == [0, 1, 2, 3, 6, 7, 8, 9, 10, 11] and ib.tolist() == quote


# The kernels that cut an alignment into pieces.


def test_matches_outside_runs_of_min_run_anchor_nothing() -> None:
    assert MIN_RUN == 3
    ia = _ints([0, 1, 2, 5, 9, 10, 14, 15, 16, 17])
    ib = _ints([0, 1, 2, 6, 8, 9, 20, 21, 22, 23])
    ka, kb = _anchored(ia, ib)
    assert ka.tolist() == [0, 1, 2, 14, 15, 16, 17] and kb.tolist() == [0, 1, 2, 20, 21, 22, 23]
    # A run must be consecutive on both sides.
    ka, kb = _anchored(_ints([0, 1, 2]), _ints([0, 1, 3]))
    assert ka.shape[0] == kb.shape[0] == 0


def test_pieces_break_at_gaps_of_break_gap_tokens() -> None:
    run = list(range(MIN_PIECE))
    # A gap of BREAK_GAP - 1 tokens on A (none on B) stays inside the piece, unpaired.
    small = BREAK_GAP - 1
    ia = _ints(run + [x + MIN_PIECE + small for x in run])
    ib = _ints(run + [x + MIN_PIECE for x in run])
    assert _pieces(ia, ib, *_no_lines(ia, ib), REPLACED_LINES).tolist() == [
        [0, 2 * MIN_PIECE, 2 * MIN_PIECE, small]
    ]
    # Gaps on both sides: what one side has more than the other is unpaired.
    ib = _ints(run + [x + MIN_PIECE + 4 for x in run])
    assert _pieces(ia, ib, *_no_lines(ia, ib), REPLACED_LINES).tolist() == [
        [0, 2 * MIN_PIECE, 2 * MIN_PIECE, small - 4]
    ]
    # A gap of BREAK_GAP tokens on either side cuts it in two.
    for gap_a, gap_b in ((BREAK_GAP, 0), (0, BREAK_GAP), (BREAK_GAP, BREAK_GAP)):
        ia = _ints(run + [x + MIN_PIECE + gap_a for x in run])
        ib = _ints(run + [x + MIN_PIECE + gap_b for x in run])
        assert _pieces(ia, ib, *_no_lines(ia, ib), REPLACED_LINES).tolist() == [
            [0, MIN_PIECE, MIN_PIECE, 0],
            [MIN_PIECE, 2 * MIN_PIECE, MIN_PIECE, 0],
        ]


def test_pieces_of_fewer_than_min_piece_shared_words_are_dropped() -> None:
    short = list(range(MIN_PIECE - 1))
    ia = _ints(short + [x + 100 for x in range(MIN_PIECE)])
    ib = _ints(short + [x + 100 for x in range(MIN_PIECE)])
    assert _pieces(ia, ib, *_no_lines(ia, ib), REPLACED_LINES).tolist() == [
        [MIN_PIECE - 1, 2 * MIN_PIECE - 1, MIN_PIECE, 0]
    ]
    assert _pieces(
        _ints(short), _ints(short), *_no_lines(_ints(short), _ints(short)), True
    ).shape == (
        0,
        4,
    )


def _cut_pieces(ia: list[int], ib: list[int]) -> list[list[int]]:
    a, b = _ints(ia), _ints(ib)
    return _cut(_pieces(a, b, *_no_lines(a, b), REPLACED_LINES), a, b).tolist()


def test_cut_pieces_end_where_substituted_words_outweigh_the_runs_around_them() -> None:
    # A run of 20, then runs of 3 with 3 words substituted on each side before each (a reply
    # answering a quote in its own words): the piece ends with the long run, and knows the
    # piece it was cut from.
    ia = list(range(20)) + [23 + 6 * k + x for k in range(3) for x in range(3)]
    assert _cut_pieces(ia, ia) == [[0, 20, 20, 0, 0, 29]]
    # The same at the start.
    ia = [6 * k + x for k in range(3) for x in range(3)] + [18 + x for x in range(20)]
    assert _cut_pieces(ia, ia) == [[9, 29, 20, 0, 0, 29]]
    # Words only one side has cost nothing: the reply's own lines between quoted ones.
    ia = list(range(10)) + [x + 10 + BREAK_GAP - 1 for x in range(10)]
    assert _cut_pieces(ia, list(range(20))) == [[0, 20, 20, BREAK_GAP - 1, 0, 20]]


def test_cut_pieces_split_where_substitutions_outweigh_a_run_on_both_sides() -> None:
    # Two runs of MIN_PIECE with three words substituted between them: two pieces.
    run = list(range(MIN_PIECE))
    ia = run + [x + MIN_PIECE + 3 for x in run]
    assert 3 * EDGE_DICE / (1 - EDGE_DICE) > MIN_PIECE
    assert _cut_pieces(ia, ia) == [
        [0, MIN_PIECE, MIN_PIECE, 0, 0, 2 * MIN_PIECE],
        [MIN_PIECE, 2 * MIN_PIECE, MIN_PIECE, 0, 0, 2 * MIN_PIECE],
    ]
    # One substituted word does not: one piece.
    ia = run + [x + MIN_PIECE + 1 for x in run]
    assert _cut_pieces(ia, ia) == [[0, 2 * MIN_PIECE, 2 * MIN_PIECE, 0, 0, 2 * MIN_PIECE]]


def test_a_copy_spun_at_every_fourth_word_is_not_cut() -> None:
    # Runs of three in order, one word substituted between them: Dice 0.75, above EDGE_DICE.
    ia = [4 * k + x for k in range(10) for x in range(3)]
    assert _cut_pieces(ia, ia) == [[0, 30, 30, 0, 0, 30]]


def test_a_piece_of_short_runs_only_stays_as_it_was() -> None:
    # No cut piece would reach MIN_PIECE words: the piece is kept as the aligner matched it.
    ia = [4 * k + x for k in range(2) for x in range(3)]
    ib = [6 * k + x for k in range(2) for x in range(3)]
    assert _cut_pieces(ia, ib) == [[0, 6, 6, 2, 0, 6]]


def test_piece_similarity_leaves_unpaired_words_out() -> None:
    quote = np.arange(20, dtype=np.uint64)
    with_insert = np.concatenate([quote[:10], np.arange(100, 105, dtype=np.uint64), quote[10:]])
    assert multiset_dice(with_insert, quote) == pytest.approx(40 / 45)
    assert _piece_similarity(with_insert, quote, 5) == pytest.approx(1.0)
    # Substitutions are not unpaired: they count.
    swapped = quote.copy()
    swapped[3] = 999
    assert _piece_similarity(swapped, quote, 0) == pytest.approx(0.95)


# refine_boxes: passages cut into pieces with tight edges.


def _shingled(text: str) -> Shingled:
    return shingle_text(text, SETTINGS)


def _refine(
    a: str,
    b: str,
    boxes: list[tuple[int, int, int, int]] | None = None,
    frequent: np.ndarray = NO_HASHES,
    df: np.ndarray = NO_DF,
    large: bool = False,
) -> list[tuple[str, str, int, float, int]]:
    """refine_boxes on two texts (default: one box over both), as (piece of A, piece of B,
    verbatim words, similarity, verdict), the pieces in characters of the texts."""
    sa, sb = _shingled(a), _shingled(b)
    if boxes is None:
        boxes = [(0, len(sa.tokens), 0, len(sb.tokens))]
    found, sims, verdicts = refine_boxes(
        np.array([[*box, 0] for box in boxes], dtype=np.int64),
        sa.tokens,
        sb.tokens,
        sa.shapes,
        sb.shapes,
        sa.hashes,
        sa.width,
        sorted_unique(sb.hashes),
        frequent,
        df,
        MIN_DF,
        SETTINGS.rewrite_similarity,
        SETTINGS.rewrite_min_tokens,
        SETTINGS.passage_min_tokens,
        large,
    )
    assert found.shape[0] == sims.shape[0] == verdicts.shape[0]
    out = []
    for (a0, a1, b0, b1, words), sim, verdict in zip(
        found.tolist(), sims.tolist(), verdicts.tolist(), strict=True
    ):
        piece_a = a[sa.starts[a0] : sa.ends[a1 - 1]]
        piece_b = b[sb.starts[b0] : sb.ends[b1 - 1]]
        out.append((piece_a, piece_b, words, sim, verdict))
    return out


QUOTE_1 = (
    "the new tram line from velbrook to ostmere will open in the spring after two years of "
    "delays over the bridge"
)
QUOTE_2 = (
    "tickets will cost the same as on the bus and the old route will be cut back to the depot "
    "by the autumn"
)


def test_a_quote_with_a_short_interjection_is_one_verbatim_piece() -> None:
    interjection = "good news at last"  # fewer than BREAK_GAP tokens
    a = f"{QUOTE_1} {interjection} {QUOTE_2}"
    b = f"{QUOTE_1} {QUOTE_2}"
    ((piece_a, piece_b, words, sim, verdict),) = _refine(a, b)
    assert (piece_a, piece_b) == (a, b)
    assert sim == 1.0 and verdict == KEEP
    assert words == len(b.split())


def test_reply_lines_between_quotes_cut_the_passage_into_tight_pieces() -> None:
    reply = _words("re", BREAK_GAP)
    a = f"{QUOTE_1} {reply} {QUOTE_2}"
    b = f"{QUOTE_1} {QUOTE_2}"
    pieces = _refine(a, b)
    assert [(p[0], p[1]) for p in pieces] == [(QUOTE_1, QUOTE_1), (QUOTE_2, QUOTE_2)]
    assert [p[2:] for p in pieces] == [
        (len(QUOTE_1.split()), 1.0, KEEP),
        (len(QUOTE_2.split()), 1.0, KEEP),
    ]


def test_a_reply_line_where_the_post_had_another_ends_the_piece() -> None:
    # A reply quotes a post line by line and answers one of its questions in its own line,
    # where the post had another question: those lines are not a reworded part of the quote.
    answer = "wasnt it the pirates who won that year"  # fewer than BREAK_GAP tokens
    question = "who won the pennant in the year the stadium opened"
    a = f"{QUOTE_1}\n{answer}\n{QUOTE_2}"
    b = f"{QUOTE_1}\n{question}\n{QUOTE_2}"
    pieces = _refine(a, b)
    assert [(p[0], p[1]) for p in pieces] == [(QUOTE_1, QUOTE_1), (QUOTE_2, QUOTE_2)]
    assert all(p[3] == 1.0 and p[4] == KEEP for p in pieces)
    # Inside a line, words replaced on both sides stay in the piece, as substitutions.
    a = f"{QUOTE_1} {answer} {QUOTE_2}"
    b = f"{QUOTE_1} {question} {QUOTE_2}"
    ((piece_a, piece_b, _, sim, _),) = _refine(a, b)
    assert (piece_a, piece_b) == (a, b) and sim < 0.95
    # Lines replaced by fewer than REPLACED_LINES tokens on a side stay inside too.
    short = "yes"
    assert len(short.split()) < REPLACED_LINES
    lines_b = f"{QUOTE_1}\n{question}\n{QUOTE_2}"
    ((piece_a, _, _, _, _),) = _refine(f"{QUOTE_1}\n{short}\n{QUOTE_2}", lines_b)
    assert piece_a.startswith(QUOTE_1) and piece_a.endswith(QUOTE_2)


def _canal(backlog: int, north: int, south: int, east: int) -> str:
    return (
        "the canal office said in its daily report that there was a backlog of "
        f"{backlog} ships waiting to enter the canal early today\n"
        f"{north} north {south} south east {east}\n"
        "over the next two days it expects the ships to pass through in both directions"
    )


def test_pieces_between_replaced_lines_are_judged_with_those_lines() -> None:
    # A daily notice: the same frame lines around a line of other figures. Cut at that line,
    # each frame line alone differs by one figure at most; judged with it, the two notices
    # give other figures around one frame: a template.
    pieces = _refine(_canal(39, 31, 29, 12), _canal(41, 18, 22, 7))
    assert len(pieces) == 2
    assert [p[4] for p in pieces] == [TEMPLATE, TEMPLATE]
    # The same notice with its figures: reuse.
    pieces = _refine(_canal(39, 31, 29, 12), _canal(39, 31, 29, 12))
    assert [p[4] for p in pieces] == [KEEP]


def test_unshared_text_at_the_edges_of_a_passage_is_trimmed() -> None:
    a = f"our columnist spent a week on a canal boat {QUOTE_1} next week she visits cheese fairs"
    b = f"readers wrote to us about the weather {QUOTE_1} the council meets on thursday"
    ((piece_a, piece_b, words, sim, _),) = _refine(a, b)
    assert piece_a == piece_b == QUOTE_1
    assert (words, sim) == (len(QUOTE_1.split()), 1.0)


def test_a_quote_answered_in_other_words_ends_where_the_quote_ends() -> None:
    # Both replies quote a question, then answer it; the answers share short phrases between
    # words of their own. The passage is the quote, verbatim.
    quote = f"{QUOTE_1} {QUOTE_2}"
    a = f"{quote} mike foligno was captain of the sabres when he was traded"
    b = f"{quote} wasnt ron francis captain of the whalers when he was traded"
    ((piece_a, piece_b, words, sim, verdict),) = _refine(a, b)
    assert piece_a == piece_b == quote
    assert (words, sim, verdict) == (len(quote.split()), 1.0, KEEP)


def test_a_reworded_passage_stays_whole() -> None:
    # Every third word swapped: no run of MIN_RUN words in order, so no verbatim piece.
    words = _words("w", 60).split()
    spun = [f"x{w}" if k % 3 == 2 else w for k, w in enumerate(words)]
    a, b = "lead " + " ".join(words), " ".join(spun) + " tail"
    ((piece_a, piece_b, verbatim, sim, verdict),) = _refine(a, b)
    assert (piece_a, piece_b) == (a, b)  # as the aligners found it: edges not trimmed
    sa, sb = _shingled(a), _shingled(b)
    assert sim == pytest.approx(multiset_dice(sa.tokens, sb.tokens))
    assert sim < SETTINGS.rewrite_similarity and verbatim == 0 and verdict == KEEP


def test_a_copy_with_its_sentences_shuffled_stays_whole() -> None:
    s1, s2, s3 = (_words(prefix, 15) for prefix in ("ka", "lo", "mu"))
    a, b = f"{s1} {s2} {s3}", f"{s3} {s1} {s2}"
    ((piece_a, piece_b, verbatim, sim, _),) = _refine(a, b)
    assert (piece_a, piece_b, sim) == (a, b, 1.0)
    assert verbatim == 45  # the whole box, verbatim as bags of words


def test_a_reworded_passage_keeping_a_sentence_word_for_word_is_one_span() -> None:
    # A verbatim sentence, BREAK_GAP words only B has, then a reworded sentence of at least
    # rewrite_min_tokens words: one span over all of it, its verbatim words still counted.
    kept = _words("ke", 40)
    reworded = _words("re", 40).split()
    spun = [f"x{w}" if k % 4 == 0 else w for k, w in enumerate(reworded)]
    a = f"{kept} {' '.join(reworded)} {_words('en', 5)}"
    b = f"{kept} {_words('in', BREAK_GAP + 4)} {' '.join(spun)} {_words('en', 5)}"
    ((piece_a, piece_b, verbatim, sim, verdict),) = _refine(a, b)
    assert (piece_a, piece_b) == (a, b)
    assert verbatim == 40 and verdict == KEEP
    assert 0.8 < sim < SETTINGS.rewrite_similarity


def test_boxes_are_refined_one_by_one_in_their_order() -> None:
    a = f"{QUOTE_1} {_words('zz', 30)} {QUOTE_2}"
    b = f"{QUOTE_2} {_words('yy', 30)} {QUOTE_1}"
    n1, n2 = len(QUOTE_1.split()), len(QUOTE_2.split())
    boxes = [(0, n1 + 2, 30 + n2, 30 + n2 + n1), (n1 + 28, n1 + 30 + n2, 0, n2 + 3)]
    pieces = _refine(a, b, boxes)
    assert [(p[0], p[1]) for p in pieces] == [(QUOTE_1, QUOTE_1), (QUOTE_2, QUOTE_2)]


def test_passages_larger_than_max_cells_stay_whole() -> None:
    side = int(MAX_CELLS**0.5) + 1
    a = f"{_words('pa', side // 2)} {_words('qa', 20)} {_words('ra', side - side // 2 - 20)}"
    b = f"{_words('pa', side // 2)} {_words('ra', side - side // 2 - 20)} {_words('sa', 20)}"
    assert len(_shingled(a).tokens) * len(_shingled(b).tokens) > MAX_CELLS
    ((piece_a, piece_b, _, sim, _),) = _refine(a, b)
    assert (piece_a, piece_b) == (a, b)
    assert sim == pytest.approx((2 * (side - 20)) / (2 * side))


# Verdicts: templates, lists, and two texts on one topic.


def _report(company: str, city: str, revenue: str, profit: str, dividend: str, boss: str) -> str:
    return (
        f"{company} of {city} said on Thursday that its revenue for the quarter rose to "
        f"{revenue} million crowns from a year earlier, while net profit reached {profit} million "
        f"crowns, and the board proposed a dividend of {dividend} crowns a share, chief executive "
        f"{boss} told reporters at the annual meeting"
    )


HARROWGATE = _report("Harrowgate Mills", "Velbrook", "412", "38", "115", "Ilse Marren")
QUENBY = _report("Quenby Ropeworks", "Ostmere", "97", "6", "40", "Doran Pike")


def _notice(issuer: str, manager: str, city: str, amount: int, year: int) -> str:
    return (
        f"{issuer} is issuing a {amount} million crown eurobond due {year}, said lead manager "
        f"{manager}. The bonds will be listed in {city}, sold in the usual denominations and "
        "offered to investors through the syndicate of the lead manager and the co-managers it "
        "has named for the issue."
    )


NOTICE_A = _notice("Harrowgate Mills", "Brindle Capital", "Velbrook", 100, 1995)
NOTICE_B = _notice("Quenby Ropeworks", "Osric Securities", "Ostmere", 125, 1996)


def _verdict_of(a: str, b: str, recurring: bool = False, topic: bool = False) -> int:
    sa, sb = _shingled(a), _shingled(b)
    return int(region_verdict(sa.tokens, sa.shapes, sb.tokens, sb.shapes, recurring, topic))


def test_a_verbatim_copy_is_kept_even_when_its_frame_recurs() -> None:
    assert _verdict_of(HARROWGATE, HARROWGATE) == KEEP
    assert _verdict_of(HARROWGATE, HARROWGATE, recurring=True, topic=True) == KEEP
    # A name that starts a sentence on one side is still a name: not a name the other lacks.
    a = "Marren paid 12 crowns for the grey mare at the fair in Velbrook."
    b = "Then Marren paid 12 crowns for the grey mare at the fair in Velbrook."
    assert _verdict_of(a, b, recurring=True) == KEEP


def test_the_same_frame_around_other_figures_on_each_side_is_a_template() -> None:
    assert _verdict_of(HARROWGATE, QUENBY) == TEMPLATE
    # Other names but the same figures: a frame alone does not make it a template ...
    renamed = _report("Quenby Ropeworks", "Ostmere", "412", "38", "115", "Doran Pike")
    assert _verdict_of(HARROWGATE, renamed) == KEEP
    # ... nor do one or two other figures: an updated copy.
    updated = _report("Harrowgate Mills", "Velbrook", "397", "36", "115", "Ilse Marren")
    assert _verdict_of(HARROWGATE, updated) == KEEP


def test_an_update_of_two_decimal_figures_is_not_a_template() -> None:
    before = _report("Harrowgate Mills", "Velbrook", "412.5", "38.2", "1.15", "Ilse Marren")
    after = _report("Harrowgate Mills", "Velbrook", "397.1", "36.9", "1.15", "Ilse Marren")
    assert _verdict_of(before, after) == KEEP


def test_other_figures_in_a_reworded_frame_are_not_a_template_alone() -> None:
    reworded = (
        "Quenby Ropeworks, the rope maker based in Ostmere, reported on Thursday quarterly "
        "revenue up at 97 million crowns and a profit of 6 million crowns; its board wants to "
        "pay out 40 crowns for each share, Doran Pike, who runs the firm, said at the meeting"
    )
    assert _verdict_of(HARROWGATE, reworded) == KEEP
    assert _verdict_of(HARROWGATE, reworded, recurring=True) == TEMPLATE


def test_a_frame_that_recurs_with_other_names_is_a_template() -> None:
    assert _verdict_of(NOTICE_A, NOTICE_B) == KEEP  # two figures: not alone
    assert _verdict_of(NOTICE_A, NOTICE_B, recurring=True) == TEMPLATE
    # Only one side having names the other lacks is an addition, not a swap.
    extended = NOTICE_A.replace(
        "lead manager Brindle Capital", "lead managers Brindle Capital and Osric"
    )
    assert _verdict_of(NOTICE_A, extended, recurring=True) == KEEP


TEAM = (
    "Velbrook Rovers: Arno Pell; Bram Tusk, Cas Verlind, Dirk Omund, Evert Hale; Fenn Dorrit, "
    "Gus Marlow, Hal Ostrander, Ivo Kettle; Jory Blane, Kees Umber. Subs: Lars Pym, Mats Quill."
)


def test_capitalized_words_on_both_sides_are_a_list() -> None:
    assert _verdict_of(TEAM, TEAM) == LIST
    shapes = _shingled(TEAM).shapes
    assert np.mean((shapes & CAPITAL) != 0) >= 0.6
    prose = TEAM.lower()
    assert _verdict_of(TEAM, prose) == KEEP and _verdict_of(prose, prose) == KEEP


def test_a_list_needs_list_name_share_capitalized_tokens_on_both_sides() -> None:
    assert LIST_NAME_SHARE == 0.6
    three_of_five = "tide Velbrook Ostmere Carrow mill"
    two_of_five = "tide Velbrook Ostmere mill weir"
    assert _verdict_of(three_of_five, three_of_five) == LIST
    assert _verdict_of(two_of_five, two_of_five) == KEEP
    assert _verdict_of(three_of_five, two_of_five) == KEEP


def test_prose_in_capitals_is_not_a_list() -> None:
    shouted = (
        "THE HARBOUR MASTER SAID TODAY THAT THE NORTH CHANNEL WILL BE CLOSED TO SHIPPING FOR "
        "THREE DAYS WHILE DIVERS REMOVE THE WRECK OF A GRAIN BARGE THAT SANK IN THE STORM"
    )
    assert _verdict_of(shouted, shouted) == KEEP


def test_a_list_of_acronyms_is_a_list_though_it_is_in_capitals() -> None:
    # Mostly SHOUTED tokens, as a text in capitals, but each an item of a list.
    a = "Ostmere is a member of ACP, AfDB, BDEAC, FAO, G-77, IBRD, ICAO, IDA, ILO, IMF, UPU, WHO"
    b = "Velbrook is a member of ACP, AfDB, CCC, FAO, G-24, IBRD, ICAO, IFC, ILO, IMF, UPU, WMO"
    shapes = _shingled(a).shapes
    assert np.mean((shapes & SHOUTED) != 0) >= SHOUTED_SHARE
    assert np.mean((shapes & ITEM_END) != 0) >= ITEM_SHARE
    assert _verdict_of(a, b) == LIST
    # Without the commas it reads as a text in capitals: no list.
    assert _verdict_of(a.replace(",", ""), b.replace(",", "")) == KEEP


def test_two_fillings_of_one_frame_are_told_by_their_frame_and_their_other_names() -> None:
    lead = "{} is issuing a {} million crown bond due {} paying {} pct, lead manager {} said."
    a = _shingled(lead.format("Harrowgate Mills", 75, 1992, "8-1/2", "Brindle Capital"))
    b = _shingled(lead.format("Quenby Ropeworks", 50, 1994, "9-1/4", "Osric Securities"))
    assert filled_template(a.tokens, a.shapes, b.tokens, b.shapes)
    # The same issuer and figures: one notice, not two fillings.
    same = _shingled(lead.format("Harrowgate Mills", 75, 1992, "8-1/2", "Brindle Capital"))
    assert not filled_template(a.tokens, a.shapes, same.tokens, same.shapes)
    # Other names around other words: no shared frame.
    other = _shingled(
        "Quenby Ropeworks opened a new rope walk at Osric on Monday, hiring 50 men in 1994."
    )
    assert not filled_template(a.tokens, a.shapes, other.tokens, other.shapes)
    # Too short to hold a frame.
    short = _shingled("Quenby Ropeworks 9-1/4 pct")
    assert short.tokens.shape[0] < FILLED_MIN_TOKENS
    assert not filled_template(a.tokens, a.shapes, short.tokens, short.shapes)


NOTICE_FRAME = (
    "{} said it will sell {} million crowns of {} pct notes due {} through {}, priced at "
    "{}, and will use the money to repay bank loans taken for its mill at Velbrook."
)


def _refilled(a: str, b: str) -> bool:
    sa, sb = _shingled(a), _shingled(b)
    return bool(refilled(sa.tokens, sa.shapes, sb.tokens, sb.shapes))


def test_two_whole_short_texts_of_one_frame_and_other_figures_are_two_fillings() -> None:
    a = NOTICE_FRAME.format("Harrowgate Mills", 75, "8-1/2", 1992, "Brindle Capital", "99.5")
    b = NOTICE_FRAME.format("Quenby Ropeworks", 50, "9-1/4", 1994, "Osric Securities", "101")
    assert _refilled(a, b)
    # The same notice reissued with one figure corrected keeps its names and most figures.
    assert not _refilled(a, a.replace("99.5", "99.75"))
    # Other figures and names in other words: no frame.
    other = "Quenby Ropeworks hired 50 men in 1994 and paid 9 crowns a day at Osric Securities."
    assert not _refilled(a, other)
    # Fewer than REFILLED_FIGURES figures on a side: nothing told.
    few = "Quenby Ropeworks said it will sell notes through Osric Securities, priced at par."
    assert figure_keys(_shingled(few).tokens, _shingled(few).shapes).shape[0] < REFILLED_FIGURES
    assert not _refilled(a, few)


def test_a_reworded_passage_of_other_figures_and_names_in_a_large_corpus_is_a_topic() -> None:
    a = "Mayor Ilse Marren opened the Harlow bridge on Monday; it cost 12 million and took 3 years."
    b = "On Monday Tomas Veerhuis opened a Linden footbridge, costing 4 million over 2 years."
    assert _verdict_of(a, b, topic=True) == TOPIC
    assert _verdict_of(a, b, topic=False) == KEEP
    # A rewrite keeps the facts of what it rewords: its figures and names agree.
    c = "Mayor Ilse Marren cut the ribbon on Harlow bridge Monday; it took 3 years and 12 million."
    assert _verdict_of(a, c, topic=True) == KEEP
    # Too few figures and names to tell.
    assert _verdict_of("Ann met Bo at the fair.", "Cas met Dirk by the mill.", topic=True) == KEEP


def test_regions_without_tokens_or_content_are_kept() -> None:
    empty = np.empty(0, dtype=np.uint64)
    no_shapes = np.empty(0, dtype=np.uint8)
    sa = _shingled(HARROWGATE)
    assert region_verdict(empty, no_shapes, sa.tokens, sa.shapes, True, True) == KEEP
    plain_a, plain_b = _words("aa", 20), _words("bb", 20)
    assert _verdict_of(plain_a, plain_b, recurring=True, topic=True) == KEEP


def test_shapes_give_the_verdicts_their_figures_and_names() -> None:
    shapes = _shingled(HARROWGATE).shapes
    words = HARROWGATE.replace(",", "").split()
    figures = [w for w, s in zip(words, shapes.tolist(), strict=True) if s & NUMBER]
    names = [w for w, s in zip(words, shapes.tolist(), strict=True) if s & NAME]
    assert figures == ["412", "38", "115"]
    assert names == ["Mills", "Velbrook", "Thursday", "Ilse", "Marren"]


# A frame recurs when the fingerprints the two sides share are frequent in the corpus.


def _shared_shingles(a: str, b: str) -> np.ndarray:
    sa, sb = _shingled(a), _shingled(b)
    return np.intersect1d(sa.hashes, sb.hashes)


def test_recurs_needs_most_shared_known_fingerprints_in_min_df_documents() -> None:
    shared = _shared_shingles(NOTICE_A, NOTICE_B)
    assert shared.shape[0] >= 10
    sa, distinct_b = _shingled(NOTICE_A).hashes, sorted_unique(_shingled(NOTICE_B).hashes)

    def recurs(frequent: np.ndarray, df: list[int]) -> bool:
        known, common, _ = _recurs(sa, distinct_b, frequent, np.array(df, dtype=np.int32), MIN_DF)
        return common >= RECURRING_MIN and common >= RECURRING_SHARE * known

    assert not recurs(NO_HASHES, [])
    assert recurs(shared, [MIN_DF] * len(shared))
    assert not recurs(shared, [MIN_DF - 1] * len(shared))
    # At least RECURRING_MIN of them ...
    three, two = shared[:3], shared[:2]
    assert recurs(three, [MIN_DF] * 3) and not recurs(two, [MIN_DF] * 2)
    # ... and at least RECURRING_SHARE of those whose frequency is known.
    half = len(shared) // 2
    assert recurs(shared, [MIN_DF] * half + [2] * (len(shared) - half))
    assert not recurs(shared, [MIN_DF] * (half - 1) + [2] * (len(shared) - half + 1))
    # Fingerprints of A that B lacks do not count.
    only_a = np.setdiff1d(sa, shared)
    assert not recurs(only_a, [MIN_DF] * len(only_a))


def test_refine_boxes_calls_a_recurring_frame_a_template() -> None:
    pad_a, pad_b = _words("pa", 12), _words("pb", 12)
    a, b = f"{pad_a} {NOTICE_A} {_words('qa', 8)}", f"{pad_b} {NOTICE_B} {_words('qb', 8)}"
    shared = _shared_shingles(a, b)
    alone = _refine(a, b)
    assert [p[4] for p in alone] == [KEEP]
    assert alone[0][3] < SETTINGS.rewrite_similarity  # a rewrite, were it not a template
    frequent = _refine(a, b, frequent=shared, df=np.full(len(shared), MIN_DF, dtype=np.int32))
    assert [p[4] for p in frequent] == [TEMPLATE]
    rare = _refine(a, b, frequent=shared, df=np.full(len(shared), MIN_DF - 1, dtype=np.int32))
    assert [p[4] for p in rare] == [KEEP]


def test_refine_boxes_calls_a_reworded_passage_a_topic_only_in_a_large_corpus() -> None:
    a = (
        "Mayor Ilse Marren opened the new Harlow bridge over the river on Monday morning after "
        "a long wait; the span cost 12 million crowns and took 3 years to build, and crowds "
        "lined both banks to watch the brass band lead the first walkers across the deck"
    )
    b = (
        "On Monday morning Tomas Veerhuis opened the Linden footbridge across the canal after "
        "a long delay; the crossing cost 4 million crowns and took 2 years to finish, and "
        "people lined the towpath to watch a choir lead the first cyclists across the deck"
    )
    ((_, _, _, sim, verdict),) = _refine(a, b)
    assert sim < 0.9 and verdict == KEEP
    assert [p[4] for p in _refine(a, b, large=True)] == [TOPIC]
    # Verbatim pieces are never a topic.
    assert [p[4] for p in _refine(a, a, large=True)] == [KEEP]


# In a large corpus, a reworded passage must have wording of its own, must not be a table that
# shares only its layout, and must keep the figures of what it rewords.

HARBOUR_A = (
    "the harbour board said on tuesday that the new crane at the east quay would be ready before "
    "the end of the summer season and that work on the old grain warehouse would start soon "
    "after, once the tenders for the roof had been opened by the committee"
)
HARBOUR_B = (
    "on tuesday the harbour board announced that the new crane at the east quay should be "
    "finished ahead of the end of the summer months, and that building work at the former grain "
    "warehouse begins shortly afterwards, when the committee has opened the roof tenders"
)


def test_a_reworded_passage_sharing_only_phrases_the_corpus_repeats_has_no_wording_of_its_own() -> (
    None
):
    shared = _shared_shingles(HARBOUR_A, HARBOUR_B)
    assert shared.shape[0] >= 2 and OWN_FINGERPRINTS == 1
    common = np.full(len(shared), MIN_DF, dtype=np.int32)
    ((_, _, verbatim, sim, verdict),) = _refine(HARBOUR_A, HARBOUR_B, frequent=shared, df=common)
    assert sim < SETTINGS.rewrite_similarity and verbatim == 0 and verdict == KEEP
    found = _refine(HARBOUR_A, HARBOUR_B, frequent=shared, df=common, large=True)
    assert [p[4] for p in found] == [OWNLESS]
    # One shared fingerprint of their own among phrases that mostly recur is not enough ...
    own = common.copy()
    own[0] = MIN_DF - 1
    found = _refine(HARBOUR_A, HARBOUR_B, frequent=shared, df=own, large=True)
    assert [p[4] for p in found] == [OWNLESS]
    # ... most of them their own (fewer than RECURRING_MIN and RECURRING_SHARE recur) is.
    own[: len(shared) - RECURRING_MIN + 1] = MIN_DF - 1
    assert (own >= MIN_DF).sum() < max(RECURRING_MIN, RECURRING_SHARE * len(own))
    found = _refine(HARBOUR_A, HARBOUR_B, frequent=shared, df=own, large=True)
    assert [p[4] for p in found] == [KEEP]
    # Nothing known of the corpus's fingerprints: nothing told.
    assert [p[4] for p in _refine(HARBOUR_A, HARBOUR_B, large=True)] == [KEEP]
    # Verbatim passages are not asked for wording of their own (a reprinted paragraph).
    same = _shared_shingles(HARBOUR_A, HARBOUR_A)
    found = _refine(
        HARBOUR_A, HARBOUR_A, frequent=same, df=np.full(len(same), MIN_DF, dtype=np.int32),
        large=True,
    )  # fmt: skip
    assert [p[4] for p in found] == [KEEP]


QUESTION = (
    "Does anybody know why the shop lists every model of the new laptop with the note that "
    "the battery is optional, when all of them ship with one? Why would they be so unclear "
    "about this in their price list?"
)


def test_a_quote_answered_in_other_words_is_the_quote_alone() -> None:
    # Two replies quote one question (other quote marks, other line breaks) and answer it in
    # words of their own that share a few ("and price lists"): the passage is the quote.
    a = (
        "> " + QUESTION.replace("the note that ", "the note that\n> ") + "\n\nPerhaps the reason "
        "is simple: maybe the sales people who put together the leaflets and price lists were "
        "not clear on it."
    )
    b = (
        ">> " + QUESTION.replace("the new laptop", "the new\n>> laptop") + "\n\n  I think it's "
        "mostly the fault of copywriters, who write up catalogues and price lists in a hurry, "
        "confused themselves."
    )
    ((piece_a, piece_b, verbatim, sim, verdict),) = _refine(a, b, large=True)
    assert piece_a.endswith("in their price list") and piece_b.endswith("in their price list")
    assert sim == 1.0 and verbatim == len(QUESTION.split()) and verdict == KEEP
    # An answer reworded from the other (what is besides the quote shares much) stays with it.
    reworded = (
        ">> " + QUESTION + "\n\nProbably the explanation is plain: the staff in sales who "
        "assembled those leaflets and the price lists were unclear about it."
    )
    ((piece_a, _, _, sim, _),) = _refine(a, reworded, large=True)
    assert piece_a.endswith("not clear on it") and sim < SETTINGS.rewrite_similarity


STANDINGS_TEAMS = (
    "Velbrook Rovers", "Ostmere Town", "Carrow United", "Harlow Athletic",
    "Linden Park", "Quenby Wanderers", "Marren City", "Tusk Albion",
)  # fmt: skip


def _standings(day: int, rows: list[tuple[int, int, int]]) -> str:
    lines = [f"Standings after games of {day} April", "Team GP W L T PTS"]
    for team, (w, lost, t) in zip(STANDINGS_TEAMS, rows, strict=True):
        lines.append(f"{team} {w + lost + t} {w} {lost} {t} {2 * w + t}")
    return "\n".join(lines)


STANDINGS_A = _standings(12, [(4, 18, 0), (8, 3, 3), (14, 15, 5), (12, 6, 0),
                              (15, 0, 3), (13, 19, 0), (14, 8, 5), (7, 18, 0)])  # fmt: skip
STANDINGS_B = _standings(19, [(1, 2, 0), (11, 5, 5), (9, 8, 4), (6, 19, 0),
                              (18, 5, 3), (20, 12, 5), (16, 11, 4), (14, 16, 2)])  # fmt: skip


def test_a_table_sharing_its_layout_and_some_entries_is_a_table_in_a_large_corpus() -> None:
    shared = _shared_shingles(STANDINGS_A, STANDINGS_B)
    own = np.full(len(shared), 2, dtype=np.int32)  # wording of their own: not OWNLESS
    found = _refine(STANDINGS_A, STANDINGS_B, frequent=shared, df=own, large=True)
    assert [p[4] for p in found] == [TABLE]
    assert found[0][3] < SETTINGS.rewrite_similarity
    # Not large: the table's frame is judged as before (other figures around one frame).
    found = _refine(STANDINGS_A, STANDINGS_B, frequent=shared, df=own)
    assert [p[4] for p in found] == [TEMPLATE]
    # A table copied whole is reuse.
    assert [p[4] for p in _refine(STANDINGS_A, STANDINGS_A, large=True)] == [KEEP]


def test_word_share_counts_words_neither_figures_nor_capitalized_unless_shouted() -> None:
    sa = _shingled(STANDINGS_A)
    everything = np.arange(len(sa.tokens))
    assert word_share(everything, sa.shapes) < TABLE_WORDS
    prose = _shingled(HARBOUR_A)
    assert word_share(np.arange(len(prose.tokens)), prose.shapes) == 1.0
    shouted = _shingled(HARBOUR_A.upper())
    assert word_share(np.arange(len(shouted.tokens)), shouted.shapes) == 1.0
    assert word_share(np.empty(0, dtype=np.int64), sa.shapes) == 1.0


PORT_A = (
    "the port authority said it handled 412 ships in the quarter, up from 388 a year earlier, "
    "and that cargo rose to 5.6 million tonnes while the number of passengers fell to 71,000 "
    "after the ferry to the islands was stopped for 3 weeks"
)
#: The same report of other figures ...
PORT_B = (
    "the port authority reported that it handled 297 ships in the quarter, against 310 a year "
    "before, while cargo slipped to 4.1 million tonnes and the number of passengers grew to "
    "86,000 as the ferry to the islands ran for 12 weeks"
)
#: ... and a rewrite of the first that keeps its figures.
PORT_C = (
    "the port authority reported that it handled 412 ships in the quarter, against 388 a year "
    "before, while cargo climbed to 5.6 million tonnes and the number of passengers dropped to "
    "71,000 as the ferry to the islands stopped for 3 weeks"
)


def test_a_reworded_passage_of_other_figures_is_figures_in_a_large_corpus() -> None:
    for other, verdict in ((PORT_B, FIGURES), (PORT_C, KEEP)):
        shared = _shared_shingles(PORT_A, other)
        own = np.full(len(shared), 2, dtype=np.int32)
        found = _refine(PORT_A, other, frequent=shared, df=own, large=True)
        assert [p[4] for p in found] == [verdict]
        assert found[0][3] < SETTINGS.rewrite_similarity
        assert [p[4] for p in _refine(PORT_A, other, frequent=shared, df=own)] == [KEEP]


def test_other_figures_needs_other_figures_figures_each_side_and_less_than_half_kept() -> None:
    assert OTHER_FIGURES == 3 and KEPT_FIGURES == 0.5

    def other(a: str, b: str) -> bool:
        sa, sb = _shingled(a), _shingled(b)
        return bool(other_figures(sa.tokens, sa.shapes, sb.tokens, sb.shapes))

    assert other("rates 1 2 3 4", "rates 5 6 7 8")
    assert not other("rates 1 2 3", "rates 1 6 7")  # two others each side: an update
    assert other("rates 1 2 3 4 5", "rates 1 6 7 8 9")  # one of five kept, four others
    assert not other("rates 1 2 3 4 5 6", "rates 1 2 3 7 8 9")  # half kept
    assert not other("rates 1 2", "rates 5 6")  # too few to tell
    assert other("rates 4.5 2,300 17", "rates 4.6 2,400 18")  # a figure is one figure


# A short piece whose shared fingerprints recur in the corpus is a stock phrase.

STOCK_LINE = "the following outline is provided as an overview of and topical guide to"


def test_a_short_piece_none_of_whose_shared_fingerprints_is_the_twos_own_is_a_stock_phrase() -> (
    None
):
    a = f"{_words('sa', 10)} {STOCK_LINE} {_words('ta', 10)}"
    b = f"{_words('sb', 10)} {STOCK_LINE} {_words('tb', 10)}"
    shared = _shared_shingles(a, b)
    assert shared.shape[0] >= RECURRING_MIN
    common = np.full(len(shared), MIN_DF, dtype=np.int32)
    assert [p[4] for p in _refine(a, b, frequent=shared, df=common)] == [STOCK]
    # Two known fingerprints, both recurring: fewer than RECURRING_MIN, still none its own.
    two = shared[:2]
    found = _refine(a, b, frequent=two, df=np.full(2, MIN_DF, dtype=np.int32))
    assert [p[4] for p in found] == [STOCK]
    # One of them the two documents' own: reuse.
    found = _refine(a, b, frequent=two, df=np.array([MIN_DF, MIN_DF - 1], dtype=np.int32))
    assert [p[4] for p in found] == [KEEP]
    # Nothing known of the corpus: reuse.
    assert [p[4] for p in _refine(a, b)] == [KEEP]
    # A piece of STOCK_MAX_WORDS words or more is never a stock phrase.
    long_a = f"{_words('sa', 10)} {STOCK_LINE} {_words('ua', STOCK_MAX_WORDS)} {_words('ta', 10)}"
    long_b = f"{_words('sb', 10)} {STOCK_LINE} {_words('ua', STOCK_MAX_WORDS)} {_words('tb', 10)}"
    shared = _shared_shingles(long_a, long_b)
    found = _refine(long_a, long_b, frequent=shared, df=np.full(len(shared), MIN_DF, np.int32))
    assert [p[4] for p in found] == [KEEP]


def _drops(a: str, b: str) -> bool:
    sa, sb = _shingled(a), _shingled(b)
    return drops_a_figure(sa.tokens, sa.shapes, sb.tokens, sb.shapes)


def test_a_region_that_leaves_out_one_figure_of_the_side_with_fewer_drops_a_figure() -> None:
    assert ALL_FIGURES_MIN == 3
    a = "Shipments rose to 412.5 tonnes in March from 380 tonnes, with 27 barges loaded."
    # The same three figures, in other words and another order: nothing dropped.
    b = "With 27 barges loaded, March shipments reached 412.5 tonnes, up from 380 tonnes."
    assert not _drops(a, b)
    # One figure of three changed (a decimal counts as one figure): dropped.
    assert _drops(a, b.replace("412.5", "398.1"))
    # More figures on the other side do not matter, only the side with fewer.
    assert not _drops(a, b + " Rates were 14 and 9 dlrs.")
    # Under ALL_FIGURES_MIN figures on the side with fewer: nothing is told.
    few = "Shipments rose to 412.5 tonnes in March from 380 tonnes."
    assert not _drops(few, "Shipments rose to 398.1 tonnes in March from 371 tonnes.")


# Fingerprints found across a whole series of documents make a frame recur, though the two
# documents' own variant of it is found in a few documents only.

SERIES_SENTENCE = (
    "the wardens generally uphold the right of guild members to sell wares at the spring market"
)
SERIES_PARAGRAPH = (
    "The charter of the valley guilds grants every member the right to sell wares at the spring "
    "market, and the wardens generally uphold that right in practice, though traders from outside "
    "the valley report delays at the toll gates and fees that no written rule allows; complaints "
    "go to the guild court, which meets twice a year and seldom rules against a warden."
)


def test_recurs_counts_the_shared_fingerprints_found_in_a_series_of_documents() -> None:
    shared = _shared_shingles(NOTICE_A, NOTICE_B)
    sa, distinct_b = _shingled(NOTICE_A).hashes, sorted_unique(_shingled(NOTICE_B).hashes)
    series = SERIES_FACTOR * MIN_DF
    df = np.array([series] * 3 + [series - 1] * 2 + [2] * (len(shared) - 5), dtype=np.int32)
    known, common, many = _recurs(sa, distinct_b, shared, df, MIN_DF)
    # Every shared shingle of A at each of its positions counts; these texts repeat none.
    assert (known, common, many) == (len(shared), 5, 3)


def _series_verdicts(a: str, b: str, in_series: int) -> list[int]:
    """Verdicts when `in_series` of the two texts' shared fingerprints are in a series' worth
    of documents and the others in two."""
    shared = _shared_shingles(a, b)
    df = [SERIES_FACTOR * MIN_DF] * in_series + [2] * (len(shared) - in_series)
    return [p[4] for p in _refine(a, b, frequent=shared, df=np.array(df, dtype=np.int32))]


def _series_share(a: str, b: str) -> int:
    """How many of the two texts' shared fingerprints make SERIES_SHARE of them."""
    return int(np.ceil(SERIES_SHARE * len(_shared_shingles(a, b))))


def test_a_short_sentence_of_a_series_is_a_stock_phrase() -> None:
    a = f"{_words('sa', 10)} {SERIES_SENTENCE} {_words('ta', 10)}"
    b = f"{_words('sb', 10)} {SERIES_SENTENCE} {_words('tb', 10)}"
    many = _series_share(a, b)
    assert _series_verdicts(a, b, many) == [STOCK]
    # One fewer in the series: the two documents' own sentence, though a few others have it.
    assert _series_verdicts(a, b, many - 1) == [KEEP]


def test_a_long_paragraph_copied_into_a_series_is_still_reuse() -> None:
    # Its names and figures agree on both sides: a copy, however many documents have it.
    a = f"{_words('sa', 10)} {SERIES_PARAGRAPH} {_words('ta', 10)}"
    b = f"{_words('sb', 10)} {SERIES_PARAGRAPH} {_words('tb', 10)}"
    assert len(SERIES_PARAGRAPH.split()) >= STOCK_MAX_WORDS
    assert _series_verdicts(a, b, len(_shared_shingles(a, b))) == [KEEP]


def test_a_series_frame_filled_with_other_names_is_a_template() -> None:
    pad_a, pad_b = _words("pa", 12), _words("pb", 12)
    a, b = f"{pad_a} {NOTICE_A} {_words('qa', 8)}", f"{pad_b} {NOTICE_B} {_words('qb', 8)}"
    many = _series_share(a, b)
    # Fewer than RECURRING_SHARE in min_df documents: it recurs only as a series' frame.
    assert many < RECURRING_SHARE * len(_shared_shingles(a, b))
    assert _series_verdicts(a, b, many) == [TEMPLATE]
    assert _series_verdicts(a, b, many - 1) == [KEEP]


# A reworded passage holding a sentence copied word for word: its verbatim words are that
# sentence's, however its neighbours blur the pieces it was aligned in.

COPIED_SENTENCE = (
    "Major firms including Harrow Mills, Quenby Ropeworks and Brindle Steel have spent much of "
    "the year in tough talks with unions about trimming jobs and costs."
)
ECONOMY_A = (
    "Growth for the whole year was 1.6 percent, the statistics office in Velbrook said on "
    "Tuesday, after a year in which the economy shrank, and down from an earlier estimate of 1.7 "
    "percent. Exports have carried the recovery, as unemployment of more than two million and "
    "planned cuts to welfare mean that shoppers have kept their money to themselves. {} Rising "
    "exports were outweighed in the last quarter by the continuing weakness of demand at home, "
    "the office said, while the strong crown hurt sales of goods overseas."
)
ECONOMY_B = (
    "The statistics office in Velbrook said on Tuesday that the economy grew 1.6 percent over "
    "the whole year, down from an earlier estimate of 1.7 percent, after shrinking the year "
    "before. With planned cuts to welfare and more than two million unemployed, shoppers have "
    "held on to their money, and exports have carried the recovery. {} Demand at home stayed "
    "weak and outweighed rising exports in the last quarter, according to the office, and the "
    "strong crown hurt overseas sales."
)


def test_a_sentence_copied_into_a_reworded_passage_counts_as_verbatim_words() -> None:
    a, b = ECONOMY_A.format(COPIED_SENTENCE), ECONOMY_B.format(COPIED_SENTENCE)
    sentence_words = len(_shingled(COPIED_SENTENCE).tokens)
    assert sentence_words >= SETTINGS.passage_min_tokens
    ((piece_a, _, words, sim, verdict),) = _refine(a, b)
    assert sim < SETTINGS.rewrite_similarity and verdict == KEEP
    assert COPIED_SENTENCE.rstrip(".") in piece_a
    assert words >= sentence_words
    # Without the sentence, the reworded passage copies fewer words than a passage's worth.
    ((_, _, words, sim, _),) = _refine(ECONOMY_A.format(""), ECONOMY_B.format(""))
    assert sim < SETTINGS.rewrite_similarity and words < SETTINGS.passage_min_tokens
    # A sentence the corpus repeats (every shared fingerprint in min_df documents) is stock
    # text, not a passage of the two documents' own.
    shared = _shared_shingles(a, b)
    common = np.full(len(shared), MIN_DF, dtype=np.int32)
    ((_, _, words, _, _),) = _refine(a, b, frequent=shared, df=common)
    assert words < SETTINGS.passage_min_tokens
