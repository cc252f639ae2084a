"""The reworded path on Spark: word statistics, sentence keys and the pairs they propose.

As the local engine does (`copytrace.sentence_sketch`): how common words are is counted in up
to 5,000 documents spread evenly over the corpus in input order (`word_sample_step`; their
texts as read);
each distinct document's text as sketched gives its sentence keys; two documents sharing a key
held by at most `max_fingerprint_df` documents are a pair, supported by the distinct sentences
of the first that such keys join to the second; the best-supported pairs (`pair_budget`), ties
to the smaller pair, are verified. The local kernel's pairs and the ones here are the same (a
test checks it).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

import numpy as np
import pyarrow as pa
from pyspark import Broadcast
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from copytrace.engines.spark.core import (
    Settings,
    WordStats,
    keyed_sentences,
    pair_budget,
    sentence_keys,
    word_sample_step,
    word_stats,
)
from copytrace.engines.spark.once import once_per_process
from copytrace.engines.spark.ranks import ranked

_POSTINGS = pa.schema([("h", pa.int64()), ("doc", pa.int64()), ("s", pa.int32())])


def sampled_word_stats(spark: SparkSession, accepted: DataFrame) -> WordStats:
    """How common words are, from the texts (key, text) of every `step`-th document in key
    order, `step` chosen as the local engine chooses it."""
    step = word_sample_step(accepted.count())
    positions = ranked(spark, accepted.select("key"), ["key"], "pos")
    sample = positions.where(F.col("pos") % step == 0).select("key")
    rows = accepted.select("key", "text").join(sample, "key").orderBy("key").collect()
    return word_stats([r["text"] for r in rows])


def words_for(keys: Broadcast[np.ndarray], df: Broadcast[np.ndarray], token: str) -> WordStats:
    """The word statistics of a broadcast (made once per process)."""
    return once_per_process(token, lambda: WordStats(keys.value, df.value))


def words_maker(spark: SparkSession, stats: WordStats) -> partial[WordStats]:
    """A picklable way for executors to get the word statistics."""
    sc = spark.sparkContext
    return partial(words_for, sc.broadcast(stats.keys), sc.broadcast(stats.df), uuid.uuid4().hex)


def packed_keys(texts: list[str], words: Callable[[], WordStats]) -> list[bytes]:
    """Each text's sentence keys, packed as uint64 bytes (their sentences follow from their
    order: `keyed_sentences`)."""
    keys, _, offsets = sentence_keys(texts, words())
    return [keys[offsets[k] : offsets[k + 1]].tobytes() for k in range(len(texts))]


def emit_postings(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Executor side: (key, document, sentence) postings of documents (key, sks)."""
    for batch in batches:
        docs = batch.column("key").to_numpy()
        packed = batch.column("sks").to_pylist()
        counts = np.array([len(p) // 8 for p in packed], dtype=np.int64)
        hashes = np.frombuffer(b"".join(packed), dtype=np.int64)
        sentences = keyed_sentences(counts)
        yield pa.RecordBatch.from_arrays(
            [pa.array(hashes), pa.array(np.repeat(docs, counts)), pa.array(sentences)],
            schema=_POSTINGS,
        )


@dataclass(frozen=True)
class SentencePairs:
    """The pairs (i, j) the sentence keys propose, and how many keys there were."""

    pairs: DataFrame
    keys: int


def sentence_pairs(reps: DataFrame, documents: int, settings: Settings) -> SentencePairs:
    """The best-supported pairs of the distinct documents (key, sks) sharing sentence keys."""
    postings = reps.select("key", "sks").mapInArrow(emit_postings, "h long, doc long, s int")
    postings = postings.localCheckpoint(eager=True)
    n_keys = postings.count()
    held = postings.groupBy("h").agg(F.countDistinct("doc").alias("df"))
    usable = held.where((F.col("df") >= 2) & (F.col("df") <= settings.max_fingerprint_df))
    kept = postings.join(usable.select("h"), "h")
    firsts = kept.select("h", F.col("doc").alias("i"), "s")
    seconds = kept.select("h", F.col("doc").alias("j")).distinct()
    support = (
        firsts.join(seconds, "h")
        .where(F.col("i") < F.col("j"))
        .groupBy("i", "j")
        .agg(F.countDistinct("s").alias("support"))
    )
    budget = pair_budget(settings.reworded_pairs_per_document, documents)
    best = support.orderBy(F.desc("support"), "i", "j").limit(budget).select("i", "j")
    return SentencePairs(best.localCheckpoint(eager=True), n_keys)
