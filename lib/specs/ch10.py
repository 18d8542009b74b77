"""Parameters of chapter 10, *Zhang & Meng on MNIST with the paper's network* (``book/10_mnist.ipynb``).

Types and ranges of every knob of the chapter's ``parameters`` cell, the constraints that tie
knobs together, and the estimated run time that ``allow_long`` must acknowledge above
``MAX_SECONDS``. The chapter calls :func:`check` in the cell after its parameters.
"""

from __future__ import annotations

from lib import cnn
from lib import params as P

SPEC = {
    "seed": P.Int(low=0), "max_train": P.Int(low=100, high=60000),
    "max_test": P.Int(low=10, high=10000), "epochs": P.Int(low=3),
    "learning_rate": P.Float(low=0, open_low=True), "batch_size": P.Int(low=1),
    "dtype": P.Choice(("float64", "float32")), "pgd_eps": P.Float(low=0, high=1, open_low=True),
    "pgd_step": P.Float(low=0, open_low=True), "pgd_steps": P.Int(low=1), "n_attack": P.Int(low=1),
    "target_class": P.Int(low=0, high=9), "n_pixels": P.Int(low=2, high=784),
    "n_features": P.Int(low=2, high=2304), "slice_points": P.Int(low=5), "mc_samples": P.Int(low=2),
    "head_epochs": P.Int(low=1), "logit_scale": P.Float(low=0, open_low=True),
    "untrained_weight_scale": P.Float(low=0, open_low=True), "learning_tolerance": P.Float(low=0, high=1),
    "fig1_epochs": P.Seq(P.Int(low=1), min_len=2, increasing=True), "fig1_points": P.Int(low=20, high=10000),
    "fig1_eps": P.Float(low=0, high=1, open_low=True), "fig1_step": P.Float(low=0, open_low=True),
    "fig1_neighbours": P.Int(low=1), "allow_long": P.Bool(),
}

CONSTRAINTS = [
    ("n_attack <= max_test", lambda p: p["n_attack"] <= p["max_test"]),
    ("max(fig1_epochs) <= epochs", lambda p: max(p["fig1_epochs"]) <= p["epochs"]),
    ("fig1_points <= max_test", lambda p: p["fig1_points"] <= p["max_test"]),
    ("fig1_neighbours < fig1_points", lambda p: p["fig1_neighbours"] < p["fig1_points"]),
]
MAX_SECONDS = 1800


cost_seconds = cnn.estimate_seconds


def check(namespace: dict) -> None:
    """Raise :class:`lib.params.ParameterError` for an unknown, missing, ill-typed or out-of-range
    parameter of this chapter, a broken constraint, or a long run without ``allow_long``. Returns
    nothing, so a notebook cell that ends with the call displays nothing."""
    P.check(namespace, SPEC, constraints=CONSTRAINTS, cost_seconds=cost_seconds, max_seconds=MAX_SECONDS)
