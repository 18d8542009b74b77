"""Parameters of chapter 8, *Adversarial examples as reconciliation (Sec. 7, Fig. 8)* (``book/08_adversarial.ipynb``).

Types and ranges of every knob of the chapter's ``parameters`` cell, the constraints that tie
knobs together, and the estimated run time that ``allow_long`` must acknowledge above
``MAX_SECONDS``. The chapter calls :func:`check` in the cell after its parameters.
"""

from __future__ import annotations

from lib import params as P

_positive = P.Float(low=0.0, open_low=True)

SPEC = {
    "seed": P.Int(low=0), "k": P.Int(low=2500, high=2500), "n": P.Int(low=2500),
    "L_max": P.Int(low=1), "models": P.Int(low=1), "fig8_alpha": _positive, "allow_long": P.Bool(),
    "alphas": P.Seq(_positive, contains=(10.0, 100.0, 1000.0)), "fig8_alphas": P.Seq(_positive),
    "fig8_layers": P.Seq(P.Int(low=0)),
}

CONSTRAINTS: list = []
MAX_SECONDS = 900


def cost_seconds(p: dict) -> float:
    """Estimated run time in seconds on the reference 2-core machine."""
    return (4e-10 * p["k"] * p["n"] * (2 * p["models"] * p["L_max"] + max(p["fig8_layers"]) + p["L_max"]))


def check(namespace: dict) -> None:
    """Raise :class:`lib.params.ParameterError` for an unknown, missing, ill-typed or out-of-range
    parameter of this chapter, a broken constraint, or a long run without ``allow_long``. Returns
    nothing, so a notebook cell that ends with the call displays nothing."""
    P.check(namespace, SPEC, constraints=CONSTRAINTS, cost_seconds=cost_seconds, max_seconds=MAX_SECONDS)
