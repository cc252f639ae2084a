"""Runners of the pipeline: read -> normalize -> sketch -> candidates -> verify -> group."""
