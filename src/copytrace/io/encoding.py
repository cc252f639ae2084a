"""Character encodings of input files: the one the user names, the one a file declares, or a guess.

Text, HTML and CSV files are often not UTF-8: Windows-1252 from Windows editors, GBK/GB18030 from
Chinese sites, Shift_JIS from Japanese ones, Latin-1 from old European ones. A file is read as

1. the encoding of its byte-order mark (UTF-8, UTF-16, UTF-32), which is definitive;
2. else the encoding the user named (`--encoding`), or one the file declares (an HTML page's
   HTTP Content-Type or `<meta charset>`, see copytrace.io.html);
3. else UTF-8 when the bytes are valid UTF-8, or damaged UTF-8 when they are mostly valid UTF-8
   (then the bad bytes are the error, not the encoding);
4. else the guess of charset-normalizer (https://github.com/jawah/charset_normalizer). When
   several encodings fit equally well and give different texts, Windows-1252 wins (the web's
   default for unlabelled Western text); a multi-byte guess for bytes whose non-ASCII bytes all
   stand alone is set aside, as CJK text has runs of them.

Bytes that no encoding fits are an error naming the byte offset. Encoding names are Python's
canonical codec names ("utf-8", "cp1252", "gb18030", "shift_jis", "utf-16-le").
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

#: Bytes given to the detector: enough for any guess, bounded for very large files.
DETECT_BYTES = 1 << 20
#: Damaged UTF-8: at least this many valid multi-byte sequences per invalid byte.
UTF8_MAJORITY = 2

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH_RUN = re.compile(rb"[\x80-\xff]{2}")
_HIGH = re.compile(rb"[\x80-\xff]")
#: Preferred among equally good guesses, in this order.
_PREFERRED = ("cp1252", "iso8859-1")


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, and the encoding it was decoded with."""

    text: str
    encoding: str


def codec_name(label: str | None) -> str | None:
    """Python's canonical codec name for an encoding label ('latin-1' -> 'iso8859-1'), or None."""
    if not label:
        return None
    try:
        info = codecs.lookup(label.strip())
    except (LookupError, ValueError):
        return None
    # Text codecs only: 'rot13', 'base64' and friends are not character encodings.
    return info.name if getattr(info, "_is_text_encoding", True) else None


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """(encoding, length) of the byte-order mark `data` starts with, or None."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None


def mostly_utf8(data: bytes) -> bool:
    """Whether bytes that are not valid UTF-8 still look like UTF-8 with a few bad bytes in it."""
    sequences = _UTF8_SEQUENCE.findall(data)
    in_sequences = sum(len(s) for s in sequences)
    invalid = len(_HIGH.findall(data)) - in_sequences
    return bool(sequences) and len(sequences) >= UTF8_MAJORITY * max(invalid, 1)


def _label(encoding: str) -> str:
    return "UTF-8" if encoding == "utf-8" else encoding


def guess_encoding(data: bytes) -> str | None:
    """The most likely legacy encoding of bytes that are not UTF-8, or None when none fits."""
    from charset_normalizer import from_bytes
    from charset_normalizer.utils import is_multi_byte_encoding

    sample = data[:DETECT_BYTES]
    matches = list(from_bytes(sample))
    if matches and not _HIGH_RUN.search(sample):
        single = [m for m in matches if not is_multi_byte_encoding(m.encoding)]
        if not single:
            single = [m for m in from_bytes(sample, cp_isolation=list(_single_byte()))]
        matches = single
    if not matches:
        return None
    best = matches[0]
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    fitting = {codec_name(e) for m in tied for e in m.could_be_from_charset}
    for name in _PREFERRED:
        if name in fitting:
            return name
    return codec_name(best.encoding)


def _single_byte() -> tuple[str, ...]:
    from charset_normalizer.constant import IANA_SUPPORTED
    from charset_normalizer.utils import is_multi_byte_encoding

    return tuple(e for e in IANA_SUPPORTED if not is_multi_byte_encoding(e))


def decode_bytes(data: bytes, encoding: str | None = None) -> Decoded | str:
    """The text of a whole file's bytes, or a message saying why no encoding fits (with the byte
    offset). `encoding` is the encoding the user named, if any; a byte-order mark wins over it."""
    bom = bom_encoding(data)
    if bom is not None:  # definitive, whatever else is said
        name, size = bom
        return _strict(data[size:], name, size)
    if encoding is not None:
        name = codec_name(encoding) or encoding
        found = _strict(data, name, 0)
        if isinstance(found, Decoded):
            return Decoded(found.text.removeprefix("\ufeff"), name)
        return found
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    bad = data[first_bad : first_bad + 4]
    if mostly_utf8(data):
        return f"invalid UTF-8 at byte {first_bad} ({bad!r})."
    guess = guess_encoding(data)
    if guess is None:
        return (
            f"invalid UTF-8 at byte {first_bad} ({bad!r}), and no other encoding fits. "
            "Use --encoding NAME if you know it."
        )
    try:
        return Decoded(data.decode(guess), guess)
    except UnicodeDecodeError as exc:
        return (
            f"invalid UTF-8 at byte {first_bad} ({bad!r}); as {guess} it is invalid at byte "
            f"{exc.start}. Use --encoding NAME if you know it."
        )


def _strict(data: bytes, encoding: str, offset: int) -> Decoded | str:
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError as exc:
        at = offset + exc.start
        bad = data[exc.start : exc.start + 4]
        return f"invalid {_label(encoding)} at byte {at} ({bad!r})."
    except LookupError:
        return f"unknown encoding {encoding!r}."


def stream_encoding(sample: bytes, encoding: str | None = None) -> tuple[str, int]:
    """(encoding, bytes of byte-order mark to skip) for a stream starting with `sample`.

    For streamed files (CSV), decided on the first bytes; bytes later in the file that do not fit
    are reported where they are. Bytes that fit no encoding give UTF-8 (and errors later).
    """
    bom = bom_encoding(sample)
    if bom is not None:
        return bom
    if encoding is not None:
        return codec_name(encoding) or encoding, 0
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8", 0
    except UnicodeDecodeError:
        pass
    if mostly_utf8(sample):
        return "utf-8", 0
    return guess_encoding(sample) or "utf-8", 0
