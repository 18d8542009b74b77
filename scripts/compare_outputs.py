"""Compare the printed (text) outputs of two versions of a notebook: python scripts/compare_outputs.py OLD NEW.

Cells may be merged, split or moved, so outputs are compared as the sequence of printed lines
of the whole notebook (stream and text/plain), after the nbval sanitisers' substitutions
(tests/nbval_sanitize.cfg). Exit status 1 and a unified diff if any printed line differs.
"""

from __future__ import annotations

import configparser
import difflib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def sanitizers() -> list[tuple[str, str]]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "tests" / "nbval_sanitize.cfg")
    return [(cfg[s]["regex"], cfg[s]["replace"]) for s in cfg.sections()]


def printed(path: str) -> list[str]:
    nb = json.loads(Path(path).read_text())
    text = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                text.append("".join(out["text"]))
            elif "text/plain" in out.get("data", {}) and "image/png" not in out.get("data", {}):
                text.append("".join(out["data"]["text/plain"]) + "\n")
    joined = "".join(text)
    for regex, replace in sanitizers():
        joined = re.sub(regex, replace, joined)
    return joined.splitlines()


def main(old: str, new: str) -> int:
    a, b = printed(old), printed(new)
    diff = list(difflib.unified_diff(a, b, old, new, lineterm="", n=1))
    print("\n".join(diff) if diff else f"same printed output ({len(a)} lines)")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
