"""Sphinx extension: keep the built pages self-contained and their scripts clean.

* De-duplicates script tags. sphinx-thebe 0.3.1 registers its inline
  configuration once per read phase, and a repeated ``const`` declaration is a
  JavaScript error in every page.
* Warns (an error under ``-W``) when a page would load a script from another
  host: the book must render with no network, so every script is served from
  the book's own ``_static/``. Thebe's bundle is the one allowed exception, as it
  is only fetched when a reader asks for a live kernel.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
ON_DEMAND_ONLY = ("sphinx-thebe.js",)


def _dedupe_and_check(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set = set()
    unique = []
    for script in scripts:
        # Inline scripts are registered with filename None by some extensions and "" by others.
        filename = getattr(script, "filename", script) or ""
        attributes = tuple(sorted(getattr(script, "attributes", {}).items()))
        key = (filename, attributes)
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
        if isinstance(filename, str) and filename.startswith(("http://", "https://", "//")):
            logger.warning(f"page {pagename} would load a script from the network: {filename}",
                           type="offline_html", subtype="external")
    scripts[:] = unique


def setup(app: Sphinx) -> dict:
    # Early: emit_firstresult stops at the first handler returning a value.
    app.connect("html-page-context", _dedupe_and_check, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
