"""Generate the book pages that are computed from the chapters (run by build_html.py).

* ``book/scorecard.md``: the reproduction scorecard, from ``book/scorecard.yml`` and the
  verdict cells of the committed (executed) notebooks, via :mod:`bookkit.scorecard`;
* ``book/_generated/runtimes.md``: how long each chapter took on its last full execution
  (``book/runtimes.json``, written by ``scripts/execute_notebooks.py``), included by the
  introduction.

Both outputs are build products (git-ignored): edit the sources, not them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bookkit import scorecard

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"


def runtimes_table() -> str:
    path = BOOK / "runtimes.json"
    if not path.exists():
        return "*(no runtimes recorded yet: run `make execute`)*\n"
    record = json.loads(path.read_text())
    lines = [f"Measured by `make execute` on {record['machine']} ({record['date']}), committed parameters:", "",
             "| chapter | seconds |", "| --- | --- |"]
    lines += [f"| [{name}]({name}.ipynb) | {seconds:.0f} |" for name, seconds in sorted(record["seconds"].items())]
    lines.append(f"| **all chapters** | **{sum(record['seconds'].values()):.0f}** |")
    return "\n".join(lines) + "\n"


def main() -> int:
    spec = scorecard.load_spec(BOOK / "scorecard.yml")
    verdicts = scorecard.load_verdicts(BOOK)
    (BOOK / "scorecard.md").write_text(scorecard.render(spec, verdicts))
    generated = BOOK / "_generated"
    generated.mkdir(exist_ok=True)
    (generated / "runtimes.md").write_text(runtimes_table())
    print(f"make_pages: scorecard with {len(spec)} claims from {len(verdicts)} chapters; runtimes table")
    return 0


if __name__ == "__main__":
    sys.exit(main())
