"""Every chapter parameter means what it says (issue 16 items 1-2, issue 10 item 4).

* static: every name of a chapter's ``parameters`` cell is read by a later code cell (no dead
  knobs), and papermill infers exactly those names with the same default values (no false
  "unknown parameter" warnings that would drown a real typo);
* executed: a papermill run of a chapter with an unknown parameter (``-p sead 5``) or an
  out-of-range value (``-p seed -1``) stops with ``lib.params``' message naming the parameter
  and its allowed values.
"""

from __future__ import annotations

import ast
import importlib
import json
import logging
import re
import sys
from pathlib import Path

import papermill
import pytest

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
CHAPTERS = sorted(p.name for p in BOOK.glob("[0-9][0-9]_*.ipynb"))
sys.path.insert(0, str(ROOT / "scripts"))
import notebook_runner  # noqa: E402


def code_cells(chapter: str) -> list[str]:
    nb = json.loads((BOOK / chapter).read_text())
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def parameters_cell(chapter: str) -> str:
    nb = json.loads((BOOK / chapter).read_text())
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert "parameters" in cell.get("metadata", {}).get("tags", []), f"{chapter}: first code cell not tagged"
    return "".join(cell["source"])


def declared(source: str) -> dict[str, object]:
    """``name -> value`` of every assignment in a parameters cell (tuple assignments unpacked)."""
    out = {}
    for node in ast.parse(source).body:
        assert isinstance(node, ast.Assign), f"parameters cell holds a non-assignment: {ast.unparse(node)}"
        value = eval(compile(ast.Expression(node.value), "<parameters>", "eval"), {"__builtins__": {}})
        for target in node.targets:
            if isinstance(target, ast.Tuple):
                out.update({t.id: v for t, v in zip(target.elts, value)})
            else:
                out[target.id] = value
    return out


def names_read(source: str) -> set[str]:
    """Names loaded by a code cell (IPython magics and shell lines dropped)."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    tree = ast.parse("\n".join(lines))
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_parameter_is_read_after_the_parameters_cell(chapter):
    params = declared(parameters_cell(chapter))
    later = set().union(*(names_read(src) for src in code_cells(chapter)[1:]))
    # `allow_long` is read by lib.params.check itself (through the chapter's lib.specs module),
    # which refuses a costly run without it.
    if has_check_cell(chapter) and spec_module(chapter).cost_seconds is not None:
        later.add("allow_long")
    dead = sorted(set(params) - later)
    assert not dead, f"{chapter}: parameters never read after the parameters cell (dead knobs): {dead}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_papermill_reads_the_parameters_cell_as_written(chapter, caplog):
    with caplog.at_level(logging.WARNING):
        inferred = papermill.inspect_notebook(str(BOOK / chapter))
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert not warnings, f"{chapter}: papermill could not parse: {warnings}"
    params = declared(parameters_cell(chapter))
    assert sorted(inferred) == sorted(params), (f"{chapter}: papermill sees {sorted(set(inferred) - set(params))} "
                                                f"extra and misses {sorted(set(params) - set(inferred))}")
    for name, info in inferred.items():
        value = eval(info["default"], {"__builtins__": {}})
        assert value == params[name], f"{chapter}: papermill reads {name} = {info['default']!r}"


def test_parameter_helpers_see_what_papermill_would_miss():
    """The static helpers above are not vacuous: a tuple assignment and a dead knob are found."""
    source = "seed = 1\na, b = 2, 3   # two knobs on one line\nunused = 4\n"
    assert declared(source) == {"seed": 1, "a": 2, "b": 3, "unused": 4}
    assert names_read("x = seed + a\n%matplotlib inline\nprint(f'{b}')") == {"seed", "a", "print", "b"}


# --- executed: lib.params stops a bad papermill run early ------------------------------------------

CHAPTER = "02_lsh.ipynb"
BAD_RUNS = [
    ({"sead": 5}, "unknown parameter 'sead'"),
    ({"seed": -1}, "parameter 'seed' must be an integer >= 0"),
]


def has_check_cell(chapter: str) -> bool:
    """The cell after the parameters imports the chapter's ``lib.specs`` module and calls its check."""
    src = code_cells(chapter)[1].replace(" ", "")
    name = f"ch{chapter[:2]}"
    return f"fromlib.specsimport{name}" in src and f"{name}.check(globals())" in src


def spec_module(chapter: str):
    return importlib.import_module(f"lib.specs.ch{chapter[:2]}")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_checks_its_parameters_in_the_next_cell(chapter):
    assert has_check_cell(chapter), (f"{chapter}: the cell after the parameters must run "
                                     f"`from lib.specs import ch{chapter[:2]}` and `ch{chapter[:2]}.check(globals())`")


@pytest.mark.parametrize(("parameters", "message"), BAD_RUNS, ids=["sead", "seed-1"])
def test_papermill_run_with_a_bad_parameter_stops_with_the_params_message(parameters, message, tmp_path):
    with pytest.raises(notebook_runner.RunFailure) as info:
        notebook_runner.papermill_run(BOOK / CHAPTER, tmp_path / CHAPTER, parameters,
                                      notebook_runner.cell_timeout(CHAPTER), progress_bar=False)
    failure = info.value
    assert failure.kind == "error" and failure.cell.startswith("code cell 1 ")
    assert re.search(r"ParameterError: " + re.escape(message), str(failure)), str(failure)
    assert not (tmp_path / CHAPTER).exists()
