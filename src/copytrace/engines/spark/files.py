"""Files the driver handles itself, on any Hadoop-compatible file system: inputs listed, markers
and summaries written, part files joined into one output file.

Everything goes through Hadoop's FileSystem API (via the session's JVM), so a local path, an
`hdfs://` or an `s3a://` URI are treated alike; joining part files copies bytes inside the JVM,
never through Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from pyspark.sql import SparkSession

#: Bytes copied at a time when joining part files.
COPY_BUFFER = 1 << 20


def canonical(uri: str) -> str:
    """One spelling of a file's URI (`file:/a%20b` and `file:///a b` are the same file)."""
    parts = urlsplit(uri)
    scheme = parts.scheme or "file"
    return f"{scheme}://{parts.netloc}{unquote(parts.path)}"


def has_scheme(path: str) -> bool:
    """Whether a path is a URI with a scheme (`hdfs://...`), not a plain local path."""
    parts = urlsplit(path)
    return len(parts.scheme) > 1 and bool(parts.netloc or path.startswith(f"{parts.scheme}:/"))


@dataclass(frozen=True)
class FileInfo:
    """A listed file: its Hadoop path, its URI (as Spark names the file of a row), size in
    bytes and modification time (ms)."""

    path: str
    uri: str
    size: int
    mtime: int


class Files:
    """The driver's access to files through the session's Hadoop FileSystem."""

    def __init__(self, spark: SparkSession) -> None:
        self._jvm: Any = spark.sparkContext._jvm
        self._conf = spark.sparkContext._jsc.hadoopConfiguration()

    def _path(self, path: str) -> tuple[Any, Any]:
        p = self._jvm.org.apache.hadoop.fs.Path(path)
        return p.getFileSystem(self._conf), p

    def qualified(self, path: str) -> str:
        """The fully qualified form of a path (`file:/abs/path`, `hdfs://nn/...`)."""
        fs, p = self._path(path)
        return str(fs.makeQualified(p).toString())

    def exists(self, path: str) -> bool:
        """Whether the path exists."""
        fs, p = self._path(path)
        return bool(fs.exists(p))

    def is_dir(self, path: str) -> bool:
        """Whether the path is a directory."""
        fs, p = self._path(path)
        return bool(fs.exists(p) and fs.getFileStatus(p).isDirectory())

    def glob(self, pattern: str) -> list[FileInfo]:
        """Files and directories matching a glob, sorted by path (directories expanded)."""
        fs, p = self._path(pattern)
        found = fs.globStatus(p) or []
        out: list[FileInfo] = []
        for status in sorted(found, key=lambda s: str(s.getPath().toString())):
            out.extend(self.files(str(status.getPath().toString())))
        return out

    def files(self, path: str) -> list[FileInfo]:
        """A file, or every file under a directory (recursively, by path; names starting
        with '_' or '.' are left out, as Spark leaves them out)."""
        fs, p = self._path(path)
        status = fs.getFileStatus(p)
        if not status.isDirectory():
            return [_info(status)]
        out: list[FileInfo] = []
        listing = fs.listFiles(p, True)
        while listing.hasNext():
            status = listing.next()
            rel = str(status.getPath().toString())[len(str(fs.makeQualified(p).toString())) :]
            if any(part.startswith(("_", ".")) for part in rel.split("/") if part):
                continue
            out.append(_info(status))
        return sorted(out, key=lambda f: f.path)

    def read_text(self, path: str) -> str | None:
        """A small file's text, or None when it does not exist."""
        fs, p = self._path(path)
        if not fs.exists(p):
            return None
        stream = fs.open(p)
        try:
            out = self._jvm.java.io.ByteArrayOutputStream()
            self._jvm.org.apache.hadoop.io.IOUtils.copyBytes(stream, out, COPY_BUFFER, False)
            return bytes(out.toByteArray()).decode("utf-8")
        finally:
            stream.close()

    def write_bytes(self, path: str, data: bytes) -> None:
        """Write a small file whole (through a temporary beside it, renamed into place)."""
        fs, p = self._path(path)
        tmp = self._jvm.org.apache.hadoop.fs.Path(p.getParent(), f".{p.getName()}.tmp")
        stream = fs.create(tmp, True)
        try:
            stream.write(bytearray(data))
        finally:
            stream.close()
        self._replace(fs, tmp, p)

    def join_parts(self, directory: str, target: str, suffix: str = "") -> None:
        """Join the part files of a Spark output directory, in name order, into one file
        (through a temporary beside it), then delete the directory."""
        fs, d = self._path(directory)
        names = sorted(
            str(s.getPath().getName())
            for s in fs.listStatus(d)
            if str(s.getPath().getName()).startswith("part-")
            and str(s.getPath().getName()).endswith(suffix)
        )
        tfs, t = self._path(target)
        tmp = self._jvm.org.apache.hadoop.fs.Path(t.getParent(), f".{t.getName()}.tmp")
        out = tfs.create(tmp, True)
        try:
            for name in names:
                stream = fs.open(self._jvm.org.apache.hadoop.fs.Path(d, name))
                try:
                    self._jvm.org.apache.hadoop.io.IOUtils.copyBytes(
                        stream, out, COPY_BUFFER, False
                    )
                finally:
                    stream.close()
        finally:
            out.close()
        self._replace(tfs, tmp, t)
        fs.delete(d, True)

    def delete(self, path: str) -> None:
        """Delete a file or a directory tree, if it exists."""
        fs, p = self._path(path)
        if fs.exists(p):
            fs.delete(p, True)

    def rename(self, source: str, target: str) -> None:
        """Move a file or directory to a new path (which must not exist)."""
        fs, s = self._path(source)
        _, t = self._path(target)
        if not fs.rename(s, t):
            raise OSError(f"cannot rename {source} to {target}")

    def mkdirs(self, path: str) -> None:
        """Create a directory and its parents."""
        fs, p = self._path(path)
        fs.mkdirs(p)

    def _replace(self, fs: Any, tmp: Any, target: Any) -> None:
        if fs.exists(target):
            fs.delete(target, True)
        if not fs.rename(tmp, target):
            raise OSError(f"cannot rename {tmp.toString()} to {target.toString()}")


def _info(status: Any) -> FileInfo:
    path = status.getPath()
    return FileInfo(
        str(path.toString()),
        str(path.toUri().toString()),
        int(status.getLen()),
        int(status.getModificationTime()),
    )


def join_path(base: str, *names: str) -> str:
    """A path or URI below `base`."""
    return "/".join([base.rstrip("/"), *names])
