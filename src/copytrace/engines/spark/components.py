"""Connected components by DataFrame joins: alternating large-star and small-star.

Kiveris, Lattanzi, Mirrokni, Rastogi & Vassilvitskii, "Connected Components in MapReduce and
Beyond" (SoCC 2014). Each round rewires edges towards the smallest node a node can see; the
edges converge to one star per component around its smallest node, in O(log^2 n) rounds, with
no step holding more than a node's neighbours. Nothing is collected to the driver but a count
and a checksum per round. A component's label is its smallest node, as the local engine's
union-find roots its sets at their smallest node.
"""

from __future__ import annotations

from collections.abc import Callable

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

#: Rounds after which the algorithm is taken to have failed to converge (it needs O(log^2 n)).
MAX_ROUNDS = 200


def _undirected(edges: DataFrame) -> DataFrame:
    """Each edge once, as (u, v) with v < u, no loops."""
    return (
        edges.select(
            F.greatest("u", "v").alias("u"),
            F.least("u", "v").alias("v"),
        )
        .where(F.col("u") != F.col("v"))
        .distinct()
    )


def large_star(edges: DataFrame) -> DataFrame:
    """Connect every larger neighbour of a node to the smallest node of its neighbourhood."""
    both = edges.select("u", "v").unionByName(
        edges.select(F.col("v").alias("u"), F.col("u").alias("v"))
    )
    smallest = both.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
    return _undirected(
        both.where(F.col("v") > F.col("u"))
        .join(smallest, "u")
        .select(F.col("v").alias("u"), F.col("m").alias("v"))
    )


def small_star(edges: DataFrame) -> DataFrame:
    """Connect every node and its smaller neighbours to the smallest of them."""
    smallest = edges.groupBy("u").agg(F.min("v").alias("m"))
    rewired = edges.join(smallest, "u").select(F.col("v").alias("u"), F.col("m").alias("v"))
    return _undirected(rewired.unionByName(smallest.select("u", F.col("m").alias("v"))))


def _checksum(edges: DataFrame) -> tuple[int, int]:
    row = edges.agg(F.count("*"), F.sum(F.xxhash64("u", "v").cast("decimal(38,0)"))).first()
    assert row is not None
    return int(row[0]), int(row[1] or 0)


def components(
    edges: DataFrame, checkpoint: Callable[[DataFrame], DataFrame] | None = None
) -> DataFrame:
    """(node, label) for every node of the edges (u, v): label = smallest node of its
    component. `checkpoint` cuts each round's lineage (default: a local checkpoint, made by
    the round's checksum job; a run that must survive lost executors writes files)."""
    keep = checkpoint or (lambda df: df.localCheckpoint(eager=False))
    current = keep(_undirected(edges))
    last = _checksum(current)
    for _ in range(MAX_ROUNDS):
        current = keep(small_star(large_star(current)))
        now = _checksum(current)
        if now == last:
            break
        last = now
    else:
        raise RuntimeError("connected components did not converge")
    # Converged: every edge joins a node to its component's smallest node.
    leaves = current.select(F.col("u").alias("node"), F.col("v").alias("label"))
    roots = current.select(F.col("v").alias("node"), F.col("v").alias("label"))
    return leaves.unionByName(roots).groupBy("node").agg(F.min("label").alias("label"))
