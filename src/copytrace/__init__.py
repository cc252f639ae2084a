"""copytrace: find where text was copied.

One import path per object; everything public is listed in `__all__`.
"""

from typing import TYPE_CHECKING, Any

from copytrace._version import __version__
from copytrace.api import Comparison, DedupResult, compare, dedup, read, scan
from copytrace.engines.local.run import Dropped, ScanResult
from copytrace.errors import (
    CopytraceError,
    InputError,
    MissingDependencyError,
    SettingsError,
)
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

if TYPE_CHECKING:
    from copytrace.index import Index, IndexedDocument, QueryResult

#: Loaded when first asked for: a scan or a comparison does without them.
_INDEX_NAMES = frozenset({"Index", "IndexedDocument", "QueryResult"})


def __getattr__(name: str) -> Any:
    """The index's public classes, imported on first use."""
    if name in _INDEX_NAMES:
        from copytrace import index

        return getattr(index, name)
    raise AttributeError(f"module 'copytrace' has no attribute {name!r}")


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
