"""Evaluation of copytrace against corpora with passage-level ground truth (PAN text alignment)."""

from copytrace.evaluation.pan import (
    OVERALL,
    SIMULATED,
    Case,
    Detection,
    PanScores,
    format_table,
    list_documents,
    load_truth,
    pan_measures,
    pan_measures_by_obfuscation,
)

__all__ = [
    "OVERALL",
    "SIMULATED",
    "Case",
    "Detection",
    "PanScores",
    "format_table",
    "list_documents",
    "load_truth",
    "pan_measures",
    "pan_measures_by_obfuscation",
]
