#!/usr/bin/env python3
"""Check the book's notebooks against the conventions in the developers' guide.

Usage: python scripts/check_notebooks.py [BOOK_DIR]   (default: the repository's book/, from any folder)

Vendored from the developers' shared tools (shared/tools/check_notebooks.py, beside the
project's checkouts) so that the test suite needs nothing outside the repository. Local
changes: the default BOOK_DIR is resolved against the repository, not the current folder.

Reads the .ipynb files as JSON; runs nothing. Prints one line per problem and
exits 1 if any were found, 0 otherwise. Conventions checked:
  - the first code cell is tagged `parameters` and sets `seed`
  - one cell is tagged `verdict` and its stored output has `name = value` lines
  - every code cell was executed, in order 1..n (a fresh top-to-bottom run)
  - no stored error outputs, no execution-timing metadata
  - no sys.path manipulation; no long function definitions (logic belongs in lib/)
"""
import json
import re
import sys
from pathlib import Path

MAX_DEF_LINES = 15
VERDICT_LINE = re.compile(r"^\s*[A-Za-z_][\w.]*\s*=\s*\S")


def source(cell):
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def text_outputs(cell):
    out = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream":
            t = o.get("text", "")
            out.append("".join(t) if isinstance(t, list) else t)
        elif o.get("output_type") in ("execute_result", "display_data"):
            t = o.get("data", {}).get("text/plain", "")
            out.append("".join(t) if isinstance(t, list) else t)
    return "".join(out)


def long_defs(src):
    lines = src.splitlines()
    found = []
    for i, line in enumerate(lines):
        m = re.match(r"^(\s*)def\s+(\w+)", line)
        if not m:
            continue
        indent = len(m.group(1))
        n = 1
        for nxt in lines[i + 1:]:
            if nxt.strip() and len(nxt) - len(nxt.lstrip()) <= indent:
                break
            n += 1
        if n > MAX_DEF_LINES:
            found.append((m.group(2), n))
    return found


def check(path):
    problems = []
    nb = json.loads(path.read_text())
    code = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    if not code:
        return [f"{path}: no code cells"]
    if "parameters" not in tags(code[0]):
        problems.append(f"{path}: first code cell is not tagged `parameters`")
    elif not re.search(r"^\s*seed\s*=", source(code[0]), re.M):
        problems.append(f"{path}: the parameters cell sets no `seed`")
    verdicts = [c for c in code if "verdict" in tags(c)]
    if len(verdicts) != 1:
        problems.append(f"{path}: expected exactly one cell tagged `verdict`, found {len(verdicts)}")
    elif not any(VERDICT_LINE.match(line) for line in text_outputs(verdicts[0]).splitlines()):
        problems.append(f"{path}: the verdict cell's stored output has no `name = value` line")
    counts = [c.get("execution_count") for c in code if source(c).strip()]
    if any(n is None for n in counts):
        problems.append(f"{path}: {counts.count(None)} code cell(s) never executed")
    elif counts != list(range(1, len(counts) + 1)):
        problems.append(f"{path}: execution counts {counts[:6]}... are not 1..n (run top to bottom on a fresh kernel)")
    for i, c in enumerate(code):
        src = source(c)
        if any(o.get("output_type") == "error" for o in c.get("outputs", [])):
            problems.append(f"{path}: code cell {i} has a stored error output")
        if "execution" in c.get("metadata", {}):
            problems.append(f"{path}: code cell {i} stores execution timestamps (diff noise)")
        if re.search(r"sys\.path\.(insert|append)|PYTHONPATH", src):
            problems.append(f"{path}: code cell {i} edits sys.path; install lib/ instead")
        for name, n in long_defs(src):
            problems.append(f"{path}: code cell {i} defines `{name}` ({n} lines); move logic to lib/")
    return problems


def main():
    book = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "book"
    notebooks = sorted(p for p in book.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not notebooks:
        print(f"check_notebooks: no notebooks under {book}/")
        return 0
    problems = [p for nb in notebooks for p in check(nb)]
    for p in problems:
        print(p)
    print(f"check_notebooks: {len(notebooks)} notebook(s), {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
