"""Which candidate pairs the local engine leaves unverified inside large clusters, exactly.

The local engine verifies pairs in order (by their first, then second document), in chunks of
CHUNK_PAIRS, and leaves out a pair whose documents already share a set of LARGE_CLUSTER
documents or more when its chunk is sent: after the chunk LAG places before it was taken. What
is skipped depends on that order, so the Spark engine reproduces it rather than approximating
it, from three facts:

- the sets of the local engine's union-find only ever grow, and a skipped pair lies inside one
  set already, so the sets at any moment are the components of the exact copies and of the
  whole-document matches of all pairs of the chunks taken so far, skipped or not;
- so only pairs inside one final component of LARGE_CLUSTER documents or more can be skipped,
  and whether they are depends only on that component's own pairs and copies;
- a pair verified needlessly changes nothing but the time taken.

So the Spark engine verifies pairs (all of them, or in rounds leaving out pairs already inside a
large component of an earlier state, which is skipped locally too), finds the final components,
and replays each large component's pairs in order with its own small union-find, as the local
engine's scheduler sees them. The replay is `replay`; the rest is the shuffle around it.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from copytrace.engines.spark.core import CHUNK_PAIRS, LAG, LARGE_CLUSTER, UnionFind

#: `whole` of a pair: verified, a whole-document match; verified, anything else; not verified.
WHOLE, OTHER, UNVERIFIED = 1, 0, -1


def replay(
    members: np.ndarray,
    reps: np.ndarray,
    pair_i: np.ndarray,
    pair_j: np.ndarray,
    ranks: np.ndarray,
    whole: np.ndarray,
    chunk_pairs: int = CHUNK_PAIRS,
    lag: int = LAG,
    large: int = LARGE_CLUSTER,
) -> np.ndarray:
    """Which pairs of one component the local engine skips (a bool per pair).

    `members` are the component's documents and `reps[k]` the first document with the text of
    `members[k]` (itself if none); `ranks` are the pairs' positions in the engine's whole list of
    pairs, `whole` says what verifying them found (WHOLE, OTHER, or UNVERIFIED for pairs an
    earlier round left out: they must come out skipped).
    """
    order = np.argsort(members)
    keys = members[order]

    def index(x: np.ndarray) -> np.ndarray:
        return np.searchsorted(keys, x).astype(np.int64)

    sets = UnionFind(keys.shape[0])
    copies = reps != members
    sets.union_edges(index(members[copies]), index(reps[copies]))
    by_rank = np.argsort(ranks, kind="stable")
    a_all, b_all = index(pair_i[by_rank]), index(pair_j[by_rank])
    chunks = (ranks[by_rank] // chunk_pairs).tolist()
    states = whole[by_rank].tolist()
    taken: list[tuple[int, int, int]] = []
    applied = 0
    skipped = np.zeros(ranks.shape[0], dtype=np.bool_)
    for p, (a, b, chunk, state) in enumerate(
        zip(a_all.tolist(), b_all.tolist(), chunks, states, strict=True)
    ):
        # The chunk is sent once the chunk `lag` places before it has been taken.
        while applied < len(taken) and taken[applied][0] <= chunk - lag:
            sets.union(taken[applied][1], taken[applied][2])
            applied += 1
        if sets.joined_size(a, b) >= large:
            skipped[by_rank[p]] = True
            continue
        if state == UNVERIFIED:
            raise RuntimeError(
                "a pair left out of verification is not skipped by the local engine's order"
            )
        if state == WHOLE:
            taken.append((chunk, a, b))
    return skipped


_SKIPPED = pa.schema([("i", pa.int64()), ("j", pa.int64())])


def replay_group(table: pa.Table) -> pa.Table:
    """Executor side: one component's rows (kind 0: member, rep; kind 1: pair) to the pairs
    skipped."""
    kind = table.column("kind").to_numpy()
    a = table.column("a").to_numpy()
    b = table.column("b").to_numpy()
    rank = table.column("rank").to_numpy()
    state = table.column("whole").to_numpy()
    is_pair = kind == 1
    skipped = replay(
        a[~is_pair], b[~is_pair], a[is_pair], b[is_pair], rank[is_pair], state[is_pair]
    )
    return pa.Table.from_arrays(
        [pa.array(a[is_pair][skipped]), pa.array(b[is_pair][skipped])], schema=_SKIPPED
    )


def large_components(labels: DataFrame, large: int = LARGE_CLUSTER) -> DataFrame:
    """(node, label) of the nodes of components of at least `large` documents."""
    sizes = labels.groupBy("label").count().where(F.col("count") >= large).select("label")
    return labels.join(sizes, "label")


def skipped_pairs(
    pairs: DataFrame, checked: DataFrame, docs: DataFrame, big: DataFrame, whole: list[str]
) -> DataFrame:
    """The pairs (i, j) the local engine would not verify.

    `pairs` (i, j, rank) are all candidate pairs, `checked` (i, j, relation) the pairs verified
    (relation null: no match), `docs` (key, rep), `big` (node, label) the large components,
    `whole` the whole-document relations.
    """
    li = big.select(F.col("node").alias("i"), F.col("label"))
    lj = big.select(F.col("node").alias("j"), F.col("label").alias("label_j"))
    verified = checked.select("i", "j", "relation", F.lit(True).alias("verified"))
    inside = (
        pairs.join(li, "i")
        .join(lj, "j")
        .where(F.col("label") == F.col("label_j"))
        .join(verified, ["i", "j"], "left")
    )
    state = (
        F.when(F.col("relation").isin(*whole), F.lit(WHOLE))
        .when(F.col("verified").isNull(), F.lit(UNVERIFIED))
        .otherwise(F.lit(OTHER))
    )
    pair_rows = inside.select(
        "label",
        F.lit(1).alias("kind"),
        F.col("i").alias("a"),
        F.col("j").alias("b"),
        "rank",
        state.cast("int").alias("whole"),
    )
    member_rows = big.join(docs.select(F.col("key").alias("node"), "rep"), "node").select(
        "label",
        F.lit(0).alias("kind"),
        F.col("node").alias("a"),
        F.col("rep").alias("b"),
        F.lit(0).cast("long").alias("rank"),
        F.lit(0).alias("whole"),
    )
    rows = member_rows.unionByName(pair_rows)
    return rows.groupBy("label").applyInArrow(replay_group, "i long, j long")
