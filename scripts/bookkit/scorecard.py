"""The book's reproduction scorecard, generated from the chapters' verdict cells.

Each chapter notebook has one cell tagged ``verdict`` whose output is ``name = value``
lines. :func:`load_verdicts` reads them from executed notebooks (the committed ones, or a
paper-scale run). ``book/scorecard.yml`` lists the claims of both papers: the claim, what
the paper says, a template of what the book measured with ``{chapter:name}`` placeholders,
the verdict, a Python condition on the values under which that verdict stands, and the
chapter section that shows it. :func:`render` fills the templates with the stored values
-- no number is typed by hand -- and refuses to render a verdict whose condition fails.

Examples
--------
>>> spec = [{"paper": "P", "claim": "c", "paper_says": "s", "measured": "x = {ch:x}",
...          "verdict": "reproduces", "condition": "float(v['ch:x']) > 1", "link": "ch.ipynb"}]
>>> "x = **2.5**" in render(spec, {"ch": {"x": "2.5"}})
True
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from bookkit import condition as conditions

VERDICT_LINE = re.compile(r"^([A-Za-z_]\w*) = (\S.*)$")
PLACEHOLDER = re.compile(r"\{([\w]+):(\w+)\}")
VERDICTS = ("reproduces", "reproduces with a different cause", "does not reproduce", "not testable")


class ScorecardError(ValueError):
    """A scorecard row refers to a missing value or its verdict's condition does not hold."""


def notebook_verdicts(path: Path) -> dict[str, str]:
    """The ``name -> value`` strings printed by the notebook's ``verdict`` cell."""
    nb = json.loads(Path(path).read_text())
    cells = [c for c in nb["cells"] if "verdict" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ScorecardError(f"{Path(path).name}: expected one verdict cell, found {len(cells)}")
    text = "".join("".join(o.get("text", "")) for o in cells[0].get("outputs", []) if o.get("output_type") == "stream")
    return dict(m.groups() for line in text.splitlines() if (m := VERDICT_LINE.match(line)))


def load_verdicts(folder: Path) -> dict[str, dict[str, str]]:
    """Verdicts of every ``NN_name.ipynb`` in ``folder``, keyed by the notebook's stem."""
    return {p.stem: notebook_verdicts(p) for p in sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))}


def load_spec(path: Path) -> list[dict]:
    rows = yaml.safe_load(Path(path).read_text())["claims"]
    for row in rows:
        if row["verdict"] not in VERDICTS:
            raise ScorecardError(f"claim {row['claim']!r}: verdict must be one of {VERDICTS}")
    return rows


def values_for(row: dict, verdicts: dict[str, dict[str, str]]) -> dict[str, str]:
    """The ``chapter:name -> value`` pairs a row uses (from its template and its condition)."""
    read = conditions.keys(row["condition"]) if row.get("condition") else []
    keys = set(PLACEHOLDER.findall(row["measured"])) | {tuple(k.split(":")) for k in read}
    out = {}
    for chapter, name in sorted(keys):
        try:
            out[f"{chapter}:{name}"] = verdicts[chapter][name]
        except KeyError as exc:
            raise ScorecardError(f"claim {row['claim']!r}: no verdict value {chapter}:{name}") from exc
    return out


def check(row: dict, values: dict[str, str]) -> bool:
    """Evaluate the row's condition with ``v`` bound to its values (strings; use float(...))."""
    condition = row.get("condition")
    if not condition:
        return True
    try:
        return bool(conditions.evaluate(condition, values))
    except conditions.ConditionError as exc:
        raise ScorecardError(f"claim {row['claim']!r}: {exc}") from None


def render(spec: list[dict], verdicts: dict[str, dict[str, str]], *, strict: bool = True,
           title: str = "Reproduction scorecard") -> str:
    """The scorecard as a MyST Markdown page; with ``strict``, a failing condition raises."""
    lines = [f"# {title}", "",
             "One row per claim of the two papers. The *measured* column is filled from the chapters' "
             "verdict cells at build time (`scripts/bookkit/scorecard.py` reading the executed notebooks); "
             "each verdict stands only while its stated condition on those values holds, "
             "otherwise the build fails. Follow the links for the evidence.", ""]
    counts = {v: 0 for v in VERDICTS}
    for paper in dict.fromkeys(row["paper"] for row in spec):
        lines += [f"## {paper}", "", "| claim | the paper says | the book measured | verdict |",
                  "| --- | --- | --- | --- |"]
        for row in (r for r in spec if r["paper"] == paper):
            values = values_for(row, verdicts)
            holds = check(row, values)
            if strict and not holds:
                raise ScorecardError(f"claim {row['claim']!r}: verdict {row['verdict']!r} no longer holds "
                                     f"({row['condition']} with {values})")
            measured = PLACEHOLDER.sub(lambda m: f"**{values[m.group(1) + ':' + m.group(2)]}**", row["measured"])
            verdict = row["verdict"] if holds else f"{row['verdict']} (condition fails at this scale)"
            counts[row["verdict"]] += 1
            cells = [_cell(row["claim"]), _cell(row["paper_says"]), _cell(measured), verdict]
            lines.append(f"| [{cells[0]}]({row['link']}) | {cells[1]} | {cells[2]} | {cells[3]} |")
        lines.append("")
    lines += ["## Tally", "", "| verdict | claims |", "| --- | --- |"]
    lines += [f"| {v} | {counts[v]} |" for v in VERDICTS] + [""]
    return "\n".join(lines)


def _cell(text: str) -> str:
    """Escape the characters that would end a Markdown table cell."""
    return text.replace("|", "\\|")
