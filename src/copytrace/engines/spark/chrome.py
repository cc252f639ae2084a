"""Page chrome counted over the whole corpus as a shuffle, and blanked on the executors.

Each distinct (provenance, text) counts its lines once, as `BoilerplateFinder` counts them: the
line keys of every document are emitted with the key of its text, duplicates of a text dropped,
and keys counted; the lines that reach their threshold are chrome. The marked keys (8 bytes
each) go to every executor, where `BoilerplateFinder.blanks_many` blanks them.
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
    line_keys,
    text_sighting_key,
)

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
            provenance = Provenance(host, author)
            found = line_keys(text, provenance, bool(post))
            sights.extend([text_sighting_key(provenance, text)] * found.shape[0])
            keys.append(found)
        lkeys = np.concatenate(keys) if keys else np.empty(0, dtype=np.int64)
        yield pa.RecordBatch.from_arrays(
            [pa.array(sights, pa.int64()), pa.array(lkeys, pa.int64())], schema=_KEYS
        )


def marked_keys(docs: DataFrame, settings: Settings) -> np.ndarray:
    """The sorted keys of the chrome lines of the corpus (documents: text, host, author, post)."""
    rows = docs.select("text", "host", "author", "post").mapInArrow(
        emit_line_keys, "sight long, lkey long"
    )
    counts = rows.dropDuplicates(["sight", "lkey"]).groupBy("lkey").count()
    chrome = counts.where(
        (F.col("count") >= settings.boilerplate_min_docs)
        | (((F.col("lkey") % 2) != 0) & (F.col("count") >= SIGNATURE_MIN_POSTS))
    )
    keys = np.array([row[0] for row in chrome.select("lkey").collect()], dtype=np.int64)
    keys.sort()
    return keys


#: Per executor process: the finder of each broadcast of marked keys, by a token of the run.
_FINDERS: dict[str, BoilerplateFinder] = {}


def finder_for(marked: Broadcast[Any], settings: Settings, token: str) -> BoilerplateFinder:
    """The boilerplate finder of a broadcast of marked keys (made once per process)."""
    found = _FINDERS.get(token)
    if found is None:
        found = BoilerplateFinder(settings.boilerplate_min_docs)
        found.marked = marked.value
        _FINDERS[token] = found
    return found


def finder_maker(marked: Broadcast[Any], settings: Settings) -> partial[BoilerplateFinder]:
    """A picklable way for executors to get the finder."""
    return partial(finder_for, marked, settings, uuid.uuid4().hex)
