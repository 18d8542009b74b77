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

from dataclasses import dataclass

import numpy as np
from scipy import special

from lib import convergence, maxlikelihood
from lib._validate import check_generator, check_int, check_positive, check_probability


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


# ---------------------------------------------------------------- chapter 5: the notebook's pipelines
def embed_sample(sample, c: float, depth: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Eq. 28 embedding of a trajectory sample up to layer ``depth`` (chapter 5, Fig. 4 a-e).

    ``sample``: :func:`lib.maxlikelihood.sample` with ``trajectory=True`` and several test vectors.
    Returns the embedded training trajectory (depth + 1, k + 1), the embedded test trajectories
    (depth + 1, N, k + 1), and which test samples end *anti-aligned* with the training vector at the
    sample's last layer (Eq. 22 loss below 0.5), shape (N,).
    """
    c = _check_c(c)
    last = sample.units.shape[0] - 1
    depth = last if depth is None else check_int("depth", depth, low=0, high=last)
    train = embed(sample.train_units[: depth + 1], sample.train_log_norms[: depth + 1], c)
    tests = embed(sample.units[: depth + 1], sample.log_norms[: depth + 1], c)
    anti = convergence.eq22_loss(sample.train_units[-1], sample.units[-1]) < 0.5
    return train, tests, anti


def angles_to_training(sample) -> np.ndarray:
    """Angle in degrees between each test output and the training output at every layer,
    shape (L + 1, N) (chapter 5: it goes to 0 or 180 degrees, the collapse of chapter 4)."""
    cos = np.sum(sample.units * sample.train_units[:, None, :], axis=-1)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def one_minus_speed_ratio(temporal) -> np.ndarray:
    """``1 - v/c`` from the normalised temporal component ``tau = d'/d`` (Eq. 26,
    ``tau = sqrt(1 - v^2/c^2)``), computed without cancellation as ``tau^2 / (1 + sqrt(1 - tau^2))``
    (chapter 5's Pythagoras figure)."""
    tau = check_probability("temporal", temporal)
    return tau**2 / (1 + np.sqrt(1 - tau**2))


@dataclass(frozen=True)
class Fig4f:
    """Fig. 4f's measurement and prediction (chapter 5), from :func:`fig4f`.

    Attributes
    ----------
    c_values : tuple of float
    layers_needed : dict
        ``c -> numpy.ndarray (models,)``: :func:`layers_to_entangle` per model (``inf``: never).
    angular_layer : float
        Median first layer at which ``level`` of the test samples' plain Eq. 22 loss has collapsed.
    predicted : dict
        ``c -> int or None``: :func:`predicted_layers_to_entangle` (``None``: never by ``max_layer``).
    """

    c_values: tuple
    layers_needed: dict
    angular_layer: float
    predicted: dict

    def table(self) -> list[str]:
        """The printed table: median layers to entangle with the 10-90 % range of models, the
        prediction and the angular collapse alone, one line per ``c`` after a header."""
        fl = convergence.format_layer
        lines = ["       c   median layers to entangle (10%-90% of models)   prediction   angular collapse only"]
        for c in self.c_values:
            with np.errstate(invalid="ignore"):  # inf - inf when models never entangle: 'never'
                lo, med, hi = np.percentile(self.layers_needed[c], [10, 50, 90])
            lines.append(f"{c:8g}   {fl(med, '10.1f')} ({fl(lo, '.0f')}-{fl(hi, '.0f')}){'':26s} "
                         f"{fl(self.predicted[c], '9.0f')}   {fl(self.angular_layer, '10.1f')}")
        return lines


def fig4f(samples, c_values, lyapunov_top: float, *, tolerance: float = 0.01, level: float = 0.9,
          max_layer: int = 60) -> Fig4f:
    """Chapter 5's Fig. 4f pipeline: for every ``c``, the layers each model needs until ``level``
    of its anti-aligned group is entangled (augmented Eq. 30 loss below ``tolerance``,
    :func:`layers_to_entangle`), the median layer of the plain angular collapse (Eq. 22,
    :func:`lib.convergence.median_first_layer`) and the Eqs. 25-26 prediction
    (:func:`predicted_layers_to_entangle`). ``samples``: :func:`lib.convergence.draw_models`.
    """
    c_values = tuple(_check_c(c) for c in c_values)
    needed = {c: layers_to_entangle(samples, c, tolerance=tolerance, level=level) for c in c_values}
    angular = convergence.curves_from_samples(samples, tolerance).fractions
    angular_layer = convergence.median_first_layer(angular, level)
    predicted = {c: predicted_layers_to_entangle(c, lyapunov_top, angular_layer, tolerance=tolerance,
                                                 max_layer=max_layer) for c in c_values}
    return Fig4f(c_values, needed, angular_layer, predicted)


@dataclass(frozen=True)
class Controls:
    """Chapter 5's three controls of the spacetime reading, from :func:`controls`.

    Attributes
    ----------
    c_pair : tuple of float
        The two ``c`` whose spatial-part collapse curves are compared.
    angular_difference : float
        Largest difference between those two curves (:func:`spatial_collapse_curves`).
    temporal_L10 : numpy.ndarray (models,)
        Training temporal component at layer 10, ``c = 1``, of the Fig. 4f models.
    temporal_unscaled, temporal_scaled : numpy.ndarray (models, scaled_L + 1)
        Training temporal component (``c = 1``) measured on the replayed layers, unscaled and with
        every ``G_l`` multiplied by ``weight_scale`` (:func:`scaled_weights_control`).
    loss_change : float
        Largest change of any test sample's Eq. 22 loss under that scaling.
    no_selection_collapsed : float
        Mean collapsed fraction of the test samples at the last layer without selection (``n = k``).
    no_selection_temporal : numpy.ndarray (no_selection_models, L + 1)
        Training temporal component (``c = 1``) of runs without selection.
    """

    c_pair: tuple
    angular_difference: float
    temporal_L10: np.ndarray
    temporal_unscaled: np.ndarray
    temporal_scaled: np.ndarray
    loss_change: float
    no_selection_collapsed: float
    no_selection_temporal: np.ndarray


def controls(samples, k: int, n: int, rng: np.random.Generator, *, c_pair=(0.1, 1e5), models: int = 60,
             tests: int = 200, scaled_L: int = 50, L: int = 60, weight_scale: float = 0.01,
             no_selection_models: int = 1000, sampler: str = "fast", tolerance: float = 0.01) -> Controls:
    """Chapter 5's controls of Eqs. 26-31 (does the collapse need the "length contraction"?).

    1. The Eq. 22 collapse of the *spatial* part of the Eq. 28 embedding of ``samples`` at the two
       ``c`` of ``c_pair`` (:func:`spatial_collapse_curves`), and their largest difference.
    2. ``models`` fresh Algorithm 1 models (``n`` rows, ``scaled_L`` layers, fast sampler) replayed
       with every ``G_l`` times 1 and times ``weight_scale`` on fresh test vectors
       (:func:`scaled_weights_control`): the training temporal component and the largest loss change.
    3. No selection (``n = k``): ``models`` runs of ``tests`` test vectors for the collapsed fraction
       (:func:`lib.convergence.draw_models`, ``sampler``) and ``no_selection_models`` training runs
       for the temporal component, all at depth ``L``.

    Draw order from ``rng`` (kept from the chapter's first version): the models of 2, the runs of 3
    with test vectors, the test vectors of 2 (per model: unscaled, then scaled), the training runs of 3.
    """
    k = check_int("k", k, low=2)
    n = check_int("n", n, low=k)
    rng = check_generator("rng", rng)
    c_pair = tuple(_check_c(c) for c in c_pair)
    models = check_int("models", models, low=1)
    tests = check_int("tests", tests, low=1)
    scaled_L = check_int("scaled_L", scaled_L, low=1)
    L = check_int("L", L, low=1)
    weight_scale = check_positive("weight_scale", weight_scale)
    no_selection_models = check_int("no_selection_models", no_selection_models, low=1)
    if any(len(getattr(s, "train_log_norms", ())) <= 10 for s in samples):
        raise ValueError("samples must be trajectory samples (lib.maxlikelihood.sample, trajectory=True) "
                         "at least 10 layers deep: the temporal component is read at L = 10")
    spatial = [spatial_collapse_curves(samples, c, tolerance=tolerance) for c in c_pair]
    angular_difference = float(np.max(np.abs(spatial[0] - spatial[-1])))
    temporal_L10 = np.array([temporal_component(s.train_log_norms[10], 10, 1.0) for s in samples])
    scaled_models = [maxlikelihood.fit(rng.standard_normal(k), n, scaled_L, rng, sampler="fast")
                     for _ in range(models)]
    no_selection = convergence.draw_models(k, k, L, models, tests, rng, sampler=sampler)
    collapsed = convergence.curves_from_samples(no_selection, tolerance).fractions[:, -1].mean()
    replayed = [scaled_weights_control(m, rng.standard_normal((tests, k)), 1.0, s)
                for m in scaled_models for s in (1.0, weight_scale)]
    unscaled, scaled = (np.array([t for t, _ in replayed[i::2]]) for i in (0, 1))
    loss_change = max(d for _, d in replayed[1::2])
    logs = np.array([maxlikelihood.fit(rng.standard_normal(k), k, L, rng, sampler="fast").train_log_norms
                     for _ in range(no_selection_models)])
    no_selection_temporal = temporal_component(logs, np.arange(L + 1), 1.0)
    return Controls(c_pair, angular_difference, temporal_L10, unscaled, scaled, loss_change,
                    float(collapsed), no_selection_temporal)
