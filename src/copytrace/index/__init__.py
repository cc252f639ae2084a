"""The persistent index: add documents once, then ask of each new text "have we seen this?".

See docs/index.md for the file format and README.md for the commands and the Python API.
"""

from copytrace.index.index import AddResult, Index, IndexedDocument
from copytrace.index.query import QueryResult

__all__ = ["AddResult", "Index", "IndexedDocument", "QueryResult"]
