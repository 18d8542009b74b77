"""Build the book's HTML into ``_build/html`` with Jupyter Book 1.x, failing on any warning.

``--execute force`` runs every notebook afresh (``make book``); ``--execute off``
renders the committed outputs (``make test``, after nbval has checked them).
The switch is made on a copy of ``_config.yml`` under ``_build/`` so the
committed configuration is never edited.

Jupyter Book exits 0 on a failing notebook unless given ``-W -n --keep-going``;
those flags are always passed here. Jupyter Book has one per-cell timeout for all
notebooks: with ``--execute force`` it is the largest of the chapters' limits
(``scripts/notebook_runner.py``, sized from ``book/runtimes.json``). A cell that hits it
or a kernel that dies is summarised in one line per chapter from Jupyter Book's reports.
A read-only checkout is refused up front with a clear message. Works from any folder.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_runner import BOOK, ROOT, cell_timeout, require_writable  # noqa: E402

TIMEOUT = re.compile(r"A cell timed out while it was being executed, after (\d+) seconds\.\n.*?"
                     r"-------------------\n(.*?)\n", re.S)


def summarise_reports(reports: Path) -> list[str]:
    """One line per chapter whose execution hit the timeout or lost its kernel (myst-nb's reports)."""
    lines = []
    for log in sorted(reports.rglob("*.err.log")):
        text = log.read_text(errors="replace")
        chapter = log.name.removesuffix(".err.log")
        if match := TIMEOUT.search(text):
            lines.append(f"{chapter}: the cell starting `{match.group(2).strip()[:60]}` exceeded the per-cell "
                         f"limit of {match.group(1)} s and was stopped (details: {log})")
        elif "DeadKernelError" in text:
            lines.append(f"{chapter}: the kernel died during execution (details: {log})")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--execute", choices=["force", "off"], required=True,
                        help="force: execute every notebook; off: use the committed outputs")
    args = parser.parse_args()

    problem = require_writable(BOOK, ROOT / "_build")
    if problem:
        print(f"build_html: {problem}", file=sys.stderr)
        return 2
    # Pages computed from the chapters (scorecard, runtimes) are generated before every build.
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_pages.py")], check=True, cwd=ROOT)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config.setdefault("execute", {})["execute_notebooks"] = args.execute
    if args.execute == "force":
        config["execute"]["timeout"] = max(cell_timeout(p.stem) for p in BOOK.glob("[0-9][0-9]_*.ipynb"))
    # Jupyter Book resolves local extension folders against the config file's
    # folder; the copy lives in _build/, so make them absolute.
    local = config.get("sphinx", {}).get("local_extensions") or {}
    for name, folder in local.items():
        local[name] = str((ROOT / folder).resolve())
    build = ROOT / "_build"
    build.mkdir(exist_ok=True)
    reports = build / "html" / "reports"
    for old in reports.rglob("*.err.log") if reports.exists() else []:
        old.unlink()
    config_path = build / f"_config.execute-{args.execute}.yml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))

    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(ROOT), "--config", str(config_path), "--all", "-W", "-n", "--keep-going"]
    print("build_html:", " ".join(cmd), flush=True)
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT)
    print(f"build_html: execute={args.execute} finished in {time.perf_counter() - start:.0f} s "
          f"with exit code {result.returncode}", flush=True)
    for line in summarise_reports(reports) if reports.exists() else []:
        print(f"build_html: FAILED {line}", flush=True)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
