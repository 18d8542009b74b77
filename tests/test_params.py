"""Tests of lib.params: the check every chapter runs right after its parameters cell."""

from __future__ import annotations

import numpy as np
import pytest

from lib import params as P

SPEC = {"seed": P.Int(low=0), "k": P.Int(low=2), "theta0": P.Float(low=0, high=1, open_low=True),
        "sampler": P.Choice(("faithful", "fast")), "alphas": P.Seq(P.Float(low=0, open_low=True), contains=(100,)),
        "allow_long": P.Bool()}
GOOD = {"seed": 0, "k": 2, "theta0": 0.25, "sampler": "fast", "alphas": [10, 100], "allow_long": False}


def test_good_values_pass_and_are_normalised():
    ns = dict(GOOD, In=[], Out={}, get_ipython=None, np=np, _hidden=1)
    values = P.check(ns, SPEC)
    assert values["alphas"] == [10.0, 100.0] and isinstance(values["seed"], int)
    assert P.check(dict(GOOD, seed=np.int64(3)), SPEC)["seed"] == 3


@pytest.mark.parametrize("change,match", [
    ({"sead": 5}, "unknown parameter 'sead'; this chapter's parameters are: allow_long, alphas, k, sampler, seed"),
    ({"seed": -1}, r"parameter 'seed' must be an integer >= 0; got -1"),
    ({"seed": "abc"}, r"parameter 'seed' must be an integer >= 0; got 'abc' \(str\)"),
    ({"seed": 1.5}, r"parameter 'seed' must be an integer >= 0; got 1.5 \(float\)"),
    ({"seed": True}, r"parameter 'seed' must be an integer"),
    ({"k": 1}, r"parameter 'k' must be an integer >= 2; got 1"),
    ({"theta0": 0.0}, r"parameter 'theta0' must be a number in \(0, 1\]; got 0.0"),
    ({"theta0": float("nan")}, r"parameter 'theta0' must be a finite number"),
    ({"sampler": "quick"}, r"parameter 'sampler' must be one of \('faithful', 'fast'\); got 'quick'"),
    ({"alphas": [10, 1000]}, r"parameter 'alphas' must contain \[100\]"),
    ({"alphas": "100"}, r"parameter 'alphas' must be a list"),
    ({"alphas": []}, r"parameter 'alphas' must have >= 1 items; got 0"),
    ({"alphas": [100, -1]}, r"parameter 'alphas\[1\]' must be a number in \(0, inf\)"),
    ({"allow_long": 1}, r"parameter 'allow_long' must be True or False"),
])
def test_bad_parameters_name_the_parameter_and_range(change, match):
    with pytest.raises(P.ParameterError, match=match):
        P.check(dict(GOOD, **change), SPEC)


def test_missing_parameter_and_constraints_and_cost():
    with pytest.raises(P.ParameterError, match="'k' is declared in the spec but not set"):
        P.check({n: v for n, v in GOOD.items() if n != "k"}, SPEC)
    rule = [("seed <= k", lambda p: p["seed"] <= p["k"])]
    with pytest.raises(P.ParameterError, match="must satisfy seed <= k; got seed = 5, k = 2"):
        P.check(dict(GOOD, seed=5), SPEC, constraints=rule)
    cost = dict(cost_seconds=lambda p: 3600.0 * p["k"], max_seconds=600)
    with pytest.raises(P.ParameterError, match="about 2.0 hours .*pass -p allow_long True"):
        P.check(GOOD, SPEC, **cost)
    assert P.check(dict(GOOD, allow_long=True), SPEC, **cost)["k"] == 2
    with pytest.raises(P.ParameterError, match="must declare the parameter 'allow_long'"):
        P.check({"k": 2}, {"k": P.Int()}, cost_seconds=lambda p: 1.0)
