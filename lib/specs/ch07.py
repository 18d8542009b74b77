"""Parameters of chapter 7, *Information reconciliation (Sec. 6, Eqs. 35-36, Fig. 7)* (``book/07_reconciliation.ipynb``).

Types and ranges of every knob of the chapter's ``parameters`` cell, the constraints that tie
knobs together, and the estimated run time that ``allow_long`` must acknowledge above
``MAX_SECONDS``. The chapter calls :func:`check` in the cell after its parameters.
"""

from __future__ import annotations

from lib import params as P

_count = P.Int(low=1)

SPEC = {
    "seed": P.Int(low=0), "k": P.Int(low=2500, high=2500), "n": P.Int(low=2500),
    "L_max": P.Int(low=40), "models": _count, "bobs": _count, "eves": _count, "allow_long": P.Bool(),
    "fig7_layers": P.Seq(P.Int(low=0), increasing=True),
    "n_sweep": P.Seq(P.Int(low=2500), contains=(5000,)),
    "sweep_models": _count, "sweep_bobs": _count, "sweep_L_max": _count,
}

CONSTRAINTS: list = []
MAX_SECONDS = 900


def cost_seconds(p: dict) -> float:
    """Estimated run time in seconds on the reference 2-core machine."""
    return (6e-11 * p["k"] * (
            p["models"] * p["n"] * p["L_max"] * (p["bobs"] + 5 * p["eves"] + 3)
            + sum(p["n_sweep"]) * p["sweep_L_max"] * p["sweep_models"] * (p["sweep_bobs"] + 3)))


def check(namespace: dict) -> None:
    """Raise :class:`lib.params.ParameterError` for an unknown, missing, ill-typed or out-of-range
    parameter of this chapter, a broken constraint, or a long run without ``allow_long``. Returns
    nothing, so a notebook cell that ends with the call displays nothing."""
    P.check(namespace, SPEC, constraints=CONSTRAINTS, cost_seconds=cost_seconds, max_seconds=MAX_SECONDS)
