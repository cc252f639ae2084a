"""copytrace: find where text was copied.

One import path per object; everything public is listed in `__all__`.
"""

from copytrace._version import __version__
from copytrace.api import Comparison, DedupResult, compare, dedup, read, scan
from copytrace.engines.local.run import Dropped, ScanResult
from copytrace.errors import (
    CopytraceError,
    InputError,
    MissingDependencyError,
    SettingsError,
)
from copytrace.index import Index, IndexedDocument, QueryResult
from copytrace.model import (
    SKETCH_FORMAT_VERSION,
    Cluster,
    Document,
    Match,
    Member,
    Relation,
    Settings,
    Span,
)
from copytrace.sketch import Sketches, sketch_batch

__all__ = [
    "SKETCH_FORMAT_VERSION",
    "Cluster",
    "Comparison",
    "CopytraceError",
    "DedupResult",
    "Document",
    "Dropped",
    "Index",
    "IndexedDocument",
    "InputError",
    "Match",
    "Member",
    "MissingDependencyError",
    "QueryResult",
    "Relation",
    "ScanResult",
    "Settings",
    "SettingsError",
    "Sketches",
    "Span",
    "__version__",
    "compare",
    "dedup",
    "read",
    "scan",
    "sketch_batch",
]
