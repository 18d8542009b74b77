"""Load every page of the built book in headless Chromium, offline, and check what a reader sees.

The HTML in ``_build/html`` (made by ``scripts/build_html.py``) is served on
localhost. For each page listed in ``_toc.yml`` the test fails unless

* MathJax has typeset the math (``mjx-container`` elements present on pages with
  math, no raw ``\\(`` or ``$$`` left in the text),
* every image loaded (and chapter pages have at least one figure),
* every ipywidgets view rendered,
* no error output, stderr output or traceback appears in the page (tracebacks: in cell outputs),
* every figure in a chapter's outputs is a numbered figure with a caption
  ("Figure N.M" with N the chapter, MyST-NB cell metadata ``mystnb.figure``),
* every code cell's source is folded behind a toggle that is closed by default
  (except cells tagged ``parameters`` or ``show-input``), while no output is,
* every explorer is a static one (``lib.explorer``): moving each of its sliders
  changes the image shown, with no kernel; a slider outside one would do nothing, and
* the browser console reports no failed load (an attempt to reach a CDN fails
  here, so this also proves the page is self-contained).

A full-page screenshot of each page is written to ``_build/screenshots/``.

Without Chromium, ChromeDriver or Selenium the test is skipped with a reason
naming what is missing, unless ``REQUIRE_BROWSER_CHECK=1`` (set by ``make
test``), in which case it fails.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from browser_tools import HTML, ROOT, browser, explorer_responses, missing_browser_tools, serve, skip_or_fail  # noqa: F401 (browser is a fixture)

SHOTS = ROOT / "_build" / "screenshots"
KEEP_OPEN_TAGS = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]["reader_keep_open_tags"]

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
  const inWidget = (e) => e.closest(".jupyter-widgets, .widget-box, .reader-explorer") !== null;
  const outputImages = Array.from(article.querySelectorAll(".cell_output img")).filter(i => !inWidget(i));
  const figureNumber = /^Figure (\d+)\.(\d+)\s*$/;
  const uncaptioned = outputImages.filter(i => {
    const figure = i.closest("figure");
    const number = figure && figure.querySelector("figcaption .caption-number");
    const text = figure && figure.querySelector("figcaption .caption-text");
    return !(number && figureNumber.test(number.textContent) && text && text.textContent.trim().length > 10);
  });
  const numbers = outputImages.map(i => i.closest("figure")).filter(f => f)
      .map(f => (f.querySelector("figcaption .caption-number") || {}).textContent || "");
  const keepOpen = arguments[0];
  const cells = Array.from(article.querySelectorAll("div.cell"));
  const openCode = cells.filter(c => c.querySelector(".cell_input") && !keepOpen.some(t => c.classList.contains("tag_" + t)))
      .filter(c => { const d = c.querySelector(".cell_input").closest("details"); return !d || d.open; });
  const hiddenOutputs = cells.flatMap(c => Array.from(c.querySelectorAll(".cell_output")))
      .filter(o => o.closest("details:not([open])") !== null);
  return {
    mathSource: article.querySelectorAll(".math").length,
    mathTypeset: article.querySelectorAll("mjx-container").length,
    rawMath: ["\\(", "\\[", "$$"].filter(s => text.includes(s)),
    images: imgs.length,
    brokenImages: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute("src")),
    errorOutputs: article.querySelectorAll(".output.traceback, .output.error, .output.stderr, .stderr").length,
    // Executed cells only: the API page quotes tracebacks on purpose (doctest examples of errors).
    tracebackText: Array.from(article.querySelectorAll(".cell_output"))
      .some(o => o.innerText.includes("Traceback (most recent call last)")),
    widgetViews: widgetViews,
    outputImages: outputImages.length,
    uncaptioned: uncaptioned.map(i => "code cell " + (cells.indexOf(i.closest("div.cell")) + 1)),
    figureNumbers: numbers,
    openCode: openCode.map(c => c.querySelector(".cell_input").innerText.slice(0, 60)),
    hiddenOutputs: hiddenOutputs.length,
    explorers: document.querySelectorAll(".reader-explorer").length,
    loneSliders: Array.from(document.querySelectorAll(".widget-slider")).filter(e => !e.closest(".reader-explorer")).length,
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
    missing = missing_browser_tools()
    if not (HTML / "index.html").exists():
        missing.append("_build/html (run `make html` first)")
    return missing


@pytest.fixture(scope="module")
def server():
    missing = missing_tools()
    if missing:
        skip_or_fail(missing)
    with serve(HTML) as url:
        yield url


@pytest.mark.parametrize("page", toc_pages())
def test_page_renders(page, server, browser):  # noqa: F811 (pytest fixture)
    browser.get(f"{server}/{page}")
    state = browser.execute_async_script(PAGE_STATE_JS, KEEP_OPEN_TAGS)
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
    if state["uncaptioned"]:
        problems.append(f"{len(state['uncaptioned'])} of {state['outputImages']} figures without a "
                        f"'Figure N.M' number and caption (cell metadata mystnb.figure): {state['uncaptioned']}")
    chapter = reader_chapter_number(page)
    wrong = [n for n in state["figureNumbers"] if chapter is not None and not n.startswith(f"Figure {chapter}.")]
    if wrong:
        problems.append(f"figure numbers not of chapter {chapter}: {wrong}")
    if state["openCode"]:
        problems.append(f"code cells not folded by default: {state['openCode']}")
    if state["hiddenOutputs"]:
        problems.append(f"{state['hiddenOutputs']} outputs hidden behind a closed toggle")
    if state["loneSliders"]:
        problems.append(f"{state['loneSliders']} sliders outside a static explorer (lib.explorer): "
                        "they do nothing without a kernel")
    if state["explorers"]:
        for record in explorer_responses(browser):
            if record["before"].get("shown") != 1 or record["before"] == record["after"]:
                problems.append(f"explorer {record['explorer']}: moving slider {record['slider']!r} did not "
                                f"change the shown image ({record['before']} -> {record['after']})")
        console += [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    if console:
        problems.append(f"browser console errors: {console}")
    assert not problems, f"{page}: " + "; ".join(problems)


def reader_chapter_number(page: str) -> int | None:
    """The chapter number in a chapter page's name (book/04_convergence.html -> 4)."""
    stem = Path(page).stem
    head = stem.split("_", 1)[0]
    return int(head) if head.isdigit() and is_notebook_page(page) else None


def test_missing_browser_is_named(monkeypatch):
    """Without Chromium the check must say what is missing (and so skip, or fail under make test)."""
    monkeypatch.setattr(shutil, "which", lambda exe: None)
    assert {"chromium", "chromedriver"} <= set(missing_tools())
