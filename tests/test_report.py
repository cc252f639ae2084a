"""Tests of the self-contained HTML report."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

import copytrace
import copytrace.report.html as report_html
from copytrace import Match, Relation, ScanResult, Span
from copytrace.report import write_report

DEMO = Path(__file__).resolve().parents[1] / "demo" / "news.jsonl"

PARAGRAPHS = [
    "Flood barriers along the Merrow embankment held overnight as the river rose to its highest "
    "level in thirty years, the county engineer said on Sunday. Sandbag crews from four villages "
    "worked through the dark to close the last gap near the old tannery, and by dawn the water "
    "had begun to fall.",
    "The engineer, Harriet Quillon, told residents gathered in the chapel hall that the barriers "
    "were built for a storm of exactly this kind but had never been tested at full height. She "
    "thanked the volunteers who carried sandbags past midnight and warned that the ground would "
    "stay soft for several days, so nobody should walk along the top of the bank.",
    "Farmers on the western meadows were less fortunate. Around two hundred sheep were moved to "
    "higher pasture on Saturday afternoon, but a hay barn at Lower Pennick flooded to the eaves "
    "and its owner, Tobias Wren, said the winter feed for his cattle was ruined. He plans to ask "
    "the county for help with the cost of buying fodder from the north.",
    "Schools in Merrow and Dunsby will stay closed on Monday while inspectors check the heating "
    "systems, which sit in basements that took in water. Bus routes along the valley road remain "
    "suspended because a section of the road near the mill bridge is still under a foot of muddy "
    "water and the bridge itself has not yet been declared safe.",
    "The weather service expects two dry days before another band of rain arrives on Wednesday. "
    "Quillon said the pumps at the sluice house would run around the clock until then, and that "
    "a review of the embankment's weakest stretches would begin as soon as the river returned to "
    "its usual level later in the week.",
]
ORIGINAL = "\n\n".join(PARAGRAPHS)
NEW_TEXT_BEFORE = (
    "A regional newsletter for walkers this week turned its attention to Merrow valley, where "
    "footpaths beside the river have been shut since Friday. Its editor, who has walked that "
    "route for twenty years, wrote that she had never seen such a flood, and her column "
    "reproduced three paragraphs of a county statement in full:"
)
NEW_TEXT_AFTER = (
    "Members are advised to choose a ridge path over Cobb Hill for a month or so, to carry maps "
    "because several signposts were washed away, and to report fallen trees to a parish clerk. "
    "Her next guided walk, a circuit of Ashby reservoir, goes ahead as planned on Saturday "
    "fortnight, weather permitting, with tea and scones at a lodge by its dam."
)
UNRELATED = (
    "The village bakery in Hollin Cross has won a national prize for its rye loaf, a dark and "
    "dense bread made with a starter that the founder's grandmother brought from the coast. The "
    "judges praised its crust and its sour, nutty crumb, and the queue on Saturday morning ran "
    "past the post office and round the corner towards the green. The baker said she would spend "
    "the prize money on a second oven and an apprentice from the local college."
)
SCRIPT = "<script>alert(1)</script>"
EVIL_ID = 'wire/<b>"evil" & co'
DOCS = {
    "gazette/flood": ORIGINAL,
    "courier/flood-copy": ORIGINAL,
    "ledger/flood-brief": "\n\n".join(PARAGRAPHS[:3]),
    "walkers/newsletter": "\n\n".join([NEW_TEXT_BEFORE, *PARAGRAPHS[1:4], NEW_TEXT_AFTER]),
    "bakery/rye": UNRELATED,
    EVIL_ID: f"Breaking & updated {SCRIPT}\n\n{ORIGINAL}\n\nTerms & conditions apply. {SCRIPT}",
}
VOID = {"meta", "input", "br", "wbr", "img", "hr", "link", "source"}


class Page(HTMLParser):
    """Collects what the tests check: balanced tags, table rows, marks, histogram bins."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.counts: Counter[str] = Counter()
        self.rows: list[tuple[str, str, str]] = []
        self.bins_per_svg: list[int] = []
        self.bin_titles: list[str] = []
        self.marks: dict[tuple[str, str, int], str] = {}
        self.pair = self.side = ""
        self.mark: int | None = None
        self.in_table = self.in_bin_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.counts[tag] += 1
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag == "table" and a.get("id") == "pair-table":
            self.in_table = True
        elif tag == "tr" and self.in_table and "data-rel" in a:
            self.rows.append((a["data-a"] or "", a["data-b"] or "", a["data-rel"] or ""))
        elif tag == "svg":
            self.bins_per_svg.append(0)
        elif tag == "g" and a.get("class") == "bin":
            self.bins_per_svg[-1] += 1
        elif tag == "title" and self.stack[-2:-1] == ["g"]:
            self.in_bin_title = True
        elif tag == "details" and a.get("class") == "pair":
            self.pair = a["id"] or ""
        elif tag == "div" and a.get("class") == "col":
            self.side = a["data-side"] or ""
        elif tag == "mark":
            self.mark = int(a["data-span"] or -1)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        if tag == "table":
            self.in_table = False
        elif tag == "mark":
            self.mark = None
        elif tag == "title":
            self.in_bin_title = False

    def handle_data(self, data: str) -> None:
        if self.mark is not None:
            key = (self.pair, self.side, self.mark)
            self.marks[key] = self.marks.get(key, "") + data
        if self.in_bin_title:
            self.bin_titles.append(data)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    assert page.errors == []
    assert page.stack == []
    return page


@pytest.fixture(scope="module")
def result() -> ScanResult:
    found = copytrace.scan(list(DOCS.items()))
    relations = {m.relation for m in found.matches}
    assert {Relation.EXACT, Relation.CONTAINED, Relation.PASSAGE_REUSE} <= relations
    assert all("bakery/rye" not in (m.a, m.b) for m in found.matches)
    return found


@pytest.fixture(scope="module")
def report(result: ScanResult, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_report(path, result, DOCS.__getitem__)
    return path.read_text(encoding="utf-8")


def test_report_is_one_self_contained_well_formed_document(report: str) -> None:
    assert report.startswith("<!DOCTYPE html>")
    assert report.rstrip().endswith("</html>")
    assert report.count("<html") == report.count("<head>") == report.count("<body>") == 1
    assert not re.search(r"https?://", report)
    assert not re.search(r"<link\b|\bsrc\s*=|@import|url\(", report)
    page = parse(report)
    assert page.counts["script"] == page.counts["style"] == 1


def test_untrusted_text_and_ids_are_escaped(report: str, result: ScanResult) -> None:
    assert any(EVIL_ID in (m.a, m.b) for m in result.matches)
    assert "alert(1)" in report
    assert report.count("<script") == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    assert "Terms &amp; conditions" in report
    assert EVIL_ID not in report
    assert "&lt;b&gt;&quot;evil&quot; &amp; co" in report


def test_every_match_is_a_row_of_the_pairs_table(report: str, result: ScanResult) -> None:
    rows = parse(report).rows
    expected = [(m.a, m.b, m.relation.value) for m in result.matches]
    assert Counter(rows) == Counter(expected)


def test_spans_are_highlighted_with_the_original_substring(report: str, result: ScanResult) -> None:
    marks = parse(report).marks
    checked = 0
    for i, m in enumerate(result.matches):
        for k, span in enumerate(m.spans):
            assert marks[(f"pair-{i}", "a", k)] == DOCS[m.a][span.a_start : span.a_end]
            assert marks[(f"pair-{i}", "b", k)] == DOCS[m.b][span.b_start : span.b_end]
            checked += 1
    assert checked > 0


def test_histograms_have_one_bar_group_per_bin(report: str, result: ScanResult) -> None:
    page = parse(report)
    assert page.bins_per_svg == [report_html.BINS, report_html.BINS]
    jaccard_titles = page.bin_titles[: report_html.BINS]
    counted = sum(int(t.split(": ")[1].split(" ")[0]) for t in jaccard_titles)
    assert counted == len(result.matches)


def test_zero_matches_report_says_so(tmp_path: Path) -> None:
    docs = {"a": UNRELATED, "b": ORIGINAL}
    empty = copytrace.scan(list(docs.items()))
    assert empty.matches == []
    path = tmp_path / "empty.html"
    write_report(path, empty, docs.__getitem__)
    text = path.read_text(encoding="utf-8")
    page = parse(text)
    assert "No matches" in text
    assert page.rows == [] and page.marks == {}
    assert page.bins_per_svg == [report_html.BINS, report_html.BINS]


def test_output_is_deterministic(
    result: ScanResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "1.html", tmp_path / "2.html"
    write_report(first, result, DOCS.__getitem__)
    write_report(second, result, DOCS.__getitem__)
    strip = re.compile(r"Generated by copytrace .*? at [^·]*")
    assert strip.sub("", first.read_text()) == strip.sub("", second.read_text())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    write_report(first, result, DOCS.__getitem__)
    assert "at 2023-11-14 22:13 UTC" in first.read_text()


def _match(
    a: str, b: str, relation: Relation, coverage: float, spans: tuple[Span, ...] = ()
) -> Match:
    return Match(a, b, relation, coverage, coverage, coverage, spans, coverage, coverage)


def test_pair_selection_gives_every_relation_a_share() -> None:
    matches = [_match(f"e{i}", f"f{i}", Relation.EXACT, 1.0) for i in range(100)]
    matches += [_match(f"c{i}", f"d{i}", Relation.CONTAINED, i / 10) for i in range(5)]
    matches += [_match(f"p{i}", f"q{i}", Relation.PASSAGE_REUSE, 0.3) for i in range(2)]
    chosen = report_html.select_pairs(matches, 10)
    relations = [matches[i].relation for i in chosen]
    assert len(chosen) == 10
    assert relations.count(Relation.PASSAGE_REUSE) == 2
    assert relations.count(Relation.CONTAINED) == 4
    assert relations == sorted(relations, key=lambda r: r.rank)
    contained = [matches[i].a_coverage for i in chosen if matches[i].relation is Relation.CONTAINED]
    assert contained == sorted(contained, reverse=True)
    assert report_html.select_pairs(matches, 0) == []


def test_long_texts_are_cut_around_spans_with_true_offsets(tmp_path: Path) -> None:
    filler = " ".join(f"w{i}" for i in range(20_000))
    text_a = filler[:30_000] + " THE PASSAGE " + ORIGINAL + " END " + filler[30_000:]
    start = text_a.index(ORIGINAL)
    span = Span(start, start + len(ORIGINAL), 0, len(ORIGINAL), 0.98)
    docs = {"long": text_a, "short": ORIGINAL}
    result = ScanResult([_match("long", "short", Relation.PASSAGE_REUSE, 0.5, (span,))], [], {})
    path = tmp_path / "long.html"
    write_report(path, result, docs.__getitem__)
    html = path.read_text(encoding="utf-8")
    page = parse(html)
    assert page.marks[("pair-0", "a", 0)] == ORIGINAL
    assert page.marks[("pair-0", "b", 0)] == ORIGINAL
    assert len(html) < len(text_a)
    assert "characters omitted" in html
    before = start - report_html.CONTEXT
    assert f"offsets {report_html.CONTEXT:,}–{before:,}" in html
    assert filler[before - 50 : before] not in html
    assert text_a[before:start] in html


def test_table_lists_only_the_first_rows_of_large_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_html, "TABLE_LIMIT", 3)
    matches = [_match(f"a{i}", f"b{i}", Relation.NEAR_DUPLICATE, 0.9) for i in range(5)]
    path = tmp_path / "big.html"
    write_report(path, ScanResult(matches, [], {}), lambda _: "", max_pairs=2)
    html = path.read_text(encoding="utf-8")
    page = parse(html)
    assert [r[0] for r in page.rows] == ["a0", "a1", "a2"]
    assert "2 more were left out" in html
    assert html.count('<details class="pair"') == 2


def test_cli_report_from_streamed_matches_equals_the_api_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from copytrace.cli import main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    args = ["scan", str(DEMO), "--out", str(tmp_path / "out"), "--report"]
    outcome = CliRunner().invoke(main, [*args, str(tmp_path / "cli.html"), "--quiet"])
    assert outcome.exit_code == 0, outcome.output
    copytrace.scan(DEMO, html_report=tmp_path / "api.html")
    assert (tmp_path / "cli.html").read_bytes() == (tmp_path / "api.html").read_bytes()
