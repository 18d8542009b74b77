"""Parameters of chapter 3, *The MaxLikelihood algorithm (Sec. 2.2, Algorithm 1)* (``book/03_maxlikelihood.ipynb``).

Types and ranges of every knob of the chapter's ``parameters`` cell, the constraints that tie
knobs together, and the estimated run time that ``allow_long`` must acknowledge above
``MAX_SECONDS``. The chapter calls :func:`check` in the cell after its parameters.
"""

from __future__ import annotations

from lib import params as P

_pair = P.Seq(P.Int(low=2), min_len=2, max_len=2)

SPEC = {
    "seed": P.Int(low=0), "demo_n": P.Int(low=2, high=16), "growth_L": P.Int(low=1),
    "growth_grid": P.Seq(_pair, contains=([2, 2], [2, 100], [2500, 3500])), "growth_models": P.Int(low=1),
    "growth_sampler": P.Choice(("faithful", "fast")), "theory_samples": P.Int(low=2),
    "qr_grid": P.Seq(_pair, contains=([2, 2], [2, 100])), "qr_layers": P.Int(low=2), "qr_chains_small_k": P.Int(low=2),
    "qr_chains_large_k": P.Int(low=2), "big_k": P.Int(low=2), "big_n": P.Int(low=2), "big_qr_layers": P.Int(low=2),
    "ks_cases": P.Seq(P.Seq(P.Int(low=1), min_len=3, max_len=3)), "ks_models": P.Int(low=2), "allow_long": P.Bool(),
}

CONSTRAINTS = [
    ("n >= k in every pair", lambda p: all(n >= k for k, n in p["growth_grid"] + p["qr_grid"])),
    ("big_n >= big_k and [big_k, big_n] in growth_grid",
     lambda p: p["big_n"] >= p["big_k"] and [p["big_k"], p["big_n"]] in p["growth_grid"]),
    ("n >= k >= 2 in ks_cases", lambda p: all(n >= k >= 2 for k, n, _ in p["ks_cases"])),
]
MAX_SECONDS = 600


def cost_seconds(p: dict) -> float:
    """Estimated run time in seconds on the reference 2-core machine."""
    return (2e-5 * p["growth_models"] * p["growth_L"] * len(p["growth_grid"])
            + 1e-9 * p["big_qr_layers"] * p["big_n"] * p["big_k"] * 2 + 1e-9 * p["theory_samples"] * sum(n for _, n in p["growth_grid"])
            + 2e-8 * p["qr_layers"] * sum(n * k * (p["qr_chains_small_k"] if k <= 10 else p["qr_chains_large_k"]) for k, n in p["qr_grid"])
            + 3e-6 * p["ks_models"] * sum(L * (n + k * k) for k, n, L in p["ks_cases"]))


def check(namespace: dict) -> None:
    """Raise :class:`lib.params.ParameterError` for an unknown, missing, ill-typed or out-of-range
    parameter of this chapter, a broken constraint, or a long run without ``allow_long``. Returns
    nothing, so a notebook cell that ends with the call displays nothing."""
    P.check(namespace, SPEC, constraints=CONSTRAINTS, cost_seconds=cost_seconds, max_seconds=MAX_SECONDS)
