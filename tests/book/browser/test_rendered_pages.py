"""Load every page of the built book in headless Chromium, offline, and check what a reader sees.

The HTML in ``_build/html`` (made by ``scripts/build_html.py``) is served on
localhost. For each page listed in ``_toc.yml`` the test fails unless

* MathJax has typeset the math (``mjx-container`` elements present on pages with
  math, no raw ``\\(`` or ``$$`` left in the text),
* every image loaded (and chapter pages have at least one figure),
* every ipywidgets view rendered,
* no error output, stderr output or traceback appears in the page, and
* the browser console reports no failed load (an attempt to reach a CDN fails
  here, so this also proves the page is self-contained).

A full-page screenshot of each page is written to ``_build/screenshots/``.

Without Chromium, ChromeDriver or Selenium the test is skipped with a reason
naming what is missing, unless ``REQUIRE_BROWSER_CHECK=1`` (set by ``make
test``), in which case it fails.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--disable-dev-shm-usage", "--window-size=1280,1000",
]

PAGE_STATE_JS = r"""
const done = arguments[arguments.length - 1];
const settle = async () => {
  if (document.readyState !== "complete") {
    await new Promise(r => window.addEventListener("load", r, {once: true}));
  }
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  await new Promise(r => setTimeout(r, 300));
  const article = document.querySelector("article") || document.body;
  const prose = article.cloneNode(true);
  prose.querySelectorAll("pre, code, .highlight, script, style, mjx-container").forEach(e => e.remove());
  const text = prose.innerText;
  const imgs = Array.from(article.querySelectorAll("img"));
  const widgetViews = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length;
  return {
    mathSource: article.querySelectorAll(".math").length,
    mathTypeset: article.querySelectorAll("mjx-container").length,
    rawMath: ["\\(", "\\[", "$$"].filter(s => text.includes(s)),
    images: imgs.length,
    brokenImages: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute("src")),
    errorOutputs: article.querySelectorAll(".output.traceback, .output.error, .output.stderr, .stderr").length,
    tracebackText: article.innerText.includes("Traceback (most recent call last)"),
    widgetViews: widgetViews,
    widgetsRendered: document.querySelectorAll(".jupyter-widgets, .widget-inline-hbox, .widget-box").length,
    height: Math.min(document.documentElement.scrollHeight, 16000),
  };
};
settle().then(done, e => done({jsError: String(e)}));
"""


def toc_pages() -> list[str]:
    """Every page of the book, in order, as HTML paths relative to ``_build/html``."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [str(Path(p).with_suffix(".html")) for p in pages]


def is_notebook_page(page: str) -> bool:
    return (ROOT / page).with_suffix(".ipynb").exists()


def missing_tools() -> list[str]:
    missing = [exe for exe in ("chromium", "chromedriver") if shutil.which(exe) is None]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip)")
    if not (HTML / "index.html").exists():
        missing.append("_build/html (run `make html` first)")
    return missing


@pytest.fixture(scope="module")
def server():
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    missing = missing_tools()
    if missing:
        reason = "browser check: missing " + ", ".join(missing)
        if os.environ.get("REQUIRE_BROWSER_CHECK") == "1":
            pytest.fail(reason + " (REQUIRE_BROWSER_CHECK=1)")
        print("SKIPPED " + reason)
        pytest.skip(reason)
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
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.parametrize("page", toc_pages())
def test_page_renders(page, server, browser):
    browser.get(f"{server}/{page}")
    state = browser.execute_async_script(PAGE_STATE_JS)
    assert "jsError" not in state, state
    console = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]

    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.set_window_size(1280, state["height"])
    browser.save_screenshot(str(SHOTS / (page.replace("/", "__").replace(".html", ".png"))))
    browser.set_window_size(1280, 1000)

    problems = []
    if state["mathSource"] and not state["mathTypeset"]:
        problems.append(f"{state['mathSource']} math elements but none typeset by MathJax")
    if state["rawMath"]:
        problems.append(f"raw TeX delimiters left in the text: {state['rawMath']}")
    if state["brokenImages"]:
        problems.append(f"images that did not load: {state['brokenImages']}")
    if is_notebook_page(page) and state["images"] == 0:
        problems.append("chapter page shows no figure")
    if is_notebook_page(page) and not state["mathTypeset"]:
        problems.append("chapter page has no typeset math")
    if state["errorOutputs"] or state["tracebackText"]:
        problems.append(f"error/stderr outputs on the page: {state['errorOutputs']} (traceback text: "
                        f"{state['tracebackText']})")
    if state["widgetViews"] and not state["widgetsRendered"]:
        problems.append(f"{state['widgetViews']} widget views but none rendered")
    if console:
        problems.append(f"browser console errors: {console}")
    assert not problems, f"{page}: " + "; ".join(problems)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output readable
        pass


def test_missing_browser_is_named(monkeypatch):
    """Without Chromium the check must say what is missing (and so skip, or fail under make test)."""
    monkeypatch.setattr(shutil, "which", lambda exe: None)
    assert {"chromium", "chromedriver"} <= set(missing_tools())
