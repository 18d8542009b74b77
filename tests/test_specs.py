"""Tests of lib.specs: each chapter's parameter rules match its notebook and accept its own runs."""

from __future__ import annotations

import ast
import importlib
import json
import re
from pathlib import Path

import pytest
import yaml

from lib import params

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p.stem for p in (ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
PAPER = yaml.safe_load((ROOT / "paper_scale.yml").read_text())


def defaults(chapter: str) -> dict:
    """The chapter's ``parameters`` cell as ``name -> value`` (literal assignments only)."""
    nb = json.loads((ROOT / "book" / f"{chapter}.ipynb").read_text())
    source = "".join(next(c for c in nb["cells"] if c["cell_type"] == "code")["source"])
    out = {}
    for node in ast.parse(source).body:
        out[node.targets[0].id] = ast.literal_eval(node.value)
    return out


def spec(chapter: str):
    return importlib.import_module(f"lib.specs.ch{chapter[:2]}")


def checked(module, namespace: dict) -> dict:
    """Run the chapter's check (which returns nothing) and return the values as lib.params normalises them."""
    assert module.check(namespace) is None
    return params.check(namespace, module.SPEC)


def test_there_is_one_spec_module_per_chapter():
    modules = sorted(p.stem for p in (ROOT / "lib" / "specs").glob("ch*.py"))
    assert modules == [f"ch{c[:2]}" for c in CHAPTERS]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_spec_declares_exactly_the_notebook_parameters(chapter):
    assert sorted(spec(chapter).SPEC) == sorted(defaults(chapter))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_committed_values_pass_within_the_time_limit(chapter):
    module = spec(chapter)
    values = checked(module, defaults(chapter))
    assert module.cost_seconds(values) <= module.MAX_SECONDS


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_paper_scale_values_pass_when_long_runs_are_allowed(chapter):
    module = spec(chapter)
    values = dict(defaults(chapter), **PAPER.get(chapter, {}), allow_long=True)
    module.check(values)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_typo_and_an_out_of_range_seed_name_the_parameter(chapter):
    module = spec(chapter)
    with pytest.raises(params.ParameterError, match="unknown parameter 'sead'"):
        module.check(dict(defaults(chapter), sead=5))
    with pytest.raises(params.ParameterError, match=r"parameter 'seed' must be an integer >= 0; got -1"):
        module.check(dict(defaults(chapter), seed=-1))


#: One value set per cross-parameter rule that breaks it (a rule that cannot fail is no rule).
BREAKING = {
    ("01", "eq7_k < eq7_n"): {"eq7_k": 10, "eq7_n": 10},
    ("01", "eq7_theta0 != eq7_k / eq7_n"): {"eq7_k": 2, "eq7_n": 10, "eq7_theta0": 0.2},
    ("02", "selection_pool > n_bits"): {"selection_pool": 64, "n_bits": 64},
    ("02", "power_shift != 0"): {"power_shift": 0.0},
    ("03", "n >= k in every pair"): {"qr_grid": [[2, 2], [2, 100], [10, 5]]},
    ("03", "big_n >= big_k and [big_k, big_n] in growth_grid"): {"big_n": 3000},
    ("03", "n >= k >= 2 in ks_cases"): {"ks_cases": [[10, 5, 3]]},
    ("04", "every n >= k in fig2_n and curve_n"): {"k": 3},
    ("04", "n >= k in every big_cases pair"): {"big_cases": [[2500, 3500], [100, 50]]},
    ("05", "n >= k"): {"n": 2, "k": 3},
    ("05", "L_max >= max(fig4_L)"): {"fig4_L": [1, 10**6]},
    ("06", "max(grid_lambdas) >= 10 and min(grid_etas) < 25"): {"grid_lambdas": [1.0, 2.0]},
    ("10", "n_attack <= max_test"): {"n_attack": 10**6},
    ("10", "max(fig1_epochs) <= epochs"): {"fig1_epochs": [1, 10**6]},
    ("10", "fig1_points <= max_test"): {"fig1_points": 10000, "max_test": 500},
    ("10", "fig1_neighbours < fig1_points"): {"fig1_neighbours": 200},
}


def test_every_rule_has_a_breaking_example():
    rules = {(c[:2], text) for c in CHAPTERS for text, _ in spec(c).CONSTRAINTS}
    assert rules == set(BREAKING)


@pytest.mark.parametrize(("key", "change"), BREAKING.items(), ids=[f"{c}: {t}" for c, t in BREAKING])
def test_every_rule_can_fail(key, change):
    chapter = next(c for c in CHAPTERS if c.startswith(key[0]))
    module = spec(chapter)
    predicate = dict(module.CONSTRAINTS)[key[1]]
    values = checked(module, defaults(chapter))
    assert predicate(values)
    assert not predicate(dict(values, **change))
    with pytest.raises(params.ParameterError, match=r"parameters must satisfy " + re.escape(key[1])):
        module.check(dict(defaults(chapter), **change))


def test_cost_grows_with_the_work():
    """The estimate is a function of the sizes, not a constant: doubling a size never lowers it."""
    for chapter in CHAPTERS:
        module = spec(chapter)
        base = checked(module, defaults(chapter))
        cost = module.cost_seconds(base)
        grown = [module.cost_seconds(dict(base, **{n: v * 2})) for n, v in base.items()
                 if isinstance(v, int) and not isinstance(v, bool) and n != "seed"]
        assert all(g >= cost - 1e-12 for g in grown), chapter
        assert any(g > cost for g in grown), f"{chapter}: the cost estimate ignores every size"
