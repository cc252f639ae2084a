"""A self-contained HTML report of a scan: totals, similarity histograms, clusters, pairs, texts.

The page has inline CSS, inline SVG and a little inline JavaScript; it loads nothing from
anywhere, so it works offline and can be mailed as one file. Every string from the scan or from
a document is HTML-escaped, and the same input gives the same bytes apart from the one
generated-at line (which honours SOURCE_DATE_EPOCH).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copytrace._version import __version__
from copytrace.model import LINKED, SOURCE, Cluster, Match, Relation, Span

if TYPE_CHECKING:
    from copytrace.engines.local.run import ScanResult

#: Rows listed in the pairs and clusters tables; the rest are counted, not listed.
TABLE_LIMIT = 5000
#: Members listed per cluster.
MEMBER_LIMIT = 500
#: Texts longer than this are cut around the aligned spans.
LONG_TEXT = 20_000
#: Characters of context kept around each span boundary of a cut text.
CONTEXT = 300
#: Members of a cluster shown without folding.
OPEN_MEMBERS = 6
BINS = 20
SPAN_COLOURS = 8

#: Colour of each relation badge and histogram bar.
COLOURS = {
    "exact": "#b91c1c",
    "near_duplicate": "#ea580c",
    "contained": "#7c3aed",
    "passage_reuse": "#2563eb",
    "rewrite": "#0d9488",
    SOURCE: "#334155",
    LINKED: "#9ca3af",
}

CSS = (
    ":root{--ink:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#f3f4f6;--card:#fff;"
    + "".join(f"--{name}:{colour};" for name, colour in COLOURS.items())
    + "}"
    + "".join(f".rel-{name}{{--c:{colour}}}" for name, colour in COLOURS.items())
    + """
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
color:var(--ink);background:var(--bg)}
.wrap{max-width:1320px;margin:0 auto;padding:0 24px}
header.top{background:#0f172a;color:#e2e8f0;padding:22px 0 14px}
header.top h1{margin:0;font-size:22px;font-weight:650}
header.top h1 span{color:#94a3b8;font-weight:400}
header.top p{margin:4px 0 0;color:#94a3b8;font-size:13px}
header.top code{color:#e2e8f0}
nav{display:flex;gap:20px;margin-top:14px;font-size:13px}
nav a{color:#cbd5e1;text-decoration:none}
nav a:hover{color:#fff}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;
padding:18px 22px;margin:20px 0}
h2{font-size:16px;margin:0 0 14px}
h3{font-size:13px;margin:22px 0 8px;color:var(--muted);font-weight:500}
.note{color:var(--muted);font-size:13px;margin:8px 0}
.empty{color:var(--muted);font-style:italic}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.card .n{font-size:26px;font-weight:650;font-variant-numeric:tabular-nums}
.card .l{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .d{color:var(--muted);font-size:12px}
.rels{display:flex;flex-wrap:wrap;gap:8px;margin:14px 0 4px}
.rels span.count{font-variant-numeric:tabular-nums;margin-left:4px;color:var(--muted)}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;
color:#fff;background:var(--c,#6b7280);white-space:nowrap}
.id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;
overflow-wrap:break-word}
td.id{min-width:170px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.charts{display:grid;grid-template-columns:3fr 2fr;gap:28px;align-items:start}
figure{margin:0}
figcaption{font-size:13px;font-weight:600;margin-bottom:4px}
svg{width:100%;height:auto;display:block}
svg text{font:11px system-ui,sans-serif;fill:#6b7280}
svg .grid{stroke:#e5e7eb}
svg .axis{stroke:#9ca3af}
svg .bin:hover rect{opacity:.8}
.legend{display:flex;flex-wrap:wrap;gap:16px;font-size:12px;color:var(--muted);margin-top:10px}
.legend i{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;
vertical-align:-1px;background:var(--c)}
.scroll{max-height:600px;overflow:auto;border:1px solid var(--line);border-radius:8px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);
background:#f9fafb;position:sticky;top:0;z-index:1;white-space:nowrap}
th[data-type]{cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:" \\25B2"}
th[aria-sort=descending]::after{content:" \\25BC"}
tbody tr:hover{background:#f9fafb}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.desc{color:#374151;min-width:260px}
ul.members{list-style:none;margin:0;padding:0}
details ul.members{columns:2 380px;column-gap:24px;margin-top:6px}
ul.members li{margin:2px 0;break-inside:avoid}
ul.members .badge{min-width:104px;text-align:center;margin-right:6px}
details>summary{cursor:pointer}
.toolbar{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-bottom:10px}
.toolbar button{font:inherit;font-size:12px;border:1px solid var(--line);background:#fff;
border-radius:999px;padding:3px 12px;cursor:pointer;color:var(--ink)}
.toolbar button.on{background:var(--c,#1f2937);border-color:var(--c,#1f2937);color:#fff}
.toolbar input{font:inherit;font-size:13px;border:1px solid var(--line);border-radius:6px;
padding:4px 10px;min-width:240px;margin-left:auto}
.toolbar .count{color:var(--muted);font-size:12px}
a{color:#1d4ed8}
details.pair{border:1px solid var(--line);border-radius:8px;margin:14px 0;overflow:hidden}
details.pair>summary{padding:10px 14px;background:#f9fafb;display:flex;flex-wrap:wrap;
gap:6px 12px;align-items:baseline}
details.pair[open]>summary{border-bottom:1px solid var(--line)}
.pair .scores{color:var(--muted);font-size:12px;font-variant-numeric:tabular-nums}
.chips{display:flex;flex-wrap:wrap;gap:6px;padding:8px 14px;border-bottom:1px solid var(--line)}
.chip{font:12px system-ui,sans-serif;border:1px solid var(--fg);background:var(--bg-s);
border-radius:6px;padding:1px 8px;cursor:pointer;color:var(--ink)}
.cols{display:grid;grid-template-columns:1fr 1fr}
.col{min-width:0}
.col+.col{border-left:1px solid var(--line)}
.colhead{padding:6px 16px;font-size:12px;color:var(--muted);border-bottom:1px solid var(--line);
display:flex;gap:8px;align-items:center}
.text{position:relative;max-height:460px;overflow:auto;padding:12px 18px;white-space:pre-wrap;
overflow-wrap:break-word;font:15px/1.65 Georgia,"Iowan Old Style","Times New Roman",serif}
mark{background:var(--bg-s);color:inherit;cursor:pointer;border-radius:2px}
mark.hot{outline:2px solid var(--fg);background:var(--fg);color:#fff}
.gap{display:block;margin:10px 0;padding:2px 0;text-align:center;color:var(--muted);
font:italic 12px system-ui,sans-serif;border-top:1px dashed var(--line);
border-bottom:1px dashed var(--line)}
.s0{--bg-s:#fef3c7;--fg:#d97706}.s1{--bg-s:#dbeafe;--fg:#2563eb}
.s2{--bg-s:#dcfce7;--fg:#16a34a}.s3{--bg-s:#fce7f3;--fg:#db2777}
.s4{--bg-s:#ede9fe;--fg:#7c3aed}.s5{--bg-s:#ffedd5;--fg:#ea580c}
.s6{--bg-s:#cffafe;--fg:#0891b2}.s7{--bg-s:#e5e7eb;--fg:#4b5563}
@media (max-width:900px){.charts,.cols{grid-template-columns:1fr}}
"""
)

JS = """
(function () {
  var table = document.getElementById('pair-table');
  if (table) {
    var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    var active = {}, query = '', count = document.getElementById('pair-count');
    var apply = function () {
      var any = Object.keys(active).length > 0, shown = 0;
      rows.forEach(function (r) {
        var ok = (!any || active[r.dataset.rel]) &&
          (!query || (r.dataset.a + ' ' + r.dataset.b).toLowerCase().indexOf(query) >= 0);
        r.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = shown + ' of ' + rows.length + ' shown';
    };
    document.querySelectorAll('.toolbar button').forEach(function (btn) {
      btn.addEventListener('click', function () {
        var rel = btn.dataset.rel;
        if (!rel) active = {}; else if (active[rel]) delete active[rel]; else active[rel] = 1;
        document.querySelectorAll('.toolbar button').forEach(function (b) {
          b.classList.toggle('on', b.dataset.rel ? !!active[b.dataset.rel]
                                                 : !Object.keys(active).length);
        });
        apply();
      });
    });
    document.getElementById('pair-search').addEventListener('input', function (e) {
      query = e.target.value.trim().toLowerCase();
      apply();
    });
    table.querySelectorAll('th[data-type]').forEach(function (th) {
      th.addEventListener('click', function () {
        var col = th.cellIndex, num = th.dataset.type === 'num';
        var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
        table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
        var key = function (r) {
          var c = r.cells[col], v = c.dataset.v !== undefined ? c.dataset.v : c.textContent;
          return num ? parseFloat(v) : v.toLowerCase();
        };
        rows.sort(function (x, y) {
          var a = key(x), b = key(y);
          return (a < b ? -1 : a > b ? 1 : 0) * dir;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }
  var marks = function (pair, span) {
    return pair.querySelectorAll('mark[data-span="' + span + '"]');
  };
  var reveal = function (el) {
    var box = el.closest('.text');
    box.scrollTo({top: el.offsetTop - 40, behavior: 'smooth'});
  };
  var hot = null;
  document.addEventListener('mouseover', function (e) {
    var m = e.target.closest ? e.target.closest('mark[data-span]') : null;
    var key = m ? m.closest('.pair').id + '/' + m.dataset.span : null;
    if (key === hot) return;
    document.querySelectorAll('mark.hot').forEach(function (x) { x.classList.remove('hot'); });
    hot = key;
    if (!m) return;
    var pair = m.closest('.pair'), side = m.closest('.col').dataset.side;
    marks(pair, m.dataset.span).forEach(function (x) { x.classList.add('hot'); });
    var other = pair.querySelector('.col[data-side="' + (side === 'a' ? 'b' : 'a') + '"]');
    var partner = other.querySelector('mark[data-span="' + m.dataset.span + '"]');
    if (partner) reveal(partner);
  });
  document.addEventListener('click', function (e) {
    var t = e.target.closest ? e.target.closest('mark[data-span], .chip') : null;
    if (!t) return;
    var pair = t.closest('.pair');
    pair.querySelectorAll('.col').forEach(function (col) {
      var m = col.querySelector('mark[data-span="' + t.dataset.span + '"]');
      if (m) reveal(m);
    });
  });
  var first = function (pair) {
    pair.querySelectorAll('.text').forEach(function (box) {
      var m = box.querySelector('mark');
      box.scrollTop = m ? Math.max(m.offsetTop - 40, 0) : 0;
    });
  };
  document.querySelectorAll('details.pair').forEach(function (pair) {
    if (pair.open) first(pair);
    pair.addEventListener('toggle', function () { if (pair.open) first(pair); });
  });
  var openTarget = function () {
    var el = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (el && el.tagName === 'DETAILS') { el.open = true; el.scrollIntoView(); }
  };
  window.addEventListener('hashchange', openTarget);
  openTarget();
})();
"""


def write_report(
    path: Path,
    result: ScanResult,
    text_of: Callable[[str], str],
    max_pairs: int = 200,
) -> None:
    """Write the scan as one self-contained HTML file at `path` (atomically)."""
    from copytrace.io.results import write_bytes

    write_bytes(Path(path), render_report(result, text_of, max_pairs).encode("utf-8"))


def render_report(result: ScanResult, text_of: Callable[[str], str], max_pairs: int = 200) -> str:
    """The HTML text of the report (see `write_report`)."""
    matches = result.matches
    shown = select_pairs(matches, max_pairs)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>copytrace report</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'{_header(dict(result.summary))}\n<main class="wrap">\n'
        f"{_overview(dict(result.summary), matches, result.clusters)}\n"
        f"{_similarity(matches)}\n{_clusters(result.clusters)}\n"
        f"{_pairs_table(matches, set(shown))}\n"
        f"{_views(matches, shown, text_of)}\n"
        f"</main>\n<script>{JS}</script>\n</body>\n</html>\n"
    )


def _views(matches: Sequence[Match], shown: list[int], text_of: Callable[[str], str]) -> str:
    """The side-by-side section: one folding view per chosen pair, grouped by relation."""
    if not shown:
        body = '<p class="empty">No matches, so nothing to show side by side.</p>'
        return _section("views", "Side by side", body)
    texts: dict[str, str] = {}

    def text(doc_id: str) -> str:
        if doc_id not in texts:
            texts[doc_id] = text_of(doc_id)
        return texts[doc_id]

    parts = [
        f'<p class="note">{len(shown):,} of {len(matches):,} pairs: every relation found gets '
        "a share of the views, highest coverage first. Hover or click a highlighted passage to "
        "bring its partner into view on the other side.</p>"
    ]
    previous = None
    for i in shown:
        m = matches[i]
        first = m.relation is not previous
        if first:
            n = sum(1 for j in shown if matches[j].relation is m.relation)
            parts.append(f"<h3>{_badge(m.relation.value)} {n:,} shown</h3>")
        previous = m.relation
        parts.append(_pair_view(i, m, text(m.a), text(m.b), first))
    return _section("views", "Side by side", "".join(parts))


def select_pairs(matches: Sequence[Match], limit: int) -> list[int]:
    """Indices of the matches to show side by side, in display order.

    Strongest relation first would fill every slot with exact copies, the least informative
    view. Instead each relation present gets a fair share: the matches of each relation are
    ranked by coverage (the larger of a_coverage and b_coverage, then Jaccard, then ids), and
    slots are dealt round-robin over the relations in rank order, one match each per round, so a
    relation with few matches leaves its unused slots to the others. The chosen matches are
    shown sorted by relation rank, then by that same coverage order.
    """
    queues: dict[Relation, list[int]] = {}
    for i, m in enumerate(matches):
        queues.setdefault(m.relation, []).append(i)
    ordered = [
        sorted(queues[r], key=lambda i: _interest(matches[i]))
        for r in sorted(queues, key=lambda r: r.rank)
    ]
    chosen: list[int] = []
    depth = 0
    while len(chosen) < limit and any(depth < len(q) for q in ordered):
        chosen.extend(q[depth] for q in ordered if depth < len(q))
        depth += 1
    chosen = chosen[: max(limit, 0)]
    return sorted(chosen, key=lambda i: (matches[i].relation.rank, _interest(matches[i])))


def _interest(m: Match) -> tuple[float, float, str, str]:
    return (-max(m.a_coverage, m.b_coverage), -m.jaccard, m.a, m.b)


def _generated_at() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)
    return when.strftime("%Y-%m-%d %H:%M UTC")


def _badge(relation: str) -> str:
    kind = relation if relation in COLOURS else LINKED
    return f'<span class="badge rel-{kind}">{escape(relation)}</span>'


def _id(doc_id: str) -> str:
    """An escaped document id that may wrap after each slash."""
    return escape(doc_id).replace("/", "/<wbr>")


def _get(summary: dict[str, Any], *keys: str, default: Any = 0) -> Any:
    value: Any = summary
    for key in keys:
        value = value.get(key, default) if isinstance(value, dict) else default
    return value


def _header(summary: dict[str, Any]) -> str:
    fingerprint = escape(str(_get(summary, "settings", "sketch_fingerprint", default="?")))
    links = "".join(
        f'<a href="#{k}">{v}</a>'
        for k, v in [
            ("overview", "Overview"),
            ("similarity", "Similarity"),
            ("clusters", "Clusters"),
            ("pairs", "Pairs"),
            ("views", "Side by side"),
        ]
    )
    return (
        '<header class="top"><div class="wrap">'
        "<h1>copytrace <span>report</span></h1>"
        f"<p>Generated by copytrace {escape(__version__)} at {_generated_at()} · "
        f"settings fingerprint <code>{fingerprint}</code></p>"
        f"<nav>{links}</nav></div></header>"
    )


def _card(label: str, value: object, detail: str = "") -> str:
    number = f"{value:,}" if isinstance(value, int) else escape(str(value))
    return (
        f'<div class="card"><div class="l">{escape(label)}</div><div class="n">{number}</div>'
        f'<div class="d">{escape(detail)}</div></div>'
    )


def _overview(
    summary: dict[str, Any], matches: Sequence[Match], clusters: Sequence[Cluster]
) -> str:
    by_relation: dict[str, int] = {r.value: 0 for r in Relation}
    for m in matches:
        by_relation[m.relation.value] += 1
    by_relation.update(_get(summary, "matches", default={}) or {})
    n_docs = _get(summary, "records", "documents", default=None)
    docs = _get(summary, "documents", "scanned") if n_docs is None else n_docs
    settings = _get(summary, "settings", default={}) or {}
    shown = ["threshold", "containment", "shingle_size", "num_perm", "seed"]
    cards = "".join(
        [
            _card(
                "Documents",
                docs,
                f"{_get(summary, 'documents', 'empty'):,} empty · "
                f"{_get(summary, 'records', 'skipped'):,} records skipped",
            ),
            _card("Matches", sum(by_relation.values()), "verified pairs"),
            _card(
                "Clusters",
                _get(summary, "clusters", default=len(clusters)),
                f"largest has {_get(summary, 'largest_cluster'):,} documents",
            ),
            _card(
                "Dropped by dedup",
                _get(summary, "documents", "dropped_by_dedup"),
                f"{_get(summary, 'documents', 'kept_by_dedup'):,} kept",
            ),
        ]
    )
    rels = "".join(
        f'<span>{_badge(r)}<span class="count">{n:,}</span></span>' for r, n in by_relation.items()
    )
    knobs = " · ".join(f"{k} {escape(str(settings[k]))}" for k in shown if k in settings)
    empty = "" if matches else '<p class="empty">No matches were found.</p>'
    return (
        f'<section id="overview">\n<h2>Overview</h2>\n<div class="cards">{cards}</div>\n'
        f'<div class="rels">{rels}</div>\n<p class="note">Settings: {knobs}</p>{empty}\n'
        "</section>"
    )


def _nice_step(top: int) -> int:
    """Smallest of 1, 2, 5, 10, 20, 50, ... that covers 0..top in at most five steps."""
    step, k = 1, 0
    while -(-top // step) > 5:
        k += 1
        step = (1, 2, 5)[k % 3] * 10 ** (k // 3)
    return step


def histogram(
    values: Sequence[tuple[float, Relation]], x_label: str, y_label: str, width: int = 600
) -> str:
    """An inline SVG histogram of values in [0, 1] in BINS bins, bars stacked by relation."""
    height, left, right, top, bottom = 230, 46, 12, 12, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    counts = [dict.fromkeys(Relation, 0) for _ in range(BINS)]
    for value, relation in values:
        counts[min(max(int(value * BINS), 0), BINS - 1)][relation] += 1
    peak = max((sum(c.values()) for c in counts), default=0)
    step = _nice_step(max(peak, 1))
    y_top = max(step * -(-max(peak, 1) // step), 1)
    scale = plot_h / y_top
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(x_label)}">']
    for tick in range(0, y_top + 1, step):
        y = top + plot_h - tick * scale
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    bar_w = plot_w / BINS
    for b, count in enumerate(counts):
        x = left + b * bar_w
        lo, total = b / BINS, sum(count.values())
        detail = ", ".join(f"{r.value} {n}" for r, n in count.items() if n)
        parts.append(
            f'<g class="bin"><title>{lo:.2f}–{lo + 1 / BINS:.2f}: {total}'
            f"{' (' + detail + ')' if detail else ''}</title>"
        )
        base = float(top + plot_h)
        for relation, n in count.items():
            if n:
                h = n * scale
                base -= h
                parts.append(
                    f'<rect x="{x + 1:.1f}" y="{base:.1f}" width="{bar_w - 2:.1f}" '
                    f'height="{h:.1f}" fill="{COLOURS[relation.value]}"/>'
                )
        parts.append("</g>")
    axis_y = top + plot_h
    parts.append(
        f'<line class="axis" x1="{left}" x2="{width - right}" y1="{axis_y}" y2="{axis_y}"/>'
    )
    for tick in range(0, BINS + 1, 4):
        x = left + tick * bar_w
        parts.append(
            f'<text x="{x:.1f}" y="{axis_y + 15}" text-anchor="middle">{tick / BINS:.1f}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle">'
        f"{escape(x_label)}</text>"
        f'<text transform="translate(12 {top + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle">{escape(y_label)}</text>'
    )
    if not values:
        parts.append(
            f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" '
            'text-anchor="middle">no data</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _similarity(matches: Sequence[Match]) -> str:
    jaccards = [(m.jaccard, m.relation) for m in matches]
    spans = [(s.similarity, m.relation) for m in matches for s in m.spans]
    legend = "".join(
        f'<span><i style="--c:var(--{r.value})"></i>{r.value}</span>' for r in Relation
    )
    return (
        '<section id="similarity">\n<h2>Similarity</h2>\n<div class="charts">'
        f"<figure><figcaption>Jaccard of all {len(matches):,} matches</figcaption>"
        f"{histogram(jaccards, 'Jaccard similarity of shingle sets', 'matches')}</figure>"
        f"<figure><figcaption>Similarity of all {len(spans):,} aligned spans</figcaption>"
        f"{histogram(spans, 'span similarity', 'spans', width=420)}</figure></div>\n"
        f'<div class="legend">{legend}</div>\n</section>'
    )


def _members(cluster: Cluster) -> str:
    listed = cluster.members[:MEMBER_LIMIT]
    items = "".join(
        f'<li>{_badge(m.relation)}<span class="id">{_id(m.id)}</span></li>' for m in listed
    )
    more = len(cluster.members) - len(listed)
    if more:
        items += f'<li class="note">… and {more:,} more</li>'
    body = f'<ul class="members">{items}</ul>'
    if len(cluster.members) <= OPEN_MEMBERS:
        return body
    kinds: dict[str, int] = {}
    for m in cluster.members:
        kinds[m.relation] = kinds.get(m.relation, 0) + 1
    tally = ", ".join(f"{n:,} {escape(r)}" for r, n in kinds.items())
    return f"<details><summary>{len(cluster.members):,} members ({tally})</summary>{body}</details>"


def _clusters(clusters: Sequence[Cluster]) -> str:
    if not clusters:
        return _section("clusters", "Clusters", '<p class="empty">No clusters.</p>')
    rows = "".join(
        f'<tr><td class="num">{c.cluster}</td><td class="id">{_id(c.source)}</td>'
        f"<td>{escape(c.source_reason)}</td><td>{_members(c)}</td></tr>\n"
        for c in clusters[:TABLE_LIMIT]
    )
    left_out = _left_out(len(clusters), "clusters")
    return (
        f'<section id="clusters">\n<h2>Clusters <span class="note">({len(clusters):,})</span>'
        "</h2>\n"
        '<div class="scroll"><table><thead><tr><th>#</th><th>Source</th><th>Why source</th>'
        f"<th>Members and their relation to the source</th></tr></thead>\n<tbody>\n{rows}"
        f"</tbody></table></div>{left_out}\n</section>"
    )


def _section(anchor: str, title: str, body: str) -> str:
    return f'<section id="{anchor}">\n<h2>{title}</h2>\n{body}\n</section>'


def _left_out(total: int, what: str) -> str:
    if total <= TABLE_LIMIT:
        return ""
    return (
        f'<p class="note">Only the first {TABLE_LIMIT:,} {what} are listed; '
        f"{total - TABLE_LIMIT:,} more were left out.</p>"
    )


def _num(value: float, shown: str) -> str:
    return f'<td class="num" data-v="{value:.6f}">{shown}</td>'


def _pairs_table(matches: Sequence[Match], viewed: set[int]) -> str:
    if not matches:
        return _section("pairs", "Pairs", '<p class="empty">No matches.</p>')
    present = sorted({m.relation for m in matches}, key=lambda r: r.rank)
    buttons = '<button class="on">all</button>' + "".join(
        f'<button data-rel="{r.value}" style="--c:var(--{r.value})">{r.value}</button>'
        for r in present
    )
    rows = []
    for i, m in enumerate(matches[:TABLE_LIMIT]):
        view = f'<a href="#pair-{i}">view</a>' if i in viewed else ""
        rows.append(
            f'<tr data-rel="{m.relation.value}" data-a="{escape(m.a)}" data-b="{escape(m.b)}">'
            f'<td class="id">{_id(m.a)}</td><td class="id">{_id(m.b)}</td>'
            f'<td data-v="{m.relation.rank}">{_badge(m.relation.value)}</td>'
            f"{_num(m.jaccard, f'{m.jaccard:.3f}')}"
            f"{_num(m.containment_a_in_b, f'{m.containment_a_in_b:.2f}')}"
            f"{_num(m.containment_b_in_a, f'{m.containment_b_in_a:.2f}')}"
            f"{_num(max(m.a_coverage, m.b_coverage), f'{m.a_coverage:.0%} / {m.b_coverage:.0%}')}"
            f'<td class="desc">{escape(m.describe())}</td><td>{view}</td></tr>\n'
        )
    head = "".join(
        f'<th data-type="{kind}">{name}</th>'
        for name, kind in [
            ("A", "text"),
            ("B", "text"),
            ("Relation", "num"),
            ("Jaccard", "num"),
            ("A in B", "num"),
            ("B in A", "num"),
            ("Coverage A / B", "num"),
            ("Who copied whom", "text"),
        ]
    )
    return (
        f'<section id="pairs">\n<h2>Pairs <span class="note">({len(matches):,})</span></h2>\n'
        f'<div class="toolbar">{buttons}<span class="count" id="pair-count">'
        f"{min(len(matches), TABLE_LIMIT):,} shown</span>"
        '<input id="pair-search" type="search" placeholder="Filter by document id"></div>\n'
        f'<div class="scroll"><table id="pair-table"><thead><tr>{head}<th></th></tr></thead>\n'
        f"<tbody>\n{''.join(rows)}</tbody></table></div>"
        f"{_left_out(len(matches), 'matches')}\n</section>"
    )


def _visible(length: int, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Ranges of a text to show: all of it, or when long, CONTEXT around each span's ends."""
    if length <= LONG_TEXT:
        return [(0, length)]
    head = max(CONTEXT, LONG_TEXT // (2 * max(len(spans), 1)) - CONTEXT)
    wanted = [(0, min(CONTEXT, length))]
    for start, end in spans:
        if end - start <= 2 * head:
            wanted.append((start - CONTEXT, end + CONTEXT))
        else:
            wanted += [(start - CONTEXT, start + head), (end - head, end + CONTEXT)]
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted((max(lo, 0), min(hi, length)) for lo, hi in wanted):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        elif lo < hi:
            merged.append((lo, hi))
    return merged


def _gap(lo: int, hi: int) -> str:
    return f'<span class="gap">… {hi - lo:,} characters omitted (offsets {lo:,}–{hi:,}) …</span>'


def _render_text(text: str, spans: Sequence[tuple[int, int]], side: str) -> str:
    """The text with each span in a <mark>; an earlier span wins where spans overlap."""
    length = len(text)
    clamped = [(min(max(s, 0), length), min(max(e, 0), length)) for s, e in spans]
    out: list[str] = []
    cursor = 0
    for lo, hi in _visible(length, clamped):
        if lo > cursor:
            out.append(_gap(cursor, lo))
        cuts = sorted({lo, hi, *(p for s in clamped for p in s if lo < p < hi)})
        pieces: list[tuple[int, int, int | None]] = []
        for x, y in itertools.pairwise(cuts):
            k = next((k for k, (s, e) in enumerate(clamped) if s <= x and y <= e), None)
            if pieces and pieces[-1][2] == k:
                pieces[-1] = (pieces[-1][0], y, k)
            else:
                pieces.append((x, y, k))
        for x, y, k in pieces:
            chunk = escape(text[x:y])
            if k is None:
                out.append(chunk)
            else:
                title = f"span {k + 1}: {side} {x:,}–{y:,}"
                out.append(
                    f'<mark class="s{k % SPAN_COLOURS}" data-span="{k}" title="{title}">'
                    f"{chunk}</mark>"
                )
        cursor = hi
    if cursor < length:
        out.append(_gap(cursor, length))
    return "".join(out)


def _column(side: str, doc_id: str, text: str, spans: list[tuple[int, int]], m: Match) -> str:
    role = _badge(SOURCE) if m.source == doc_id else ""
    return (
        f'<div class="col" data-side="{side.lower()}"><div class="colhead"><b>{side}</b>'
        f'<span class="id">{escape(doc_id)}</span>{role}'
        f'<span style="margin-left:auto">{len(text):,} chars</span></div>'
        f'<div class="text">{_render_text(text, spans, side)}</div></div>'
    )


def _chip(k: int, span: Span) -> str:
    return (
        f'<button class="chip s{k % SPAN_COLOURS}" data-span="{k}">span {k + 1}: '
        f"A {span.a_start:,}–{span.a_end:,} ↔ B {span.b_start:,}–{span.b_end:,} · "
        f"similarity {span.similarity:.3f}</button>"
    )


def _pair_view(index: int, m: Match, text_a: str, text_b: str, is_open: bool) -> str:
    """Both texts side by side with the aligned spans highlighted in matching colours."""
    chips = "".join(_chip(k, s) for k, s in enumerate(m.spans))
    return (
        f'<details class="pair" id="pair-{index}"{" open" if is_open else ""}><summary>'
        f"{_badge(m.relation.value)}<b>{escape(m.describe())}</b>"
        f'<span class="scores">Jaccard {m.jaccard:.3f} · A in B {m.containment_a_in_b:.2f} · '
        f"B in A {m.containment_b_in_a:.2f} · coverage {m.a_coverage:.0%} / "
        f"{m.b_coverage:.0%}</span></summary>"
        f'<div class="chips">{chips or "<span class=note>no aligned spans</span>"}</div>'
        '<div class="cols">'
        f"{_column('A', m.a, text_a, [(s.a_start, s.a_end) for s in m.spans], m)}"
        f"{_column('B', m.b, text_b, [(s.b_start, s.b_end) for s in m.spans], m)}"
        "</div></details>\n"
    )
