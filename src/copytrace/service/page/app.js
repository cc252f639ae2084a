// The page: query a text or page, show each match side by side with the reused passages
// marked, and browse the latest documents. Texts are put in the page as text, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const REWRITE_SIMILARITY = 0.95;
let recentBefore = null;

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const message = body.error ? body.error.message : response.statusText;
    throw new Error(`${response.status}: ${message}`);
  }
  return body;
}

function pct(x) { return `${Math.round(x * 100)}%`; }

// The text with the spans' ranges marked (side "a" or "b"), overlaps joined.
function marked(text, spans, side) {
  const ranges = spans
    .map((s) => [s[`${side}_start`], s[`${side}_end`], s.similarity])
    .filter(([lo, hi]) => hi > lo)
    .sort((x, y) => x[0] - y[0]);
  const pre = document.createElement("pre");
  pre.className = "text";
  let at = 0;
  for (const [lo, hi, similarity] of ranges) {
    const start = Math.max(lo, at);
    if (hi <= start) continue;
    pre.append(document.createTextNode(text.slice(at, start)));
    const mark = document.createElement("mark");
    mark.className = similarity >= REWRITE_SIMILARITY ? "verbatim" : "reworded";
    mark.title = `similarity ${similarity.toFixed(2)}`;
    mark.textContent = text.slice(start, hi);
    pre.append(mark);
    at = hi;
  }
  pre.append(document.createTextNode(text.slice(at)));
  return pre;
}

function sourceLine(m) {
  if (!m.source) return `Likely source: undetermined (${m.source_reason}).`;
  const copy = m.source === m.a ? m.b : m.a;
  const share = m.source === m.a ? m.b_coverage : m.a_coverage;
  const who = m.source === m.a ? "this text" : m.source;
  return `Likely source: ${who} (${m.source_reason}); ${copy === m.a ? "this text" : copy} ` +
    `has ${pct(share)} of its text in common.`;
}

function showResults(found, title) {
  const results = $("results");
  results.replaceChildren();
  const head = document.createElement("h2");
  const n = found.matches.length;
  head.textContent = `${title}: ${n} match${n === 1 ? "" : "es"}`;
  results.append(head);
  if (!n) {
    const p = document.createElement("p");
    p.className = "none";
    p.textContent = "Not seen before: no indexed document shares text with it.";
    results.append(p);
  }
  const template = $("match-template");
  for (const m of found.matches) {
    const card = template.content.firstElementChild.cloneNode(true);
    const relation = card.querySelector(".relation");
    relation.textContent = m.relation.replace("_", " ");
    relation.classList.add(m.relation);
    card.querySelector(".other").textContent = m.b;
    card.querySelector(".scores").textContent =
      `Jaccard ${m.jaccard.toFixed(2)} · coverage: this text ${pct(m.a_coverage)}, ` +
      `${m.b} ${pct(m.b_coverage)} · ${m.spans.length} passage${m.spans.length === 1 ? "" : "s"}`;
    card.querySelector(".summary").textContent = sourceLine(m);
    card.querySelector(".side-a pre").replaceWith(marked(found.query.text, m.spans, "a"));
    card.querySelector(".b-title").textContent = m.b;
    const other = found.documents[m.b];
    card.querySelector(".side-b pre").replaceWith(marked(other ? other.text : "", m.spans, "b"));
    results.append(card);
  }
}

async function runQuery(event) {
  event.preventDefault();
  const text = $("query-text").value;
  if (!text.trim()) { $("status").textContent = "Paste a text or upload a file first."; return; }
  const isHtml = $("query-html").checked;
  const body = { texts: true, id: "pasted text" };
  body[isHtml ? "html" : "text"] = text;
  $("query-button").disabled = true;
  $("status").textContent = "Looking…";
  const started = performance.now();
  try {
    const found = await api("/query", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    $("status").textContent = `Answered in ${Math.round(performance.now() - started)} ms.`;
    showResults(found, "This text");
  } catch (err) {
    $("status").textContent = `Error ${err.message}`;
  } finally {
    $("query-button").disabled = false;
  }
}

function readFile() {
  const file = $("query-file").files[0];
  if (!file) return;
  const reader = new FileReader();
  reader.onload = () => {
    $("query-text").value = reader.result;
    $("query-html").checked = /\.html?$/i.test(file.name) || /^\s*</.test(reader.result);
    $("status").textContent = `Read ${file.name} (${file.size.toLocaleString()} bytes).`;
  };
  reader.readAsText(file);
}

async function showDocument(id) {
  $("status").textContent = `Looking up ${id}…`;
  try {
    const found = await api(`/documents/${encodeURIComponent(id)}/matches?texts=true`);
    $("status").textContent = "";
    showResults(found, id);
    $("results").scrollIntoView();
  } catch (err) {
    $("status").textContent = `Error ${err.message}`;
  }
}

async function loadRecent(more) {
  const query = more && recentBefore ? `?limit=20&before=${recentBefore}` : "?limit=20";
  const page = await api(`/documents${query}`);
  const list = $("recent-list");
  if (!more) list.replaceChildren();
  for (const d of page.documents) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = "#";
    link.textContent = d.id;
    link.addEventListener("click", (e) => { e.preventDefault(); showDocument(d.id); });
    const about = document.createElement("span");
    about.className = "scores";
    about.textContent = ` ${d.date || new Date(d.added * 1000).toISOString().slice(0, 10)} · ${d.chars.toLocaleString()} characters`;
    item.append(link, about);
    list.append(item);
  }
  recentBefore = page.next_before;
  $("recent-more").hidden = recentBefore === null;
}

async function loadAbout() {
  const health = await api("/health");
  $("about").textContent = `${health.documents.toLocaleString()} documents indexed · copytrace ${health.version}`;
}

$("query-form").addEventListener("submit", runQuery);
$("query-file").addEventListener("change", readFile);
$("recent-more").addEventListener("click", () => loadRecent(true));
loadAbout().catch((err) => { $("about").textContent = `Error ${err.message}`; });
loadRecent(false).catch((err) => { $("status").textContent = `Error ${err.message}`; });
