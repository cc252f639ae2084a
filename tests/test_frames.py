"""Recurring frames: a reworded region that other documents reword too, with other figures and
names, is a template; a story reworded by several documents keeps its facts and stays."""

from __future__ import annotations

import numpy as np
import pytest

import copytrace.frames as frames_module
from copytrace import Settings
from copytrace.frames import HeldRewrite, recurring_frames, recurring_regions
from copytrace.model import Match, Relation, Span
from copytrace.sketch import Shingled, shingle_text

SETTINGS = Settings()


def _rewrite(texts: list[str], i: int, j: int) -> HeldRewrite:
    """A rewrite of documents i and j over their whole texts."""
    return HeldRewrite(i, j, _match((0, len(texts[i])), (0, len(texts[j]))))


def _all_pairs(texts: list[str]) -> list[HeldRewrite]:
    n = len(texts)
    return [_rewrite(texts, i, j) for i in range(n) for j in range(i + 1, n)]


# A census-style frame filled in with other places and figures.
FRAME = (
    "As of the census there were {n} people living in {place}, of whom {p} percent were "
    "under the age of eighteen and the median income of a household was {m} dollars"
)
PLACES = [
    ("Ostmere", 4120, 22.5, 31200),
    ("Velbrook", 980, 19.1, 28750),
    ("Harlow Cross", 15300, 25.7, 40110),
    ("Dunmore", 2275, 21.3, 35020),
]
TEMPLATED = [FRAME.format(n=n, place=pl, p=p, m=m) for pl, n, p, m in PLACES]

# One story, reworded three times: the same names and figures, other words.
STORIES = [
    "Mayor Elena Brask opened the Ostmere tram line on Monday after 14 months of delays costing "
    "3.2 million",
    "On Monday Mayor Elena Brask finally opened the Ostmere tram line, after delays of 14 months "
    "that cost 3.2 million",
    "The Ostmere tram line was opened by Mayor Elena Brask on Monday following 14 months of "
    "delays at a cost of 3.2 million",
]


def test_a_frame_reworded_among_several_documents_with_other_figures_is_a_recurring_frame() -> None:
    held = _all_pairs(TEMPLATED)
    assert recurring_regions(held).tolist() == list(range(len(held)))
    assert recurring_frames(held, lambda i: shingle_text(TEMPLATED[i], SETTINGS)).all()


def test_a_story_reworded_by_several_documents_keeps_its_facts_and_is_not_a_frame() -> None:
    held = _all_pairs(STORIES)
    assert recurring_regions(held).tolist() == [0, 1, 2]  # the regions recur ...
    frames = recurring_frames(held, lambda i: shingle_text(STORIES[i], SETTINGS))
    assert not frames.any()  # ... but the names and figures are the same


def test_a_rewrite_two_documents_alone_share_is_never_a_frame() -> None:
    held = [_rewrite(TEMPLATED, 0, 1)]
    asked: list[int] = []

    def shingled(i: int) -> Shingled:
        asked.append(i)
        return shingle_text(TEMPLATED[i], SETTINGS)

    assert recurring_regions(held).shape == (0,)
    assert not recurring_frames(held, shingled).any()
    assert asked == []  # no document is shingled again when no region recurs


def test_a_region_recurs_only_where_other_documents_overlap_it_on_both_sides() -> None:
    # Document 0 holds the frame and a story; 1 and 2 the frame; 3 the story. The rewrite of
    # 0 and 3 over the story does not recur (no third document rewords the story).
    texts = [TEMPLATED[0] + ". " + STORIES[0], TEMPLATED[1], TEMPLATED[2], STORIES[1]]
    frame_0 = (0, len(TEMPLATED[0]))
    story_0 = (len(TEMPLATED[0]) + 2, len(texts[0]))
    held = [
        HeldRewrite(0, 1, _match(frame_0, (0, len(texts[1])))),
        HeldRewrite(0, 2, _match(frame_0, (0, len(texts[2])))),
        _rewrite(texts, 1, 2),
        HeldRewrite(0, 3, _match(story_0, (0, len(texts[3])))),
    ]
    assert recurring_regions(held).tolist() == [0, 1, 2]
    frames = recurring_frames(held, lambda i: shingle_text(texts[i], SETTINGS))
    assert frames.tolist() == [True, True, True, False]


def _match(a: tuple[int, int], b: tuple[int, int]) -> Match:
    span = Span(a[0], a[1], b[0], b[1], 0.8)
    return Match("x", "y", Relation.REWRITE, 0.3, 0.5, 0.5, (span,))


def test_no_rewrites_no_frames() -> None:
    assert recurring_regions([]).shape == (0,)
    frames = recurring_frames([], lambda i: shingle_text("", SETTINGS))
    assert frames.shape == (0,) and frames.dtype == np.bool_


def test_a_passage_reworded_with_other_names_but_the_same_figures_is_not_a_frame() -> None:
    # Several plagiarists reword one passage and swap its names: its figures stay, so however
    # many documents share the region, it is not a frame.
    swapped = [
        STORIES[0],
        STORIES[1].replace("Elena Brask", "Ines Varga").replace("Ostmere", "Velbrook"),
        STORIES[2].replace("Elena Brask", "Tomas Hale").replace("Ostmere", "Dunmore"),
    ]
    held = _all_pairs(swapped)
    assert recurring_regions(held).tolist() == [0, 1, 2]
    assert not recurring_frames(held, lambda i: shingle_text(swapped[i], SETTINGS)).any()


def test_regions_are_compared_a_few_rows_at_a_time_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = [TEMPLATED[0] + ". " + STORIES[0], TEMPLATED[1], TEMPLATED[2], STORIES[1]]
    frame_0 = (0, len(TEMPLATED[0]))
    held = [
        HeldRewrite(0, 1, _match(frame_0, (0, len(texts[1])))),
        HeldRewrite(0, 2, _match(frame_0, (0, len(texts[2])))),
        _rewrite(texts, 1, 2),
        HeldRewrite(0, 3, _match((len(TEMPLATED[0]) + 2, len(texts[0])), (0, len(texts[3])))),
    ]
    whole = recurring_regions(held).tolist()
    monkeypatch.setattr(frames_module, "ROWS_AT_ONCE", 1)
    assert recurring_regions(held).tolist() == whole == [0, 1, 2]
