"""Parameters of chapter 2, *Cosine-distance LSH (Sec. 2.1.1, Eqs. 10-13)* (``book/02_lsh.ipynb``).

Types and ranges of every knob of the chapter's ``parameters`` cell, the constraints that tie
knobs together, and the estimated run time that ``allow_long`` must acknowledge above
``MAX_SECONDS``. The chapter calls :func:`check` in the cell after its parameters.
"""

from __future__ import annotations

from lib import params as P

SPEC = {
    "seed": P.Int(low=0), "n_bits": P.Int(low=8), "trials": P.Int(low=50),
    "dims": P.Seq(P.Int(low=2), min_len=3), "scatter_pairs": P.Int(low=1),
    "theta0_values": P.Seq(P.Float(low=0, high=1, open_low=True, open_high=True)),
    "selection_pool": P.Int(low=1), "power_shift": P.Float(low=-0.25, high=0.75, open_low=True, open_high=True),
    "allow_long": P.Bool(),
}

CONSTRAINTS = [
    ("selection_pool > n_bits", lambda p: p["selection_pool"] > p["n_bits"]),
    ("power_shift != 0", lambda p: p["power_shift"] != 0),
]
MAX_SECONDS = 900


def cost_seconds(p: dict) -> float:
    """Estimated run time in seconds on the reference 2-core machine."""
    return (2 + 2e-8 * p["trials"] * (p["n_bits"] * sum(p["dims"]) * len(p["theta0_values"])
            + p["selection_pool"] * p["dims"][-1]))


def check(namespace: dict) -> None:
    """Raise :class:`lib.params.ParameterError` for an unknown, missing, ill-typed or out-of-range
    parameter of this chapter, a broken constraint, or a long run without ``allow_long``. Returns
    nothing, so a notebook cell that ends with the call displays nothing."""
    P.check(namespace, SPEC, constraints=CONSTRAINTS, cost_seconds=cost_seconds, max_seconds=MAX_SECONDS)
