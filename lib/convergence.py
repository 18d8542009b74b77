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
In ``s = 1/r`` the map is affine, ``s' = (||a_sel|| / c) s + g / c``: ``log|s|`` grows by
the Lyapunov gap per layer once the added noise ``g / c`` has settled, which gives
:func:`predicted_collapse_fraction`. :func:`simulate_ratio_chain` runs the exact chain.

Examples
--------
>>> import numpy as np
>>> from lib import convergence
>>> convergence.eq22_loss(np.array([1.0, 0.0]), np.array([[-1.0, 0.0], [0.0, 1.0]])).tolist()
[0.0, 0.5]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from lib import lyapunov, maxlikelihood
from lib._validate import check_array, check_choice, check_generator, check_int, check_probability, check_vector


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
                         r0: np.ndarray | None = None, models: int | None = None) -> np.ndarray:
    """Exact samples of the signed ratio ``r_l``, ``l = 0 .. L``.

    Without ``models``: ``size`` test samples, each under its own independent model; returns
    shape ``(L + 1, size)``. With ``models`` (only for ``k = 2``): ``models`` models with
    ``size`` test samples each, shape ``(L + 1, models, size)``. In two dimensions every test
    vector's orthogonal part lies on the same line, so all samples of one model share the
    layer's ``(||a_sel||, c, g)``; that is what makes per-model statistics predictable.
    """
    rng = check_generator("rng", rng)
    k = check_int("k", k, low=2)
    n = check_int("n", n, low=k)
    L = check_int("L", L, low=1)
    size = check_int("size", size, low=1)
    if models is not None:
        models = check_int("models", models, low=1)
        if k != 2:
            raise ValueError("models (shared draws per model) is exact only for k = 2")
    shape = (size,) if models is None else (models, size)
    draw_shape = (size,) if models is None else (models, 1)
    r = initial_ratio(rng, k, int(np.prod(shape))).reshape(shape) if r0 is None else np.asarray(r0, float).copy()
    out = np.empty((L + 1, *r.shape))
    out[0] = r
    for layer in range(1, L + 1):
        count = int(np.prod(draw_shape))
        a_norm = np.sqrt(lyapunov.sample_top_sums(rng, k, n, count)).reshape(draw_shape)
        c = np.sqrt(rng.chisquare(k - 1, count)).reshape(draw_shape)
        g = rng.standard_normal(count).reshape(draw_shape)
        r = c * r / (a_norm + g * r)
        out[layer] = r
    return out


def chain_collapse_fraction(ratios: np.ndarray, tolerance: float = 0.01) -> np.ndarray:
    """Fraction of collapsed samples per layer from :func:`simulate_ratio_chain` output."""
    return np.mean(np.abs(ratios) < np.tan(np.pi * tolerance), axis=-1)


def _cotangent_model(layers, k: int, n: int, rng: np.random.Generator, samples: int, s0=None):
    """Pieces of the Lyapunov-gap model of ``log|s_L|`` (see :func:`predicted_collapse_fraction`).

    Returns ``(log_s_eff, drift, sigma)``: samples of ``log|s_0 + sum_j (g_j / c_j) e^{-gap j}|``
    at each requested layer (shape (samples, len(layers))), the gap and the per-layer spread.
    ``s0`` fixes the starting cotangent (e.g. two given images); by default it is that of a
    Gaussian test input.
    """
    rng = check_generator("rng", rng)
    layers = np.asarray(layers, dtype=int)
    top_log = 0.5 * np.log(lyapunov.sample_top_sums(rng, k, n, samples))
    drift = top_log.mean() - lyapunov.second_exponent(k)
    sigma = np.sqrt(top_log.var(ddof=1) + 0.25 * special.polygamma(1, (k - 1) / 2))
    start = 1.0 / initial_ratio(rng, k, samples) if s0 is None else np.full(samples, float(s0))
    depth = int(layers.max(initial=0))
    kicks = rng.standard_normal((samples, depth)) / np.sqrt(rng.chisquare(k - 1, (samples, depth)))
    kicks *= np.exp(-drift * np.arange(1, depth + 1))
    s_eff = start[:, None] + np.concatenate([np.zeros((samples, 1)), np.cumsum(kicks, axis=1)], axis=1)
    return np.log(np.abs(s_eff[:, layers])), drift, sigma


def predicted_collapse_fraction(layers, k: int, n: int, rng: np.random.Generator, *,
                                tolerance: float = 0.01, samples: int = 20_000, s0=None) -> np.ndarray:
    """Lyapunov-gap prediction of the collapsed fraction after each number of layers.

    In ``s = 1 / r = cot(angle)`` one layer is affine: ``s' = rho s + g / c`` with
    ``rho = ||a_sel|| / c``. Replacing the product of the ``rho`` by its typical value
    ``exp(gap * L)`` (``gap = lambda_1 - lambda_2``) with log-normal spread
    ``sigma sqrt(L)``, ``sigma^2 = Var(log ||a_sel||) + psi'((k-1)/2) / 4``, gives

    ``log|s_L| ~ gap L + sigma sqrt(L) Z + log|s_0 + sum_j (g_j / c_j) exp(-gap j)|``,

    and a sample has collapsed when ``|s_L| > 1 / tan(pi * tolerance)``. The sum is the
    noise the layers add to the starting cotangent ``s_0`` before the drift takes over.
    """
    layers = np.asarray(layers, dtype=int)
    log_s, drift, sigma = _cotangent_model(layers, k, n, rng, samples, s0)
    threshold = -np.log(np.tan(np.pi * tolerance))
    z = (log_s + drift * layers - threshold) / (sigma * np.sqrt(np.maximum(layers, 1e-12)))
    return stats.norm.cdf(z).mean(axis=0)


def predicted_angle_quantile(layers, k: int, n: int, rng: np.random.Generator, *, quantile: float = 0.5,
                             samples: int = 4000, s0=None) -> np.ndarray:
    """Predicted ``quantile`` of the angle (rad) between a test output and the line ``+-w_L``."""
    layers = np.asarray(layers, dtype=int)
    log_s, drift, sigma = _cotangent_model(layers, k, n, rng, samples, s0)
    log_s = log_s + drift * layers + sigma * np.sqrt(layers) * rng.standard_normal(log_s.shape)
    return np.quantile(np.arctan(np.exp(-log_s)), quantile, axis=0)


# ---------------------------------------------------------------- collapse curves (chapters 4-5)
@dataclass(frozen=True)
class CollapseCurves:
    """Per-model collapse statistics of :func:`collapse_curves` (chapter 4, Eq. 22, Fig. 2).

    Attributes
    ----------
    fractions : numpy.ndarray, shape (models, L + 1)
        Fraction of each model's test samples whose Eq. 22 loss is within ``tolerance`` of 0 or 1.
    side_kept : numpy.ndarray, shape (models,)
        Fraction of test samples whose side of 0.5 at layer ``L`` is their side at layer 0 (Fig. 2e).
    zero_side : numpy.ndarray, shape (models,)
        Among the samples collapsed at layer ``L``, the fraction at loss 0 (NaN if none collapsed).
    zero_side_follows_start : numpy.ndarray, shape (models,)
        Among the samples collapsed at layer ``L``, the fraction whose group (loss 0 or 1) is the
        side of 0.5 they started on (NaN if none collapsed): Eqs. 23-24 decided by the input.
    train_log_norms : numpy.ndarray, shape (models, L + 1)
        ``log ||w_l||`` of each model's training vector.
    """

    fractions: np.ndarray
    side_kept: np.ndarray
    zero_side: np.ndarray
    zero_side_follows_start: np.ndarray
    train_log_norms: np.ndarray

    @property
    def mean(self) -> np.ndarray:
        """Mean collapsed fraction per layer over models."""
        return self.fractions.mean(axis=0)


def draw_models(k: int, n: int, L: int, models: int, tests: int, rng: np.random.Generator, *,
                sampler: str = "fast", selection: str = "max") -> list:
    """``models`` independent runs of Algorithm 1 (chapters 4-5), each on a fresh Gaussian
    training vector with ``tests`` fresh Gaussian test vectors; every layer recorded.

    Returns a list of :class:`lib.maxlikelihood.Sample` with ``trajectory=True``.
    """
    k = check_int("k", k, low=2)
    n = check_int("n", n, low=k)
    L = check_int("L", L, low=1)
    models = check_int("models", models, low=1)
    tests = check_int("tests", tests, low=1)
    rng = check_generator("rng", rng)
    check_choice("sampler", sampler, maxlikelihood.SAMPLERS)
    check_choice("selection", selection, maxlikelihood.SELECTIONS)
    return [maxlikelihood.sample(rng.standard_normal(k), rng.standard_normal((tests, k)), n, L, rng,
                                 sampler=sampler, selection=selection, trajectory=True) for _ in range(models)]


def curves_from_samples(samples, tolerance: float = 0.01) -> CollapseCurves:
    """Eq. 22 loss of every test sample at every layer, and the collapse statistics of
    :class:`CollapseCurves` (chapter 4, Fig. 2), from trajectory samples of :func:`draw_models`."""
    tolerance = float(check_probability("tolerance", tolerance, open_low=True))
    if not samples or any(np.ndim(s.train_log_norms) != 1 or np.ndim(s.units) != 3 for s in samples):
        raise ValueError("samples must be a non-empty list of trajectory samples (draw_models or "
                         "maxlikelihood.sample(..., trajectory=True) with several test vectors)")
    stats_ = [_one_model(s, tolerance) for s in samples]
    fields = [np.array(column) for column in zip(*stats_)]
    return CollapseCurves(*fields, train_log_norms=np.array([s.train_log_norms for s in samples]))


def _one_model(s, tolerance):
    loss = eq22_loss(s.train_units[:, None, :], s.units)
    collapsed = (loss < tolerance) | (loss > 1.0 - tolerance)
    start_low, end_low = loss[0] < 0.5, loss[-1] < 0.5
    last = collapsed[-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        zero = np.mean(end_low[last]) if last.any() else np.nan
        follows = np.mean(end_low[last] == start_low[last]) if last.any() else np.nan
    return collapsed.mean(axis=1), np.mean(start_low == end_low), zero, follows


def collapse_curves(k: int, n: int, L: int, models: int, tests: int, rng: np.random.Generator, *,
                    sampler: str = "fast", selection: str = "max", tolerance: float = 0.01) -> CollapseCurves:
    """Chapter 4's pipeline (Eq. 22, Fig. 2): sample models as :func:`draw_models` does, take the
    Eq. 22 loss of every test sample at every layer, and the collapsed fraction per layer.
    Models are processed one at a time, so memory stays at one trajectory.

    Examples
    --------
    >>> cc = collapse_curves(2, 100, 10, 3, 50, np.random.default_rng(0))
    >>> cc.fractions.shape, bool(cc.mean[-1] > cc.mean[0])
    ((3, 11), True)
    """
    tolerance = float(check_probability("tolerance", tolerance, open_low=True))
    k = check_int("k", k, low=2)
    n = check_int("n", n, low=k)
    L = check_int("L", L, low=1)
    models = check_int("models", models, low=1)
    tests = check_int("tests", tests, low=1)
    rng = check_generator("rng", rng)
    check_choice("sampler", sampler, maxlikelihood.SAMPLERS)
    check_choice("selection", selection, maxlikelihood.SELECTIONS)
    rows, logs = [], []
    for _ in range(models):  # one model at a time: a k = 2500 trajectory is ~130 MB
        s = maxlikelihood.sample(rng.standard_normal(k), rng.standard_normal((tests, k)), n, L, rng,
                                 sampler=sampler, selection=selection, trajectory=True)
        rows.append(_one_model(s, tolerance))
        logs.append(s.train_log_norms)
    return CollapseCurves(*[np.array(column) for column in zip(*rows)], train_log_norms=np.array(logs))


# ---------------------------------------------------------------- level crossings (chapters 4-8)
def first_crossing(values, level: float, layers=None) -> int | None:
    """First layer at which the 1-D sequence ``values`` reaches ``level`` (``>=``); ``None`` if
    it never does within the layers given -- never a silent 0 or 1 (chapters 4-5).

    Examples
    --------
    >>> first_crossing([0.1, 0.5, 0.99], 0.9), first_crossing([0.1, 0.2], 0.9) is None
    (2, True)
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"values must be a non-empty 1-D sequence; got shape {values.shape}")
    layers = np.arange(values.size) if layers is None else np.asarray(layers)
    if layers.shape != values.shape:
        raise ValueError(f"layers must have the shape of values {values.shape}; got {layers.shape}")
    reached = np.flatnonzero(values >= float(level))
    return int(layers[reached[0]]) if reached.size else None


def median_first_layer(fractions, level: float, layers=None, q: float = 50.0) -> float:
    """Percentile ``q`` over models (rows of ``fractions``) of the first layer reaching ``level``;
    models that never reach it count as ``inf`` (so the result is ``inf`` -- "never" -- when
    fewer than ``q`` % of them reach it). Chapters 4-5."""
    fractions = np.asarray(fractions, dtype=float)
    if fractions.ndim != 2 or fractions.size == 0:
        raise ValueError(f"fractions must be a non-empty (models, layers) array; got shape {fractions.shape}")
    first = first_layer_reaching(fractions, level, layers)
    value = float(np.percentile(np.where(np.isnan(first), 1e300, first), q))
    return np.inf if value >= 1e299 else value


def format_layer(layer, fmt: str = ".4g") -> str:
    """A layer count for a verdict line: ``never`` for ``None``, ``inf`` or NaN."""
    if layer is None or not np.isfinite(layer):
        width = "".join(ch for ch in fmt.split(".")[0] if ch.isdigit())
        return "never".rjust(int(width) if width else 0)
    return format(float(layer), fmt)


# ---------------------------------------------------------------- chapter 4 pipelines and tables
def loss_by_depth(w0, tests, n_values, L: int, rng: np.random.Generator, *, sampler: str = "faithful") -> dict:
    """Chapter 4, Fig. 2 a-e (Eq. 22): one model per width ``n`` trained on ``w0`` to depth ``L``,
    and the Eq. 22 loss of every row of ``tests`` at every layer ``0 .. L``.

    Layers are added one at a time, so each model's layer-``l`` output *is* the depth-``l``
    model's output. Models are drawn in the order of ``n_values`` (one
    :func:`lib.maxlikelihood.sample` call each). Returns ``{n: array (L + 1, len(tests))}``.
    """
    w0 = check_vector("w0", w0)
    tests = check_array("tests", tests, ndim=2)
    n_values = [check_int("n", n, low=w0.size) for n in n_values]
    L = check_int("L", L, low=1)
    rng = check_generator("rng", rng)
    check_choice("sampler", sampler, maxlikelihood.SAMPLERS)
    losses = {}
    for n in n_values:
        s = maxlikelihood.sample(w0, tests, n, L, rng, sampler=sampler, trajectory=True)
        losses[n] = eq22_loss(s.train_units[:, None, :], s.units)
    return losses


def side_kept_fraction(ratios) -> float:
    """Fraction of exact-chain samples (:func:`simulate_ratio_chain`, first axis = layers) whose
    side -- the sign of ``r`` -- at the last layer is their side at layer 0 (chapter 4, Fig. 2e)."""
    ratios = check_array("ratios", ratios, ndim=(2, 3))
    return float(np.mean(np.sign(ratios[0]) == np.sign(ratios[-1])))


def depth_table(k: int, curves: dict, predicted: dict, chain_fraction: dict, model_chains: dict,
                rng: np.random.Generator, *, tolerance: float = 0.01, level: float = 0.99,
                gap_samples: int = 20_000) -> dict:
    """Chapter 4's k = 2 comparison of measured collapse with its two predictions, one row per ``n``.

    Inputs are dicts keyed by ``n``: :class:`CollapseCurves`, the Lyapunov-gap prediction
    (:func:`predicted_collapse_fraction`), the exact chain's collapsed fraction and per-model
    exact chains (:func:`simulate_ratio_chain` with ``models``). Each row holds ``gap``
    (``lambda_1 - lambda_2`` estimated from ``gap_samples`` draws, in the order of ``curves``),
    ``first_L`` and ``chain_first_L`` (median over models of the first layer with at least
    ``level`` of the test samples collapsed, measured and exact chain) and ``gap_error`` and
    ``chain_error`` (largest absolute difference between the mean measured curve and each prediction).
    """
    k = check_int("k", k, low=2)
    rng = check_generator("rng", rng)
    tolerance = float(check_probability("tolerance", tolerance, open_low=True))
    level = float(check_probability("level", level))
    gap_samples = check_int("gap_samples", gap_samples, low=2)
    table = {}
    for n, cc in curves.items():
        table[n] = {
            "first_L": median_first_layer(cc.fractions, level),
            "chain_first_L": median_first_layer(chain_collapse_fraction(model_chains[n], tolerance).T, level),
            "gap_error": float(np.max(np.abs(cc.mean - predicted[n]))),
            "chain_error": float(np.max(np.abs(cc.mean - chain_fraction[n]))),
            "gap": lyapunov.gap(k, n, rng, gap_samples)[0],
        }
    return table


def _half_collapse_row(cc: CollapseCurves, predicted: np.ndarray, gap: float, level: float) -> dict:
    return {"curves": cc, "predicted": predicted, "gap": gap, "first_L": median_first_layer(cc.fractions, level),
            "predicted_first_L": first_crossing(predicted, level)}


def _check_table_inputs(L, models, tests, rng, sampler, tolerance, prediction_samples, level):
    check_int("L", L, low=1)
    check_int("models", models, low=1)
    check_int("tests", tests, low=1)
    check_generator("rng", rng)
    check_choice("sampler", sampler, maxlikelihood.SAMPLERS)
    check_probability("tolerance", tolerance, open_low=True)
    check_int("prediction_samples", prediction_samples, low=2)
    check_probability("level", level)


def large_k_table(cases, L: int, models: int, tests: int, rng: np.random.Generator, *, sampler: str = "joint",
                  tolerance: float = 0.01, prediction_samples: int = 2000, level: float = 0.5) -> dict:
    """Chapter 4, k > 2: measured collapse against the Lyapunov-gap prediction, one row per ``(k, n)``.

    For each case in turn: :func:`collapse_curves` (``models`` models, ``tests`` test vectors) and
    :func:`predicted_collapse_fraction` on layers ``0 .. L``; then, case by case, the gap
    ``lambda_1 - lambda_2`` from ``prediction_samples`` draws. Each row holds ``curves``,
    ``predicted``, ``gap``, ``first_L`` (median over models of the first layer with at least
    ``level`` collapsed; ``inf`` if never) and ``predicted_first_L`` (first layer where the
    prediction reaches ``level``; ``None`` if never). Returns ``{(k, n): row}``.
    """
    cases = [(check_int("k", k, low=2), check_int("n", n, low=k)) for k, n in cases]
    _check_table_inputs(L, models, tests, rng, sampler, tolerance, prediction_samples, level)
    layers = np.arange(L + 1)
    measured = {}
    for k, n in cases:
        cc = collapse_curves(k, n, L, models, tests, rng, sampler=sampler, tolerance=tolerance)
        measured[k, n] = cc, predicted_collapse_fraction(layers, k, n, rng, tolerance=tolerance,
                                                          samples=prediction_samples)
    return {(k, n): _half_collapse_row(*measured[k, n], lyapunov.gap(k, n, rng, prediction_samples)[0], level)
            for k, n in cases}


def no_selection_table(k_values, L: int, models: int, tests: int, rng: np.random.Generator, *,
                       sampler: str = "joint", tolerance: float = 0.01, prediction_samples: int = 2000,
                       level: float = 0.5) -> dict:
    """Chapter 4's control at ``n = k`` (no selection): the rows of :func:`large_k_table` for each ``k``.

    First :func:`collapse_curves` for every ``k``, then :func:`predicted_collapse_fraction` for every
    ``k``; ``gap`` is the exact no-selection gap ``(psi(k/2) - psi((k-1)/2)) / 2``
    (:func:`lib.lyapunov.gap` without sampling). Returns ``{k: row}``.
    """
    k_values = [check_int("k", k, low=2) for k in k_values]
    _check_table_inputs(L, models, tests, rng, sampler, tolerance, prediction_samples, level)
    curves = {k: collapse_curves(k, k, L, models, tests, rng, sampler=sampler, tolerance=tolerance) for k in k_values}
    layers = np.arange(L + 1)
    return {k: _half_collapse_row(curves[k], predicted_collapse_fraction(layers, k, k, rng, tolerance=tolerance,
                                                                         samples=prediction_samples),
                                  lyapunov.gap(k, k)[0], level) for k in k_values}
