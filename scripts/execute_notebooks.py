"""Re-execute chapter notebooks in place on a fresh kernel (``make execute``).

Each notebook is run top to bottom in its own folder, with timing metadata off,
so the committed outputs are exactly what a fresh run prints. Widget state is
stored so the explorers render (statically) in the HTML. A notebook that raises
is reported and left unchanged.

Usage: python scripts/execute_notebooks.py book [book/03_maxlikelihood.ipynb ...]
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                            store_widget_state=True, resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
    nb.metadata.pop("papermill", None)
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str]) -> int:
    targets = [Path(a) for a in argv] or [Path("book")]
    notebooks = sorted(p for t in targets for p in (t.glob("*.ipynb") if t.is_dir() else [t]))
    status = 0
    record_path = Path(__file__).resolve().parent.parent / "book" / "runtimes.json"
    record = json.loads(record_path.read_text()) if record_path.exists() else {"seconds": {}}
    for path in notebooks:
        try:
            seconds = execute(path)
            record["seconds"][path.stem] = round(seconds, 1)
            print(f"execute_notebooks: {path} ... {seconds:.1f} s", flush=True)
        except Exception as exc:  # report and keep going: one broken chapter should not hide the others
            print(f"execute_notebooks: {path} FAILED: {type(exc).__name__}: {str(exc)[:2000]}", flush=True)
            status = 1
    # The introduction's runtime table is generated from this record (scripts/make_pages.py).
    record["machine"] = f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"
    record["date"] = time.strftime("%Y-%m-%d")
    record_path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
