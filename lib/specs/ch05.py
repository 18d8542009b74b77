"""Parameters of chapter 5, *The spacetime reading (Sec. 4, Eqs. 25-33, Figs. 3-4)* (``book/05_spacetime.ipynb``).

Types and ranges of every knob of the chapter's ``parameters`` cell, the constraints that tie
knobs together, and the estimated run time that ``allow_long`` must acknowledge above
``MAX_SECONDS``. The chapter calls :func:`check` in the cell after its parameters.
"""

from __future__ import annotations

from lib import params as P

SPEC = {
    "seed": P.Int(low=0), "k": P.Int(low=2), "n": P.Int(low=2), "fig4_L": P.Seq(P.Int(low=1)),
    "fig4_tests": P.Int(low=1), "fig4_sampler": P.Choice(("faithful", "fast", "joint")),
    "c_demo": P.Float(low=0, open_low=True), "c_values": P.Seq(P.Float(low=0, open_low=True), min_len=2,
                                                               contains=(1.0, 10.0, 100.0, 1000.0)),
    "c_models": P.Int(low=1), "c_tests": P.Int(low=1), "c_sampler": P.Choice(("faithful", "fast", "joint")),
    "L_max": P.Int(low=10), "entangled_fraction": P.Float(0, 1, True), "tolerance": P.Float(0, 0.5, True, True),
    "weight_scale": P.Float(low=0, open_low=True), "scaled_L": P.Int(low=1), "no_selection_models": P.Int(low=1),
    "allow_long": P.Bool(),
}

CONSTRAINTS = [
    ("n >= k", lambda p: p["n"] >= p["k"]),
    ("L_max >= max(fig4_L)", lambda p: p["L_max"] >= max(p["fig4_L"])),
]
MAX_SECONDS = 600


def cost_seconds(p: dict) -> float:
    """Estimated run time in seconds on the reference 2-core machine."""
    return (4e-6 * p["L_max"] * (p["c_models"] * (p["c_tests"] + 50) * len(p["c_values"]) / 10
            + 50 * p["no_selection_models"]) * p["k"] ** 2)


def check(namespace: dict) -> None:
    """Raise :class:`lib.params.ParameterError` for an unknown, missing, ill-typed or out-of-range
    parameter of this chapter, a broken constraint, or a long run without ``allow_long``. Returns
    nothing, so a notebook cell that ends with the call displays nothing."""
    P.check(namespace, SPEC, constraints=CONSTRAINTS, cost_seconds=cost_seconds, max_seconds=MAX_SECONDS)
