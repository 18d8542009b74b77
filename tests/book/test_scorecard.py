"""The scorecard: schema, falsifiability of every measured claim, values equal to the notebooks'.

Two halves: tests of the real ``book/scorecard.yml`` against the committed notebooks, and tests
of the machinery (``scripts/bookkit/scorecard.py``) on the small fixture spec in
``tests/book/fixtures/``.
"""

from __future__ import annotations

import copy
import html
import json
import os
import re
from pathlib import Path

import pytest
import yaml

from bookkit import scorecard

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SPEC_PATH = ROOT / "book" / "scorecard.yml"
RAW_ROWS = yaml.safe_load(SPEC_PATH.read_text())["claims"]  # unvalidated, for parametrisation
BUILT = ROOT / "_build" / "html" / "book" / "scorecard.html"


def _id(row: dict) -> str:
    return str(row.get("claim", "?"))[:40]


def _testable(rows: list[dict]) -> list[dict]:
    """Rows whose condition must be falsifiable: a condition and not ``kind: identity``."""
    return [r for r in rows if r.get("condition") and r.get("kind") != "identity"]


@pytest.fixture(scope="module")
def verdicts():
    return scorecard.load_verdicts(ROOT / "book")


@pytest.fixture(scope="module")
def spec():
    return scorecard.load_spec(SPEC_PATH)


@pytest.fixture()
def fixture_spec():
    return scorecard.load_spec(FIXTURES / "scorecard_spec.yml")


@pytest.fixture(scope="module")
def fixture_verdicts():
    return json.loads((FIXTURES / "verdicts.json").read_text())


# ---------------------------------------------------------------- the real scorecard


def test_the_real_spec_follows_the_schema(spec):
    assert len(spec) == len(RAW_ROWS) and {r["kind"] for r in spec} <= set(scorecard.KINDS)


@pytest.mark.parametrize("row", _testable(RAW_ROWS), ids=_id)
def test_every_measured_claim_is_false_in_the_papers_world(row):
    scorecard.check_falsifiable(row)  # raises unless paper_world has the condition's keys and makes it False


@pytest.mark.parametrize("row", _testable(RAW_ROWS), ids=_id)
def test_the_falsifiability_test_fails_for_a_condition_that_cannot_fail(row):
    with pytest.raises(scorecard.ScorecardError, match="exactly the keys|needs paper_world"):
        scorecard.check_falsifiable(dict(row, condition="True"))
    with pytest.raises(scorecard.ScorecardError, match="is true on paper_world|needs paper_world"):
        scorecard.check_falsifiable(dict(row, condition=f"({row['condition']}) or True"))


def test_every_claim_renders_and_every_condition_holds(spec, verdicts):
    page = scorecard.render(spec, verdicts)  # strict: raises if a verdict's condition fails
    assert page.count("\n| [") == len(spec)


@pytest.mark.parametrize("row", RAW_ROWS, ids=_id)
def test_rendered_values_are_the_notebook_values(row, spec, verdicts):
    page = scorecard.render(spec, verdicts).splitlines()
    line = next(line for line in page if line.startswith(f"| [{scorecard.inline(row['claim'])}]"))
    for key in re.findall(r"\{(\w+:\w+)\}", row["measured"]):
        chapter, name = key.split(":")
        assert f"**{verdicts[chapter][name]}**" in line


def test_evidence_labels_exist_in_the_notebooks(spec):
    labels = scorecard.notebook_labels(ROOT / "book")
    scorecard.check_evidence(spec, labels)  # raises naming the claim and the missing label
    assert all(row["evidence"] in labels for row in spec if "evidence" in row)


def test_built_scorecard_page_shows_the_notebook_values(spec, verdicts):
    if not BUILT.exists():
        if os.environ.get("REQUIRE_BROWSER_CHECK") == "1":
            pytest.fail("_build/html/book/scorecard.html missing: build the HTML first")
        pytest.skip("HTML not built (run `make html`)")
    source = re.sub(r"<!--.*?-->", "", BUILT.read_text(), flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "", source))
    for row in spec:
        for key, value in scorecard.values_for(row, verdicts).items():
            if f"{{{key}}}" in row["measured"]:
                assert value in text, f"{key} = {value} not on the built scorecard page"


# ---------------------------------------------------------------- the machinery, on the fixture


def test_fixture_renders_values_kind_quote_and_evidence(fixture_spec, fixture_verdicts):
    page = scorecard.render(fixture_spec, fixture_verdicts)
    rows = {line.split("](")[0][3:]: line for line in page.splitlines() if line.startswith("| [")}
    fig2e = rows["Fig. 2e: losses below 0.5 go to 0"]
    assert "**0.953** of the samples" in fig2e and "| measured |" in fig2e
    assert "“samples with loss below 0.5 converge to 0 (Fig. 2e)”" in fig2e
    assert "{numref}`book Fig. %s <fig-04-collapse>`" in fig2e
    assert "[section](05_spacetime.ipynb#fig-4f)" in rows["Fig. 4f: a larger c delays entanglement"]
    sigma = next(line for key, line in rows.items() if key.startswith("$σ_{xi}$"))
    assert "| identity |" in sigma and "| measured |" not in sigma
    assert "000 version" in page and page.count("000 version") == 1


@pytest.mark.parametrize("text, expected", [
    ("σ_xi σ_pi ≥ 1/2", "$σ_{xi}$ $σ_{pi}$ ≥ 1/2"),
    ("‖w_ℓ‖ and ŵ_L", "‖$w_{ℓ}$‖ and $ŵ_{L}$"),
    ("σ_{x_i} stays", "$σ_{x_i}$ stays"),
    ("already $\\sigma_x$ math", "already $\\sigma_x$ math"),
    ("code `a_b` and {04_convergence:collapse_L99_k2_n2}", "code `a_b` and {04_convergence:collapse_L99_k2_n2}"),
    ("Eq. 8: −(1/N) log2 L = nH2(θ0)", "Eq. 8: −(1/N) log2 L = nH2(θ0)"),
    ("a | b", "a \\| b"),
    ("snake_case_word stays", "snake\\_case\\_word stays"),
])
def test_subscripts_become_math_and_table_breakers_are_escaped(text, expected):
    assert scorecard.inline(text) == expected


def test_a_failing_condition_is_refused(fixture_spec, fixture_verdicts):
    broken = copy.deepcopy(fixture_verdicts)
    broken["04_convergence"]["side_kept"] = "0.5"
    with pytest.raises(scorecard.ScorecardError, match="'Fig. 2e: losses below 0.5 go to 0'.*no longer holds"):
        scorecard.render(fixture_spec, broken)
    page = scorecard.render(fixture_spec, broken, strict=False, title="At paper scale")
    assert "does not reproduce (condition fails at this scale)" in page and page.startswith("# At paper scale")


def test_a_missing_value_is_named(fixture_spec, fixture_verdicts):
    del fixture_verdicts["05_spacetime"]["layers_c1"]  # the fixture is module-scoped: restore below
    try:
        with pytest.raises(scorecard.ScorecardError, match="no verdict value 05_spacetime:layers_c1"):
            scorecard.render(fixture_spec, fixture_verdicts)
    finally:
        fixture_verdicts["05_spacetime"]["layers_c1"] = "6"


def _row(spec: list[dict], **changes) -> dict:
    row = copy.deepcopy(spec[0])
    for key, value in changes.items():
        if value is None:
            row.pop(key, None)
        else:
            row[key] = value
    return row


@pytest.mark.parametrize("changes, message", [
    ({"verdikt": "reproduces"}, r"unknown key\(s\) verdikt \(allowed: paper, claim"),
    ({"verdict": "mostly reproduces"}, "unknown verdict 'mostly reproduces'"),
    ({"kind": "measurement"}, "kind must be one of measured, identity"),
    ({"quote": None}, "a measured claim needs quote"),
    ({"kind": None}, r"missing key\(s\) kind"),
    ({"quote": ""}, "quote must be a non-empty string"),
    ({"paper_world": None}, "needs paper_world: the value of each of 04_convergence:side_kept"),
    ({"paper_world": {"04_convergence:side_kept": 0.5}}, "quoted string value"),
    ({"paper_world": {"04_convergence:side_kept": "0.5", "04_convergence:other": "1"}},
     "not read: 04_convergence:other"),
    ({"paper_world": {"04_convergence:side_kept": "0.95"}}, "is true on paper_world"),
    ({"condition": "True"}, "none: the condition reads no value"),
    ({"condition": None}, "verdict 'does not reproduce' needs a condition"),
    ({"condition": "__import__('os').system('true') or float(v['04_convergence:side_kept']) > 0.9"},
     ".*is not allowed"),
    ({"evidence": "Fig. 2"}, "evidence must be a figure/table label"),
])
def test_schema_errors_name_the_claim_and_the_problem(fixture_spec, changes, message):
    row = _row(fixture_spec, **changes)
    with pytest.raises(scorecard.ScorecardError, match=r"claim 1 'Fig. 2e: losses below 0.5 go to 0': .*" + message):
        scorecard.validate([row])


def test_identity_rows_are_exempt_from_falsifiability(fixture_spec):
    identity = next(r for r in fixture_spec if r["kind"] == "identity")
    assert "paper_world" not in identity
    scorecard.validate([identity])
    with pytest.raises(scorecard.ScorecardError, match="needs paper_world"):
        scorecard.validate([dict(identity, kind="measured", quote="q")])


def test_untested_rows_may_have_no_condition(fixture_spec, fixture_verdicts):
    row = next(r for r in fixture_spec if r["verdict"] == "not run")
    assert "condition" not in row
    assert "| not run |" in scorecard.render([row], fixture_verdicts)


def test_duplicate_claims_and_a_bad_file_are_refused(fixture_spec, tmp_path):
    with pytest.raises(scorecard.ScorecardError, match="appears 2 times"):
        scorecard.validate([fixture_spec[0], fixture_spec[0]])
    path = tmp_path / "s.yml"
    path.write_text("rows: []\n")
    with pytest.raises(scorecard.ScorecardError, match="one key, claims"):
        scorecard.load_spec(path)


def test_evidence_labels_are_found_in_notebook_metadata_and_markdown(tmp_path, fixture_spec):
    cells = [{"cell_type": "code", "metadata": {"mystnb": {"figure": {"name": "fig-04-collapse", "caption": "c"}}},
              "source": "", "outputs": []},
             {"cell_type": "markdown", "metadata": {}, "source": "(tbl-04-table)=\n# x"}]
    (tmp_path / "04_convergence.ipynb").write_text(json.dumps({"cells": cells}))
    labels = scorecard.notebook_labels(tmp_path)
    assert labels == {"fig-04-collapse": "04_convergence", "tbl-04-table": "04_convergence"}
    scorecard.check_evidence(fixture_spec, labels)
    with pytest.raises(scorecard.ScorecardError, match="evidence label 'fig-04-collapse' is not defined"):
        scorecard.check_evidence(fixture_spec, {})


# ---------------------------------------------------------------- robustness across seeds (fixture sweep)


@pytest.fixture()
def robustness():
    return scorecard.load_robustness(FIXTURES / "robustness.json")


def test_values_show_committed_run_and_seed_interval(fixture_spec, fixture_verdicts, robustness):
    page = scorecard.render(fixture_spec, fixture_verdicts, robustness=robustness)
    line = next(line for line in page.splitlines() if line.startswith("| [Fig. 2e"))
    assert "**0.953** [0.926, 0.962] of the samples" in line
    assert "**6** [5, 7] (c = 1), **19** [17, 21] (c = 1000)" in page
    assert "does not reproduce; holds in 10/10 seeds" in line
    assert "not run |" in page and "sweep of 10 seeds (`book/robustness.json`, committed scale, 2026-11-23" in page
    robustness["values"]["04_convergence"]["side_kept"]["n"] = 9  # one seed did not give the value
    page = scorecard.render(fixture_spec, fixture_verdicts, robustness=robustness)
    assert "**0.953** [0.926, 0.962], 9 seeds" in page


def test_holds_in_counts_each_seed_on_its_own_values(fixture_spec, robustness):
    robustness["values"]["05_spacetime"]["layers_c1000"]["per_seed"]["3"] = "4"
    del robustness["values"]["05_spacetime"]["layers_c1"]["per_seed"]["9"]  # a failed seed: not counted
    holds = scorecard.per_seed(fixture_spec[1], robustness)
    assert list(holds) == [str(s) for s in range(9)]
    assert [s for s, ok in holds.items() if not ok] == ["3"]


def test_a_firm_verdict_failing_in_a_seed_fails_the_build(fixture_spec, fixture_verdicts, robustness):
    robustness["values"]["05_spacetime"]["layers_c1000"]["per_seed"]["3"] = "4"
    robustness["values"]["05_spacetime"]["layers_c1000"]["per_seed"]["7"] = "n/a"  # not evaluable: fails
    with pytest.raises(scorecard.ScorecardError,
                       match=r"claim 'Fig. 4f: a larger c delays entanglement': the firm verdict 'reproduces' fails "
                             r"its condition in seed\(s\) 3, 7 of 10 .*weaken the verdict"):
        scorecard.render(fixture_spec, fixture_verdicts, robustness=robustness)
    page = scorecard.render(fixture_spec, fixture_verdicts, robustness=robustness, strict=False)
    assert "reproduces; holds in 8/10 seeds (firm verdict fails in seeds 3, 7)" in page
    weakened = [dict(r, verdict="inconclusive") if r["claim"].startswith("Fig. 4f") else r for r in fixture_spec]
    assert "inconclusive; holds in 8/10 seeds |" in scorecard.render(weakened, fixture_verdicts, robustness=robustness)


def test_rows_outside_the_sweep_say_so(fixture_spec, fixture_verdicts, robustness):
    del robustness["values"]["04_convergence"]
    line = next(line for line in scorecard.render(fixture_spec, fixture_verdicts, robustness=robustness).splitlines()
                if line.startswith("| [Fig. 2e"))
    assert "**0.953** of the samples" in line and "(not in the seed sweep)" in line


def test_non_numeric_values_count_the_seeds_that_agree():
    sweep = {"values": {"06_gd": {"flag": {"n": 3, "median": None, "lo": None, "hi": None,
                                           "per_seed": {"0": "false", "1": "true", "2": "false"}}}}}
    assert scorecard.spread("false", sweep, "06_gd:flag") == " (the same in 2/3 seeds)"
    mixed = {"values": {"07_r": {"first_L": {"n": 4, "median": None, "lo": None, "hi": None,
                                             "per_seed": {"0": "12", "1": "never", "2": "14", "3": "never"}}}}}
    assert scorecard.spread("13", mixed, "07_r:first_L") == " [12, 14] in 2 seeds, never in 2"
    sweep = {"values": {"a": {"x": {"n": 2, "median": 1, "lo": 1.23e-5, "hi": 4.5e-5, "per_seed": {}}}}}
    assert scorecard.spread("1e-05", sweep, "a:x") == " [1.23e-05, 4.5e-05], 2 seeds"


def test_a_malformed_robustness_file_is_named(tmp_path):
    path = tmp_path / "robustness.json"
    path.write_text(json.dumps({"provenance": {}, "values": {"01_a": {"x": {"n": 1, "median": 1.0}}}}))
    with pytest.raises(scorecard.ScorecardError, match="01_a:x lacks hi, lo, per_seed"):
        scorecard.load_robustness(path)


def test_overview_figure_and_the_claims_it_cannot_show(fixture_spec, fixture_verdicts, robustness, tmp_path):
    from bookkit import overview

    rows, skipped = overview.strips(fixture_spec, fixture_verdicts, robustness)
    assert [r.claim for r in rows] == ["Fig. 2e: losses below 0.5 go to 0", "Fig. 4f: a larger c delays entanglement"]
    fig2e, fig4f = rows
    assert (fig2e.threshold, fig2e.op, fig2e.committed) == (0.9, ">", 0.953) and len(fig2e.seeds) == 10
    assert fig4f.threshold == 0 and fig4f.seeds["0"] == 21 - 5  # layers_c1000 - layers_c1 in seed 0
    assert dict(skipped) == {"σ_xi σ_pi ≥ 1/2 for each pixel": "the condition has no <, <=, > or >= comparison",
                             "Experiments on MNIST": "no condition"}
    png = overview.plot(rows, tmp_path / "seeds.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    page = scorecard.render(fixture_spec, fixture_verdicts, robustness=robustness, figure="_generated/s.png",
                            unplotted=skipped)
    assert "```{figure} _generated/s.png" in page and "* Experiments on MNIST: no condition" in page


def test_make_pages_builds_the_page_and_figure_from_a_book_folder(tmp_path, fixture_verdicts):
    import make_pages

    book = tmp_path / "book"
    book.mkdir()
    (book / "scorecard.yml").write_text((FIXTURES / "scorecard_spec.yml").read_text())
    (book / "robustness.json").write_text((FIXTURES / "robustness.json").read_text())
    for chapter, values in fixture_verdicts.items():
        cells = [{"cell_type": "code", "metadata": {"tags": ["verdict"]}, "source": "", "execution_count": 1,
                  "outputs": [{"output_type": "stream", "name": "stdout",
                               "text": "".join(f"{k} = {v}\n" for k, v in values.items())}]}]
        if chapter == "04_convergence":
            cells.append({"cell_type": "code", "metadata": {"mystnb": {"figure": {"name": "fig-04-collapse"}}},
                          "source": "", "outputs": []})
        (book / f"{chapter}.ipynb").write_text(json.dumps({"cells": cells}))
    page, summary = make_pages.scorecard_page(book)
    assert summary == "scorecard with 4 claims from 3 chapters, 10-seed intervals"
    assert (book / "_generated" / "scorecard_seeds.png").exists() and "holds in 10/10 seeds" in page
    (book / "04_convergence.ipynb").write_text(json.dumps({"cells": cells[:1]}))
    with pytest.raises(scorecard.ScorecardError, match="evidence label 'fig-04-collapse' is not defined"):
        make_pages.scorecard_page(book)


def test_a_reproduces_row_is_told_which_world_to_give(fixture_spec):
    fig4f = next(r for r in fixture_spec if r["verdict"] == "reproduces")
    with pytest.raises(scorecard.ScorecardError, match="values one would measure if the paper's claim failed"):
        scorecard.check_falsifiable(dict(fig4f, paper_world={"05_spacetime:layers_c1000": "19",
                                                             "05_spacetime:layers_c1": "6"}))
