"""Parameters of chapter 6, *Gradient descent (Sec. 5, Algorithm 2, Eq. 34, Fig. 6)* (``book/06_gradient_descent.ipynb``).

Types and ranges of every knob of the chapter's ``parameters`` cell, the constraints that tie
knobs together, and the estimated run time that ``allow_long`` must acknowledge above
``MAX_SECONDS``. The chapter calls :func:`check` in the cell after its parameters.
"""

from __future__ import annotations

from lib import params as P

_positive = P.Float(low=0.0, open_low=True)

SPEC = {
    "seed": P.Int(low=0), "T": P.Int(low=1), "inits": P.Int(low=1), "tests": P.Int(low=1),
    "eta_fixed": _positive, "lambda_fixed": _positive, "allow_long": P.Bool(),
    "tolerance": P.Float(low=0.0, high=0.5, open_low=True, open_high=True),
    "lambdas": P.Seq(_positive, contains=(1.0, 10.0, 100.0, 1000.0), increasing=True),
    "etas": P.Seq(P.Float(low=0.0, high=25.0, open_low=True, open_high=True), min_len=2, increasing=True),
    "grid_lambdas": P.Seq(_positive, increasing=True), "grid_etas": P.Seq(_positive, increasing=True),
    "three_etas": P.Seq(_positive, contains=(0.001, 1.0), increasing=True),
}

CONSTRAINTS = [
    ("max(grid_lambdas) >= 10 and min(grid_etas) < 25", lambda p: max(p["grid_lambdas"]) >= 10 and min(p["grid_etas"]) < 25),
]
MAX_SECONDS = 900


def cost_seconds(p: dict) -> float:
    """Estimated run time in seconds on the reference 2-core machine."""
    return ((len(p["lambdas"]) + len(p["etas"]) + len(p["grid_lambdas"]) * len(p["grid_etas"])
            + 3 * len(p["lambdas"]) * len(p["three_etas"]))
            * (p["T"] * (3e-5 + 1e-7 * p["inits"]) + 3e-7 * p["inits"] * p["tests"]))


def check(namespace: dict) -> None:
    """Raise :class:`lib.params.ParameterError` for an unknown, missing, ill-typed or out-of-range
    parameter of this chapter, a broken constraint, or a long run without ``allow_long``. Returns
    nothing, so a notebook cell that ends with the call displays nothing."""
    P.check(namespace, SPEC, constraints=CONSTRAINTS, cost_seconds=cost_seconds, max_seconds=MAX_SECONDS)
