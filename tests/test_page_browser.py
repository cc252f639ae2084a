"""The web page in a real browser: Debian's chromium driven by chromium-driver (Selenium).

Nothing downloads a browser: the test uses /usr/bin/chromium and /usr/bin/chromedriver, and
skips when they are absent (.ci/run installs them).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from service_helpers import running

from copytrace import Index

DEMO = Path(__file__).resolve().parents[1] / "demo" / "news.jsonl"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
#: The highlight colours of style.css: verbatim passages, reworded ones.
VERBATIM = (0xFF, 0xD2, 0x4D)
REWORDED = (0xFF, 0x9E, 0x80)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        pytest.skip("Debian's chromium and chromium-driver are not installed")
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must download nothing
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1100",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=DRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("page") / "news.db"
    with Index(path) as index:
        index.add(DEMO)
        with running(index) as url:
            yield url


def _demo(doc_id: str) -> str:
    for line in DEMO.read_text().splitlines():
        row = json.loads(line)
        if row["id"] == doc_id:
            return str(row["text"])
    raise KeyError(doc_id)


def _wait(driver: object, css: str, count: int = 1, timeout: float = 30) -> list[object]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def found(d: object) -> list[object] | bool:
        items = d.find_elements(By.CSS_SELECTOR, css)  # type: ignore[attr-defined]
        return items if len(items) >= count else False

    return WebDriverWait(driver, timeout).until(found)  # type: ignore[no-any-return]


def _pixels(png: bytes) -> tuple[int, dict[tuple[int, int, int], int]]:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 24) or []
    return image.width * image.height, {c: n for n, c in colours}


def _near(colours: dict[tuple[int, int, int], int], target: tuple[int, int, int]) -> int:
    return sum(
        n
        for c, n in colours.items()
        if all(abs(a - b) <= 6 for a, b in zip(c, target, strict=True))
    )


def test_paste_a_text_and_see_the_reused_passages_side_by_side(
    browser: object, site: str, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    d = browser
    d.get(site)  # type: ignore[attr-defined]
    _wait(d, "#recent-list li", 20)
    text = "Letter to the editor.\n\n" + _demo("eastfield-herald/museum-theft")[:1500]
    d.execute_script(  # type: ignore[attr-defined]
        "document.getElementById('query-text').value = arguments[0];", text
    )
    d.find_element(By.ID, "query-button").click()  # type: ignore[attr-defined]
    cards = _wait(d, "#results .match")
    relations = [c.find_element(By.CSS_SELECTOR, ".relation").text for c in cards]
    assert relations[0] == "contained"
    first = cards[0]
    assert first.find_element(By.CSS_SELECTOR, ".other").text == "eastfield-herald/museum-theft"
    assert "coverage" in first.find_element(By.CSS_SELECTOR, ".scores").text
    assert "Likely source" in first.find_element(By.CSS_SELECTOR, ".summary").text
    marks_a = first.find_elements(By.CSS_SELECTOR, ".side-a mark")
    marks_b = first.find_elements(By.CSS_SELECTOR, ".side-b mark")
    assert marks_a and marks_b
    assert marks_b[0].text.split()[:3] == marks_a[0].text.split()[:3]
    shot = d.get_screenshot_as_png()  # type: ignore[attr-defined]
    (tmp_path / "query.png").write_bytes(shot)
    total, colours = _pixels(shot)
    assert len(colours) > 50  # not a blank page
    assert max(colours.values()) < 0.95 * total
    assert _near(colours, VERBATIM) > 2000  # the reused passages, highlighted


def test_a_rewrite_is_highlighted_as_reworded(browser: object, site: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    d = browser
    d.get(site)  # type: ignore[attr-defined]
    text = _demo("pellmoor-observer/gullhaven-election-rewrite")
    d.execute_script(  # type: ignore[attr-defined]
        "document.getElementById('query-text').value = arguments[0];", text
    )
    d.find_element(By.ID, "query-button").click()  # type: ignore[attr-defined]
    cards = _wait(d, "#results .match")
    assert cards[0].find_element(By.CSS_SELECTOR, ".relation").text in ("exact",)
    d.get(site)  # type: ignore[attr-defined]
    changed = text.replace("the", "that", 3) + " And one more sentence of our own."
    d.execute_script(  # type: ignore[attr-defined]
        "document.getElementById('query-text').value = arguments[0];", changed
    )
    d.find_element(By.ID, "query-button").click()  # type: ignore[attr-defined]
    cards = _wait(d, "#results .match", 2)
    by_other = {c.find_element(By.CSS_SELECTOR, ".other").text: c for c in cards}
    original = by_other["kestrel-bay-courier/gullhaven-election"]
    assert original.find_element(By.CSS_SELECTOR, ".relation").text == "rewrite"
    assert original.find_elements(By.CSS_SELECTOR, ".side-a mark.reworded")
    d.execute_script("arguments[0].scrollIntoView();", original)  # type: ignore[attr-defined]
    shot = d.get_screenshot_as_png()  # type: ignore[attr-defined]
    (tmp_path / "rewrite.png").write_bytes(shot)
    _, colours = _pixels(shot)
    assert _near(colours, REWORDED) > 2000


def test_upload_a_page_and_browse_recent_documents(
    browser: object, site: str, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    d = browser
    d.get(site)  # type: ignore[attr-defined]
    body = _demo("kestrel-bay-courier/brack-flood")
    page = tmp_path / "page.html"
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    page.write_text(
        "<html><head><title>Flood</title></head><body><nav>Home | News</nav>"
        f"<article>{paragraphs}</article><footer>Contact us</footer></body></html>"
    )
    d.find_element(By.ID, "query-file").send_keys(str(page))  # type: ignore[attr-defined]
    _wait(d, "#query-html:checked")
    d.find_element(By.ID, "query-button").click()  # type: ignore[attr-defined]
    cards = _wait(d, "#results .match")
    others = [c.find_element(By.CSS_SELECTOR, ".other").text for c in cards]
    assert "kestrel-bay-courier/brack-flood" in others
    links = _wait(d, "#recent-list li a", 20)
    target = next(a for a in links if a.text == "midland-post/lake-microbes-repost")
    target.click()
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    title = (By.CSS_SELECTOR, "#results h2")
    shown = ec.text_to_be_present_in_element(title, "midland-post/lake-microbes-repost: 2")
    WebDriverWait(d, 30).until(shown)
    cards = _wait(d, "#results .match", 2)
    assert {c.find_element(By.CSS_SELECTOR, ".relation").text for c in cards} == {"near duplicate"}
    shot = d.get_screenshot_as_png()  # type: ignore[attr-defined]
    (tmp_path / "browse.png").write_bytes(shot)
    _, colours = _pixels(shot)
    assert len(colours) > 50 and _near(colours, VERBATIM) > 2000
