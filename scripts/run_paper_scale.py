"""Run every chapter at the papers' scale with papermill (``make paper``).

Parameters come from ``paper_scale.yml``; executed notebooks go to ``_build/paper/`` (never
into ``book/``). Progress is printed per chapter (and per cell by papermill). At the end a
table compares every verdict value at the committed scale with the paper scale, written also
to ``_build/paper/verdicts.md``, and the scorecard is re-rendered from the paper-scale values
to ``_build/paper/scorecard.md`` (verdicts whose conditions fail at this scale are marked).

Usage: python scripts/run_paper_scale.py [CHAPTER ...]   (default: all chapters)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import papermill
import yaml
from bookkit import scorecard

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
OUT = ROOT / "_build" / "paper"


def main(argv: list[str]) -> int:
    scale = yaml.safe_load((ROOT / "paper_scale.yml").read_text()) or {}
    chapters = sorted(p.stem for p in BOOK.glob("[0-9][0-9]_*.ipynb"))
    chosen = [c for c in chapters if not argv or any(a in c for a in argv)]
    OUT.mkdir(parents=True, exist_ok=True)
    start, failed = time.perf_counter(), []
    for i, name in enumerate(chosen, 1):
        params = scale.get(name, {})
        print(f"[{i}/{len(chosen)}] {name} with {params or 'committed parameters'} "
              f"(elapsed {time.perf_counter() - start:.0f} s)", flush=True)
        t0 = time.perf_counter()
        try:
            papermill.execute_notebook(str(BOOK / f"{name}.ipynb"), str(OUT / f"{name}.ipynb"), parameters=params,
                                       kernel_name="python3", cwd=str(BOOK), progress_bar=True)
            print(f"[{i}/{len(chosen)}] {name} done in {time.perf_counter() - t0:.0f} s", flush=True)
        except Exception as exc:  # keep going: report every failing chapter at the end
            print(f"[{i}/{len(chosen)}] {name} FAILED after {time.perf_counter() - t0:.0f} s: "
                  f"{type(exc).__name__}: {str(exc)[:500]}", flush=True)
            failed.append(name)
    total = time.perf_counter() - start
    committed = scorecard.load_verdicts(BOOK)
    paper = scorecard.load_verdicts(OUT)
    lines = [f"# Verdict values: committed scale vs paper scale ({total:.0f} s for {len(chosen)} chapters)", "",
             "| chapter | name | committed | paper scale |", "| --- | --- | --- | --- |"]
    for name in chosen:
        for key, value in committed.get(name, {}).items():
            lines.append(f"| {name} | {key} | {value} | {paper.get(name, {}).get(key, 'n/a')} |")
    table = "\n".join(lines) + "\n"
    (OUT / "verdicts.md").write_text(table)
    print("\n" + table)
    if len(paper) == len(chapters):
        page = scorecard.render(scorecard.load_spec(BOOK / "scorecard.yml"), paper, strict=False,
                                title="Reproduction scorecard at paper scale")
        (OUT / "scorecard.md").write_text(page)
        print(f"paper-scale scorecard: {OUT / 'scorecard.md'} "
              f"({page.count('condition fails at this scale')} verdicts fail their condition)")
    print(f"run_paper_scale: {len(chosen) - len(failed)} of {len(chosen)} chapters in {total:.0f} s"
          + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
