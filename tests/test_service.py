"""The HTTP service end to end: a real server on loopback, a real client."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from index_helpers import synthetic_docs
from service_helpers import free_port, running

from copytrace import Document, Index

DEMO = Path(__file__).resolve().parents[1] / "demo" / "news.jsonl"
TOKEN = "test-token-123"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
JSON_AUTH = {**AUTH, "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Index]]:
    path = tmp_path_factory.mktemp("svc") / "news.db"
    index = Index(path)
    index.add(DEMO)
    with running(index, TOKEN, limit=200_000) as url:
        yield url, index
    index.close()


def is_error_shape(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["status"] == status and error["code"] and error["message"]
    return error


def test_health_stats_and_openapi(service: tuple[str, Index]) -> None:
    url, _ = service
    assert httpx.get(f"{url}/health").json()["status"] == "ok"
    stats = httpx.get(f"{url}/stats").json()
    assert stats["documents"] >= 25 and stats["settings"]["sketch_fingerprint"]
    spec = httpx.get(f"{url}/openapi.json").json()
    assert {"/query", "/documents", "/documents/{doc_id}", "/health", "/stats"} <= set(
        spec["paths"]
    )
    assert "post" in spec["paths"]["/query"] and "delete" in spec["paths"]["/documents/{doc_id}"]


def test_query_a_text_and_a_page(service: tuple[str, Index]) -> None:
    url, _ = service
    first = json.loads(DEMO.read_text().splitlines()[0])
    found = httpx.post(f"{url}/query", json={"text": first["text"], "texts": True}).json()
    assert found["matches"][0]["relation"] == "exact"
    b = found["matches"][0]["b"]
    assert found["documents"][b]["text"].startswith("Ferry crews walk out")
    body = f"<article><p>{first['text']}</p></article>"
    html = f"<html><head><title>T</title></head><body>{body}</body></html>"
    page = httpx.post(f"{url}/query", json={"html": html}).json()
    assert page["query"]["text"].startswith("Ferry crews")
    assert page["matches"] and page["matches"][0]["spans"]


def test_writes_need_the_token(service: tuple[str, Index]) -> None:
    url, index = service
    doc = {"documents": [{"id": "svc-1", "text": "A short text the service adds for a test."}]}
    is_error_shape(httpx.post(f"{url}/documents", json=doc), 401)
    bad = {"Authorization": "Bearer wrong"}
    is_error_shape(httpx.post(f"{url}/documents", json=doc, headers=bad), 401)
    added = httpx.post(f"{url}/documents", json=doc, headers=AUTH).json()
    assert added["added"] == 1
    assert httpx.post(f"{url}/documents", json=doc, headers=AUTH).json()["unchanged"] == 1
    assert httpx.get(f"{url}/documents/svc-1").json()["text"].startswith("A short text")
    is_error_shape(httpx.delete(f"{url}/documents/svc-1"), 401)
    assert httpx.delete(f"{url}/documents/svc-1", headers=AUTH).json() == {"removed": "svc-1"}
    is_error_shape(httpx.delete(f"{url}/documents/svc-1", headers=AUTH), 404)
    is_error_shape(httpx.post(f"{url}/query", json={"text": "x", "add": True}), 401)
    assert index.get("svc-1") is None


def test_documents_with_slashes_recent_matches_and_cluster(service: tuple[str, Index]) -> None:
    url, _ = service
    doc = httpx.get(f"{url}/documents/northvale-gazette/harbor-ferry").json()
    assert doc["id"] == "northvale-gazette/harbor-ferry"
    recent = httpx.get(f"{url}/documents", params={"limit": 5}).json()
    assert len(recent["documents"]) == 5 and recent["next_before"]
    older = httpx.get(f"{url}/documents", params={"limit": 5, "before": recent["next_before"]})
    assert older.json()["documents"][0]["id"] != recent["documents"][0]["id"]
    matches = httpx.get(f"{url}/documents/northvale-gazette/harbor-ferry/matches").json()
    assert matches["matches"][0]["relation"] == "exact"
    cluster = httpx.get(f"{url}/documents/midland-post/harbor-ferry-reprint/cluster").json()
    assert cluster["source"] == "northvale-gazette/harbor-ferry" and len(cluster["members"]) == 3
    is_error_shape(httpx.get(f"{url}/documents/nope/cluster"), 404)


BAD_REQUESTS = [
    ("post", "/query", {"json": {}}),
    ("post", "/query", {"json": {"text": "a", "html": "<p>a</p>"}}),
    ("post", "/query", {"json": {"text": 12}}),
    ("post", "/query", {"json": {"text": None}}),
    ("post", "/query", {"json": {"text": "a", "id": ""}}),
    ("post", "/query", {"json": {"text": "a", "unknown": 1}}),
    ("post", "/query", {"json": [1, 2, 3]}),
    ("post", "/query", {"content": b"{not json"}),
    (
        "post",
        "/query",
        {"content": b"\xff\xfe\x00garbage", "headers": {"content-type": "application/json"}},
    ),
    ("post", "/query", {"json": {"text": "a", "meta": "not a dict"}}),
    ("post", "/documents", {"json": {"documents": []}, "headers": AUTH}),
    ("post", "/documents", {"json": {"documents": [{"id": "x"}]}, "headers": AUTH}),
    ("post", "/documents", {"json": {"documents": "x"}, "headers": AUTH}),
    (
        "post",
        "/documents",
        {
            "json": {"documents": [{"id": "d", "text": "a"}, {"id": "d", "text": "b"}]},
            "headers": AUTH,
        },
    ),
    # A lone surrogate (valid as a JSON escape) cannot be stored or written back.
    (
        "post",
        "/documents",
        {"content": '{"documents": [{"id": "x\\ud800", "text": "a"}]}', "headers": JSON_AUTH},
    ),
    (
        "post",
        "/documents",
        {
            "content": '{"documents": [{"id": "y", "text": "a", "meta": {"k": "\\udc80"}}]}',
            "headers": JSON_AUTH,
        },
    ),
    ("get", "/documents", {"params": {"limit": "many"}}),
    ("get", "/documents", {"params": {"limit": -1}}),
    ("get", "/documents", {"params": {"before": 0}}),
    ("get", "/nowhere", {}),
    ("put", "/query", {"json": {"text": "a"}}),
    ("get", "/page/secret.py", {}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), BAD_REQUESTS)
def test_bad_requests_are_4xx_in_one_shape(
    service: tuple[str, Index], method: str, path: str, kwargs: dict[str, object]
) -> None:
    url, _ = service
    response = httpx.request(method.upper(), f"{url}{path}", **kwargs)  # type: ignore[arg-type]
    assert 400 <= response.status_code < 500, response.text
    is_error_shape(response, response.status_code)


def test_request_bodies_over_the_limit_are_refused(service: tuple[str, Index]) -> None:
    url, _ = service
    big = {"text": "word " * 100_000}
    is_error_shape(httpx.post(f"{url}/query", json=big), 413)

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"text": "'
        for _ in range(50):
            yield b"word " * 1000
        yield b'"}'

    response = httpx.post(
        f"{url}/query", content=chunks(), headers={"content-type": "application/json"}
    )
    is_error_shape(response, 413)


def test_many_readers_while_one_writer_adds(service: tuple[str, Index]) -> None:
    url, _ = service
    docs = synthetic_docs(300, seed=11, prefix="live")
    failures: list[str] = []
    answered = [0]
    done = threading.Event()
    probe = json.loads(DEMO.read_text().splitlines()[0])["text"]

    def read() -> None:
        with httpx.Client(timeout=30) as client:
            while not done.is_set():
                r = client.post(f"{url}/query", json={"text": probe})
                if r.status_code != 200:
                    failures.append(r.text)
                answered[0] += 1

    readers = [threading.Thread(target=read) for _ in range(4)]
    for t in readers:
        t.start()
    with httpx.Client(timeout=60) as client:
        for start in range(0, len(docs), 50):
            batch = [{"id": d.id, "text": d.text} for d in docs[start : start + 50]]
            r = client.post(f"{url}/documents", json={"documents": batch}, headers=AUTH)
            assert r.status_code == 200, r.text
    done.set()
    for t in readers:
        t.join()
    assert failures == [] and answered[0] > 10


def test_serve_command_binds_loopback_and_answers(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    with Index(path) as ix:
        ix.add([Document("a", "Some text to serve from the command line, with enough words.")])
    token = tmp_path / "token"
    token.write_text("secret\n")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from copytrace.cli import main; main()", "serve", str(path),
         "--port", str(port),
         "--token-file", str(token)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"{url}/health", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert health.json()["documents"] == 1
        doc = {"documents": [{"id": "b", "text": "another text"}]}
        assert httpx.post(f"{url}/documents", json=doc).status_code == 401
        ok = httpx.post(f"{url}/documents", json=doc, headers={"Authorization": "Bearer secret"})
        assert ok.status_code == 200
        assert "/query" in httpx.get(f"{url}/openapi.json").json()["paths"]
        assert "<title>copytrace" in httpx.get(url).text
        conns = Path("/proc/net/tcp").read_text() if os.path.exists("/proc/net/tcp") else ""
        if conns:  # listening on 127.0.0.1 (0100007F) only
            listening = [line for line in conns.splitlines() if f":{port:04X} " in line]
            assert listening and all("0100007F:" in line for line in listening)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(20)


def test_serve_refuses_a_missing_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    import copytrace.cli as cli
    from copytrace.cli import main

    compiled: list[int] = []  # a first run must not compile for 30 s before saying so
    monkeypatch.setattr(cli, "ensure_kernels", lambda jobs, report=None: compiled.append(jobs))
    result = CliRunner().invoke(main, ["serve", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "no such index" in result.stderr
    assert compiled == []


def test_a_missing_service_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from copytrace.errors import MissingDependencyError
    from copytrace.service import server

    real_import = builtins.__import__

    def no_uvicorn(name: str, *args: object, **kwargs: object) -> object:
        if name == "uvicorn":
            raise ImportError("No module named 'uvicorn'")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_uvicorn)
    with pytest.raises(MissingDependencyError, match=r'pip install "copytrace\[service\]"'):
        server.run(Path("whatever.db"))


def test_serve_compiles_the_kernels_once_the_index_opens_and_before_the_warm_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    from copytrace.index import Index
    from copytrace.service import server

    path = tmp_path / "news.db"
    Index(path).close()
    calls: list[str] = []
    monkeypatch.setattr(server, "settle", lambda index: calls.append("warm-up"))
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append("serve"))
    server.run(path, port=0, prepare=lambda: calls.append("compile"))
    assert calls == ["compile", "warm-up", "serve"]
