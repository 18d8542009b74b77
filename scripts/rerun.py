"""Rerun one chapter with other parameters through papermill, outside ``book/``.

    python scripts/rerun.py 02 -p seed 1 -p trials 5000
    python scripts/rerun.py book/02_lsh.ipynb -p seed 1 -o /tmp/lsh_seed1.ipynb

CHAPTER is a notebook path or a unique part of a chapter's name (``02``, ``lsh``). Values are
parsed like papermill's ``-p`` (int, float, True/False/None, else a string; a list as
``-y 'dims: [2, 8]'``). The executed notebook goes to ``_build/runs/<chapter>.ipynb`` unless
``-o`` names another file; an output inside ``book/`` is refused, since it would overwrite
committed outputs. Each cell is limited to a time sized from the chapter's measured runtime
(``--cell-timeout`` overrides it); a hang, a dead kernel or an error ends with one line naming
the chapter, the cell and the limit, and a non-zero exit. Works from any folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_runner import BOOK, ROOT, RunFailure, cell_timeout, papermill_run  # noqa: E402


def find_chapter(name: str) -> Path:
    path = Path(name)
    for candidate in (path, ROOT / path):
        if candidate.is_file():
            return candidate.resolve()
    matches = [p for p in sorted(BOOK.glob("[0-9][0-9]_*.ipynb")) if name in p.stem]
    if len(matches) != 1:
        chapters = ", ".join(p.stem for p in sorted(BOOK.glob("[0-9][0-9]_*.ipynb")))
        raise SystemExit(f"rerun: {name!r} matches {len(matches)} chapters; choose one of: {chapters}")
    return matches[0]


def parse_value(text: str):
    """papermill's ``-p`` rule: int, float, True/False/None, else the string itself."""
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return {"True": True, "False": False, "None": None}.get(text, text)


def inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapter", help="notebook path or a unique part of a chapter name (e.g. 02 or lsh)")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    parser.add_argument("-y", "--yaml", action="append", default=[], help="parameters as a YAML mapping")
    parser.add_argument("-o", "--output", help="executed notebook (default: _build/runs/<chapter>.ipynb)")
    parser.add_argument("--cell-timeout", type=int, help="seconds per cell (default: sized from book/runtimes.json)")
    args = parser.parse_args(argv)

    source = find_chapter(args.chapter)
    output = Path(args.output).resolve() if args.output else ROOT / "_build" / "runs" / source.name
    if inside(output, BOOK) or output == source:
        print(f"rerun: refusing to write {output}: outputs inside book/ would overwrite the committed "
              "notebooks; pass -o with a path outside book/ (default _build/runs/)", file=sys.stderr)
        return 2
    params = {}
    for text in args.yaml:
        params.update(yaml.safe_load(text) or {})
    params.update({name: parse_value(value) for name, value in args.parameter})
    limit = args.cell_timeout or cell_timeout(source.stem)
    print(f"rerun: {source.stem} with {params or 'committed parameters'} -> {output} "
          f"(per-cell limit {limit} s)", flush=True)
    try:
        seconds = papermill_run(source, output, params, limit, progress_bar=sys.stderr.isatty())
    except RunFailure as exc:
        print(f"rerun: FAILED {exc}", file=sys.stderr)
        return 1
    print(f"rerun: {source.stem} done in {seconds:.0f} s -> {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
