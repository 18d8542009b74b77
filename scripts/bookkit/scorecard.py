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
>>> spec = [{"paper": "P", "claim": "c", "paper_says": "s", "quote": "x is at most 1 (Eq. 1).",
...          "measured": "x = {ch:x}", "kind": "measured", "verdict": "does not reproduce",
...          "condition": "float(v['ch:x']) > 1", "paper_world": {"ch:x": "1.0"}, "link": "ch.ipynb"}]
>>> "x = **2.5**" in render(spec, {"ch": {"x": "2.5"}})
True
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import yaml

from bookkit import condition as conditions

VERDICT_LINE = re.compile(r"^([A-Za-z_]\w*) = (\S.*)$")
PLACEHOLDER = re.compile(r"\{([\w]+):(\w+)\}")
#: Verdict vocabulary. A *firm* verdict must hold in every seed of the robustness sweep.
FIRM_VERDICTS = ("reproduces", "reproduces with a different cause", "does not reproduce")
WEAK_VERDICTS = ("holds in expectation only", "partly reproduces", "inconclusive")
UNTESTED_VERDICTS = ("not run", "not testable")
VERDICTS = FIRM_VERDICTS[:2] + WEAK_VERDICTS + FIRM_VERDICTS[2:] + UNTESTED_VERDICTS
KINDS = ("measured", "identity")
#: Keys of a claim row: required ones, and optional ones.
REQUIRED_KEYS = ("paper", "claim", "paper_says", "measured", "kind", "verdict", "link")
OPTIONAL_KEYS = ("quote", "condition", "paper_world", "evidence")
LABEL = re.compile(r"^[A-Za-z][\w-]*$")


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
    """The claim rows of ``book/scorecard.yml``, validated by :func:`validate` (schema in its header)."""
    try:
        data = yaml.safe_load(Path(path).read_text())
    except yaml.YAMLError as exc:
        raise ScorecardError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or set(data) != {"claims"} or not isinstance(data["claims"], list):
        raise ScorecardError(f"{path}: expected a mapping with one key, claims: a list of claim rows")
    return validate(data["claims"])


def validate(rows: list[dict]) -> list[dict]:
    """Check every row against the schema and its condition's falsifiability; return the rows.

    Raises :class:`ScorecardError` naming the row (number and claim) and what is wrong.
    """
    claims = [row.get("claim") for row in rows if isinstance(row, dict)]
    for i, row in enumerate(rows, 1):
        validate_row(row, where=f"claim {i}")
        if claims.count(row["claim"]) > 1:
            raise ScorecardError(f"claim {i} {row['claim']!r}: the claim text appears "
                                 f"{claims.count(row['claim'])} times")
    return rows


def validate_row(row: dict, *, where: str = "claim") -> None:
    """Schema of one row (see the header of ``book/scorecard.yml``); raises :class:`ScorecardError`."""
    if not isinstance(row, dict):
        raise ScorecardError(f"{where}: a claim row must be a mapping, got {type(row).__name__}")
    where = f"{where} {row.get('claim', '(no claim text)')!r}"
    unknown = sorted(set(row) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise ScorecardError(f"{where}: unknown key(s) {', '.join(unknown)} "
                             f"(allowed: {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)})")
    missing = [k for k in REQUIRED_KEYS if k not in row]
    if missing:
        raise ScorecardError(f"{where}: missing key(s) {', '.join(missing)}")
    for key in REQUIRED_KEYS + ("quote", "evidence"):
        if key in row and (not isinstance(row[key], str) or not row[key].strip()):
            raise ScorecardError(f"{where}: {key} must be a non-empty string, got {row[key]!r}")
    if row["verdict"] not in VERDICTS:
        raise ScorecardError(f"{where}: unknown verdict {row['verdict']!r} (one of: {', '.join(map(repr, VERDICTS))})")
    if row["kind"] not in KINDS:
        raise ScorecardError(f"{where}: kind must be one of {', '.join(KINDS)}, got {row['kind']!r}")
    if row["kind"] == "measured" and "quote" not in row:
        raise ScorecardError(f"{where}: a measured claim needs quote: the paper's own sentence "
                             "with its Eq./Fig. number")
    if "evidence" in row and not LABEL.match(row["evidence"]):
        raise ScorecardError(f"{where}: evidence must be a figure/table label like fig-04-collapse, "
                             f"got {row['evidence']!r}")
    for chapter, name in PLACEHOLDER.findall(row["measured"]):
        if not conditions.KEY.match(f"{chapter}:{name}"):
            raise ScorecardError(f"{where}: placeholder {{{chapter}:{name}}} is not chapter:name")
    text = row.get("condition")
    if text is not None and not isinstance(text, str):
        raise ScorecardError(f"{where}: condition must be a string, got {text!r}")
    if not text or not text.strip():
        if row["verdict"] not in UNTESTED_VERDICTS:
            raise ScorecardError(f"{where}: verdict {row['verdict']!r} needs a condition "
                                 f"(only {' / '.join(UNTESTED_VERDICTS)} rows may have none)")
        if "paper_world" in row:
            raise ScorecardError(f"{where}: paper_world without a condition")
        return
    try:
        conditions.parse(text)
    except conditions.ConditionError as exc:
        raise ScorecardError(f"{where}: {exc}") from None
    if row["kind"] == "measured":
        check_falsifiable(row, where=where)
    elif "paper_world" in row:
        _check_world_shape(row["paper_world"], where)


def check_falsifiable(row: dict, *, where: str | None = None) -> None:
    """The row's condition reads exactly the keys of its ``paper_world`` and is False there.

    ``paper_world`` holds the values one would print if the paper's claim held (for a
    ``reproduces`` verdict, whose condition the paper's world satisfies, the values if the
    claim failed: in every case the world the verdict rules out); a condition that stays true
    on them could not have come out the other way. Rows of ``kind: identity`` are
    exempt (call this only for them if they carry a ``paper_world``).
    """
    where = where or f"claim {row.get('claim')!r}"
    world = row.get("paper_world")
    if world is None:
        raise ScorecardError(f"{where}: a measured claim with a condition needs paper_world: the value of each of "
                             f"{', '.join(conditions.keys(row['condition'])) or '(no keys)'} one would measure "
                             "if the paper's claim held")
    _check_world_shape(world, where)
    read = set(conditions.keys(row["condition"]))
    if set(world) != read:
        extra, lacking = sorted(set(world) - read), sorted(read - set(world))
        raise ScorecardError(f"{where}: paper_world must have exactly the keys the condition reads "
                             f"({', '.join(sorted(read)) or 'none: the condition reads no value'})"
                             + (f"; not read: {', '.join(extra)}" if extra else "")
                             + (f"; missing: {', '.join(lacking)}" if lacking else ""))
    try:
        outcome = conditions.evaluate(row["condition"], world)
    except conditions.ConditionError as exc:
        raise ScorecardError(f"{where}: on paper_world, {exc}") from None
    if outcome:
        hint = (" (for a 'reproduces' verdict, paper_world holds the values one would measure if the paper's claim "
                "failed: the world the verdict rules out)" if row.get("verdict") == "reproduces" else "")
        raise ScorecardError(f"{where}: the condition is true on paper_world {world}: it cannot tell the paper's "
                             f"world from the measured one (condition: {row['condition']}){hint}")


def _check_world_shape(world, where: str) -> None:
    if not isinstance(world, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in world.items()):
        raise ScorecardError(f"{where}: paper_world must map 'chapter:name' to a quoted string value "
                             f"(the printed form), got {world!r}")


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


def notebook_labels(folder: Path) -> dict[str, str]:
    """Figure/table labels defined in the chapters: ``label -> chapter`` (MyST-NB cell metadata
    ``mystnb.figure.name`` / ``mystnb.table.name`` and Markdown ``(label)=`` targets)."""
    labels = {}
    for path in sorted(Path(folder).glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            meta = cell.get("metadata", {}).get("mystnb", {})
            for kind in ("figure", "table"):
                name = meta.get(kind, {}).get("name") if isinstance(meta.get(kind), dict) else None
                if name:
                    labels[name] = path.stem
            if cell.get("cell_type") == "markdown":
                source = "".join(cell.get("source", ""))
                for name in re.findall(r"^\(([A-Za-z][\w-]*)\)=\s*$", source, flags=re.M):
                    labels[name] = path.stem
    return labels


def check_evidence(spec: list[dict], labels: dict[str, str]) -> None:
    """Every ``evidence`` label of the spec is defined in a chapter (see :func:`notebook_labels`)."""
    for row in spec:
        if "evidence" in row and row["evidence"] not in labels:
            raise ScorecardError(f"claim {row['claim']!r}: evidence label {row['evidence']!r} is not defined in any "
                                 "chapter (expected as mystnb figure/table name in the cell metadata, or a "
                                 "(label)= target)")


# ---------------------------------------------------------------- robustness across seeds


def load_robustness(path: Path) -> dict:
    """The multi-seed summary ``book/robustness.json`` (written by the seed sweep), checked for shape."""
    try:
        data = json.loads(Path(path).read_text())
    except json.JSONDecodeError as exc:
        raise ScorecardError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not {"provenance", "values"} <= set(data):
        raise ScorecardError(f"{path}: expected the keys provenance and values")
    for chapter, names in data["values"].items():
        for name, entry in names.items():
            missing = {"n", "median", "lo", "hi", "per_seed"} - set(entry)
            if missing or not isinstance(entry["per_seed"], dict):
                raise ScorecardError(f"{path}: {chapter}:{name} lacks {', '.join(sorted(missing)) or 'per_seed'}")
    return data


def seed_values(robustness: dict, key: str) -> dict[str, str] | None:
    """``seed -> printed value`` of one ``chapter:name`` across the sweep, or None if it was not swept."""
    chapter, name = key.split(":")
    entry = robustness["values"].get(chapter, {}).get(name)
    return None if entry is None else {str(s): str(v) for s, v in entry["per_seed"].items()}


def per_seed(row: dict, robustness: dict) -> dict[str, bool] | None:
    """``seed -> does the row's condition hold`` over the seeds where every value it reads exists.

    None if the row has no condition or a value it reads was not swept. A condition that cannot
    be evaluated on a seed's values (e.g. ``float('n/a')``) counts as not holding.
    """
    if not row.get("condition"):
        return None
    read = conditions.keys(row["condition"])
    columns = {key: seed_values(robustness, key) for key in read}
    if not read or any(col is None for col in columns.values()):
        return None
    seeds = sorted(set.intersection(*(set(col) for col in columns.values())), key=_seed_order)
    out = {}
    for seed in seeds:
        try:
            out[seed] = bool(conditions.evaluate(row["condition"], {k: col[seed] for k, col in columns.items()}))
        except conditions.ConditionError:
            out[seed] = False
    return out


def _seed_order(seed: str):
    return (0, int(seed)) if seed.lstrip("-").isdigit() else (1, seed)


def spread(committed: str, robustness: dict, key: str) -> str:
    """`` [lo, hi]`` over the seeds for a numeric value (formatted like the committed value; with
    ``, n seeds`` when fewer than the sweep's seeds gave it), or how many seeds printed the committed
    value for a non-numeric one; empty if the value was not swept."""
    chapter, name = key.split(":")
    entry = robustness["values"].get(chapter, {}).get(name)
    if entry is None:
        return ""
    n = entry.get("n", len(entry["per_seed"]))
    if entry.get("lo") is None or entry.get("hi") is None:
        numbers = {s: _number(v) for s, v in entry["per_seed"].items()}
        if _number(committed) is None or not any(x is not None for x in numbers.values()):
            same = sum(str(v) == committed for v in entry["per_seed"].values())
            return f" (the same in {same}/{n} seeds)"
        found = [x for x in numbers.values() if x is not None]  # mixed: numbers and words such as "never"
        words: dict[str, int] = {}
        for seed, x in numbers.items():
            if x is None:
                words[str(entry["per_seed"][seed])] = words.get(str(entry["per_seed"][seed]), 0) + 1
        others = ", ".join(f"{word} in {count}" for word, count in sorted(words.items()))
        return f" [{_like(min(found), committed)}, {_like(max(found), committed)}] in {len(found)} seeds, {others}"
    seeds = len(robustness.get("provenance", {}).get("seeds", [])) or None
    count = "" if n == seeds else f", {n} seeds"
    return f" [{_like(entry['lo'], committed)}, {_like(entry['hi'], committed)}]{count}"


def _number(text) -> float | None:
    try:
        x = float(text)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _like(x: float, template: str) -> str:
    """``x`` printed with the precision of the printed value ``template``."""
    if re.fullmatch(r"-?\d+", template):
        return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"
    if m := re.fullmatch(r"-?\d+\.(\d+)", template):
        return f"{x:.{len(m.group(1))}f}"
    return f"{x:.3g}"


# ---------------------------------------------------------------- the page


def render(spec: list[dict], verdicts: dict[str, dict[str, str]], *, strict: bool = True,
           title: str = "Reproduction scorecard", robustness: dict | None = None,
           figure: str | None = None, unplotted: list[tuple[str, str]] | None = None) -> str:
    """The scorecard as a MyST Markdown page.

    With ``strict``, a failing condition raises :class:`ScorecardError`, and so does a firm
    verdict (:data:`FIRM_VERDICTS`) whose condition fails in any seed of ``robustness`` (the
    parsed ``book/robustness.json``); without it, such rows are marked. ``figure`` is the path
    (relative to the page) of the overview figure of the seed values, ``unplotted`` the
    ``(claim, reason)`` pairs it could not show.
    """
    validate(spec)
    lines = [f"# {title}", "",
             "One row per claim of the two papers, with the paper's own sentence. The *measured* column is "
             "filled from the chapters' verdict cells at build time (`scripts/bookkit/scorecard.py` reading the "
             "executed notebooks); each verdict stands only while its stated condition on those values holds, "
             "otherwise the build fails. *Kind* says whether a row is a measurement, which could have come out "
             "the other way (its condition is false on the values of the world its verdict rules out, stated "
             "beside it in `book/scorecard.yml` and checked by the build), or a mathematical identity. "
             "*Evidence* links to the figure or section that shows it.", "",
             "Figure, equation and section numbers of Lai, Dong & Jin refer to the 000 version of the paper "
             "(the first of the two versions this book was written from); figures of this book are "
             "referred to as *book Fig. N*.", ""]
    if robustness is not None:
        prov = robustness["provenance"]
        lines += [f"Each measured value is the committed run in bold followed by its interval `[lo, hi]` over a "
                  f"sweep of {len(prov.get('seeds', []))} seeds (`book/robustness.json`, {prov.get('scale', '?')} "
                  f"scale, {prov.get('date', '?')}; the number of seeds is given where fewer gave the value), and "
                  "each verdict says in how many seeds its condition holds.", ""]
    counts = {v: 0 for v in VERDICTS}
    for paper in dict.fromkeys(row["paper"] for row in spec):
        lines += [f"## {paper}", "", ":::{container} scorecard-table",
                  "| claim | verdict | kind | the paper says | the book measured | evidence |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for row in (r for r in spec if r["paper"] == paper):
            counts[row["verdict"]] += 1
            lines.append(_row_line(row, verdicts, strict=strict, robustness=robustness))
        lines += [":::", ""]
    if robustness is not None and figure:
        lines += ["## Across seeds", "",
                  f"```{{figure}} {figure}", ":name: fig-scorecard-seeds", ":width: 100%", "",
                  "Where the seed values of each claim's main quantity fall relative to its threshold. The main "
                  "quantity is the first ordering comparison (`<`, `<=`, `>`, `>=`) in the claim's condition: its "
                  "left side against a constant right side, or left minus right against 0 when both sides read "
                  "values. Each dot is one seed (red where the comparison fails), the diamond the committed run, both "
                  "as signed distance from the threshold divided by the larger of the threshold's size and the "
                  "row's largest distance: right of the line the comparison holds, near the line it is marginal. "
                  "Generated at build time by `scripts/bookkit/overview.py` from `book/robustness.json`.", "```", ""]
        if unplotted:
            lines += ["Claims not in the figure:", ""]
            lines += [f"* {inline(claim)}: {reason}" for claim, reason in unplotted] + [""]
    lines += ["## Tally", "", "| verdict | claims |", "| --- | --- |"]
    lines += [f"| {v} | {counts[v]} |" for v in VERDICTS] + [""]
    return "\n".join(lines)


def _row_line(row: dict, verdicts: dict[str, dict[str, str]], *, strict: bool, robustness: dict | None) -> str:
    values = values_for(row, verdicts)
    holds = check(row, values)
    if strict and not holds:
        raise ScorecardError(f"claim {row['claim']!r}: verdict {row['verdict']!r} no longer holds "
                             f"({row['condition']} with {values})")
    verdict = row["verdict"] if holds else f"{row['verdict']} (condition fails at this scale)"
    if robustness is not None and row.get("condition"):
        seeds = per_seed(row, robustness)
        if seeds is None:
            verdict += " (not in the seed sweep)"
        else:
            failing = [s for s, ok in seeds.items() if not ok]
            verdict += f"; holds in {len(seeds) - len(failing)}/{len(seeds)} seeds"
            if failing and row["verdict"] in FIRM_VERDICTS:
                if strict:
                    raise ScorecardError(
                        f"claim {row['claim']!r}: the firm verdict {row['verdict']!r} fails its condition in "
                        f"seed(s) {', '.join(failing)} of {len(seeds)} (book/robustness.json). Re-examine the claim: "
                        f"weaken the verdict to {' / '.join(map(repr, WEAK_VERDICTS))}, or fix the condition "
                        f"({row['condition']})")
                verdict += f" (firm verdict fails in seeds {', '.join(failing)})"

    def value(m: re.Match) -> str:
        key = f"{m.group(1)}:{m.group(2)}"
        shown = f"**{_escape(values[key])}**"
        return shown + (_escape(spread(values[key], robustness, key)) if robustness is not None else "")

    measured = PLACEHOLDER.sub(value, inline(row["measured"]))
    says = f"“{inline(row['quote'])}”" if "quote" in row else inline(row["paper_says"])
    if "evidence" in row:
        evidence = f"{{numref}}`book Fig. %s <{row['evidence']}>`" if row["evidence"].startswith("fig-") \
            else f"{{ref}}`{row['evidence']}`"
    else:
        evidence = f"[section]({row['link']})"
    # The verdict comes right after the claim: on a narrow page the last columns scroll out of view.
    return f"| [{inline(row['claim'])}]({row['link']}) | {verdict} | {row['kind']} | {says} | {measured} | {evidence} |"


# ---------------------------------------------------------------- MyST text

_PROTECTED = re.compile(r"(\$[^$\n]+\$|`[^`\n]*`|\{[0-9A-Za-z_]+:[A-Za-z_]\w*\})")
_SUBSCRIPT = re.compile(r"(?<![\w\\])([^\W\d_][\u0300-\u036f]?)_(\{[^{}$]*\}|[^\W_]+)")


def inline(text: str) -> str:
    """Scorecard text as MyST inline Markdown for a table cell.

    ``σ_xi`` or ``w_{L}`` (one letter, underscore, subscript) becomes math ``$σ_{xi}$`` instead of
    emphasis; other underscores and ``|`` are escaped. ``$...$`` math, code spans and
    ``{chapter:name}`` placeholders are left as they are (pipes in math become ``\\vert``).
    """
    out = []
    for i, part in enumerate(_PROTECTED.split(text)):
        if i % 2:
            out.append(part.replace("|", "\\vert ") if part.startswith("$") else part)
            continue
        pieces = _SUBSCRIPT.split(part)
        for j in range(0, len(pieces), 3):
            out.append(_escape(pieces[j]))
            if j + 2 < len(pieces):
                sub = pieces[j + 2][1:-1] if pieces[j + 2].startswith("{") else pieces[j + 2]
                out.append(f"${pieces[j + 1]}_{{{sub}}}$")
    return "".join(out)


def _escape(text: str) -> str:
    """Escape the characters that would end a table cell or start emphasis."""
    return text.replace("|", "\\|").replace("_", "\\_")
