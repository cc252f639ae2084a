"""Passages cut to what the two texts share: verbatim pieces, tight edges, templates told apart.

The aligners find regions that correspond; they do not say which words of them are shared. A
reply that quotes three paragraphs of a post with its own lines in between, or a copy with a
clause inserted, is aligned as one region whose token similarity is lowered by text that was
never copied. Here each passage is aligned word by word (longest common subsequence of its two
token sequences); its runs of MIN_RUN or more words in the same order on both sides are cut into
pieces wherever a side has BREAK_GAP tokens or more between runs (the reply's own lines between
quoted ones), or where both sides have whole lines of their own (REPLACED_LINES: each reply
answers a quoted question in its own words before quoting the next; a piece cut there is still
judged with those lines, which may hold a template's other figures). A verbatim piece is then
cut again where the two sides stop agreeing (`_cut`, EDGE_DICE: an answer in other words after a
quote). Smaller differences stay inside a piece: what one side has more than the other there (an
inserted clause, a deleted word) is left out of the piece's similarity, while substitutions (a
synonym, a changed figure) count, so a verbatim quote with an interjection is verbatim and a
spun copy is reworded. Each piece starts and ends on a shared word. A passage whose shared words
in order are not mostly nearly verbatim pieces (a reworded passage; unless, cut to where they
agree, its verbatim pieces hold a passage's worth and most of its words in runs while the rest
shares little: a quote answered in other words), or whose words are mostly reordered (shuffled
sentences), stays whole, as its aligner found it (a reworded sentence may begin and end with
other words), with the Dice coefficient of its token multisets as its similarity.

Each piece or passage is then checked for what is not reuse: a *template* (the same sentence
frame around other figures and names: each side has figures or names the other lacks) and a
*list* (mostly capitalized words on both sides: a team sheet, a cast list). A template's frame
must recur: most of the fingerprints the two sides share are found in at least `min_df`
documents of the corpus (an offering notice, a census paragraph), or a large share of them in
a whole series of documents (SERIES_FACTOR x `min_df`: a country article's stock sentence),
or it is the same word for word around several other figures on each side (a weekly table of
other figures). Rewrites and reprints keep the figures and names of what they copy, templates
swap exactly those; but a plagiarist may swap names too, and a reworded passage two documents
alone share is never taken for a template (so `compare`, which knows no corpus, calls only
such tables templates).

In a large corpus a reworded passage must also have wording of its own (OWNLESS: one of the
fingerprints its two sides share is in fewer than `min_df` documents, and they do not recur
as a frame's do), must not be a table that shares only its layout and some entries (TABLE:
few of its words in runs in the same order, and those mostly figures and names), and must
keep the figures of what it rewords (FIGURES: each side has several figures the other lacks).
A reworded piece that holds a passage's worth of words copied word for word is reuse on those
words and is not asked any of this.

A reworded passage's words copied word for word, which make its pair passage_reuse when they
are a passage's worth, are also those of its longest piece that, cut to where its two sides
agree, is verbatim and no stock text of the corpus (`_longest_copied`): a sentence one article
copied into another that retells the same report is a verbatim passage, though the retold words
around it blur the pieces it was aligned in. Whether a reworded passage is asked the questions
above still depends only on the pieces as aligned.
"""

from __future__ import annotations

import numba
import numpy as np

from copytrace.align.boxes import multiset_dice
from copytrace.text import (
    CAPITAL,
    FIGURE_PART,
    ITEM_END,
    LINE_START,
    NAME,
    NUMBER,
    SHOUTED,
    mix64,
)

#: Largest passage (tokens of A x tokens of B) aligned word by word; larger ones stay whole.
MAX_CELLS = 4_000_000
#: A piece ends where a side has this many tokens in a row that the other lacks.
BREAK_GAP = 16
#: A piece also ends where both sides have whole lines the other lacks, of at least this many
#: tokens on each side: a reply's own line where the quoted post had another (the answer to a
#: question it quotes), not a synonym or a reworded clause inside a line. At 5, a four-word
#: answer line ("This is completely false.") still passed for reworded text of the quote.
REPLACED_LINES = 3
#: The least tokens of replaced lines that end a piece, as `_pieces` takes it: REPLACED_LINES,
#: or more than any gap (no cut at lines). numba's int64, not literals: a literal argument
#: compiles the kernel once more for each value.
CUT_AT_LINES: int = np.int64(REPLACED_LINES)  # type: ignore[assignment]
NOT_AT_LINES: int = np.int64(1 << 62)  # type: ignore[assignment]
#: Pieces are made of runs of at least this many words in the same order on both sides.
MIN_RUN = 3
#: Pieces of fewer shared words are dropped.
MIN_PIECE = 6
#: A piece is cut to where the two sides agree: where the words substituted between its runs
#: (what both sides have there, unlike each other) would bring a stretch's Dice below
#: EDGE_DICE, the piece ends, and resumes where a run outweighs them (a reply that quotes a
#: question, then answers it in its own words that happen to share a phrase). Words only one
#: side has (a reply's own lines between quoted ones) cost nothing here, and a copy spun at
#: every fourth word (Dice 0.75) stays one piece. Whether a piece is reuse (a template, a
#: list) is still judged on the stretch before it was cut, which shows what differs.
EDGE_DICE = 0.7
#: A passage is cut into pieces only when its nearly verbatim pieces (Dice at least
#: VERBATIM_PIECE) hold this share of its shared words in order ...
MIN_KEPT_SHARE = 0.5
VERBATIM_PIECE = 0.9
#: ... or, cut to where their two sides agree (`_cut`), those verbatim (`rewrite_similarity`)
#: hold a passage's worth of words and most of the words in runs, while what the two regions
#: have besides them shares little (Dice below QUOTE_REST_DICE): a quote that two replies
#: answer in words of their own. A reworded copy with verbatim stretches shares much besides
#: them, and stays whole (PAN `compare` plagdet is 0.874 with 0.4, as without the rule; 0.856
#: with 0.5, 0.846 with no limit).
QUOTE_REST_DICE = 0.4
#: ... and its words are not mostly reordered: its Dice as bags of words exceeds the Dice of
#: its shared words in order by less than this. Otherwise it stays whole: a reworded passage,
#: or a copy with its sentences shuffled.
MAX_REORDERING = 0.15
#: A passage whose tokens are capitalized (names, initials) in at least this share on both
#: sides is a list.
LIST_NAME_SHARE = 0.6
#: A region with at least this share of words in capitals is written in capitals: not a list,
#: and its names are not told by their case ...
SHOUTED_SHARE = 0.5
#: ... unless at least this share of its tokens end an item of a list ("ACP, AfDB, FAO, ..."):
#: a list of acronyms is a list though it is in capitals, while prose in capitals has a comma
#: every several words.
ITEM_SHARE = 0.5
#: Dice of the words other than figures and names at which a frame is the same; around the
#: same frame, this many figures on each side that the other lacks make a report of other
#: figures, where an updated copy changes one or two.
SAME_FRAME = 0.9
OTHER_FIGURES = 3
#: A frame recurs when at least this share of the passage's shared fingerprints whose document
#: frequency is known are in `min_df` documents or more, and there are at least RECURRING_MIN.
RECURRING_SHARE = 0.5
RECURRING_MIN = 3
#: A frame also recurs when at least SERIES_SHARE of the passage's shared fingerprints whose
#: frequency is known are in SERIES_FACTOR x `min_df` documents or more: text written into a
#: whole series of documents (a country article's sentence on the press from a yearly report,
#: a chart caption, a team article's opening frame). The share is below half because two
#: documents of a series often share one variant of the stock text, found in a few documents,
#: around a core found in the whole series. Frequencies count a thread of posts once, so a post
#: quoted throughout its thread is no series.
SERIES_FACTOR = 3
SERIES_SHARE = 0.4
#: In a large corpus, a reworded passage (below VERBATIM_PIECE) whose figures and names agree
#: less than this (Dice, with at least TOPIC_MIN_CONTENT of them on each side) is two texts on
#: one topic, not a rewrite: among many documents of one genre, loosely similar sentences are
#: common, while a rewrite keeps the specific facts of what it rewords.
TOPIC_CONTENT_DICE = 0.5
TOPIC_MIN_CONTENT = 4
#: ... and so is one whose words are in runs of MIN_RUN or more in the same order on both sides
#: less than this share: a rewrite keeps some of its source's phrasing, while texts written
#: apart share single words and names.
TOPIC_MIN_ANCHORED = 0.1
#: A piece shorter than this many words whose shared fingerprints recur (at least
#: STOCK_SHARE of those whose frequency is known, and RECURRING_MIN; or all of them, however
#: few: none is the two documents' own; or those of a series, as above) is a stock phrase of
#: the corpus: a rating formula, a contact line, a citation lead-in, a series' stock sentence.
#: Longer recurring passages (a wire paragraph reprinted on many sites, a paragraph copied
#: into a series of articles) are still reuse when the two sides agree on their names and
#: figures.
STOCK_MAX_WORDS = 40
STOCK_SHARE = 0.75
#: In a large corpus, a reworded passage (below `rewrite_similarity`) must share wording of
#: its own with the other side: at least OWN_FINGERPRINTS of the fingerprints its two sides
#: share must be found in fewer than `min_df` documents (a thread of posts counting once), and
#: they must not recur as a frame's do (RECURRING_SHARE of them, and RECURRING_MIN, in `min_df`
#: documents or more, or SERIES_SHARE in a series' worth). A rewrite keeps phrases of what it
#: rewords, and those phrases are the two documents'; a frame filled in with other names and
#: figures, or two texts of one genre, share mostly phrases the corpus repeats (an offering
#: notice, a census sentence, a human rights report's paragraph on the press), with a few that
#: two fillings happen to share. When no fingerprint frequency is known (`compare`, a small
#: corpus) nothing is told this way.
OWN_FINGERPRINTS = 1
#: ... and a reworded passage kept whole whose words in runs in the same order on both sides
#: (`_anchored`) are less than TABLE_ANCHORED of its words, and of which less than
#: TABLE_WORDS are words (not figures, not capitalized: a table's rows are figures, names and
#: abbreviations), is a table that shares its layout and some entries with the other, not a
#: rewrite: a table copied from the other keeps most of its rows in order.
TABLE_ANCHORED = 0.6
TABLE_WORDS = 0.3
#: ... and a reworded passage in which each side has OTHER_FIGURES figures or more that the
#: other lacks, keeping less than KEPT_FIGURES of the figures of the side with fewer, gives
#: other facts in similar words (a notice or a table of other figures, two reports on one
#: topic): a rewrite keeps the figures of what it rewords, an updated copy changes one or two.
KEPT_FIGURES = 0.5
#: A pair that only the reworded-sentence keys proposed (its documents share no passage
#: fingerprint: no verbatim run of the winnowing window) must keep, in its passages, every
#: figure of the side with fewer distinct figures when that side has this many: such pairs are
#: found by shared content words, which a recurring report (prices, a crop estimate, a monthly
#: statistic) shares with each of its other issues, changing only the figures.
ALL_FIGURES_MIN = 3
#: Verdicts of `refine_boxes`: OWNLESS (a reworded passage with no wording of its own), TABLE
#: (a table sharing only its layout and some entries) and FIGURES (other figures) as above.
KEEP, TEMPLATE, LIST, TOPIC, STOCK, OWNLESS, TABLE, FIGURES = 0, 1, 2, 3, 4, 5, 6, 7


@numba.njit(cache=True)
def lcs_pairs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (i, j) of a longest common subsequence of two token sequences, in order."""
    n, m = a.shape[0], b.shape[0]
    back = np.empty((n + 1, m + 1), dtype=np.uint8)  # 0: match, 1: skip a token of a, 2: of b
    prev = np.zeros(m + 1, dtype=np.int32)
    cur = np.zeros(m + 1, dtype=np.int32)
    for i in range(1, n + 1):
        cur[0] = 0
        ai = a[i - 1]
        for j in range(1, m + 1):
            if ai == b[j - 1]:
                cur[j] = prev[j - 1] + 1
                back[i, j] = 0
            elif prev[j] >= cur[j - 1]:
                cur[j] = prev[j]
                back[i, j] = 1
            else:
                cur[j] = cur[j - 1]
                back[i, j] = 2
        prev, cur = cur, prev
    length = prev[m]
    ia = np.empty(length, dtype=np.int64)
    ib = np.empty(length, dtype=np.int64)
    i, j, k = n, m, length
    while i > 0 and j > 0:
        step = back[i, j]
        if step == 0:
            k -= 1
            ia[k] = i - 1
            ib[k] = j - 1
            i -= 1
            j -= 1
        elif step == 1:
            i -= 1
        else:
            j -= 1
    return ia, ib


@numba.njit(cache=True)
def _anchored(ia: np.ndarray, ib: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The matches of an alignment that lie in runs of at least MIN_RUN consecutive ones: a
    common word matched alone between two unrelated replies anchors nothing."""
    keep = np.zeros(ia.shape[0], dtype=np.bool_)
    start = 0
    for k in range(1, ia.shape[0] + 1):
        if k < ia.shape[0] and ia[k] == ia[k - 1] + 1 and ib[k] == ib[k - 1] + 1:
            continue
        if k - start >= MIN_RUN:
            keep[start:k] = True
        start = k
    return ia[keep], ib[keep]


@numba.njit(cache=True)
def _pieces(
    ia: np.ndarray, ib: np.ndarray, sa: np.ndarray, sb: np.ndarray, replaced: int
) -> np.ndarray:
    """Pieces [first match, last match + 1, shared words, unpaired words] of an alignment of
    two regions (`sa`, `sb`: their tokens' shapes), cut at gaps of BREAK_GAP tokens and at
    whole lines replaced on both sides by `replaced` tokens or more (CUT_AT_LINES or
    NOT_AT_LINES); unpaired words are what one side has more than the other in the gaps inside
    the piece. Pieces of fewer than MIN_PIECE shared words are left out."""
    out = np.empty((ia.shape[0], 4), dtype=np.int64)
    n = 0
    start = 0
    unpaired = 0
    for k in range(1, ia.shape[0] + 1):
        if k < ia.shape[0]:
            ga = ia[k] - ia[k - 1] - 1
            gb = ib[k] - ib[k - 1] - 1
            lines = (
                min(ga, gb) >= replaced
                and ((sa[ia[k - 1] + 1] & LINE_START) != 0)
                and ((sa[ia[k]] & LINE_START) != 0)
                and ((sb[ib[k - 1] + 1] & LINE_START) != 0)
                and ((sb[ib[k]] & LINE_START) != 0)
            )
            if max(ga, gb) < BREAK_GAP and not lines:
                unpaired += abs(ga - gb)
                continue
        if k - start >= MIN_PIECE:
            out[n, 0] = start
            out[n, 1] = k
            out[n, 2] = k - start
            out[n, 3] = unpaired
            n += 1
        start = k
        unpaired = 0
    return out[:n]


@numba.njit(cache=True)
def _reworded(
    cuts: np.ndarray,
    sims: np.ndarray,
    ia: np.ndarray,
    ib: np.ndarray,
    rewrite_similarity: float,
    rewrite_min_tokens: int,
) -> bool:
    """Whether one of the pieces (with their similarities `sims`) is reworded: less similar
    than `rewrite_similarity`, over `rewrite_min_tokens` tokens."""
    for k in range(cuts.shape[0]):
        if sims[k] < rewrite_similarity:
            first, last = cuts[k, 0], cuts[k, 1] - 1
            if min(ia[last] - ia[first], ib[last] - ib[first]) + 1 >= rewrite_min_tokens:
                return True
    return False


@numba.njit(cache=True)
def _widen(cut: np.ndarray, wide: np.ndarray) -> None:
    """Sets the stretch each cut piece is judged on (its columns 4 and 5) to the piece of
    `wide` that holds it: both are pieces of one alignment, `wide` cut at fewer gaps."""
    w = 0
    for k in range(cut.shape[0]):
        while w < wide.shape[0] - 1 and wide[w, 1] <= cut[k, 4]:
            w += 1
        if wide.shape[0] and wide[w, 0] <= cut[k, 4] and cut[k, 5] <= wide[w, 1]:
            cut[k, 4], cut[k, 5] = wide[w, 0], wide[w, 1]


@numba.njit(cache=True)
def _cut(cuts: np.ndarray, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """Verbatim pieces (`_pieces`) cut to where their two sides agree: [first match, last
    match + 1, shared words, unpaired words, first match and last match + 1 of the piece it
    was cut from]. Within a piece, a word in a run of matches scores one and a word
    substituted between runs costs EDGE_DICE / (1 - EDGE_DICE); a cut piece grows while what
    it scored outweighs what the next gap costs, and ends where it scored most (the longer end
    on a tie, so a piece whose edges agree as well as its middle stays whole). Cut pieces of
    fewer than MIN_PIECE shared words are left out; a piece none of whose cut pieces is that
    long stays as it was."""
    out = np.empty((ia.shape[0], 6), dtype=np.int64)
    n = 0
    cost = EDGE_DICE / (1.0 - EDGE_DICE)
    for c in range(cuts.shape[0]):
        start, end = cuts[c, 0], cuts[c, 1]
        before = n
        first = best_end = start
        score = best = 0.0
        k = start
        while k <= end:
            run_end = k + 1  # a run: matches on the same diagonal
            while (
                run_end < end
                and ia[run_end] == ia[run_end - 1] + 1
                and ib[run_end] == ib[run_end - 1] + 1
            ):
                run_end += 1
            substituted = 0
            if start < k < end:
                substituted = min(ia[k] - ia[k - 1] - 1, ib[k] - ib[k - 1] - 1)
            grows = start < k < end and score - cost * substituted >= 0.0
            if k > start and not grows:  # the piece so far ends where it scored most
                if best_end - first >= MIN_PIECE:
                    unpaired = 0
                    for t in range(first + 1, best_end):
                        unpaired += abs((ia[t] - ia[t - 1]) - (ib[t] - ib[t - 1]))
                    out[n, 0], out[n, 1] = first, best_end
                    out[n, 2], out[n, 3] = best_end - first, unpaired
                    out[n, 4], out[n, 5] = start, end
                    n += 1
                first, score = k, 0.0
                best, best_end = 0.0, k
            if k == end:
                break
            if grows:
                score -= cost * substituted
            score += run_end - k
            if score >= best:
                best, best_end = score, run_end
            k = run_end
        if n == before:
            out[n, :4] = cuts[c]
            out[n, 4], out[n, 5] = start, end
            n += 1
    return out[:n]


@numba.njit(cache=True)
def _quote(
    cuts: np.ndarray,
    ia: np.ndarray,
    ib: np.ndarray,
    ta: np.ndarray,
    tb: np.ndarray,
    anchored: int,
    min_tokens: int,
    verbatim: float,
) -> bool:
    """Whether pieces (`_pieces`) that do not hold most of a passage's shared words are a
    quote answered in other words: cut to where their two sides agree, those at least
    `verbatim` similar hold `min_tokens` words and MIN_KEPT_SHARE of the `anchored` words,
    and the rest of the two regions shares little (QUOTE_REST_DICE)."""
    tight = _cut(cuts, ia, ib)
    tight = tight[_similarities(tight, ia, ib, ta, tb) >= verbatim]
    quoted = tight[:, 2].sum()
    if quoted < min_tokens or quoted < MIN_KEPT_SHARE * anchored:
        return False
    return _rest_dice(tight, ia, ib, ta, tb) < QUOTE_REST_DICE


@numba.njit(cache=True)
def _rest_dice(
    pieces: np.ndarray, ia: np.ndarray, ib: np.ndarray, ta: np.ndarray, tb: np.ndarray
) -> float:
    """Dice of the token multisets of two regions outside the given pieces."""
    rest_a = np.ones(ta.shape[0], dtype=np.bool_)
    rest_b = np.ones(tb.shape[0], dtype=np.bool_)
    for k in range(pieces.shape[0]):
        first, last = pieces[k, 0], pieces[k, 1] - 1
        rest_a[ia[first] : ia[last] + 1] = False
        rest_b[ib[first] : ib[last] + 1] = False
    if not rest_a.any() or not rest_b.any():
        return 0.0
    return multiset_dice(ta[rest_a], tb[rest_b])


@numba.njit(cache=True)
def _longest_copied(
    cuts: np.ndarray,
    ia: np.ndarray,
    ib: np.ndarray,
    ta: np.ndarray,
    tb: np.ndarray,
    verbatim: float,
    shingles_a: np.ndarray,
    width: int,
    distinct_b: np.ndarray,
    frequent: np.ndarray,
    df: np.ndarray,
    min_df: int,
) -> int:
    """Words of the longest piece (`_pieces`) of a region, cut to where its two sides agree
    (`_cut`), that is at least `verbatim` similar and no stock text of the corpus
    (`_recurrence`, at any length). `shingles_a`: the region's shingles in A."""
    if cuts.shape[0] == 0:
        return 0
    tight = _cut(cuts, ia, ib)
    sims = _similarities(tight, ia, ib, ta, tb)
    longest = 0
    for k in range(tight.shape[0]):
        if sims[k] < verbatim or tight[k, 2] <= longest:
            continue
        p0, p1 = ia[tight[k, 0]], ia[tight[k, 1] - 1] + 1
        if not _recurrence(shingles_a, p0, p1, width, distinct_b, frequent, df, min_df)[3]:
            longest = tight[k, 2]
    return longest


@numba.njit(cache=True)
def _joined(cuts: np.ndarray, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """All pieces as one: from the first piece's start to the last piece's end, with what one
    side has more than the other in the gaps between them unpaired."""
    out = np.empty((1, 4), dtype=np.int64)
    out[0, 0] = cuts[0, 0]
    out[0, 1] = cuts[-1, 1]
    out[0, 2] = cuts[:, 2].sum()
    out[0, 3] = cuts[:, 3].sum()
    for k in range(1, cuts.shape[0]):
        ga = ia[cuts[k, 0]] - ia[cuts[k - 1, 1] - 1] - 1
        gb = ib[cuts[k, 0]] - ib[cuts[k - 1, 1] - 1] - 1
        out[0, 3] += abs(ga - gb)
    return out


@numba.njit(cache=True)
def _piece_similarity(ta: np.ndarray, tb: np.ndarray, unpaired: int) -> float:
    """Dice of two regions' token multisets, leaving out the unpaired words of their gaps."""
    dice = multiset_dice(ta, tb)
    total = ta.shape[0] + tb.shape[0]
    if total - unpaired <= 0:
        return dice
    return min(1.0, dice * total / (total - unpaired))


@numba.njit(cache=True)
def _similarities(
    cuts: np.ndarray, ia: np.ndarray, ib: np.ndarray, ta: np.ndarray, tb: np.ndarray
) -> np.ndarray:
    """The similarity of each piece (`_piece_similarity`)."""
    out = np.empty(cuts.shape[0])
    for k in range(cuts.shape[0]):
        pa0, pa1 = ia[cuts[k, 0]], ia[cuts[k, 1] - 1] + 1
        pb0, pb1 = ib[cuts[k, 0]], ib[cuts[k, 1] - 1] + 1
        out[k] = _piece_similarity(ta[pa0:pa1], tb[pb0:pb1], cuts[k, 3])
    return out


@numba.njit(cache=True)
def _recurs(
    shingles_a: np.ndarray,
    distinct_b: np.ndarray,
    frequent: np.ndarray,
    df: np.ndarray,
    min_df: int,
) -> tuple[int, int, int]:
    """Of the shingles of a region of A that B shares: how many are fingerprints whose
    document frequency is known, how many of those are in `min_df` documents or more, and how
    many in SERIES_FACTOR x `min_df` or more."""
    if frequent.shape[0] == 0:
        return 0, 0, 0
    known = 0
    common = 0
    many = 0
    series_df = SERIES_FACTOR * min_df
    for h in shingles_a:
        k = np.searchsorted(distinct_b, h)
        if k == distinct_b.shape[0] or distinct_b[k] != h:
            continue
        k = np.searchsorted(frequent, h)
        if k < frequent.shape[0] and frequent[k] == h:
            known += 1
            common += df[k] >= min_df
            many += df[k] >= series_df
    return known, common, many


@numba.njit(cache=True)
def _recurrence(
    shingles_a: np.ndarray,
    start: int,
    end: int,
    width: int,
    distinct_b: np.ndarray,
    frequent: np.ndarray,
    df: np.ndarray,
    min_df: int,
) -> tuple[int, int, bool, bool]:
    """Of the shingles inside A[start:end] (`shingles_a`: A's shingles of `width` tokens by
    position) that B shares (`_recurs`): how many are fingerprints
    whose frequency is known and how many of those are in `min_df` documents or more; whether
    the region's frame recurs (RECURRING_SHARE and RECURRING_MIN of them, or SERIES_SHARE in a
    series' worth of documents); and whether it is stock text (STOCK_SHARE of them recur, or
    none is the two documents' own, or they are a series')."""
    inside = shingles_a[start : max(start, end - width + 1)]
    known, common, many = _recurs(inside, distinct_b, frequent, df, min_df)
    series = known > 0 and many >= SERIES_SHARE * known
    recurring = series or (common >= RECURRING_MIN and common >= RECURRING_SHARE * known)
    stock = series or (recurring and common >= STOCK_SHARE * known) or 0 < known == common
    return known, common, recurring, stock


@numba.njit(cache=True)
def figure_keys(tokens: np.ndarray, shapes: np.ndarray) -> np.ndarray:
    """One key per figure of a region: a figure written as several tokens ("412.5", "3,400")
    is one key, so that an updated decimal counts as one other figure, not two."""
    out = np.empty(tokens.shape[0], dtype=np.uint64)
    n = 0
    for k in range(tokens.shape[0]):
        if shapes[k] & FIGURE_PART and n > 0:
            out[n - 1] = mix64(out[n - 1] ^ tokens[k])
        elif shapes[k] & NUMBER:
            out[n] = tokens[k]
            n += 1
    return out[:n]


@numba.njit(cache=True)
def word_share(positions: np.ndarray, shapes: np.ndarray) -> float:
    """Of the tokens at `positions`, the share that are words: neither figures nor, unless
    the region is written in capitals (SHOUTED_SHARE of `shapes`), capitalized."""
    if positions.shape[0] == 0:
        return 1.0
    shouted = np.sum((shapes & SHOUTED) != 0) >= SHOUTED_SHARE * shapes.shape[0]
    other = NUMBER if shouted else NUMBER | CAPITAL
    return np.sum((shapes[positions] & other) == 0) / positions.shape[0]


#: Two documents whose texts outside their passages share a frame while the figures and names
#: there differ are two fillings of one template (two offering notices of other issuers, two
#: price notices of other days): what their passages share is its fixed part, not reuse. The
#: frame: at least FILLED_FRAME of the words other than figures and names, in runs of MIN_RUN
#: in the same order on both sides; the fillings: Dice of the distinct figures and names below
#: FILLED_CONTENT, with FILLED_MIN_CONTENT of them or more on each side. Two unrelated texts
#: share no frame in runs (no such pair among 539 random pairs of the news, newsgroup and
#: Wikipedia corpora but one of two Reuters notices); a follow-up or a retelling keeps its
#: names. Only short documents are notices: in longer ones (replies quoting one post, articles
#: of one series) what is in runs outside the passages is more shared text, not a frame.
FILLED_FRAME = 0.3
FILLED_CONTENT = 0.4
FILLED_MIN_CONTENT = 2
#: Texts outside the passages shorter than this many tokens on a side hold no frame to test;
#: documents longer than FILLED_MAX_TOKENS are not taken for notices.
FILLED_MIN_TOKENS = 8
FILLED_MAX_TOKENS = 160


@numba.njit(cache=True)
def _filled_frame(
    ta: np.ndarray, sa: np.ndarray, tb: np.ndarray, sb: np.ndarray, min_content: int, below: float
) -> float:
    """Of two regions (tokens and shapes) whose distinct figures and names agree less than
    `below` (Dice), each with `min_content` of them or more: the share of their other words in
    runs of MIN_RUN in the same order on both sides (0 for other regions, or regions too large
    to align)."""
    content_a = (sa & (NUMBER | NAME)) != 0
    content_b = (sb & (NUMBER | NAME)) != 0
    ca, cb = np.unique(ta[content_a]), np.unique(tb[content_b])
    if ca.shape[0] < max(min_content, 1) or cb.shape[0] < max(min_content, 1):
        return 0.0
    shared = 0
    for w in ca:
        k = np.searchsorted(cb, w)
        if k < cb.shape[0] and cb[k] == w:
            shared += 1
    if 2.0 * shared / (ca.shape[0] + cb.shape[0]) >= below:
        return 0.0
    fa, fb = ta[~content_a], tb[~content_b]
    if fa.shape[0] == 0 or fb.shape[0] == 0 or fa.shape[0] * fb.shape[0] > MAX_CELLS:
        return 0.0
    ia, ib = lcs_pairs(fa, fb)
    ia, ib = _anchored(ia, ib)
    return 2.0 * ia.shape[0] / (fa.shape[0] + fb.shape[0])


@numba.njit(cache=True)
def filled_template(ta: np.ndarray, sa: np.ndarray, tb: np.ndarray, sb: np.ndarray) -> bool:
    """Whether two regions (tokens and shapes: the texts outside two documents' passages) are
    two fillings of one frame (FILLED_FRAME, FILLED_CONTENT)."""
    if ta.shape[0] < FILLED_MIN_TOKENS or tb.shape[0] < FILLED_MIN_TOKENS:
        return False
    frame = _filled_frame(ta, sa, tb, sb, FILLED_MIN_CONTENT, FILLED_CONTENT)
    return frame >= FILLED_FRAME


#: Two short documents that are mostly one passage leave too little outside it to compare:
#: they are two fillings of one frame when their whole texts share a frame (at least
#: REFILLED_FRAME of the words other than figures and names in runs of MIN_RUN in the same
#: order) while their distinct figures and names agree less than REFILLED_CONTENT (Dice), each
#: with REFILLED_FIGURES figures or more: two notices of one kind (a eurobond offering, a daily
#: money-market report, a weekly tender) give the issuer, amounts, rates and dates anew each
#: time, where a reissue or a corrected version of one story keeps most of its names and figures.
REFILLED_FRAME = 0.45
REFILLED_CONTENT = 0.7
REFILLED_FIGURES = 3


@numba.njit(cache=True)
def refilled(ta: np.ndarray, sa: np.ndarray, tb: np.ndarray, sb: np.ndarray) -> bool:
    """Whether two whole short texts (tokens and shapes) are two fillings of one frame
    (REFILLED_FRAME, REFILLED_CONTENT, REFILLED_FIGURES)."""
    if figure_keys(ta, sa).shape[0] < REFILLED_FIGURES:
        return False
    if figure_keys(tb, sb).shape[0] < REFILLED_FIGURES:
        return False
    return _filled_frame(ta, sa, tb, sb, 1, REFILLED_CONTENT) >= REFILLED_FRAME


@numba.njit(cache=True)
def other_figures(ta: np.ndarray, sa: np.ndarray, tb: np.ndarray, sb: np.ndarray) -> bool:
    """Whether two regions (tokens and shapes) give other figures: each has OTHER_FIGURES
    figures or more that the other lacks, and less than KEPT_FIGURES of the figures of the one
    with fewer are found in the other."""
    na, nb = figure_keys(ta, sa), figure_keys(tb, sb)
    fewer = min(na.shape[0], nb.shape[0])
    if fewer < OTHER_FIGURES:
        return False
    shared = multiset_dice(na, nb) * (na.shape[0] + nb.shape[0]) / 2.0
    return fewer - shared >= OTHER_FIGURES and shared < KEPT_FIGURES * fewer


def drops_a_figure(ta: np.ndarray, sa: np.ndarray, tb: np.ndarray, sb: np.ndarray) -> bool:
    """Whether two regions (tokens and shapes) disagree on a figure: the side with fewer
    distinct figures has ALL_FIGURES_MIN or more, and one of them is not on the other side."""
    na = np.unique(figure_keys(ta, sa))
    nb = np.unique(figure_keys(tb, sb))
    fewer, more = (na, nb) if na.shape[0] <= nb.shape[0] else (nb, na)
    if fewer.shape[0] < ALL_FIGURES_MIN:
        return False
    return not bool(np.isin(fewer, more, assume_unique=True).all())


@numba.njit(cache=True)
def region_verdict(
    ta: np.ndarray,
    sa: np.ndarray,
    tb: np.ndarray,
    sb: np.ndarray,
    recurring: bool,
    reworded_topic: bool,
) -> int:
    """KEEP, TEMPLATE, LIST or TOPIC for two aligned regions (tokens and shapes of each), given
    whether their shared frame recurs across the corpus and whether, being reworded in a large
    corpus, they must keep their figures and names (see the module's docstring)."""
    if ta.shape[0] == 0 or tb.shape[0] == 0:
        return KEEP
    # Text written in capitals (a telex, a shouted post) has no names to tell by their case.
    shouted_a = np.sum((sa & SHOUTED) != 0) >= SHOUTED_SHARE * ta.shape[0]
    shouted_b = np.sum((sb & SHOUTED) != 0) >= SHOUTED_SHARE * tb.shape[0]
    items_a = np.sum((sa & ITEM_END) != 0) >= ITEM_SHARE * ta.shape[0]
    items_b = np.sum((sb & ITEM_END) != 0) >= ITEM_SHARE * tb.shape[0]
    names_a = np.sum((sa & CAPITAL) != 0) / ta.shape[0]
    names_b = np.sum((sb & CAPITAL) != 0) / tb.shape[0]
    if (
        names_a >= LIST_NAME_SHARE
        and names_b >= LIST_NAME_SHARE
        and (items_a or not shouted_a)
        and (items_b or not shouted_b)
    ):
        return LIST
    # A word is content in both regions when it is a figure or a name in either (a name that
    # starts a sentence on one side is still a name).
    words = set(ta[(sa & (NUMBER | (0 if shouted_a else NAME))) != 0])
    for w in tb[(sb & (NUMBER | (0 if shouted_b else NAME))) != 0]:
        words.add(w)
    content_a = np.array([w in words for w in ta])
    content_b = np.array([w in words for w in tb])
    ca, cb = ta[content_a], tb[content_b]
    if ca.shape[0] == 0 or cb.shape[0] == 0:
        return KEEP
    content = multiset_dice(ca, cb)
    if (
        reworded_topic
        and min(ca.shape[0], cb.shape[0]) >= TOPIC_MIN_CONTENT
        and content < TOPIC_CONTENT_DICE
    ):
        return TOPIC
    common = content * (ca.shape[0] + cb.shape[0]) / 2.0
    # Figures or names swapped for others: each side has some the other lacks ...
    if ca.shape[0] - common < 0.5 or cb.shape[0] - common < 0.5:
        return KEEP
    # ... around a frame that recurs in the corpus, or that is the same word for word around
    # several other figures on each side (a report of other figures: a rate table, a weekly
    # notice whose frame is only a few documents old).
    if recurring:
        return TEMPLATE
    fa, fb = ta[~content_a], tb[~content_b]
    if fa.shape[0] == 0 or fb.shape[0] == 0 or multiset_dice(fa, fb) < SAME_FRAME:
        return KEEP
    na, nb = figure_keys(ta, sa), figure_keys(tb, sb)
    if na.shape[0] == 0 or nb.shape[0] == 0:
        return KEEP
    shared = multiset_dice(na, nb) * (na.shape[0] + nb.shape[0]) / 2.0
    if min(na.shape[0], nb.shape[0]) - shared >= OTHER_FIGURES:
        return TEMPLATE
    return KEEP


@numba.njit(cache=True)
def refine_boxes(
    boxes: np.ndarray,
    tokens_a: np.ndarray,
    tokens_b: np.ndarray,
    shapes_a: np.ndarray,
    shapes_b: np.ndarray,
    shingles_a: np.ndarray,
    width: int,
    distinct_b: np.ndarray,
    frequent: np.ndarray,
    df: np.ndarray,
    min_df: int,
    rewrite_similarity: float,
    rewrite_min_tokens: int,
    min_tokens: int,
    large_corpus: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Passage boxes [a0, a1, b0, b1, seeds] (token positions) cut into pieces with tight
    edges: the pieces [a0, a1, b0, b1, verbatim words], their similarities (Dice of their
    token multisets, unpaired words left out) and their verdicts (KEEP, TEMPLATE, LIST, TOPIC,
    STOCK, OWNLESS, TABLE, FIGURES), in A's order of the boxes. Verbatim words are the shared
    words of the pieces at least `rewrite_similarity` similar that the piece holds (a reworded
    piece holding `min_tokens` of them or more, a passage's shortest verbatim length, is reuse
    on those words: it is never OWNLESS, a TABLE or FIGURES), or, in a reworded passage kept
    whole or joined, those of its longest verbatim piece when that is a passage's worth
    (`_longest_copied`), whichever are more.

    `shingles_a` are A's shingle hashes by position (shingles of `width` tokens), `distinct_b`
    B's sorted distinct ones, and `frequent`/`df` the corpus's shared fingerprints and their
    document frequencies (`lsh.FingerprintFrequency`). A passage with a reworded piece (below
    `rewrite_similarity`, of `rewrite_min_tokens` words) stays one piece.
    """
    out = np.empty((0, 5), dtype=np.int64)
    sims = np.empty(0)
    verdicts = np.empty(0, dtype=np.int64)
    for r in range(boxes.shape[0]):
        a0, a1, b0, b1 = boxes[r, 0], boxes[r, 1], boxes[r, 2], boxes[r, 3]
        ta, tb = tokens_a[a0:a1], tokens_b[b0:b1]
        cuts = np.empty((0, 4), dtype=np.int64)
        ia = np.empty(0, dtype=np.int64)
        ib = np.empty(0, dtype=np.int64)
        shared = 0
        anchored = 0
        copied = 0  # words of a reworded passage's longest verbatim piece (`_longest_copied`)
        reordered = True
        anchored_share = 1.0  # of the words of a passage kept whole, those in runs in order
        words_share = 1.0  # of those of A's words in runs, the words (`word_share`)
        if (a1 - a0) * (b1 - b0) <= MAX_CELLS:  # a larger passage stays whole
            ia, ib = lcs_pairs(ta, tb)
            shared = ia.shape[0]
            in_order = 2.0 * shared / (ta.shape[0] + tb.shape[0])
            reordered = multiset_dice(ta, tb) - in_order >= MAX_REORDERING
            ia, ib = _anchored(ia, ib)
            anchored = ia.shape[0]
            anchored_share = 2.0 * anchored / (ta.shape[0] + tb.shape[0])
            words_share = word_share(ia, shapes_a[a0:a1])
            cuts = _pieces(ia, ib, shapes_a[a0:a1], shapes_b[b0:b1], NOT_AT_LINES)
        piece_sims = _similarities(cuts, ia, ib, ta, tb)
        verbatim = 0
        verbatim_words = np.zeros(cuts.shape[0], dtype=np.int64)
        for k in range(cuts.shape[0]):
            if piece_sims[k] >= VERBATIM_PIECE:
                verbatim += cuts[k, 2]
            if piece_sims[k] >= rewrite_similarity:
                verbatim_words[k] = cuts[k, 2]
        reworded = _reworded(cuts, piece_sims, ia, ib, rewrite_similarity, rewrite_min_tokens)
        whole = reordered or cuts.shape[0] == 0
        lined = cuts
        if not whole:
            # The pieces cut at lines replaced on both sides too: two replies quoting one post
            # with their own answers between its lines share the quoted lines only.
            lined = _pieces(ia, ib, shapes_a[a0:a1], shapes_b[b0:b1], CUT_AT_LINES)
            if verbatim < MIN_KEPT_SHARE * shared:
                whole = not _quote(lined, ia, ib, ta, tb, anchored, min_tokens, rewrite_similarity)
        if whole:
            # The passage stays whole: reworded, its first and last words may be any. Its
            # verbatim pieces, if any, still count as verbatim words.
            found = boxes[r : r + 1].copy()
            found_sims = np.empty(1)
            found_sims[0] = multiset_dice(ta, tb)
            whole = found_sims[0] >= rewrite_similarity
            found[0, 4] = (a1 - a0) if whole else verbatim_words.sum()
            found_vetted = found[:, 4].copy()
            if not whole:
                copied = _longest_copied(
                    cuts, ia, ib, ta, tb, rewrite_similarity,
                    shingles_a[a0:a1], width, distinct_b, frequent, df, min_df,
                )  # fmt: skip
                if copied >= min_tokens:
                    found[0, 4] = max(found[0, 4], copied)
            found_anchored = np.full(1, anchored_share)
            found_table = np.full(1, anchored_share < TABLE_ANCHORED and words_share < TABLE_WORDS)
            judged = found[:, :4].copy()
        else:
            if (
                reworded
                and cuts.shape[0] > 1
                and _reworded(
                    lined,
                    _similarities(lined, ia, ib, ta, tb),
                    ia,
                    ib,
                    rewrite_similarity,
                    rewrite_min_tokens,
                )
            ):
                # A reworded passage that keeps some sentences word for word, or leaves some
                # out, is one passage: one span, whose verbatim pieces still count as such.
                words = verbatim_words.sum()
                copied = _longest_copied(
                    cuts, ia, ib, ta, tb, rewrite_similarity,
                    shingles_a[a0:a1], width, distinct_b, frequent, df, min_df,
                )  # fmt: skip
                cuts = _joined(cuts, ia, ib)
                piece_sims = _similarities(cuts, ia, ib, ta, tb)
                if piece_sims[0] >= rewrite_similarity:  # verbatim but for insertions
                    words = cuts[0, 2]
                verbatim_words = np.full(1, words, dtype=np.int64)
                cuts = np.hstack((cuts, cuts[:, :2]))  # judged on itself
            else:
                # Verbatim pieces: cut at lines replaced on both sides too, each cut to where
                # its two sides agree, and judged on the piece it was found in: the replaced
                # lines next to it may hold a template's other figures.
                wide = cuts
                cuts = _cut(lined, ia, ib)
                _widen(cuts, wide)
                piece_sims = _similarities(cuts, ia, ib, ta, tb)
                verbatim_words = np.where(piece_sims >= rewrite_similarity, cuts[:, 2], 0)
            found = np.empty((cuts.shape[0], 5), dtype=np.int64)
            # Each piece is judged on the stretch it was cut from: what differs at its edges
            # shows a template's other figures and names.
            judged = np.empty((cuts.shape[0], 4), dtype=np.int64)
            for k in range(cuts.shape[0]):
                first, last = cuts[k, 0], cuts[k, 1] - 1
                found[k, 0] = a0 + ia[first]
                found[k, 1] = a0 + ia[last] + 1
                found[k, 2] = b0 + ib[first]
                found[k, 3] = b0 + ib[last] + 1
                found[k, 4] = verbatim_words[k]
                first, last = cuts[k, 4], cuts[k, 5] - 1
                judged[k, 0] = a0 + ia[first]
                judged[k, 1] = a0 + ia[last] + 1
                judged[k, 2] = b0 + ib[first]
                judged[k, 3] = b0 + ib[last] + 1
            found_sims = piece_sims
            found_vetted = found[:, 4].copy()
            if copied >= min_tokens:
                found[0, 4] = max(found[0, 4], copied)
            found_anchored = np.ones(found.shape[0])
            found_table = np.zeros(found.shape[0], dtype=np.bool_)
        found_verdicts = np.empty(found.shape[0], dtype=np.int64)
        for k in range(found.shape[0]):
            pa0, pa1 = found[k, 0], found[k, 1]
            known, common, recurring, stock = _recurrence(
                shingles_a, pa0, pa1, width, distinct_b, frequent, df, min_df
            )
            if pa1 - pa0 < STOCK_MAX_WORDS and stock:
                found_verdicts[k] = STOCK
                continue
            reworded_piece = large_corpus and found_sims[k] < VERBATIM_PIECE
            if reworded_piece and found_anchored[k] < TOPIC_MIN_ANCHORED:
                found_verdicts[k] = TOPIC
                continue
            if large_corpus and found_sims[k] < rewrite_similarity and found_vetted[k] < min_tokens:
                if found_table[k]:
                    found_verdicts[k] = TABLE
                    continue
                if frequent.shape[0] > 0 and (known - common < OWN_FINGERPRINTS or recurring):
                    found_verdicts[k] = OWNLESS
                    continue
                pb0, pb1 = found[k, 2], found[k, 3]
                if other_figures(
                    tokens_a[pa0:pa1], shapes_a[pa0:pa1], tokens_b[pb0:pb1], shapes_b[pb0:pb1]
                ):
                    found_verdicts[k] = FIGURES
                    continue
            ja0, ja1, jb0, jb1 = judged[k, 0], judged[k, 1], judged[k, 2], judged[k, 3]
            found_verdicts[k] = region_verdict(
                tokens_a[ja0:ja1],
                shapes_a[ja0:ja1],
                tokens_b[jb0:jb1],
                shapes_b[jb0:jb1],
                recurring,
                large_corpus and found_sims[k] < VERBATIM_PIECE,
            )
        out = np.concatenate((out, found))
        sims = np.concatenate((sims, found_sims))
        verdicts = np.concatenate((verdicts, found_verdicts))
    return out, sims, verdicts
