"""One exception tree; the command line and services translate it at the edges."""


class CopytraceError(Exception):
    """Base of every error copytrace raises on purpose."""


class InputError(CopytraceError, ValueError):
    """Bad input data: unreadable file, malformed record, missing field."""


class BadRecordError(InputError):
    """A bad input record met with on_error="fail"; `detail` says where it is and what is wrong.

    The message ends with the Python API's way to skip such records; the command line names its
    own flag instead.
    """

    def __init__(self, detail: str) -> None:
        super().__init__(f'{detail} (on_error="skip" skips bad records.)')
        self.detail = detail


class OutputError(CopytraceError, OSError):
    """An output path that cannot be written: a directory where a file is wanted, no permission."""


class SettingsError(CopytraceError, ValueError):
    """A setting out of range or inconsistent with another."""


class MissingDependencyError(CopytraceError, ImportError):
    """An optional dependency is needed for the requested feature."""
