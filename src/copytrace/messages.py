"""The parts of an e-mail or news post that are not its own text: headers, attributions, signature.

A post kept from a mailbox, a mailing list or a newsgroup starts with header fields (`From:`,
`Subject:`, `Organization:`, ...) up to the first blank line, introduces what it quotes with an
attribution line ("In article <...>, X writes:"), and ends with its author's signature after a
`-- ` line (the signature separator of RFC 3676). Replies in one thread share their Subject and
attribution lines, and one author's posts share the signature, without sharing any text; two
replies to one author's posts share his signature when each quotes it (`> -- ` and the quoted
lines after it, to the end of the quote). These parts are found here, as character ranges, so
that they can be blanked like page chrome. A text
is taken for a post only when it opens with a header block that has a From, Subject, Date,
Newsgroups or Message-ID field among at least two fields; other texts have no parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A header field line: a name of letters, digits, dots and dashes, a colon, then its value.
_FIELD = re.compile(r"([A-Za-z][A-Za-z0-9._-]{0,40}):(?:[ \t]|$)")
#: How a text that opens with a header field starts (matched on the whole text, it lets through
#: every first line that `_FIELD` matches, and few others).
_FIELD_START = re.compile(r"[A-Za-z][A-Za-z0-9._-]{0,40}:(?:[ \t\r\n]|\Z)")
#: At least one of these fields makes a header block a message's.
_MESSAGE_FIELDS = frozenset({"from", "subject", "date", "newsgroups", "message-id"})
#: Headers longer than this many lines are not taken for a header block.
MAX_HEADER_LINES = 60
#: A signature is at most this many lines after its separator.
MAX_SIGNATURE_LINES = 12
#: The end of a line ending in a colon: attribution lines do ("... writes:").
_COLON_END = re.compile(r":[ \t]*(?=\r?\n|$)")
#: An attribution line: "In article <id>, name writes:" or a line ending in "writes:"/"wrote:".
_ATTRIBUTION = re.compile(
    r"[ \t>|:]*(?:in article\s*<[^\n]*"
    r"|[^\n]{0,160}?\b(?:writes|wrote|said|says|schrieb|a écrit)\s*:)[ \t]*\r?",
    re.IGNORECASE,
)
#: The first line of an attribution that wraps onto a second line.
_ATTRIBUTION_START = re.compile(r"[ \t>|:]*in article\s*<", re.IGNORECASE)
#: Reply prefixes of a Subject: "Re: ", "RE[2]: ", "Aw: ", "Fwd: ", repeated.
_REPLY = re.compile(r"^(?:\s*(?:re|aw|sv|fwd?)(?:\[\d+\])?\s*:)+", re.IGNORECASE)
#: The end of a signature separator line, `--` and white space (searched for first: it is
#: rarer than the line starts a pattern anchored there would try) ...
_SEPARATOR_END = re.compile(r"--[ \t]*\r?$", re.MULTILINE)
#: ... after a quote prefix (">", "> >", "|>", ":") on a quoted separator line.
_QUOTE_PREFIX = re.compile(r"[ \t]*[>|:][>|: \t]*")
#: The address in a From field: "name <addr>" or "addr (name)".
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True, slots=True)
class MessageParts:
    """Where a post's header block, attribution lines and signature are: [start, end) ranges;
    its author (the From address) and thread (its Subject without "Re:"), when it has them."""

    author: str | None
    thread: str | None
    header: tuple[int, int]
    attributions: tuple[tuple[int, int], ...]
    signature: tuple[int, int] | None
    quoted_signatures: tuple[tuple[int, int], ...] = ()

    @property
    def ranges(self) -> list[tuple[int, int]]:
        """All of them, sorted, touching ranges joined."""
        parts = [self.header, *self.attributions, *self.quoted_signatures]
        if self.signature is not None:
            parts.append(self.signature)
        return _joined(parts)


def _header_end(text: str) -> tuple[int, str | None, str | None] | None:
    """End of the header block (its blank line included), its From address and its thread,
    or None."""
    if _FIELD_START.match(text) is None:  # most texts: not even a first header line
        return None
    pos = 0
    n = len(text)
    names: set[str] = set()
    author = None
    thread = None
    lines = 0
    while pos < n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl + 1
        stop = end  # the line without its trailing CR and LF characters
        while stop > pos and text[stop - 1] in "\r\n":
            stop -= 1
        if pos == stop or text[pos:stop].isspace():
            break
        if text[pos] in " \t" and names:  # a folded continuation of the field above
            pos = end
            continue
        m = _FIELD.match(text, pos, stop)
        if m is None:
            return None
        name = m.group(1).lower()
        names.add(name)
        if name == "from" and author is None:
            value = text[m.end() : stop].strip()
            address = _ADDRESS.search(value)
            author = (address.group(0) if address else value).lower() or None
        elif name == "subject" and thread is None:
            thread = _REPLY.sub("", text[m.end() : stop]).strip().lower() or None
            thread = " ".join(thread.split()) if thread else None
        lines += 1
        if lines > MAX_HEADER_LINES:
            return None
        pos = end
    if lines < 2 or not names & _MESSAGE_FIELDS:
        return None
    return pos, author, thread


def _signature_start(text: str, body_start: int) -> int | None:
    """Start of the last `-- ` separator line when at most MAX_SIGNATURE_LINES follow it."""
    # Only the body's last lines matter: split a tail of the text long enough to hold them.
    size = 4096
    while True:
        lo = max(body_start, len(text) - size)
        lines = text[lo:].splitlines(keepends=True)
        if lo == body_start or len(lines) > MAX_SIGNATURE_LINES + 2:
            break
        size *= 4
    if lo > body_start:
        del lines[0]  # it may start inside a line (or between CR and LF)
    at = len(text)
    for k in range(len(lines) - 1, max(-1, len(lines) - 2 - MAX_SIGNATURE_LINES), -1):
        at -= len(lines[k])
        if lines[k].rstrip("\r\n").rstrip(" ") == "--":
            return at
    return None


def _quoted_signatures(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """Signatures quoted in text[start:end]: a quoted `--` line and the lines after it that
    carry its quote prefix (and lines the quoting re-wrapped: one without the prefix between
    two with it), when the quote ends within MAX_SIGNATURE_LINES of them and no quoted line
    follows after blank ones (a longer quote after a `--` line, or one that goes on, is more
    of the quoted post, not its signature)."""
    found = []
    for hit in _SEPARATOR_END.finditer(text, start, end):
        line_start = max(text.rfind("\n", start, hit.start()) + 1, start)
        if _QUOTE_PREFIX.fullmatch(text, line_start, hit.start()) is None:
            continue
        prefix = text[line_start : hit.start()].strip(" \t")
        # The lines after the separator, as many as a signature may have and more (found
        # line by line: a long post is not copied whole for each separator it quotes).
        stop = hit.end()
        for _ in range(2 * MAX_SIGNATURE_LINES + 1):
            stop = text.find("\n", stop + 1, end)
            if stop < 0:
                stop = end
                break
        after = text[hit.end() + 1 : stop].split("\n")
        quoted = [line.lstrip(" \t").startswith(prefix) for line in after]
        blank = [not line.strip() for line in after]
        taken = 0
        while taken < len(after) and (
            quoted[taken] or (0 < taken < len(after) - 1 and not blank[taken] and quoted[taken + 1])
        ):
            taken += 1
        # The quote must end there: quoted text after a blank line is more of the post.
        rest = next((k for k in range(taken, len(after)) if not blank[k]), None)
        if 0 < taken <= MAX_SIGNATURE_LINES and (rest is None or not quoted[rest]):
            last = hit.end() + sum(len(line) + 1 for line in after[:taken])
            found.append((line_start, min(last, end)))
    return tuple(found)


def message_parts(text: str) -> MessageParts | None:
    """The header, attribution and signature ranges of a post, or None if it is not one."""
    head = _header_end(text)
    if head is None:
        return None
    body_start, author, thread = head
    attributions: list[tuple[int, int]] = []
    signature = _signature_start(text, body_start)
    body_end = len(text) if signature is None else signature
    for hit in _COLON_END.finditer(text, body_start, body_end):
        start = text.rfind("\n", body_start, hit.start()) + 1
        end = hit.end()
        if _ATTRIBUTION.fullmatch(text, start, end) is None:
            continue
        # "In article <...>, name (Full\nName) writes:" wraps: take the line before too.
        before = text.rfind("\n", body_start, max(start - 1, body_start)) + 1
        if before < start and _ATTRIBUTION_START.match(text, before, start):
            start = before
        if attributions and attributions[-1][1] >= start:
            start = attributions.pop()[0]
        attributions.append((start, end))
    sig = None if signature is None else (signature, len(text))
    quoted = _quoted_signatures(text, body_start, body_end)
    return MessageParts(author, thread, (0, body_start), tuple(attributions), sig, quoted)


def _joined(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted ranges with overlapping or touching ones joined."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out
