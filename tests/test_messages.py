"""Unit tests of copytrace.messages: which texts are posts, and where a post's header block,
attribution lines and signature are (the parts blanked like page chrome)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrace.messages import MAX_HEADER_LINES, MAX_SIGNATURE_LINES, MessageParts, message_parts

HEADER = (
    "From: Ada Quill <Ada.Quill@Northfen.example>\n"
    "Subject: Re: Ferry timetable\n"
    "Organization: Northfen Polytechnic\n"
    "Lines: 9\n"
)


def _parts(text: str) -> MessageParts:
    parts = message_parts(text)
    assert parts is not None, "expected a post"
    return parts


def _pieces(text: str, ranges: list[tuple[int, int]]) -> list[str]:
    return [text[lo:hi] for lo, hi in ranges]


def test_a_post_has_its_header_attribution_and_signature_found() -> None:
    body = (
        "In article <1993May3.101@harbour.example>, jonas@harbour.example (Jonas Brack) writes:\n"
        "> The ferry to Ostmere leaves at noon on weekdays.\n"
        "It leaves at one since the spring timetable came in.\n"
    )
    signature = "-- \nAda Quill   |  Northfen Polytechnic, Dept. of Tides\n"
    text = HEADER + "\n" + body + signature
    parts = _parts(text)
    assert parts.author == "ada.quill@northfen.example"
    assert parts.thread == "ferry timetable"
    assert text[slice(*parts.header)] == HEADER
    assert _pieces(text, list(parts.attributions)) == [body.splitlines()[0]]
    assert parts.signature is not None and text[slice(*parts.signature)] == signature
    # Header, blank line and the attribution that follows it are one range; the post's own
    # line and the line it quotes are in none.
    assert parts.ranges == [(0, text.index("> The ferry") - 1), parts.signature]
    for own in ("> The ferry to Ostmere", "It leaves at one"):
        at = text.index(own)
        assert not any(lo <= at < hi for lo, hi in parts.ranges)


@pytest.mark.parametrize(
    ("field", "author"),
    [
        ("From: Bo Renner <BO.Renner@Ostmere.example>", "bo.renner@ostmere.example"),
        ("From: bo@ostmere.example (Bo Renner)", "bo@ostmere.example"),
        ("From: The Harbour Office", "the harbour office"),  # no address: the value itself
        ("From:", None),
    ],
)
def test_author_is_the_from_address_lower_cased(field: str, author: str | None) -> None:
    assert _parts(f"{field}\nSubject: Tides\n\nBody.\n").author == author


@pytest.mark.parametrize(
    ("subject", "thread"),
    [
        ("Ferry Timetable", "ferry timetable"),
        ("Re: Ferry timetable", "ferry timetable"),
        ("RE[2]: Fwd:  Ferry   timetable ", "ferry timetable"),
        ("Aw: Sv: Fw: re: Ferry timetable", "ferry timetable"),
        ("Review: the ferry timetable", "review: the ferry timetable"),  # not a reply prefix
        ("Re:", None),
        ("", None),
    ],
)
def test_thread_is_the_subject_without_reply_prefixes(subject: str, thread: str | None) -> None:
    assert _parts(f"From: bo@ostmere.example\nSubject: {subject}\n\nBody.\n").thread == thread


def test_only_the_first_from_and_subject_count() -> None:
    text = (
        "From: ina@velbrook.example\nSubject: Star party\n"
        "From: other@velbrook.example\nSubject: Something else\n\nBody.\n"
    )
    parts = _parts(text)
    assert (parts.author, parts.thread) == ("ina@velbrook.example", "star party")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "The ferry leaves at noon.\nSubject: tides\n\nBody.",  # prose first
        "Subject: Tides\n\nBody.",  # one field only
        "Title: Harvest fair\nAuthor: Ina Kestrel\n\nBody.",  # no message field among them
        "Subject: Tides\nDate: 3 May 1993\nNo blank line before this body line.",
        "http://velbrook.example/tides: a link\nSubject: Tides\n\nBody.",  # no space after ':'
        "Note:tides\nSubject: Tides\n\nBody.",
        "  Subject: Tides\nDate: 3 May\n\nBody.",  # a continuation with no field above it
        "In article <x@y.example>, ann writes:\nSubject: Tides\n\nBody.",
    ],
)
def test_texts_that_do_not_open_with_a_message_header_are_not_posts(text: str) -> None:
    assert message_parts(text) is None


@pytest.mark.parametrize("field", ["From", "Subject", "Date", "Newsgroups", "Message-ID"])
def test_any_message_field_with_another_makes_a_post(field: str) -> None:
    parts = _parts(f"X-Note: one\n{field}: two\n\nBody.\n")
    assert parts.header == (0, len("X-Note: one\n") + len(field) + len(": two\n"))


def test_folded_header_lines_belong_to_the_header_and_do_not_count_as_fields() -> None:
    fields = [f"X-Field-{k}: value {k}\n" for k in range(MAX_HEADER_LINES - 1)]
    header = "From: ann@tarnby.example\n" + "".join(fields) + "  a folded continuation\n"
    parts = _parts(header + "\nBody.\n")
    assert parts.header == (0, len(header))
    # One field more than MAX_HEADER_LINES is not a header block.
    assert message_parts(header + "X-One-More: yes\n\nBody.\n") is None


@pytest.mark.parametrize(
    "line",
    [
        "In article <1993May3.101@harbour.example>, jonas@harbour.example (Jonas Brack) writes:",
        "Jonas Brack wrote:",
        ">> Piet Vos wrote:",
        "| On 3 May, Piet Vos said:",
        "Piet Vos schrieb:",
        "Piet Vos a écrit :",
        "In article <x@y.example> someone:",
        "  jonas@harbour.example (Jonas Brack) writes:   ",
    ],
)
def test_attribution_lines_are_found(line: str) -> None:
    text = HEADER + "\nMy own first line.\n" + line + "\n> Something quoted.\n"
    parts = _parts(text)
    assert _pieces(text, list(parts.attributions)) == [line]  # trailing blanks too


@pytest.mark.parametrize(
    "line",
    [
        "Timetable for the spring:",
        "> Jonas Brack wrote: the ferry is late",  # not at the end of the line
        "Jonas Brack writes that the ferry is late:",
        "x" * 170 + " writes:",  # too long for a name before 'writes:'
        "The committee's findings:",
    ],
)
def test_other_lines_ending_in_a_colon_are_not_attributions(line: str) -> None:
    parts = _parts(HEADER + "\nMy own first line.\n" + line + "\nThe rest.\n")
    assert parts.attributions == ()


def test_an_attribution_wrapped_onto_two_lines_is_one_range() -> None:
    wrapped = (
        "In article <1993May3.101@harbour.example>, jonas@harbour.example (Jonas\nBrack) writes:"
    )
    text = HEADER + "\nMy own first line.\n" + wrapped + "\n> Quoted.\n"
    assert _pieces(text, list(_parts(text).attributions)) == [wrapped]
    # The line above is taken only when it opens an "In article <" attribution.
    other = "A line of my own (about\nBrack) writes:"
    text = HEADER + "\nMy own first line.\n" + other + "\n> Quoted.\n"
    assert _pieces(text, list(_parts(text).attributions)) == ["Brack) writes:"]


def test_attributions_in_a_row_are_joined_in_ranges() -> None:
    lines = "Jonas Brack wrote:\n> Piet Vos wrote:\n>> The ferry is late.\n"
    text = HEADER + "\nMine.\n" + lines
    parts = _parts(text)
    assert len(parts.attributions) == 2
    first = text.index("Jonas")
    assert (first, first + len("Jonas Brack wrote:\n> Piet Vos wrote:")) in parts.ranges


def test_the_signature_is_after_the_last_separator_line() -> None:
    body = "My own text.\n-- \nnot a signature yet: more text follows\n" + "Body line.\n" * 3
    signature = "--\nAda Quill\n"  # a separator without its trailing space is one too
    text = HEADER + "\n" + body + signature
    parts = _parts(text)
    assert parts.signature == (len(text) - len(signature), len(text))


@pytest.mark.parametrize(
    ("separator", "found"),
    [("---\n", False), ("> -- \n", False), ("-- x\n", False), ("--  \n", True), ("-- \r\n", True)],
)
def test_what_a_signature_separator_is(separator: str, found: bool) -> None:
    text = HEADER + "\nMy own text.\n" + separator + "Ada Quill\n"
    parts = _parts(text)
    assert (parts.signature is not None) is found
    if found:
        assert parts.signature == (text.index(separator), len(text))


def test_a_signature_is_at_most_max_signature_lines_long() -> None:
    def post(lines: int) -> str:
        return HEADER + "\nMy own text.\n-- \n" + "".join(f"sig {k}\n" for k in range(lines))

    assert _parts(post(MAX_SIGNATURE_LINES)).signature is not None
    assert _parts(post(MAX_SIGNATURE_LINES + 1)).signature is None


def test_attribution_lines_inside_the_signature_are_not_counted() -> None:
    text = HEADER + "\nMy own text.\n-- \nAs my grandmother wrote:\nDig ditches slowly.\n"
    parts = _parts(text)
    assert parts.attributions == ()
    assert parts.signature == (text.index("-- "), len(text))


def test_header_lines_ending_in_crlf() -> None:
    text = (
        "From: bo@ostmere.example\r\nSubject: Re: Tides\r\n\r\n"
        "Piet Vos wrote:\r\n> High water at six.\r\nNo, at seven.\r\n-- \r\nBo\r\n"
    )
    parts = _parts(text)
    assert text[slice(*parts.header)] == "From: bo@ostmere.example\r\nSubject: Re: Tides\r\n"
    assert _pieces(text, list(parts.attributions)) == ["Piet Vos wrote:"]
    assert parts.signature is not None and text[slice(*parts.signature)] == "-- \r\nBo\r\n"
    assert parts.thread == "tides"


_BODY_LINES = st.sampled_from(
    [
        "",
        " ",
        "-- ",
        "--",
        "> quoted",
        "> -- ",
        "|> --",
        "> Ann of Tarnby, harbour pilot",
        "In article <a@b.example>, ann",
        "ann writes:",
        "Piet wrote:",
        "a: b",
        "plain words",
        "\t",
        "x\u2028y",
        "Subject: not a header here",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_BODY_LINES, max_size=30), st.sampled_from(["\n", "\r\n"]), st.text(max_size=12))
def test_ranges_are_sorted_disjoint_and_inside_the_text(
    body: list[str], newline: str, tail: str
) -> None:
    text = f"From: ann@tarnby.example{newline}Subject: Tides{newline}{newline}"
    text += newline.join(body) + tail
    parts = _parts(text)
    assert parts.header[0] == 0
    end = -2
    for lo, hi in parts.ranges:
        assert end + 1 < lo < hi <= len(text)  # touching ranges are joined
        end = hi
    for lo, hi in parts.attributions:
        assert text[lo:hi].rstrip().endswith(":")
    if parts.signature is not None:
        lo, hi = parts.signature
        assert hi == len(text) and text[lo:].splitlines()[0].rstrip(" ") == "--"
    for lo, hi in parts.quoted_signatures:
        assert text[lo:hi].splitlines()[0].strip(" >|:\r") == "--"


QUOTED_SIGNATURE = (
    "-- \nBo Renner, Ostmere ferry office   bo@ostmere.example\nTides wait for no timetable.\n"
)


@pytest.mark.parametrize("prefix", ["> ", ">", "|> ", ": ", "> > "])
def test_a_signature_quoted_in_a_reply_is_found_with_its_quote_prefix(prefix: str) -> None:
    quoted = "".join(prefix + line + "\n" for line in QUOTED_SIGNATURE.splitlines())
    body = (
        "In article <9@ostmere.example>, bo@ostmere.example (Bo Renner) writes:\n"
        f"{prefix}The noon ferry is cancelled on Fridays.\n"
        f"{quoted}"
        "\nIt sailed last Friday all the same.\n"
    )
    text = HEADER + "\n" + body
    parts = _parts(text)
    assert _pieces(text, list(parts.quoted_signatures)) == [quoted.rstrip("\n")]
    assert parts.signature is None  # the post's own text ends it: it has none of its own
    ranges = parts.ranges
    for kept in ("The noon ferry is cancelled", "It sailed last Friday"):
        at = text.index(kept)
        assert not any(lo <= at < hi for lo, hi in ranges)
    at = text.index("Tides wait for no timetable")
    assert any(lo <= at < hi for lo, hi in ranges)


def test_a_quoted_signature_line_re_wrapped_without_its_prefix_is_part_of_it() -> None:
    body = (
        "> -- \n"
        "> Bo Renner, Ostmere ferry office, harbour master's building, second\n"
        "floor\n"
        "> bo@ostmere.example\n"
        "My answer to Bo.\n"
    )
    text = HEADER + "\n" + body
    ((lo, hi),) = _parts(text).quoted_signatures
    assert text[lo:hi] == body[: body.index("\nMy answer")]


def test_a_long_quote_after_a_quoted_separator_is_not_a_signature() -> None:
    lines = [f"> line {k} of the quoted post after its dashes" for k in range(MAX_SIGNATURE_LINES)]
    text = HEADER + "\n> --\n" + "\n".join(lines) + "\nMy answer.\n"
    assert len(_parts(text).quoted_signatures) == 1
    lines.append("> and one line more than a signature has")
    text = HEADER + "\n> --\n" + "\n".join(lines) + "\nMy answer.\n"
    assert _parts(text).quoted_signatures == ()
