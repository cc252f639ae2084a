"""Readers and writers: the outer ring that turns files into Documents and results into files."""
