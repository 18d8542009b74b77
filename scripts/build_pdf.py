"""Build one PDF of the whole book (``make pdf``) into ``_build/pdf/book.pdf``, offline.

How: Jupyter Book's ``singlehtml`` builder renders every page of ``_toc.yml`` into
one HTML page (chapters with their stored outputs, numbered captioned figures,
the scorecard, the bibliography; code cells folded as on the web). That page is
served on localhost and opened in headless Chromium (the one the browser check
uses, with networking off); once MathJax has typeset every formula and every
image has loaded, Chromium's own print engine (DevTools ``Page.printToPDF``)
writes the PDF: A4, with the page headers and page numbers of the browser.

Why not LaTeX: the book's figures and math are already rendered by the HTML
pipeline the tests check, and a TeX installation would add about a gigabyte of
Debian packages for the same content.

``--execute force`` re-executes every notebook first (as ``make book``); the
default ``off`` prints the committed outputs (as ``make html``). The PDF check
(``tests/book/test_pdf.py``) needs ``pdftotext``/``pdftoppm`` from poppler-utils,
which this script installs with apt-get when it runs as root and they are missing.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "_build" / "pdf" / "book.pdf"
SINGLE = ROOT / "_build" / "singlehtml"
sys.path.insert(0, str(ROOT / "tests" / "book" / "browser"))

# Resolves when MathJax has typeset the page and every image has loaded (or failed).
READY_JS = r"""
const done = arguments[arguments.length - 1];
(async () => {
  if (document.readyState !== "complete") {
    await new Promise(r => window.addEventListener("load", r, {once: true}));
  }
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  if (window.MathJax && MathJax.typesetPromise) { await MathJax.typesetPromise(); }
  const imgs = Array.from(document.images);
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; })));
  await new Promise(r => setTimeout(r, 500));
  return {images: imgs.length, broken: imgs.filter(i => !(i.naturalWidth > 0)).map(i => i.getAttribute("src")),
          math: document.querySelectorAll("mjx-container").length};
})().then(done, e => done({jsError: String(e)}));
"""

# Print layout: the article only (no navigation, no toggles), figures kept whole.
PRINT_CSS = r"""
@media print {
  .bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .header-article, .bd-footer,
  .bd-footer-article, .prev-next-area, .headerlink, details.hide > summary, .toggle-button,
  .copybtn, #pst-back-to-top, .bd-header-announcement { display: none !important; }
  .bd-main .bd-content .bd-article-container { max-width: 100% !important; }
  .bd-container, .bd-page-width { max-width: 100% !important; }
  figure, .cell_output img, table { break-inside: avoid; }
  pre { white-space: pre-wrap !important; overflow: visible !important; word-break: break-all; }
  .cell_output, .output { overflow: visible !important; max-height: none !important; }
  span[id^="document-"] + section { break-before: page; }  /* every page of the book starts a new sheet */
  a { color: inherit; text-decoration: none; }
}
"""


def ensure_poppler() -> None:
    """Install poppler-utils (pdftotext, pdftoppm) for the PDF check when root and missing."""
    if shutil.which("pdftotext") and shutil.which("pdftoppm"):
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print("build_pdf: poppler-utils missing and not root; the PDF check will be skipped")
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    print("build_pdf: installing poppler-utils with apt-get", flush=True)
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "poppler-utils"]
    if subprocess.run(install, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
        subprocess.run(install, check=True, env=env, stdout=subprocess.DEVNULL)


def build_singlehtml(execute: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_pages.py")], check=True, cwd=ROOT)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config.setdefault("execute", {})["execute_notebooks"] = execute
    local = config.get("sphinx", {}).get("local_extensions") or {}
    for name, folder in local.items():
        local[name] = str((ROOT / folder).resolve())
    config_path = ROOT / "_build" / f"_config.pdf-{execute}.yml"
    config_path.parent.mkdir(exist_ok=True)
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(ROOT), "--config", str(config_path), "--builder", "singlehtml",
           "--all", "-W", "-n", "--keep-going"]
    print("build_pdf:", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True)
    # The single page is written as book/intro.html (the root document) but with links relative to
    # the output folder (_static/, _images/); put a copy where those links resolve.
    root_doc = yaml.safe_load((ROOT / "_toc.yml").read_text())["root"]
    shutil.copyfile(SINGLE / f"{root_doc}.html", SINGLE / "book.html")


def print_pdf(html_dir: Path, output: Path) -> dict:
    from browser_tools import chromium, missing_browser_tools, serve

    missing = missing_browser_tools()
    if missing:
        raise SystemExit(f"build_pdf: needs {', '.join(missing)} (make check installs Chromium as root)")
    with serve(html_dir) as url, chromium() as driver:
        driver.set_script_timeout(180)
        driver.get(f"{url}/book.html")
        driver.execute_script(
            "const s = document.createElement('style'); s.textContent = arguments[0]; document.head.appendChild(s);",
            PRINT_CSS)
        state = driver.execute_async_script(READY_JS)
        if "jsError" in state or state["broken"]:
            raise SystemExit(f"build_pdf: page not ready for printing: {state}")
        # The singlehtml builder writes no search index, which the theme's search box requests.
        severe = [e["message"] for e in driver.get_log("browser")
                  if e["level"] == "SEVERE" and "/searchindex.js " not in e["message"]]
        if severe:
            raise SystemExit(f"build_pdf: browser console errors: {severe}")
        pdf = driver.execute_cdp_cmd("Page.printToPDF", {
            "paperWidth": 8.27, "paperHeight": 11.69,  # A4 in inches
            "marginTop": 0.6, "marginBottom": 0.6, "marginLeft": 0.6, "marginRight": 0.6,
            "printBackground": True, "displayHeaderFooter": True, "preferCSSPageSize": False,
            "headerTemplate": "<span></span>",
            "footerTemplate": '<div style="font-size:8px; width:100%; text-align:center;">'
                              '<span class="pageNumber"></span> / <span class="totalPages"></span></div>',
        })
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(base64.b64decode(pdf["data"]))
    return state


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--execute", choices=["force", "off"], default="off",
                        help="force: execute every notebook first; off (default): the committed outputs")
    args = parser.parse_args()
    start = time.perf_counter()
    ensure_poppler()
    build_singlehtml(args.execute)
    state = print_pdf(SINGLE, OUTPUT)
    print(f"build_pdf: {OUTPUT.relative_to(ROOT)} ({OUTPUT.stat().st_size / 1e6:.1f} MB, {state['images']} images, "
          f"{state['math']} typeset formulas) in {time.perf_counter() - start:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
