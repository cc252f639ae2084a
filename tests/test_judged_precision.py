"""Precision and recall of passage relations on real text, from the stored judged samples.

The scans are the reference scans (the same ones tests/test_reference.py pins), so this needs no
extra scan. Recall, on the pairs judged reuse in the samples drawn at random from a scan's
output (`judged.drawn_at_random`), meets the precision issue's target (0.95 per corpus group)
and is asserted at it; on every judged pair, with the samples of what changes removed (often
all of it), it is asserted at what it measures, so that no judged loss goes unnoticed.
Precision is asserted at the level the fresh judged sample of the current output measured
(bench/RESULTS.md, "Precision of passage relations on real text"): the issue's target of 0.95
is not met yet for most groups, and a change must not make it worse. A change that improves
precision raises these floors with a fresh judged sample of its own output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ReferenceScans

from copytrace.evaluation.judged import (
    drawn_at_random,
    load_judgments,
    precision,
    recall,
    reported_pairs,
)

JUDGED = Path(__file__).resolve().parent / "data" / "judged_passages.jsonl"
#: The samples drawn from earlier outputs (after, after2, after3) and the fresh samples of the
#: output once reworded passages needed wording of their own, kept the figures of what they
#: reword and were told from tables (after4-51296a5: OWNLESS, FIGURES, TABLE in `align.pieces`)
#: and once short pieces with no wording of their own were stock phrases (after5-6afaaee); each
#: fresh sample 64 pairs, 8 per corpus and relation (seeds 20261205, 20261206). What this code's
#: scan measures on their judged items (reuse / judged items it still reports by that relation).
#: Since reworded passages whose shared wording mostly recurs are frames and quotes answered in
#: other words are cut to the quote (`align.pieces`, 831fbc1), the judged pairs of the earlier
#: samples reported and not reuse went from 135 to 127 with no pair judged reuse lost; quotes
#: and recycled sentences moved from rewrite to passage_reuse (verbatim labels rose), and so did
#: six Reuters notices sharing a frame sentence word for word, which lowered news passage_reuse
#: (131/154 before) and, with the quotes gone from it, newsgroups rewrite (60/75 before). A
#: fresh sample of that output (after6-831fbc1, seed 20261207, 64 pairs, 8 per corpus and
#: relation, judged blind; 22 of its 23 pairs judged before got the same verdict) is included.
#: Since verbatim pieces also end at lines both sides replace (a418fe3), five matches of the
#: reference scans changed: four judged quotes and reissues went from rewrite to passage_reuse,
#: and one pair, two replies quoting one post, is new; it was judged (changed-a418fe3: every
#: changed match not judged before). The false pairs reported stayed 9 in newsgroups
#: passage_reuse and 17 in its rewrite, whose precision fell (53/70 before) as its real
#: quotes left it. Since a post's last lines led by `|` count towards its author's signature
#: (34338f8, boxed signatures), 242 newsgroup passage_reuse pairs and 20 contained ones are gone
#: (a random 20 of them judged: all signatures, gone-34338f8) and 4 false pairs are new (every
#: new or relabelled pair judged: changed-34338f8); newsgroups passage_reuse went from 197/206 to
#: 197/202 on the samples above. A fresh sample of that output (after7-34338f8, seed 20261208,
#: 64 pairs, 8 per corpus and relation, judged blind by four readers; its 22 pairs judged before
#: got the same verdicts) is included: its Reuters notices (4/8 and 3/8) lowered news's rows.
#: Since a list of acronyms is a list though written in capitals (92e4c0c), 18 Wikipedia
#: matches of organisation membership lists are gone (the 15 not judged before: gone-92e4c0c,
#: all lists); Wikipedia rewrite went from 44/69 to 44/66. Since two short documents whose
#: texts outside their passages are two fillings of one frame share only its fixed part
#: (cce63a8, `align.pieces.filled_template`), 30 Reuters notices and one pair of replies quoting
#: one post are gone (the 21 not judged before: gone-cce63a8; 20 templates, the replies reuse);
#: news passage_reuse went from 164/197 to 164/191 and rewrite from 87/120 to 87/118.
#: Since a frame also recurs when a large share of its fingerprints are in a whole series of
#: documents (bd1d056, SERIES_SHARE in `align.pieces`), 127 Wikipedia passage_reuse matches
#: (stock sentences of country, emperor and chart-caption articles) and 32 rewrites are gone,
#: with 9 news matches; Wikipedia passage_reuse went from 85/109 to 85/104 and rewrite from
#: 44/66 to 44/59, news rewrite from 87/118 to 87/116, with no pair of these samples judged
#: reuse lost. A random 23 of the removals of a stricter variant (every series piece dropped,
#: however long) were judged (gone-bd1d056): 20 of them are removed here, 16 of those not reuse
#: (State Department report sentences, chart captions, notices) and 4 reuse (a recycled Taiwan
#: trade sentence, a membership list shared by a country's article and its foreign relations
#: article, two reworded paragraphs); recall counts them, precision leaves that sample out
#: (its 3 pairs still reported were not drawn at random from what is reported). A fresh
#: sample of the new output (after8-bd1d056, seed 20261209, 64 pairs, 8 per corpus and
#: relation, judged blind by four readers; its 29 pairs judged before got the same verdicts)
#: is included. Since two short documents that are mostly reworded passages are judged as
#: whole texts (391ed52, `align.pieces.refilled`), 25 Reuters rewrites, 6 Reuters passage_reuse
#: pairs and one Wikipedia pair are gone, and 2 Reuters rewrites are new; every one of them was
#: judged (the 21 not judged before: gone-391ed52, changed-391ed52): 28 of the 32 removed are
#: not reuse (offering, tender, price and rate notices), 4 reuse (two market reports repeating
#: a paragraph, a follow-up story, an earnings table reissued), and both new ones are notices.
#: News rewrite went from 99/132 to 99/124. A fresh sample of that output (after9-391ed52, seed
#: 20261210, 64 pairs, 8 per corpus and relation, judged blind by four readers; its 20 pairs
#: judged before got the same verdicts) is included. Since a reworded passage's longest piece
#: copied word for word counts as verbatim words (f531fa3, `align.pieces._longest_copied`), 131
#: rewrite matches became passage_reuse and 7 are new (fewer rewrites make fewer recurring
#: frames); a random 40 of the relabelled not judged before and the 5 new ones not judged
#: before were judged (changed-f531fa3: 36 of the 40 reuse, 4 templates; the 5 new all reuse;
#: the 2 new judged before are telnet transcripts), and a fresh sample of the new output
#: (after10-f531fa3, seed
#: 20261211, 64 pairs, 8 per corpus and relation, judged blind by four readers; its 27 pairs
#: judged before got the same verdicts) is included. The rewrite rows fell as their real pairs
#: holding a copied sentence left them (on the same judged items: news 0.809 -> 0.790,
#: newsgroups 0.771 -> 0.711, Wikipedia 0.744 -> 0.636), Wikipedia passage_reuse rose (0.836 ->
#: 0.866) and the verbatim labels rose. Since a reworded passage at least 0.9 similar is a
#: copy with small edits (2b1cf39, `verify.EDITED_COPY`), 129 rewrite matches became
#: passage_reuse and 2 Wikipedia rewrites are new; a random 30 of the relabelled not judged
#: before and the 2 new were judged (changed-2b1cf39: 24 of the 30 reuse, 6 templates; one new
#: pair reuse, one a month article's frame). The verbatim labels on the random samples meet
#: the 0.95 target (0.914, 0.931, 0.927 before); on the same judged items the rewrite rows of
#: newsgroups (0.711) and Wikipedia (0.683) fell as their copies with small edits left them,
#: news rewrite rose (0.787) and news passage_reuse fell (0.878) with Reuters notices of one
#: frame and a figure or two changed. Since posts lose the signatures they quote (bfe6468 and
#: its successor, `messages._quoted_signatures`), 95 newsgroup passage_reuse pairs are gone and
#: 9 are new; every one was judged (gone-bfe6468, changed-bfe6468): of the gone, 78 of 93 not
#: judged before are signatures and 15 reuse, 9 of which are still reported through an exact
#: copy (the reply and its repost now differ only by the signature they quoted), 4 replies
#: quoting a post that was itself a quoted signature and a remark, 1 a retort under a quoted
#: signature; of the 9 new, 6 are signatures (quoted without a `-- ` line, now in fewer
#: documents than `boilerplate_min_docs`) and 3 quotes. A pair is reported when its two sides
#: or exact copies of them are related (`evaluation.judged.reported_pairs`). On the samples
#: above, newsgroups passage_reuse went from 259/274 to 257/269. A fresh sample of the new
#: output's newsgroup passage_reuse (after11-a91db82, seed 20261214, 48 of its 12,911 pairs,
#: judged blind by three readers; its 4 pairs judged before got the same verdicts): 48 reuse.
#: With it, 8 pairs per corpus and relation of the rest of that output (seed 20261216, 56
#: pairs, judged blind by four readers; 25 of its 28 pairs judged before got the same
#: verdict): BBC 8/8 and 8/8, Reuters 6/8 and 5/8, Wikipedia 8/8 and 3/8 (passage_reuse and
#: rewrite), newsgroups rewrite 4/8. Its verbatim pairs reported as rewrite (BBC background
#: sentences recycled with light edits, a Wikipedia paragraph with one sentence edited) lowered
#: the verbatim labels.
SAMPLES = {
    "after-3d2f1d3",
    "after2-4d12d8b",
    "after3-9771188",
    "after4-51296a5",
    "after5-6afaaee",
    "after6-831fbc1",
    "after7-34338f8",
    "after8-bd1d056",
    "after9-391ed52",
    "after10-f531fa3",
    "changed-a418fe3",
    "changed-34338f8",
    "changed-391ed52",
    "changed-f531fa3",
    "changed-2b1cf39",
    "gone-34338f8",
    "gone-391ed52",
    "gone-92e4c0c",
    "gone-cce63a8",
    "gone-bfe6468",
    "changed-bfe6468",
    "after11-a91db82",
}
PRECISION_FLOORS = {
    ("news", "passage_reuse"): (272, 315),
    ("news", "rewrite"): (99, 122),
    ("newsgroups", "passage_reuse"): (318, 336),
    ("newsgroups", "rewrite"): (46, 72),
    ("wikipedia", "passage_reuse"): (190, 219),
    ("wikipedia", "rewrite"): (42, 75),
}
TARGET_RECALL = 0.95
#: The issue's target for verbatim reuse labelled passage_reuse or a whole-document relation,
#: met on the random samples since 2b1cf39.
TARGET_VERBATIM_LABELS = 0.95
#: Verbatim reuse labelled passage_reuse or a whole-document relation, as measured on every
#: judged pair (target 0.95); measured again with each change and each sample (after4-51296a5:
#: its verbatim pairs labelled rewrite, quotes and recycled sentences, lowered news's share;
#: after5-6afaaee; quotes cut to the quote: 0.869, 0.853, 0.920 before; after6-831fbc1 added
#: verbatim pairs; pieces ending at lines both sides replace: 0.874, 0.893 before; after7-34338f8
#: added verbatim pairs: 0.880 and 0.916 before for news and Wikipedia; cce63a8 lost a pair of
#: replies quoting one post: 0.904 before for newsgroups; bd1d056 and its samples: the verbatim
#: pairs of gone-bd1d056 it no longer reports lowered Wikipedia's share from 0.906; gone-bfe6468
#: brought 15 verbatim pairs, 5 of which are gone with the signatures they quoted, and
#: changed-bfe6468 3 new ones: newsgroups 0.944 with these judgments and the scan before, 0.938
#: after; 0.943 with after11-a91db82; Wikipedia 0.963 before it).
VERBATIM_LABEL_FLOORS = {"news": 0.935, "newsgroups": 0.943, "wikipedia": 0.960}
#: Since recall counts the random samples only (391ed52), the verbatim labels there, with
#: after9-391ed52. On every judged pair (with gone-391ed52: every pair 391ed52 removed, 4 of 20
#: not judged before real: two repeated market-report paragraphs, a follow-up story, an
#: earnings table reissued) recall and verbatim labels are asserted at what they measure
#: (after11-a91db82, with its verbatim pairs labelled rewrite: news 0.950, newsgroups 0.952,
#: Wikipedia 0.967 before).
VERBATIM_LABEL_FLOORS_RANDOM = {"news": 0.952, "newsgroups": 0.955, "wikipedia": 0.962}
#: (gone-bfe6468: newsgroups 0.968 with its judgments and the scan before, 0.963 after;
#: 0.967 with after11-a91db82.)
RECALL_FLOORS_EVERY_SAMPLE = {"news": 0.955, "newsgroups": 0.967, "wikipedia": 0.970}


def _reported(scans: ReferenceScans) -> dict[tuple[str, str], str]:
    matches = []
    for name in ("news", "wikipedia"):
        with open(scans.matches_file(name), encoding="utf-8") as fh:
            matches.extend(json.loads(line) for line in fh)
    return reported_pairs(matches)


@pytest.mark.slow
@pytest.mark.corpora
def test_judged_precision_and_recall_hold(corpora: Path, reference_scans: ReferenceScans) -> None:
    judged = load_judgments(JUDGED)
    reported = _reported(reference_scans)
    found = {(p.group, p.relation): p for p in precision(judged, reported, SAMPLES)}
    print()
    for key, (reuse, items) in PRECISION_FLOORS.items():
        p = found[key]
        print(f"[precision] {key}: {p.reuse}/{p.judged} = {p.value:.3f} (target 0.95)")
        assert p.judged >= items * 0.9  # the sample's items are still reported
        assert p.value >= reuse / items - 1e-9
    for r in recall(judged, reported, drawn_at_random):
        print(
            f"[recall, random samples] {r.group}: {r.reported}/{r.reuse} = {r.value:.3f}; "
            f"verbatim labels {r.verbatim_as_verbatim}/{r.verbatim} = {r.verbatim_labels:.3f}"
        )
        assert r.value >= TARGET_RECALL
        assert r.verbatim_labels >= VERBATIM_LABEL_FLOORS_RANDOM[r.group] - 1e-3
        assert r.verbatim_labels >= TARGET_VERBATIM_LABELS
    for r in recall(judged, reported):
        print(
            f"[recall, every sample] {r.group}: {r.reported}/{r.reuse} = {r.value:.3f}; "
            f"verbatim labels {r.verbatim_as_verbatim}/{r.verbatim} = {r.verbatim_labels:.3f}"
        )
        assert r.value >= RECALL_FLOORS_EVERY_SAMPLE[r.group] - 1e-3
        assert r.verbatim_labels >= VERBATIM_LABEL_FLOORS[r.group] - 1e-3
