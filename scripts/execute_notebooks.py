"""Re-execute chapter notebooks in place on a fresh kernel (``make execute``).

Each notebook is run top to bottom in its own folder, with timing metadata off,
so the committed outputs are exactly what a fresh run prints. Widget state is
stored so the explorers render (statically) in the HTML. Every cell is limited
to a time sized from the chapter's measured runtime (``scripts/notebook_runner.py``);
a notebook that raises, hangs or loses its kernel is reported in one line and left
unchanged.

Paths are taken relative to the current folder, else relative to the repository,
so ``python path/to/scripts/execute_notebooks.py book`` works from anywhere. A target
that names no notebook is an error (nothing is executed and nothing is rewritten).
The run times of chapters under ``book/`` are recorded in ``book/runtimes.json``.

Usage: python scripts/execute_notebooks.py book [book/03_maxlikelihood.ipynb ...]
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_runner import BOOK, ROOT, RUNTIMES, RunFailure, cell_timeout, execute_in_place, require_writable  # noqa: E402


def resolve(target: str) -> list[Path]:
    """Notebooks named by ``target`` (a file or a folder), relative to cwd or else to the repository."""
    for base in (Path.cwd(), ROOT):
        path = (base / target).resolve()
        if path.is_dir():
            return sorted(p for p in path.glob("*.ipynb"))
        if path.is_file() and path.suffix == ".ipynb":
            return [path]
    return []


def main(argv: list[str]) -> int:
    targets = argv or ["book"]
    notebooks = []
    for target in targets:
        found = resolve(target)
        if not found:
            print(f"execute_notebooks: {target!r} names no notebook (relative to {Path.cwd()} or {ROOT}); "
                  "nothing executed", file=sys.stderr)
            return 2
        notebooks += [p for p in found if p not in notebooks]
    problem = require_writable(*{p.parent for p in notebooks})
    if problem:
        print(f"execute_notebooks: {problem}", file=sys.stderr)
        return 2
    status, seconds_by_chapter = 0, {}
    for path in notebooks:
        limit = cell_timeout(path.stem)
        try:
            seconds = execute_in_place(path, limit)
        except RunFailure as exc:  # report and keep going: one broken chapter should not hide the others
            print(f"execute_notebooks: FAILED {exc}", flush=True)
            status = 1
            continue
        if path.parent == BOOK:
            seconds_by_chapter[path.stem] = round(seconds, 1)
        print(f"execute_notebooks: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ... "
              f"{seconds:.1f} s (per-cell limit {limit} s)", flush=True)
    if seconds_by_chapter:
        # The introduction's runtime table is generated from this record (scripts/make_pages.py).
        record = json.loads(RUNTIMES.read_text()) if RUNTIMES.exists() else {"seconds": {}}
        record["seconds"].update(seconds_by_chapter)
        record["machine"] = f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"
        record["date"] = time.strftime("%Y-%m-%d")
        RUNTIMES.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
