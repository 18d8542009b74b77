"""The spacetime reading of Lai, Dong & Jin, Sec. 4 (Eqs. 25-33, Figs. 3-4).

Each layer output ``w_l`` is embedded as ``[c l; w_l]`` and normalised (Eq. 28). With
``d' = c t' = c l`` (temporal leg), ``d_h = v t = ||w_l||`` (spatial leg) and ``d = c t`` the
hypotenuse, Pythagoras gives ``t = t' / sqrt(1 - v^2/c^2)`` (Eq. 25, "time dilation") and
``d' = d sqrt(1 - v^2/c^2)`` (Eq. 26, "length contraction"). The normalised temporal
component is exactly ``d'/d = c l / sqrt((c l)^2 + ||w_l||^2)``: a monotone function of the
training vector's norm measured against a linear clock, nothing more.

Everything here works from log-norms, so depth never overflows: the temporal component is
``sqrt(expit(-2 u))`` with ``u = log||w_l|| - log(c l)``.

Examples
--------
>>> import numpy as np
>>> from lib import spacetime
>>> float(spacetime.temporal_component(np.log(3.0), layer=4, c=1.0))  # 4 / sqrt(16 + 9)
0.8
"""

from __future__ import annotations

import numpy as np
from scipy import special

from lib._validate import check_probability


def _check_c(c: float) -> float:
    c = float(c)
    if not np.isfinite(c) or c <= 0:
        raise ValueError(f"c must be a finite number > 0; got {c}")
    return c


def temporal_component(log_norm, layer, c: float, weight_scale: float = 1.0) -> np.ndarray:
    """Normalised temporal component ``c l / sqrt((c l)^2 + ||w_l||^2)`` of Eq. 28.

    Parameters
    ----------
    log_norm : array_like
        ``log ||w_l||`` (natural log), broadcast against ``layer``.
    layer : array_like of int
        Layer index ``l >= 0`` (the temporal coordinate is ``c l``; at ``l = 0`` it is 0).
    c : float
        The "speed of light", ``c > 0``.
    weight_scale : float
        Multiply every layer's weights by this (``> 0``): ``log ||w_l||`` gains ``l log(scale)``.
    """
    c = _check_c(c)
    if not weight_scale > 0:
        raise ValueError(f"weight_scale must be > 0; got {weight_scale}")
    layer = np.asarray(layer, dtype=float)
    log_norm = np.asarray(log_norm, dtype=float) + layer * np.log(weight_scale)
    with np.errstate(divide="ignore"):
        u = log_norm - np.log(c * layer)
    return np.sqrt(special.expit(-2.0 * u))


def embed(units, log_norms, c: float, weight_scale: float = 1.0) -> np.ndarray:
    """Normalised spacetime vectors ``[c l; w_l] / ||[c l; w_l]||`` for a trajectory.

    Parameters
    ----------
    units : array_like, shape (L + 1, ..., k)
        Directions ``w_l / ||w_l||`` per layer (e.g. from ``Model.forward_log(X, trajectory=True)``).
    log_norms : array_like, shape (L + 1, ...)
        ``log ||w_l||`` per layer.

    Returns
    -------
    numpy.ndarray, shape (L + 1, ..., k + 1); component 0 is the temporal one.
    """
    units = np.asarray(units, dtype=float)
    log_norms = np.asarray(log_norms, dtype=float)
    layers = np.arange(units.shape[0]).reshape((-1,) + (1,) * (log_norms.ndim - 1))
    temporal = temporal_component(log_norms, layers, c, weight_scale)
    spatial = np.sqrt(np.clip(1.0 - temporal**2, 0.0, 1.0))
    return np.concatenate([temporal[..., None], spatial[..., None] * units], axis=-1)


def augmented_loss(train_embedded: np.ndarray, test_embedded: np.ndarray) -> np.ndarray:
    """Eq. 30's loss on embedded vectors: ``1 - arccos(e . e') / pi`` (last axis)."""
    cos = np.clip(np.sum(train_embedded * test_embedded, axis=-1), -1.0, 1.0)
    return 1.0 - np.arccos(cos) / np.pi


def entangled_fraction(train_units, train_log_norms, units, log_norms, c: float, *,
                       tolerance: float = 0.01, weight_scale: float = 1.0) -> np.ndarray:
    """Per layer, the fraction of the *anti-aligned* test group whose augmented loss is below
    ``tolerance`` (Fig. 4f's criterion).

    The group is the test samples whose plain Eq. 22 loss at the last layer is below 0.5.
    Shapes: ``train_units`` (L + 1, k), ``train_log_norms`` (L + 1,), ``units`` (L + 1, N, k),
    ``log_norms`` (L + 1, N). Returns shape (L + 1,); all-NaN if the group is empty.
    """
    train_units = np.asarray(train_units, dtype=float)
    units = np.asarray(units, dtype=float)
    anti = np.sum(units[-1] * train_units[-1], axis=-1) < 0
    if not anti.any():
        return np.full(units.shape[0], np.nan)
    train = embed(train_units, train_log_norms, c, weight_scale)[:, None, :]
    test = embed(units[:, anti], np.asarray(log_norms)[:, anti], c, weight_scale)
    return np.mean(augmented_loss(train, test) < tolerance, axis=1)


def dilation_factor(speed_ratio) -> np.ndarray:
    """Eq. 25: ``t / t' = 1 / sqrt(1 - (v/c)^2)`` for ``0 <= v/c < 1``."""
    beta = check_probability("speed_ratio", speed_ratio, open_high=True)
    return 1.0 / np.sqrt(1.0 - beta**2)


def speed_ratio(log_norm, layer, c: float) -> np.ndarray:
    """``v / c = ||w_l|| / sqrt((c l)^2 + ||w_l||^2)``, the spatial leg over the hypotenuse."""
    return np.sqrt(np.clip(1.0 - temporal_component(log_norm, layer, c) ** 2, 0.0, 1.0))


def predicted_temporal_component(layers, c: float, lyapunov_top: float, log_norm0: float = 0.0) -> np.ndarray:
    """Temporal component predicted from growth at the top Lyapunov exponent:
    ``log ||w_l|| ~ log ||w_0|| + lambda_1 l``."""
    layers = np.asarray(layers, dtype=float)
    return temporal_component(log_norm0 + lyapunov_top * layers, layers, c)


def plot_trajectory_3d(ax, embedded: np.ndarray, *, color: str = "C0", label: str | None = None,
                       lw: float = 1.5, alpha: float = 1.0):
    """Draw one embedded trajectory (shape (L + 1, 3), k = 2) on a 3-D axis: x, y, and c t' up."""
    ax.plot(embedded[:, 1], embedded[:, 2], embedded[:, 0], "-", color=color, lw=lw, alpha=alpha, label=label)
    ax.plot(embedded[-1:, 1], embedded[-1:, 2], embedded[-1:, 0], "o", color=color, ms=4, alpha=alpha)
    ax.set_xlabel("x / ‖·‖")
    ax.set_ylabel("y / ‖·‖")
    ax.set_zlabel("c t' / ‖·‖")
    return ax
