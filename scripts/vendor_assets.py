"""Copy the third-party browser assets the book serves offline into ``_vendor/``.

``npm ci`` (run by ``make env``) installs the exact versions pinned in
``package-lock.json`` into ``node_modules/``; this script copies just the files
the built pages load, so the HTML in ``_build/html`` is self-contained:

* MathJax 3 (``es5/`` with its fonts and lazily loaded TeX extensions),
* RequireJS and the Jupyter widget manager (``embed-amd.js`` and its fonts) for ipywidgets.

Nothing here is committed (``_vendor/`` and ``node_modules/`` are ignored).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "_vendor"

COPIES = [
    (NODE / "mathjax" / "es5", VENDOR / "mathjax"),
    (NODE / "requirejs" / "require.js", VENDOR / "widgets" / "require.min.js"),
    (NODE / "@jupyter-widgets" / "html-manager" / "dist" / "embed-amd.js", VENDOR / "widgets" / "embed-amd.js"),
    # The manager's fonts, where its bundled modules resolve them (see book/_assets/js/widgets-offline.js).
    (NODE / "@jupyter-widgets" / "html-manager" / "dist", VENDOR / "widgets" / "@jupyter-widgets" / "html-manager" / "dist"),
]


def main() -> int:
    missing = [str(src) for src, _ in COPIES if not src.exists()]
    if missing:
        print("vendor_assets: missing " + ", ".join(missing) + "; run `npm ci` first", file=sys.stderr)
        return 1
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    for src, dst in COPIES:
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("*.map", "*.LICENSE.txt"))
        else:
            shutil.copy2(src, dst)
    print(f"vendor_assets: copied {len(COPIES)} assets into {VENDOR.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
