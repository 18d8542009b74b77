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

from lib import convergence
from lib._validate import check_int, check_positive, check_probability


def _check_c(c: float) -> float:
    return check_positive("c", c)


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
    weight_scale = check_positive("weight_scale", weight_scale)
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


# ---------------------------------------------------------------- Fig. 4f and its controls (chapter 5)
def layers_to_entangle(samples, c: float, *, tolerance: float = 0.01, level: float = 0.9) -> np.ndarray:
    """Per model, the first layer at which a share ``level`` of the anti-aligned group is
    entangled (:func:`entangled_fraction` below ``tolerance``) -- Fig. 4f's measurement.

    ``samples``: trajectory samples (:func:`lib.convergence.draw_models`). Returns shape
    (models,), ``inf`` for a model that never gets there within its layers.
    """
    c = _check_c(c)
    tolerance = float(check_probability("tolerance", tolerance, open_low=True))
    level = float(check_probability("level", level, open_low=True))
    fractions = np.array([entangled_fraction(s.train_units, s.train_log_norms, s.units, s.log_norms, c,
                                             tolerance=tolerance) for s in samples])
    first = convergence.first_layer_reaching(fractions, level)
    return np.where(np.isnan(first), np.inf, first)


def predicted_layers_to_entangle(c: float, lyapunov_top: float, angular_layer: float, *, tolerance: float = 0.01,
                                 max_layer: int = 60, log_norm0: float = 0.0) -> int | None:
    """Chapter 5's prediction of Fig. 4f from Eqs. 25-26: the first layer at which both the
    plain angle has collapsed (``angular_layer``, measured) and the temporal leg has contracted.

    With ``log ||w_l|| ~ log ||w_0|| + lambda_1 l`` (Chapter 3), :func:`speed_ratio` gives ``v/c``
    and Eq. 26 the temporal leg ``d'/d = sqrt(1 - v^2/c^2)`` (``= 1 / dilation_factor``, Eq. 25).
    Two vectors on opposite sides of the line, each at temporal leg ``d'/d``, have augmented
    (Eq. 30) loss ``2 arcsin(d'/d) / pi``; the group is entangled once that is below ``tolerance``.
    Returns ``None`` if that never happens by ``max_layer``.
    """
    c = _check_c(c)
    tolerance = float(check_probability("tolerance", tolerance, open_low=True))
    max_layer = check_int("max_layer", max_layer, low=1)
    layers = np.arange(1, max_layer + 1)
    beta = speed_ratio(log_norm0 + float(lyapunov_top) * layers, layers, c)
    temporal_leg = np.sqrt(np.clip(1.0 - beta**2, 0.0, 1.0))            # Eq. 26: d'/d
    contracted = convergence.first_crossing(-2.0 * np.arcsin(temporal_leg) / np.pi, -tolerance, layers)
    if contracted is None or not np.isfinite(angular_layer):
        return None
    return int(max(angular_layer, contracted))


def spatial_collapse_curves(samples, c: float, *, tolerance: float = 0.01) -> np.ndarray:
    """Collapsed fraction per layer (models, L + 1) of the Eq. 22 loss computed on the *spatial*
    part of the Eq. 28 embedding at this ``c`` (chapter 5 control: c enters through the
    embedding; if entanglement needed the temporal contraction, this would move with c)."""
    c = _check_c(c)
    tolerance = float(check_probability("tolerance", tolerance, open_low=True))
    out = []
    for s in samples:
        train = embed(s.train_units, s.train_log_norms, c)[:, None, 1:]
        test = embed(s.units, s.log_norms, c)[..., 1:]
        cos = np.sum(train * test, axis=-1) / (np.linalg.norm(train, axis=-1) * np.linalg.norm(test, axis=-1))
        loss = 1.0 - np.arccos(np.clip(cos, -1.0, 1.0)) / np.pi
        out.append(convergence.is_collapsed(loss, tolerance).mean(axis=1))
    return np.array(out)


def measured_temporal_component(raw_outputs, c: float) -> np.ndarray:
    """Eq. 28's normalised temporal component ``c l / ||[c l; w_l]||`` computed from raw layer
    outputs (shape (L + 1, ..., k), e.g. :meth:`lib.maxlikelihood.Model.scaled_trajectories`),
    not from a formula for their norm (chapter 5 control)."""
    c = _check_c(c)
    raw = np.asarray(raw_outputs, dtype=float)
    clock = c * np.arange(raw.shape[0]).reshape((-1,) + (1,) * (raw.ndim - 2))
    norms = np.linalg.norm(raw, axis=-1)
    return clock / np.hypot(clock, norms)


def scaled_weights_control(model, tests, c: float, weight_scale: float) -> tuple[np.ndarray, float]:
    """Chapter 5's control of Eqs. 26-28: every ``G_l`` of ``model`` multiplied by ``weight_scale``.

    Replays the model's layers on its training vector and on ``tests`` with the scaled weights
    (:meth:`lib.maxlikelihood.Model.scaled_trajectories`, raw outputs, no formula for the norm)
    and returns the training vector's measured temporal component per layer, shape (L + 1,),
    and the largest change of any test sample's Eq. 22 loss against the unscaled model.
    """
    c = _check_c(c)
    weight_scale = check_positive("weight_scale", weight_scale)
    w0 = model.train_units[0] * np.exp(model.train_log_norms[0])
    raw = model.scaled_trajectories(np.vstack([w0, np.asarray(tests, dtype=float)]), weight_scale)
    units = raw / np.linalg.norm(raw, axis=-1, keepdims=True)
    scaled_loss = convergence.eq22_loss(units[:, :1], units[:, 1:])
    plain_units, _ = model.forward_log(tests, trajectory=True)
    plain_loss = convergence.eq22_loss(model.train_units[:, None, :], plain_units)
    return measured_temporal_component(raw[:, 0], c), float(np.max(np.abs(scaled_loss - plain_loss)))
