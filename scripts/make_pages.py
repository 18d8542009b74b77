"""Generate the book pages that are computed from the chapters (run by build_html.py).

* ``book/scorecard.md``: the reproduction scorecard, from ``book/scorecard.yml`` and the
  verdict cells of the committed (executed) notebooks, via :mod:`bookkit.scorecard`; if
  ``book/robustness.json`` (the seed sweep's summary) exists, with the seed intervals, the
  holds-in-k/S-seeds counts and the overview figure ``book/_generated/scorecard_seeds.png``
  (:mod:`bookkit.overview`). Fails with a clear message on a schema error, a failing condition,
  an undefined evidence label, or a firm verdict whose condition fails in some seed;
* ``book/_generated/runtimes.md``: how long each chapter took on its last full execution
  (``book/runtimes.json``, written by ``scripts/execute_notebooks.py``), included by the
  introduction.

Both outputs are build products (git-ignored): edit the sources, not them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bookkit import overview, scorecard

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


def scorecard_page(book: Path = BOOK) -> tuple[str, str]:
    """The scorecard page (Markdown) and a one-line summary; writes the overview figure if swept."""
    spec = scorecard.load_spec(book / "scorecard.yml")
    verdicts = scorecard.load_verdicts(book)
    scorecard.check_evidence(spec, scorecard.notebook_labels(book))
    robustness, figure, unplotted = None, None, None
    if (book / "robustness.json").exists():
        robustness = scorecard.load_robustness(book / "robustness.json")
        rows, unplotted = overview.strips(spec, verdicts, robustness)
        overview.plot(rows, book / "_generated" / "scorecard_seeds.png")
        figure = "_generated/scorecard_seeds.png"
    page = scorecard.render(spec, verdicts, robustness=robustness, figure=figure, unplotted=unplotted)
    seeds = f", {len(robustness['provenance'].get('seeds', []))}-seed intervals" if robustness else ", no seed sweep"
    return page, f"scorecard with {len(spec)} claims from {len(verdicts)} chapters{seeds}"


def main() -> int:
    generated = BOOK / "_generated"
    try:
        generated.mkdir(exist_ok=True)
        page, summary = scorecard_page()
    except OSError as exc:
        print(f"make_pages: cannot write into {generated} ({exc.strerror}): build from a writable checkout",
              file=sys.stderr)
        return 1
    except scorecard.ScorecardError as exc:
        print(f"make_pages: the scorecard cannot be built: {exc}", file=sys.stderr)
        return 1
    try:
        (BOOK / "scorecard.md").write_text(page)
        (generated / "runtimes.md").write_text(runtimes_table())
    except OSError as exc:
        print(f"make_pages: cannot write the generated pages into {BOOK} ({exc.strerror}): "
              "build from a writable checkout", file=sys.stderr)
        return 1
    print(f"make_pages: {summary}; runtimes table")
    return 0


if __name__ == "__main__":
    sys.exit(main())
