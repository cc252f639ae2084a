"""summary.json of a Spark run: the local engine's keys, in its order, from the stages' counts,
plus an `engine` section (Spark master, stages reused, work directory)."""

from __future__ import annotations

from typing import Any

from copytrace.engines.spark.core import Settings, __version__

#: The local engine's order of the passage counts.
PASSAGE_KEYS = (
    "fingerprints",
    "fingerprints_ignored_as_common",
    "postings_ignored_as_common",
    "pairs_from_fingerprints",
    "pairs_verified_in_all",
    "fingerprints_shared",
)
#: ... and of those of the reworded path, when it ran.
SENTENCE_KEYS = ("sentence_keys", "pairs_from_sentences", "pairs_only_from_sentences")


def build_summary(
    sketches: dict[str, Any],
    candidates: dict[str, Any],
    verified: dict[str, Any],
    clusters: dict[str, Any],
    settings: Settings,
    timings: dict[str, float],
    jobs: int,
    ignored_files: int,
) -> dict[str, Any]:
    """The summary of a run, as the local engine's `scan` (and its API) make it."""
    n_docs = int(sketches["documents"])
    n_clusters = int(clusters["clusters"])
    in_clusters = int(clusters["in_clusters"])
    passages = candidates.get("passages") or {}
    passage_counts = {k: passages[k] for k in PASSAGE_KEYS} if passages else {}
    if "pairs_only_from_sentences" in passages:
        passage_counts |= {k: passages[k] for k in SENTENCE_KEYS}
        passage_counts["matches_only_from_sentences"] = int(
            verified.get("matches_only_from_sentences", 0)
        )
    if passages:
        passage_counts["rewrites_taken_for_recurring_frames"] = int(
            verified.get("rewrites_taken_for_recurring_frames", 0)
        )
    read_as_documents = int(sketches["read_as_documents"])
    return {
        "copytrace_version": __version__,
        "records": {
            "read": int(sketches["records"]),
            "documents": n_docs,
            "skipped": int(sketches["skipped"]),
            "not_documents": {},
            "ignored_files": ignored_files,
        },
        "documents": {
            "scanned": int(sketches["nonempty"]),
            "empty": n_docs - int(sketches["nonempty"]),
            "in_clusters": in_clusters,
            "kept_by_dedup": n_docs - (in_clusters - n_clusters),
            "dropped_by_dedup": in_clusters - n_clusters,
        },
        "matches": dict(verified["matches"]),
        "clusters": n_clusters,
        "largest_cluster": int(clusters["largest_cluster"]),
        "candidates": {
            "bands": candidates["bands"],
            "rows": candidates["rows"],
            "pairs_from_bands": candidates["pairs_from_bands"],
            "pairs_verified_exactly": candidates["pairs_verified_exactly"],
            "large_buckets_linked_to_head": candidates["large_buckets_linked_to_head"],
            "pairs_skipped_already_joined": verified["pairs_skipped_already_joined"],
        },
        "skipped_records": sketches["skipped_records"],
        "empty_documents": sketches["empty_documents"],
        "settings": settings.to_dict(),
        "jobs": jobs,
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        "passages": passage_counts,
        "boilerplate": {
            "enabled": not settings.keep_boilerplate,
            "lines_marked": int(sketches["lines_marked"]),
            **sketches["chrome"],
            "fingerprints_ignored_as_common": passage_counts.get(
                "fingerprints_ignored_as_common", 0
            ),
        },
        "encodings": {"utf-8": read_as_documents} if read_as_documents else {},
    }
