"""Parameters of chapter 9, *The uncertainty principle of neural networks (Zhang & Meng)* (``book/09_uncertainty.ipynb``).

Types and ranges of every knob of the chapter's ``parameters`` cell, the constraints that tie
knobs together, and the estimated run time that ``allow_long`` must acknowledge above
``MAX_SECONDS``. The chapter calls :func:`check` in the cell after its parameters.
"""

from __future__ import annotations

from lib import classifier
from lib import params as P

SPEC = {
    "seed": P.Int(low=0), "dataset": P.Choice(("digits", "mnist")),
    "mnist_max_train": P.Int(low=10), "mnist_max_test": P.Int(low=10), "hidden": P.Int(low=1),
    "epochs": P.Int(low=10), "learning_rate": P.Float(low=0, open_low=True), "batch_size": P.Int(low=1),
    "pgd_eps": P.Float(low=0, high=1, open_low=True), "pgd_step": P.Float(low=0, open_low=True),
    "pgd_steps": P.Int(low=1), "pgd_eps_fig1": P.Float(low=0, high=1, open_low=True),
    "pgd_step_fig1": P.Float(low=0, open_low=True), "target_class": P.Int(low=0, high=9),
    "slice_points": P.Int(low=5), "learning_tolerance": P.Float(low=0, high=1),
    "line_half_width": P.Float(low=10), "line_points": P.Int(low=101),
    "mc_samples": P.Seq(P.Int(low=2)), "mc_replicates": P.Int(low=1),
    "logit_scale": P.Float(low=0, open_low=True),
    "weight_scales": P.Seq(P.Float(low=0, open_low=True), min_len=2, increasing=True),
    "allow_long": P.Bool(),
}

CONSTRAINTS: list = []
MAX_SECONDS = 900


cost_seconds = classifier.estimate_seconds


def check(namespace: dict) -> None:
    """Raise :class:`lib.params.ParameterError` for an unknown, missing, ill-typed or out-of-range
    parameter of this chapter, a broken constraint, or a long run without ``allow_long``. Returns
    nothing, so a notebook cell that ends with the call displays nothing."""
    P.check(namespace, SPEC, constraints=CONSTRAINTS, cost_seconds=cost_seconds, max_seconds=MAX_SECONDS)
