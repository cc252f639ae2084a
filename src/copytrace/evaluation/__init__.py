"""Evaluation of copytrace: PAN text-alignment measures and generators of labelled reuse."""

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
from copytrace.evaluation.synth import (
    STOPWORDS,
    content_words,
    insert_excerpt,
    paragraph_spans,
    spin,
)
from copytrace.evaluation.wordnet import load_synonyms

__all__ = [
    "OVERALL",
    "SIMULATED",
    "STOPWORDS",
    "Case",
    "Detection",
    "PanScores",
    "content_words",
    "format_table",
    "insert_excerpt",
    "list_documents",
    "load_synonyms",
    "load_truth",
    "pan_measures",
    "pan_measures_by_obfuscation",
    "paragraph_spans",
    "spin",
]
