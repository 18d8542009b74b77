"""The scorecard agrees with the notebooks' stored verdict values, and its verdicts still hold."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest

from bookkit import scorecard

ROOT = Path(__file__).resolve().parents[2]
SPEC = scorecard.load_spec(ROOT / "book" / "scorecard.yml")
VERDICTS = scorecard.load_verdicts(ROOT / "book")
BUILT = ROOT / "_build" / "html" / "book" / "scorecard.html"


def test_every_claim_renders_and_every_condition_holds():
    page = scorecard.render(SPEC, VERDICTS)  # strict: raises if a verdict's condition fails
    assert page.count("\n| [") == len(SPEC)


@pytest.mark.parametrize("row", SPEC, ids=[r["claim"][:40] for r in SPEC])
def test_rendered_values_are_the_notebook_values(row):
    values = scorecard.values_for(row, VERDICTS)
    claim = row["claim"].replace("|", "\\|")
    line = next(l for l in scorecard.render(SPEC, VERDICTS).splitlines() if l.startswith(f"| [{claim}]"))
    for key in re.findall(r"\{(\w+:\w+)\}", row["measured"]):
        chapter, name = key.split(":")
        assert f"**{VERDICTS[chapter][name]}**" in line


def test_a_failing_condition_is_refused():
    row = dict(SPEC[0], condition="float(v['01_derivation:eq7_counterexample_grid_fraction']) < 0")
    with pytest.raises(scorecard.ScorecardError, match="no longer holds"):
        scorecard.render([row], VERDICTS)


def test_built_scorecard_page_shows_the_notebook_values():
    if not BUILT.exists():
        if os.environ.get("REQUIRE_BROWSER_CHECK") == "1":
            pytest.fail("_build/html/book/scorecard.html missing: build the HTML first")
        pytest.skip("HTML not built (run `make html`)")
    source = re.sub(r"<!--.*?-->", "", BUILT.read_text(), flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "", source))
    for row in SPEC:
        for key, value in scorecard.values_for(row, VERDICTS).items():
            if f"{{{key}}}" in row["measured"]:
                assert value in text, f"{key} = {value} not on the built scorecard page"
