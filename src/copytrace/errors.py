"""One exception tree; the command line and services translate it at the edges."""


class CopytraceError(Exception):
    """Base of every error copytrace raises on purpose."""


class InputError(CopytraceError, ValueError):
    """Bad input data: unreadable file, malformed record, missing field."""


class SettingsError(CopytraceError, ValueError):
    """A setting out of range or inconsistent with another."""


class MissingDependencyError(CopytraceError, ImportError):
    """An optional dependency is needed for the requested feature."""
