"""Parameters of chapter 4, *The convergence test (Sec. 3, Fig. 2)* (``book/04_convergence.ipynb``).

Types and ranges of every knob of the chapter's ``parameters`` cell, the constraints that tie
knobs together, and the estimated run time that ``allow_long`` must acknowledge above
``MAX_SECONDS``. The chapter calls :func:`check` in the cell after its parameters.
"""

from __future__ import annotations

from lib import params as P

SPEC = {
    "seed": P.Int(low=0), "k": P.Int(low=2), "N_test": P.Int(low=1), "tolerance": P.Float(0, 0.5, True, True),
    "fig2_n": P.Seq(P.Int(low=2)), "fig2_L": P.Seq(P.Int(low=1)), "fig2_sampler": P.Choice(("faithful", "fast")),
    "curve_n": P.Seq(P.Int(low=2), contains=(1000,)), "curve_models": P.Int(low=1), "curve_tests": P.Int(low=1),
    "curve_L": P.Int(low=1), "curve_sampler": P.Choice(("faithful", "fast", "joint")), "chain_samples": P.Int(low=1),
    "big_cases": P.Seq(P.Seq(P.Int(low=2), min_len=2, max_len=2), contains=([2500, 3500],)),
    "control_k": P.Seq(P.Int(low=2), contains=(2500,)), "big_models": P.Int(low=1), "big_tests": P.Int(low=1),
    "big_L": P.Int(low=1), "big_sampler": P.Choice(("faithful", "fast", "joint")),
    "big_prediction_samples": P.Int(low=2), "allow_long": P.Bool(),
}

CONSTRAINTS = [
    ("every n >= k in fig2_n and curve_n", lambda p: min(p["fig2_n"] + p["curve_n"]) >= p["k"]),
    ("n >= k in every big_cases pair", lambda p: all(n >= kk for kk, n in p["big_cases"])),
]
MAX_SECONDS = 600


def cost_seconds(p: dict) -> float:
    """Estimated run time in seconds on the reference 2-core machine."""
    return (1e-8 * p["N_test"] * max(p["fig2_L"]) * sum(p["fig2_n"])
            + 5e-6 * p["curve_models"] * p["curve_L"] * len(p["curve_n"]) * (1 + p["curve_tests"] / 250)
            + 2e-8 * p["big_models"] * p["big_L"] * sum(n + kk * p["big_tests"] ** 2 / 16 for kk, n in p["big_cases"]))


def check(namespace: dict) -> None:
    """Raise :class:`lib.params.ParameterError` for an unknown, missing, ill-typed or out-of-range
    parameter of this chapter, a broken constraint, or a long run without ``allow_long``. Returns
    nothing, so a notebook cell that ends with the call displays nothing."""
    P.check(namespace, SPEC, constraints=CONSTRAINTS, cost_seconds=cost_seconds, max_seconds=MAX_SECONDS)
