"""Page chrome counted over the whole corpus as a shuffle, and blanked on the executors.

Each distinct (provenance, text) counts its lines once, as `BoilerplateFinder` counts them: the
line keys of every document are emitted with the key of its text, duplicates of a text dropped,
and keys counted; the lines that reach their threshold are chrome. `BoilerplateFinder.blanks_many`
blanks them on the executors, given the marked keys: all of them (8 bytes each, sent to every
executor) or, when they are too many for that, each document's own: the keys it looks up, joined
with the marked keys.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from functools import partial
from typing import Any

import numpy as np
import pyarrow as pa
from pyspark import Broadcast
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from copytrace.engines.spark.core import (
    SIGNATURE_MIN_POSTS,
    BoilerplateFinder,
    Provenance,
    Settings,
    chrome_lookup_keys,
    line_keys,
)
from copytrace.engines.spark.once import once_per_process

_KEYS = pa.schema([("sight", pa.int64()), ("lkey", pa.int64())])


def emit_line_keys(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Executor side: (text key, line key) rows of every document's lines that may be chrome."""
    for batch in batches:
        sights: list[int] = []
        keys: list[np.ndarray] = []
        data = batch.to_pydict()
        for text, host, author, post in zip(
            data["text"], data["host"], data["author"], data["post"], strict=True
        ):
            found, sight = line_keys(text, Provenance(host, author), bool(post))
            sights.extend([sight] * found.shape[0])
            keys.append(found)
        lkeys = np.concatenate(keys) if keys else np.empty(0, dtype=np.int64)
        yield pa.RecordBatch.from_arrays(
            [pa.array(sights, pa.int64()), pa.array(lkeys, pa.int64())], schema=_KEYS
        )


def marked_table(docs: DataFrame, settings: Settings) -> DataFrame:
    """The keys (lkey) of the chrome lines of the corpus (documents: text, host, author, post)."""
    rows = docs.select("text", "host", "author", "post").mapInArrow(
        emit_line_keys, "sight long, lkey long"
    )
    counts = rows.dropDuplicates(["sight", "lkey"]).groupBy("lkey").count()
    chrome = counts.where(
        (F.col("count") >= settings.boilerplate_min_docs)
        | (((F.col("lkey") % 2) != 0) & (F.col("count") >= SIGNATURE_MIN_POSTS))
    )
    return chrome.select("lkey")


def marked_keys(marked: DataFrame) -> np.ndarray:
    """The marked keys, sorted, brought to the driver as Arrow (to be sent to every executor)."""
    keys = marked.select("lkey").toArrow().column("lkey").to_numpy().astype(np.int64)
    keys.sort()
    return keys


_LOOKUPS = pa.schema([("key", pa.int64()), ("lkey", pa.int64())])


def emit_lookup_keys(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Executor side: (document, key) for every key blanking a document looks up."""
    for batch in batches:
        data = batch.to_pydict()
        docs: list[np.ndarray] = []
        keys: list[np.ndarray] = []
        for key, text, host, author, post in zip(
            data["key"], data["text"], data["host"], data["author"], data["post"], strict=True
        ):
            found = chrome_lookup_keys(text, Provenance(host, author), bool(post))
            keys.append(found)
            docs.append(np.full(found.shape[0], key, dtype=np.int64))
        yield pa.RecordBatch.from_arrays(
            [
                pa.array(np.concatenate(docs) if docs else np.empty(0, np.int64)),
                pa.array(np.concatenate(keys) if keys else np.empty(0, np.int64)),
            ],
            schema=_LOOKUPS,
        )


def chrome_hits(docs: DataFrame, marked: DataFrame) -> DataFrame:
    """(key, chrome: the marked keys among those each document looks up, packed) for the
    documents (key, text, host, author, post) that have any."""
    lookups = docs.select("key", "text", "host", "author", "post").mapInArrow(
        emit_lookup_keys, "key long, lkey long"
    )
    return (
        lookups.join(marked, "lkey")
        .groupBy("key")
        .agg(F.array_sort(F.collect_list("lkey")).alias("hits"))
        .select("key", F.col("hits").alias("chrome"))
    )


def batch_finder(hits: list[list[int] | None], settings: Settings) -> BoilerplateFinder:
    """A finder for one batch of documents, from their own marked keys: every key a document
    of the batch looks up and is marked is among them, so it blanks what the whole set does."""
    found = BoilerplateFinder(settings.boilerplate_min_docs)
    found.use_marked(np.array([k for h in hits if h for k in h], dtype=np.int64))
    return found


def finder_for(marked: Broadcast[Any], settings: Settings, token: str) -> BoilerplateFinder:
    """The boilerplate finder of a broadcast of marked keys (made once per process)."""

    def make() -> BoilerplateFinder:
        found = BoilerplateFinder(settings.boilerplate_min_docs)
        found.use_marked(marked.value)
        return found

    return once_per_process(token, make)


def finder_maker(marked: Broadcast[Any], settings: Settings) -> partial[BoilerplateFinder]:
    """A picklable way for executors to get the finder."""
    return partial(finder_for, marked, settings, uuid.uuid4().hex)
