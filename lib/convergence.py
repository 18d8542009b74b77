"""The convergence test of Lai, Dong & Jin (Sec. 3, Eq. 22, Fig. 2) and its prediction.

Each test sample ``w'`` gets the loss of Eq. 22 against the training output ``w_L``:
``loss = 1 - arccos(w_hat_L . w_hat'_L) / pi`` -- 0 when anti-aligned, 1 when aligned.
A sample has *collapsed* when its loss is within ``tolerance`` of 0 or 1, i.e. its
angle to the line ``+-w_L`` is below ``pi * tolerance``.

Exact reduction (Chapter 4). Write a test vector at layer ``l`` as ``alpha w_hat + x_perp``
and ``r = ||x_perp|| / alpha`` (signed by ``alpha``). One layer maps

``r' = c r / (||a_sel|| + g r)``,  with ``c^2 ~ chi2(k-1)``, ``g ~ N(0, 1)``,

all independent of each other and of ``||a_sel||^2 ~ S_{k,n}``. Collapse is
``|r| < tan(pi * tolerance)``; ``sign(r)`` is the side (``+``: loss 1, ``-``: loss 0).
Once ``|r|`` is small, ``log|r|`` drifts down by the Lyapunov gap per layer with
per-layer variance ``Var(log ||a_sel||) + Var(log c)``, which gives
:func:`predicted_collapse_fraction`. :func:`simulate_ratio_chain` runs the exact chain.

Examples
--------
>>> import numpy as np
>>> from lib import convergence
>>> convergence.eq22_loss(np.array([1.0, 0.0]), np.array([[-1.0, 0.0], [0.0, 1.0]])).tolist()
[0.0, 0.5]
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from lib import lyapunov
from lib._validate import check_generator, check_int, check_probability


def eq22_loss(train_unit: np.ndarray, test_units: np.ndarray) -> np.ndarray:
    """Per-sample loss of Eq. 22, ``1 - arccos(cos) / pi``, for unit vectors (last axis)."""
    cos = np.clip(np.sum(np.asarray(test_units) * np.asarray(train_unit), axis=-1), -1.0, 1.0)
    return 1.0 - np.arccos(cos) / np.pi


def is_collapsed(loss: np.ndarray, tolerance: float = 0.01) -> np.ndarray:
    """Whether each loss lies within ``tolerance`` of 0 or of 1."""
    tolerance = float(check_probability("tolerance", tolerance, open_low=True))
    loss = np.asarray(loss)
    return (loss < tolerance) | (loss > 1.0 - tolerance)


def first_layer_reaching(fractions: np.ndarray, level: float, layers: np.ndarray | None = None) -> np.ndarray:
    """First layer at which ``fractions`` (last axis = layers) reaches ``level``; ``nan`` if never.

    Examples
    --------
    >>> first_layer_reaching(np.array([0.1, 0.5, 0.99, 1.0]), 0.99).item()
    2.0
    """
    fractions = np.asarray(fractions, dtype=float)
    layers = np.arange(fractions.shape[-1]) if layers is None else np.asarray(layers)
    reached = fractions >= level
    first = np.where(reached.any(axis=-1), layers[np.argmax(reached, axis=-1)], np.nan)
    return np.asarray(first, dtype=float)


def initial_ratio(rng: np.random.Generator, k: int, size: int) -> np.ndarray:
    """``r_0`` for Gaussian test inputs: ``sqrt(chi2(k-1)) / N(0, 1)`` (any fixed training vector)."""
    rng = check_generator("rng", rng)
    k = check_int("k", k, low=2)
    return np.sqrt(rng.chisquare(k - 1, size)) / rng.standard_normal(size)


def simulate_ratio_chain(rng: np.random.Generator, k: int, n: int, L: int, size: int,
                         r0: np.ndarray | None = None) -> np.ndarray:
    """Exact samples of the signed ratio ``r_l``, ``l = 0 .. L``, for ``size`` independent models.

    Returns an array of shape ``(L + 1, size)``.
    """
    rng = check_generator("rng", rng)
    k = check_int("k", k, low=2)
    n = check_int("n", n, low=k)
    L = check_int("L", L, low=1)
    size = check_int("size", size, low=1)
    r = initial_ratio(rng, k, size) if r0 is None else np.asarray(r0, dtype=float).copy()
    out = np.empty((L + 1, r.size))
    out[0] = r
    for layer in range(1, L + 1):
        a_norm = np.sqrt(lyapunov.sample_top_sums(rng, k, n, r.size))
        c = np.sqrt(rng.chisquare(k - 1, r.size))
        g = rng.standard_normal(r.size)
        r = c * r / (a_norm + g * r)
        out[layer] = r
    return out


def chain_collapse_fraction(ratios: np.ndarray, tolerance: float = 0.01) -> np.ndarray:
    """Fraction of collapsed samples per layer from :func:`simulate_ratio_chain` output."""
    return np.mean(np.abs(ratios) < np.tan(np.pi * tolerance), axis=-1)


def predicted_collapse_fraction(layers, k: int, n: int, rng: np.random.Generator, *,
                                tolerance: float = 0.01, samples: int = 20_000) -> np.ndarray:
    """Lyapunov-gap prediction of the collapsed fraction after each number of layers.

    ``log|r_L| ~ log|r_0| - gap L + sigma sqrt(L) Z`` with ``r_0`` from Gaussian inputs,
    ``gap = lambda_1 - lambda_2`` and ``sigma^2 = Var(log ||a_sel||) + psi'((k-1)/2) / 4``.
    It ignores the early layers in which ``|r|`` is large (where the ``g r`` term matters).
    """
    rng = check_generator("rng", rng)
    layers = np.asarray(layers, dtype=float)
    top_log = 0.5 * np.log(lyapunov.sample_top_sums(rng, k, n, samples))
    drift = top_log.mean() - lyapunov.second_exponent(k)
    sigma = np.sqrt(top_log.var(ddof=1) + 0.25 * special.polygamma(1, (k - 1) / 2))
    log_r0 = np.log(np.abs(initial_ratio(rng, k, samples)))
    threshold = np.log(np.tan(np.pi * tolerance))
    z = (threshold - log_r0[None, :] + drift * layers[:, None]) / (sigma * np.sqrt(np.maximum(layers, 1e-12))[:, None])
    return stats.norm.cdf(z).mean(axis=1)


def predicted_layers_for_fraction(level: float, k: int, n: int, rng: np.random.Generator, *,
                                  tolerance: float = 0.01, max_layers: int = 10_000) -> float:
    """Smallest whole ``L`` whose predicted collapsed fraction reaches ``level``."""
    level = float(check_probability("level", level, open_low=True, open_high=True))
    layers = np.arange(1, max_layers + 1)
    fractions = predicted_collapse_fraction(layers, k, n, rng, tolerance=tolerance, samples=4000)
    return float(first_layer_reaching(fractions, level, layers))
