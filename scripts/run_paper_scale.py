"""Run every chapter at the papers' scale with papermill (``make paper``).

Parameters come from ``paper_scale.yml``; executed notebooks go to ``_build/paper/`` (never
into ``book/``). Progress is printed per chapter (and per cell by papermill).

* Each cell is limited to a time sized from the chapter's measured runtime times
  ``SCALE_MARGIN`` (``scripts/notebook_runner.py``). A hang or a dead kernel is retried once
  (said so); an error in a cell is not (it would fail again). A chapter that fails is
  reported in one line naming the cell and the limit, and the run ends non-zero.
* A notebook reaches ``_build/paper/NN_name.ipynb`` only when every cell ran (partial runs
  stay in ``_build/paper/failed/``). Next to it, ``NN_name.inputs.json`` records a
  fingerprint of what produced it: the chapter's code cells, every ``lib/`` source and the
  parameters. A restarted ``make paper`` skips a chapter whose output exists with the same
  fingerprint, and re-runs it if anything changed.
* At the end a table compares every verdict value at the committed scale with the paper
  scale (``_build/paper/verdicts.md``), and the scorecard is re-rendered
  (``_build/paper/scorecard.md``) only from chapters run -- or found up to date -- in this
  invocation; claims that read another chapter are listed as not re-run.

Usage: python scripts/run_paper_scale.py [CHAPTER ...]   (default: all chapters; works from any folder)
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_runner import BOOK, ROOT, RunFailure, cell_timeout, papermill_run, require_writable  # noqa: E402

OUT = ROOT / "_build" / "paper"
LIB = ROOT / "lib"
#: Paper-scale runs are bigger than the committed ones: the per-cell limit allows for it.
SCALE_MARGIN = 5.0


def fingerprint(notebook: Path, params: dict, lib: Path = LIB) -> str:
    """Hash of the chapter's code cells, every lib/ source and the parameters."""
    nb = json.loads(notebook.read_text())
    digest = hashlib.sha256()
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            source = cell["source"]
            digest.update(("".join(source) if isinstance(source, list) else source).encode() + b"\0")
    for path in sorted(lib.rglob("*.py")):
        digest.update(str(path.relative_to(lib)).encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(json.dumps(params, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def up_to_date(output: Path, stamp: Path, print_: str) -> bool:
    if not (output.exists() and stamp.exists()):
        return False
    try:
        return json.loads(stamp.read_text()).get("fingerprint") == print_
    except ValueError:
        return False


def run_chapter(source: Path, output: Path, params: dict, limit: int, execute=papermill_run, say=print) -> float:
    """Run one chapter; retry once after a hang or a dead kernel. Raises RunFailure."""
    for attempt in (1, 2):
        try:
            return execute(source, output, params, limit)
        except RunFailure as exc:
            if attempt == 2 or not exc.retryable:
                raise
            say(f"    {exc}; retrying {source.stem} once", flush=True)
    raise AssertionError("unreachable")


def chapters_of(row: dict) -> set[str]:
    """Chapters whose verdict values a scorecard row reads (any ``NN_name:value`` key in it)."""
    return set(re.findall(r"\b(\d\d_\w+?):\w+", json.dumps(row, default=str)))


def paper_scorecard(chapters_run: list[str], out: Path, book: Path) -> tuple[str, int]:
    """The scorecard from this invocation's outputs only; rows needing other chapters are listed apart."""
    from bookkit import scorecard

    spec = scorecard.load_spec(book / "scorecard.yml")
    verdicts = {name: values for name, values in scorecard.load_verdicts(out).items() if name in chapters_run}
    ready = [row for row in spec if chapters_of(row) <= set(verdicts)]
    waiting = [row for row in spec if not chapters_of(row) <= set(verdicts)]
    page = scorecard.render(ready, verdicts, strict=False, title="Reproduction scorecard at paper scale")
    if waiting:
        lines = ["## Not re-run in this invocation", "",
                 "These claims read chapters that this `make paper` did not run (or that failed); "
                 "their paper-scale values are not shown.", "", "| claim | chapters not re-run |", "| --- | --- |"]
        for row in waiting:
            missing = ", ".join(sorted(chapters_of(row) - set(verdicts)))
            lines.append(f"| {str(row.get('claim', '?')).replace('|', chr(92) + '|')} | {missing} |")
        page = page.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    return page, len(waiting)


def main(argv: list[str], *, out: Path = OUT, book: Path = BOOK, execute=papermill_run, lib: Path = LIB) -> int:
    from bookkit import scorecard

    scale = yaml.safe_load((ROOT / "paper_scale.yml").read_text()) or {}
    chapters = sorted(p.stem for p in book.glob("[0-9][0-9]_*.ipynb"))
    chosen = [c for c in chapters if not argv or any(a in c for a in argv)]
    unknown = [a for a in argv if not any(a in c for c in chapters)]
    if unknown or not chosen:
        print(f"run_paper_scale: {unknown or argv} names no chapter; chapters: {', '.join(chapters)}", file=sys.stderr)
        return 2
    problem = require_writable(out)
    if problem:
        print(f"run_paper_scale: {problem}", file=sys.stderr)
        return 2
    start, failed, done = time.perf_counter(), [], []
    for i, name in enumerate(chosen, 1):
        params = scale.get(name, {})
        source, output = book / f"{name}.ipynb", out / f"{name}.ipynb"
        stamp = out / f"{name}.inputs.json"
        print_ = fingerprint(source, params, lib)
        tag = f"[{i}/{len(chosen)}] {name}"
        if up_to_date(output, stamp, print_):
            print(f"{tag}: up to date ({output} from the same code, lib/ and parameters); not re-run", flush=True)
            done.append(name)
            continue
        stamp.unlink(missing_ok=True)
        limit = cell_timeout(name, scale=SCALE_MARGIN)
        print(f"{tag} with {params or 'committed parameters'}, per-cell limit {limit} s "
              f"(elapsed {time.perf_counter() - start:.0f} s)", flush=True)
        try:
            seconds = run_chapter(source, output, params, limit, execute=execute)
        except RunFailure as exc:
            print(f"{tag} FAILED: {exc}", flush=True)
            output.unlink(missing_ok=True)  # an older output of other inputs must not be mistaken for this run
            failed.append(name)
            continue
        stamp.write_text(json.dumps({"fingerprint": print_, "parameters": params, "seconds": round(seconds, 1),
                                     "date": time.strftime("%Y-%m-%d %H:%M:%S")}, indent=1, default=str) + "\n")
        print(f"{tag} done in {seconds:.0f} s", flush=True)
        done.append(name)
    total = time.perf_counter() - start
    committed = scorecard.load_verdicts(book)
    paper = {name: values for name, values in scorecard.load_verdicts(out).items() if name in done}
    lines = [f"# Verdict values: committed scale vs paper scale ({total:.0f} s for {len(chosen)} chapters)", "",
             "| chapter | name | committed | paper scale |", "| --- | --- | --- | --- |"]
    for name in chosen:
        for key, value in committed.get(name, {}).items():
            shown = paper[name].get(key, "n/a") if name in paper else "FAILED"
            lines.append(f"| {name} | {key} | {value} | {shown} |")
    table = "\n".join(lines) + "\n"
    (out / "verdicts.md").write_text(table)
    print("\n" + table)
    page, waiting = paper_scorecard(done, out, book)
    (out / "scorecard.md").write_text(page)
    print(f"paper-scale scorecard: {out / 'scorecard.md'} "
          f"({page.count('condition fails at this scale')} verdicts fail their condition; "
          f"{waiting} claims not re-run in this invocation)")
    print(f"run_paper_scale: {len(done)} of {len(chosen)} chapters in {total:.0f} s"
          + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
