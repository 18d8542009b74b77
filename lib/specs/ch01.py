"""Parameters of chapter 1, *The likelihood derivation (Sec. 2, Eqs. 1-9)* (``book/01_derivation.ipynb``).

Types and ranges of every knob of the chapter's ``parameters`` cell, the constraints that tie
knobs together, and the estimated run time that ``allow_long`` must acknowledge above
``MAX_SECONDS``. The chapter calls :func:`check` in the cell after its parameters.
"""

from __future__ import annotations

from lib import params as P

SPEC = {
    "seed": P.Int(low=0), "n": P.Int(low=1),
    "theta0": P.Float(low=0, high=1, open_low=True, open_high=True), "num_samples": P.Int(low=2),
    "N_values": P.Seq(P.Int(low=1), increasing=True), "replicates": P.Int(low=2),
    "eq7_n": P.Int(low=2), "eq7_k": P.Int(low=1),
    "eq7_theta0": P.Float(low=0, high=1, open_low=True, open_high=True),
    "eq7_search_n_max": P.Int(low=2, high=2000), "allow_long": P.Bool(),
}

CONSTRAINTS = [
    ("eq7_k < eq7_n", lambda p: p["eq7_k"] < p["eq7_n"]),
    ("eq7_theta0 != eq7_k / eq7_n", lambda p: abs(p["eq7_theta0"] - p["eq7_k"] / p["eq7_n"]) > 1e-9),
]
MAX_SECONDS = 900


def cost_seconds(p: dict) -> float:
    """Estimated run time in seconds on the reference 2-core machine."""
    return (2 + 3e-8 * p["replicates"] * (sum(p["N_values"]) + 1000) * (1 + p["n"] / 100)
            + 1e-7 * p["num_samples"] + 2e-5 * 99 * p["eq7_search_n_max"] ** 2)


def check(namespace: dict) -> None:
    """Raise :class:`lib.params.ParameterError` for an unknown, missing, ill-typed or out-of-range
    parameter of this chapter, a broken constraint, or a long run without ``allow_long``. Returns
    nothing, so a notebook cell that ends with the call displays nothing."""
    P.check(namespace, SPEC, constraints=CONSTRAINTS, cost_seconds=cost_seconds, max_seconds=MAX_SECONDS)
