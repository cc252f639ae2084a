"""Legacy encodings are read, not rejected: text, HTML and CSV files in Windows-1252, Latin-1,
GB18030, Shift_JIS, UTF-16 and UTF-8 with byte-order marks; the encoding used is kept as
metadata and counted in summary.json; `--encoding` overrides the guess; bytes no encoding fits
are an error naming the file and the byte offset. JSON Lines stay UTF-8."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from copytrace import read
from copytrace.cli import main
from copytrace.io.encoding import decode_bytes
from copytrace.io.html import extract_page

ENGLISH = (
    "I think it’s about the economy. The government’s policy was wrong – and that’s why "
    "people voted against it. “We need change,” one said."
)
FRENCH = "Résumé of the day: the naïve garçon served crème brûlée at the façade of the café."
CHINESE = "今天市政府宣布，新的公共交通路线将于下月开通。市民表示欢迎。这条线路连接城市东西两端。"
JAPANESE = (
    "今日は市役所で新しいバス路線が発表されました。来月から運行が始まります。市民は歓迎しています。"
)

#: (name, text, bytes of the file, encodings that read it right)
CASES = [
    ("windows-1252", ENGLISH, ENGLISH.encode("cp1252"), {"cp1252"}),
    ("latin-1", FRENCH, FRENCH.encode("latin-1"), {"cp1252", "iso8859-1"}),
    ("gb18030", CHINESE, CHINESE.encode("gb18030"), {"gb18030"}),
    ("shift_jis", JAPANESE, JAPANESE.encode("shift_jis"), {"shift_jis", "cp932"}),
    ("utf-16-bom", FRENCH, FRENCH.encode("utf-16"), {"utf-16-le", "utf-16-be"}),
    ("utf-8-bom", CHINESE, b"\xef\xbb\xbf" + CHINESE.encode(), {"utf-8"}),
]
IDS = [c[0] for c in CASES]


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize(("name", "text", "data", "encodings"), CASES, ids=IDS)
def test_text_files_in_legacy_encodings_are_read(
    tmp_path: Path, name: str, text: str, data: bytes, encodings: set[str]
) -> None:
    root = tmp_path / "texts"
    root.mkdir()
    (root / f"{name}.txt").write_bytes(data)
    (root / "plain.txt").write_text("Plain ASCII words.", encoding="utf-8")
    docs = {d.id: d for d in read(root)}
    assert docs[f"{name}.txt"].text == text
    assert docs[f"{name}.txt"].meta["encoding"] in encodings
    assert docs["plain.txt"].meta["encoding"] == "utf-8"
    # A single file is read the same way.
    (single,) = read(root / f"{name}.txt")
    assert single.text == text


@pytest.mark.parametrize(("name", "text", "data", "encodings"), CASES, ids=IDS)
def test_csv_files_in_legacy_encodings_are_read(
    tmp_path: Path, name: str, text: str, data: bytes, encodings: set[str]
) -> None:
    rows = f'id,text\r\nr1,"{text}"\r\nr2,"{text[::-1]}"\r\n'
    path = tmp_path / f"{name}.csv"
    if name.endswith("bom"):
        codec = "utf-16" if name.startswith("utf-16") else "utf-8-sig"
        path.write_bytes(rows.encode(codec))
    else:
        codec = {"windows-1252": "cp1252", "latin-1": "latin-1"}.get(name, name)
        path.write_bytes(rows.encode(codec))
    assert [(d.id, d.text) for d in read(path)] == [("r1", text), ("r2", text[::-1])]


def test_scan_counts_encodings_in_the_summary(tmp_path: Path) -> None:
    root = tmp_path / "answers"
    root.mkdir()
    for name, _, data, _ in CASES:
        (root / f"{name}.txt").write_bytes(data)
    for k in range(3):
        (root / f"utf8-{k}.txt").write_text(f"Answer {k} in plain UTF-8, naïve.", encoding="utf-8")
    result = run("scan", root, "--out", tmp_path / "out", "-q")
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    counts = summary["encodings"]
    assert sum(counts.values()) == summary["records"]["documents"] == len(CASES) + 3
    assert counts["utf-8"] == 4  # three plain files and the one with a UTF-8 byte-order mark
    assert counts["gb18030"] == 1
    assert counts["cp1252"] == 2  # the Windows-1252 and the Latin-1 text


def test_encoding_option_overrides_the_guess(tmp_path: Path) -> None:
    russian = "Привет, мир! Это текст на русском языке."
    path = tmp_path / "ru.txt"
    path.write_bytes(russian.encode("koi8_r"))
    (doc,) = read(path, encoding="koi8-r")
    assert doc.text == russian
    assert doc.meta["encoding"] == "koi8-r"
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes(russian.encode("cp1251"))
    b.write_bytes(russian.encode("cp1251"))
    result = run("compare", a, b, "--encoding", "cp1251", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["relation"] == "exact"


def test_unknown_encoding_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("words", encoding="utf-8")
    result = run("scan", path, "--out", tmp_path / "out", "--encoding", "klingon-8")
    assert result.exit_code == 2
    assert "Invalid value for '--encoding': unknown encoding 'klingon-8'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_bytes_no_encoding_fits_name_the_file_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(b"abc" + bytes(range(0x80, 0x100)) * 3)
    result = run("scan", path, "--out", tmp_path / "out", "-q")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path}: invalid UTF-8 at byte 3 (b'\\x80\\x81\\x82\\x83'), and no other encoding "
        "fits. Use --encoding NAME if you know it. (--on-error skip skips bad records.)\n"
    )
    # A named encoding that does not fit names the byte where it fails.
    assert decode_bytes(b"abc\x81def", "cp1252") == "invalid cp1252 at byte 3 (b'\\x81def')."


def test_json_lines_stay_utf8(tmp_path: Path) -> None:
    path = tmp_path / "legacy.jsonl"
    path.write_bytes(b'{"id": "a", "text": "caf\xe9"}\n')
    result = run("scan", path, "--out", tmp_path / "out", "-q", "--encoding", "cp1252")
    assert result.exit_code == 1
    assert "invalid UTF-8 at byte 24 of the record" in result.stderr


def test_html_meta_charset_wins_over_a_naive_guess() -> None:
    russian = "Привет, мир! Это текст на русском языке о городе и новостях дня."
    body = russian.encode("koi8_r")
    # The premise: on their own, these bytes are guessed wrong.
    guessed = decode_bytes(body)
    assert not isinstance(guessed, str) and guessed.text != russian
    page = (
        b'<html><head><meta charset="koi8-r"><title>x</title></head><body><article><p>'
        + body
        + b"</p></article></body></html>"
    )
    found = extract_page(page)
    assert found.encoding == "koi8-r"
    assert russian in found.text
    # An HTTP Content-Type charset (as in WARC records) wins over the page's own declaration.
    mislabelled = page.replace(b"koi8-r", b"utf-8")
    assert russian not in extract_page(mislabelled).text
    assert russian in extract_page(mislabelled, charset="koi8-r").text


def test_undeclared_html_in_a_legacy_encoding_is_read(tmp_path: Path) -> None:
    page = f"<html><body><article><p>{ENGLISH}</p></article></body></html>".encode("cp1252")
    root = tmp_path / "site"
    root.mkdir()
    (root / "page.html").write_bytes(page)
    (doc,) = read(root)
    assert doc.text == ENGLISH
    assert doc.meta["encoding"] == "cp1252"


def test_dedup_keeps_a_legacy_csv_in_its_encoding(tmp_path: Path) -> None:
    rows = "".join(f"r{k},{FRENCH} Story {k}: {f'w{k} ' * 30}\r\n" for k in range(3))
    copy = rows.split("\r\n")[0].replace("r0,", "dup,", 1)
    src = tmp_path / "in.csv"
    src.write_bytes(("id,text\r\n" + rows + copy + "\r\n").encode("cp1252"))
    out = tmp_path / "out.csv"
    result = run("dedup", src, "-o", out, "-q", "--threshold", "0.9")
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == ("id,text\r\n" + rows).encode("cp1252")
