"""A static explorer (lib.explorer) responds to its sliders in a built page, with no kernel.

Builds ``explorer_book/`` (one notebook: a captioned figure and a two-slider explorer),
executed afresh with the book's own configuration, then loads it offline in headless
Chromium, moves each slider one step with the keyboard and checks that the shown image
changes. It also checks, on a page whose contents are known, what the book-wide test checks
on every chapter: the figure is numbered per chapter and captioned, its provenance link
resolves, the code is folded, nothing fails to load. Until the chapters' explorers are
converted, this is the test that proves the sliders work.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_tools import browser, explorer_responses, missing_browser_tools, serve, skip_or_fail  # noqa: F401 (fixture)
from fixture_build import build


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    missing = missing_browser_tools()
    if missing:
        skip_or_fail(missing)
    output = tmp_path_factory.mktemp("explorer_book")
    result = build(output)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-4000:]
    assert "without encryption" not in log, "a kernel started without transport encryption"
    return output / "_build" / "html"


def test_sliders_switch_the_image_without_a_kernel(built, browser):  # noqa: F811 (pytest fixture)
    with serve(built) as url:
        browser.get(f"{url}/01_explorer_demo.html")
        browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "const wait = () => document.querySelectorAll('.reader-explorer img').length ? done(true)"
            "  : setTimeout(wait, 100); wait();")
        records = explorer_responses(browser)
        severe = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        browser.execute_script("document.documentElement.dataset.theme = 'dark';")
        dark_backgrounds = browser.execute_script(
            "return Array.from(document.querySelectorAll('article img'))"
            ".filter(i => i.offsetParent !== null).map(i => getComputedStyle(i).backgroundColor);")
    assert [r["slider"] for r in records] == ["scale a", "power b"], records
    for record in records:
        assert record["before"].get("shown") == 1 and record["after"].get("shown") == 1, record
        assert record["before"]["hash"] != record["after"]["hash"], f"moving {record['slider']} changed nothing"
    assert not severe, severe
    assert dark_backgrounds and set(dark_backgrounds) == {"rgb(255, 255, 255)"}, \
        f"figures in dark mode must sit on white: {dark_backgrounds}"


def test_figure_is_numbered_captioned_with_provenance_and_code_is_folded(built):
    html = (built / "01_explorer_demo.html").read_text()
    figure = re.search(r'<figure[^>]*id="fig-01-line".*?</figure>', html, re.S)
    assert figure, "the captioned cell did not become a figure"
    assert '<span class="caption-number">Figure 1.1 </span>' in figure.group(0)
    assert 'href="api.html#lib.explorer.render_png"' in figure.group(0), "provenance link did not resolve"
    assert 'href="#fig-01-line"' in html and "Figure 1.1" in html  # the {numref} in the prose
    # four code cells: the parameters cell stays open, the other three are folded
    assert len(re.findall(r'<div class="cell[ "]', html)) == 4
    assert html.count('<div class="cell reader-folded') == 3
    assert html.count('<details class="admonition hide above-input">') == 3
    assert re.search(r'class="cell tag_parameters[^>]*>\s*<div class="cell_input', html)
