"""Tools of the browser checks (and of scripts/build_pdf.py): headless Chromium, a localhost server,
and the static-explorer slider probe."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
HTML = ROOT / "_build" / "html"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--disable-dev-shm-usage", "--window-size=1280,1000",
]


def missing_browser_tools() -> list[str]:
    """What is missing to drive Chromium from Python (empty when everything is there)."""
    missing = [exe for exe in ("chromium", "chromedriver") if shutil.which(exe) is None]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip)")
    return missing


def skip_or_fail(missing: list[str]) -> None:
    """Skip with a reason naming what is missing, or fail under ``REQUIRE_BROWSER_CHECK=1``."""
    reason = "browser check: missing " + ", ".join(missing)
    if os.environ.get("REQUIRE_BROWSER_CHECK") == "1":
        pytest.fail(reason + " (REQUIRE_BROWSER_CHECK=1)")
    print("SKIPPED " + reason)
    pytest.skip(reason)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output readable
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve ``directory`` on localhost; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


@contextlib.contextmanager
def chromium():
    """A headless Chromium driven by Selenium, with the browser console log enabled."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    profile = tempfile.mkdtemp(prefix="book-chromium-")
    for flag in CHROMIUM_FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.set_script_timeout(60)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


# A fingerprint of the image each explorer shows now: the visible <img> of its Stack, fetched
# back from its (blob/data) URL and hashed -- so "changed" means different pixels, not a new element.
SHOWN_IMAGES_JS = r"""
const done = arguments[arguments.length - 1];
const hash = (bytes) => { let h = 2166136261; for (const b of bytes) { h = Math.imul(h ^ b, 16777619) >>> 0; } return h; };
const explorers = Array.from(document.querySelectorAll(".reader-explorer"));
Promise.all(explorers.map(async (box) => {
  const shown = Array.from(box.querySelectorAll("img")).filter(i => i.offsetParent !== null && i.naturalWidth > 0);
  if (shown.length !== 1) { return {shown: shown.length}; }
  const bytes = new Uint8Array(await (await fetch(shown[0].src)).arrayBuffer());
  return {shown: 1, hash: hash(bytes), size: bytes.length};
})).then(done, e => done({jsError: String(e)}));
"""


def explorer_responses(driver) -> list[dict]:
    """Move every slider of every static explorer on the current page by one step (keyboard).

    Returns one record per slider: the explorer's index, the slider's label, and the
    fingerprint of the shown image before and after the move.
    """
    import time

    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    records = []
    boxes = driver.find_elements(By.CSS_SELECTOR, ".reader-explorer")
    for number, box in enumerate(boxes):
        for slider in box.find_elements(By.CSS_SELECTOR, ".widget-slider"):
            label = slider.find_element(By.CSS_SELECTOR, ".widget-label").text
            handle = slider.find_element(By.CSS_SELECTOR, ".noUi-handle")
            at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
            before = driver.execute_async_script(SHOWN_IMAGES_JS)[number]
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", handle)
            handle.send_keys(Keys.ARROW_LEFT if at_end else Keys.ARROW_RIGHT)
            time.sleep(0.5)
            after = driver.execute_async_script(SHOWN_IMAGES_JS)[number]
            records.append({"explorer": number, "slider": label, "before": before, "after": after})
    return records


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the browser checks (imported by the test modules: a conftest.py
    here would clash with tests/conftest.py under ``--doctest-modules``, both being top-level
    ``conftest`` modules)."""
    missing = missing_browser_tools()
    if missing:
        skip_or_fail(missing)
    with chromium() as driver:
        yield driver
