"""Gradient descent, Lai, Dong & Jin Sec. 5 (Algorithm 2, Eq. 34, Fig. 6), in two readings.

Algorithm 2 fits ``G* w0 ~ y`` with ``w0 = [0.1, 0.1]``, ``y = lambda [1, 1]``, a random
2 x 2 ``G*``, ``T = 5`` steps of learning rate ``eta`` and the gradient ``2 e w0^T`` of
``||G* w0 - y||^2``. Every step adds a rank-one matrix whose row space is ``w0``, and the
error shrinks by ``1 - 2 eta ||w0||^2`` per step, so in closed form

``G_T = G_0 + beta (y - G_0 w0) w0^T / ||w0||^2``,  ``beta = 1 - (1 - 2 eta ||w0||^2)^T``.

A test input then maps to ``G_0 x - beta (G_0 w0_hat)(w0_hat . x) + kappa (w0_hat . x) [1, 1]``
with ``kappa = lambda beta / ||w0||``: once ``kappa`` is large every test output lines up
with ``+-[1, 1]``. The collapse is governed by ``lambda * beta(eta)``, which is
``2 T ||w0||^2 lambda eta`` only while ``eta ||w0||^2`` is small.

The "three-matrix" reading trains ``G* = G3 G2 G1`` by gradient descent on all three.

Examples
--------
>>> import numpy as np
>>> from lib import gradient_descent as gd
>>> G0 = np.eye(2)[None]
>>> np.allclose(gd.train_single(G0, lam=10.0, eta=1.0), gd.closed_form_single(G0, lam=10.0, eta=1.0))
True
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from lib._validate import check_array, check_float, check_generator, check_int

W0 = np.array([0.1, 0.1])
TARGET_DIRECTION = np.array([1.0, 1.0])


READINGS = ("single", "three")


def _check_positive(name: str, value: float) -> float:
    return check_float(name, value, low=0.0, open_low=True)


def _check_reading(reading) -> str:
    if reading not in READINGS:
        raise ValueError(f"reading must be one of {READINGS}; got {reading!r}")
    return reading


def _check_tolerance(tolerance) -> float:
    return check_float("tolerance", tolerance, low=0.0, high=0.5, open_low=True, open_high=True)


def _check_matrices(name: str, G) -> np.ndarray:
    G = check_array(name, G, ndim=(2, 3))
    if G.ndim == 2:
        G = G[None]
    if G.ndim != 3 or G.shape[1:] != (2, 2):
        raise ValueError(f"{name} must have shape (B, 2, 2) or (2, 2); got {np.shape(G)}")
    return G


def train_single(G0, lam: float, eta: float, T: int = 5, w0=W0) -> np.ndarray:
    """Algorithm 2 literally, for a batch of initial matrices ``G0`` of shape (B, 2, 2)."""
    G = _check_matrices("G0", G0).copy()
    lam, eta = _check_positive("lam", lam), _check_positive("eta", eta)
    T = check_int("T", T, low=1)
    w0 = np.asarray(w0, dtype=float)
    y = lam * TARGET_DIRECTION
    for _ in range(T):
        e = G @ w0 - y                      # error vector, (B, 2)
        G -= eta * 2.0 * e[:, :, None] * w0[None, None, :]  # gradient 2 e w0^T
    return G


def step_factor(eta, T: int = 5, w0=W0):
    """``beta = 1 - (1 - 2 eta ||w0||^2)^T``: the fraction of the initial error removed
    (> 1 once the iteration diverges, ``eta > 1 / ||w0||^2``)."""
    eta = check_array("eta", eta)
    if np.any(eta <= 0):
        raise ValueError("eta must be > 0")
    beta = 1.0 - (1.0 - 2.0 * eta * float(np.dot(w0, w0))) ** check_int("T", T, low=1)
    return float(beta) if beta.ndim == 0 else beta


def control_parameter(lam, eta, T: int = 5, w0=W0) -> np.ndarray:
    """``kappa = lambda beta(eta) / ||w0||``, the weight of the rank-one term on a unit test input."""
    lam = check_array("lam", lam)
    if np.any(lam <= 0):
        raise ValueError("lam must be > 0")
    return lam * step_factor(eta, T, w0) / np.linalg.norm(w0)


def closed_form_single(G0, lam: float, eta: float, T: int = 5, w0=W0) -> np.ndarray:
    """``G_T = G_0 + beta (y - G_0 w0) w0^T / ||w0||^2`` (equal to :func:`train_single`)."""
    G0 = _check_matrices("G0", G0)
    w0 = np.asarray(w0, dtype=float)
    y = _check_positive("lam", lam) * TARGET_DIRECTION
    beta = step_factor(_check_positive("eta", eta), check_int("T", T, low=1), w0)
    return G0 + beta * (y - G0 @ w0)[:, :, None] * w0[None, None, :] / np.dot(w0, w0)


def three_matrix_loss_and_grads(G1, G2, G3, w0, y):
    """``||G3 G2 G1 w0 - y||^2`` and its gradients with respect to ``G1, G2, G3`` (batched)."""
    h1 = G1 @ w0
    h2 = np.einsum("bij,bj->bi", G2, h1)
    e = np.einsum("bij,bj->bi", G3, h2) - y
    g3 = 2.0 * e[:, :, None] * h2[:, None, :]
    back = np.einsum("bji,bj->bi", G3, e)           # G3^T e
    g2 = 2.0 * back[:, :, None] * h1[:, None, :]
    back = np.einsum("bji,bj->bi", G2, back)        # G2^T G3^T e
    g1 = 2.0 * back[:, :, None] * w0[None, None, :]
    return np.sum(e**2, axis=1), (g1, g2, g3)


def train_three(G1, G2, G3, lam: float, eta: float, T: int = 5, w0=W0):
    """Gradient descent on all three factors of ``G* = G3 G2 G1``.

    Returns ``(G1, G2, G3, finite)``: ``finite[b]`` is False where model ``b`` over- or
    underflowed (its matrices contain inf or nan).
    """
    Gs = [_check_matrices(name, G).copy() for name, G in (("G1", G1), ("G2", G2), ("G3", G3))]
    lam, eta = _check_positive("lam", lam), _check_positive("eta", eta)
    T = check_int("T", T, low=1)
    w0 = np.asarray(w0, dtype=float)
    y = lam * TARGET_DIRECTION
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(T):
            _, grads = three_matrix_loss_and_grads(*Gs, w0, y)
            Gs = [G - eta * g for G, g in zip(Gs, grads)]
    finite = np.all(np.isfinite(np.stack(Gs)), axis=(0, 2, 3))
    return (*Gs, finite)


def eq34_loss(outputs: np.ndarray, target=TARGET_DIRECTION) -> np.ndarray:
    """Eq. 34 per test output (last axis): ``||t_hat - o_hat|| / 2`` in [0, 1]."""
    t = np.asarray(target, dtype=float) / np.linalg.norm(target)
    o = outputs / np.linalg.norm(outputs, axis=-1, keepdims=True)
    return 0.5 * np.linalg.norm(o - t, axis=-1)


def angle_to_target_line(outputs: np.ndarray, target=TARGET_DIRECTION) -> np.ndarray:
    """Angle (rad, in [0, pi/2]) between each output and the line through ``+-target``."""
    t = np.asarray(target, dtype=float) / np.linalg.norm(target)
    cos = np.abs(outputs @ t) / np.linalg.norm(outputs, axis=-1)
    return np.arccos(np.clip(cos, 0.0, 1.0))


def trained_outputs(rng: np.random.Generator, lam: float, eta: float, *, inits: int, tests: int, T: int = 5,
                 reading: str = "single") -> tuple[np.ndarray, np.ndarray]:
    """Directions of the outputs of ``tests`` Gaussian inputs under ``inits`` trained models.

    Returns ``(outputs, finite)``: outputs of shape ``(inits, tests, 2)``, each scaled to unit
    max-norm (only directions matter; NaN where a model overflowed), and ``finite[b]``, False
    for models whose training over- or underflowed (three-matrix reading).
    """
    rng = check_generator("rng", rng)
    inits, tests = check_int("inits", inits, low=1), check_int("tests", tests, low=1)
    lam, eta, T = _check_positive("lam", lam), _check_positive("eta", eta), check_int("T", T, low=1)
    if _check_reading(reading) == "single":
        G = train_single(rng.standard_normal((inits, 2, 2)), lam, eta, T)
        finite = np.all(np.isfinite(G), axis=(1, 2))
    elif reading == "three":
        G1, G2, G3, finite = train_three(*(rng.standard_normal((inits, 2, 2)) for _ in range(3)), lam, eta, T)
        with np.errstate(over="ignore", invalid="ignore"):
            G = G3 @ G2 @ G1
    X = rng.standard_normal((tests, 2))
    with np.errstate(over="ignore", invalid="ignore"):
        outputs = np.einsum("bij,nj->bni", G, X)
        # rescale before taking norms: huge finite three-matrix outputs would overflow when squared
        outputs = outputs / np.max(np.abs(outputs), axis=-1, keepdims=True)
    finite &= np.all(np.isfinite(outputs), axis=(1, 2))
    outputs[~finite] = np.nan
    return outputs, finite


def collapse_fractions(rng: np.random.Generator, lam: float, eta: float, *, inits: int, tests: int,
                       T: int = 5, reading: str = "single", tolerance: float = 0.01) -> dict:
    """Test-set collapse over ``inits`` random initialisations and ``tests`` Gaussian inputs each.

    Returns the fraction collapsed by angle (within ``tolerance * pi`` of ``+-target``) pooled
    and per initialisation (``angle_per_init``), by the raw Eq. 34 criterion (loss within
    ``tolerance`` of 0 or 1), the fraction of angle-collapsed outputs on the ``-target`` side,
    the fraction of models that overflowed (left out of the other fractions), and ``loss``, the
    Eq. 34 losses of the same test outputs (flat; for the Fig. 6 histograms).
    """
    tolerance = _check_tolerance(tolerance)
    outputs, finite = trained_outputs(rng, lam, eta, inits=inits, tests=tests, T=T, reading=reading)
    good = outputs[finite]
    if not good.size:
        nan = float("nan")
        return {"angle": nan, "angle_per_init": np.full(0, nan), "eq34": nan, "anti_side": nan,
                "overflow": float(1.0 - finite.mean()), "loss": np.full(0, nan)}
    by_angle = angle_to_target_line(good) < tolerance * np.pi
    loss = eq34_loss(good)
    return {
        "angle": float(by_angle.mean()),
        "angle_per_init": by_angle.mean(axis=1),
        "eq34": float(np.mean((loss < tolerance) | (loss > 1 - tolerance))),
        "anti_side": float(np.mean(loss[by_angle] > 0.5)) if by_angle.any() else float("nan"),
        "overflow": float(1.0 - finite.mean()),
        "loss": loss.ravel(),
    }


def predicted_collapse_fraction(kappa, beta, rng: np.random.Generator, *, tolerance: float = 0.01,
                                samples: int = 200_000) -> np.ndarray:
    """Collapse fraction predicted from the closed form, for large ``lambda``.

    With ``x = s w0_hat + t w0_hat_perp`` (``s, t ~ N(0, 1)``), the output's component along
    the unit target is about ``sqrt(2) kappa s`` and, across it, ``Z sqrt((1 - beta)^2 s^2 + t^2)``
    with ``Z ~ N(0, 1)`` (a row of ``G_0`` is a standard normal vector). The output has
    collapsed when the ratio is below ``tan(pi * tolerance)``.
    """
    rng = check_generator("rng", rng)
    tolerance, samples = _check_tolerance(tolerance), check_int("samples", samples, low=1)
    kappa = np.atleast_1d(check_array("kappa", kappa))
    try:
        beta = np.broadcast_to(check_array("beta", beta), kappa.shape)
    except ValueError:
        raise ValueError(f"beta must be a number or have the shape of kappa {kappa.shape}") from None
    s, t, z = rng.standard_normal((3, samples))
    out = np.empty(kappa.shape)
    for i, (kap, bet) in enumerate(zip(kappa, beta)):
        across = np.abs(z) * np.sqrt((1 - bet) ** 2 * s**2 + t**2)
        out[i] = np.mean(across < np.sqrt(2.0) * kap * np.abs(s) * np.tan(np.pi * tolerance))
    return out


def sweep(rng: np.random.Generator, settings, *, inits: int, tests: int, T: int = 5, reading: str = "single",
          tolerance: float = 0.01) -> list[dict]:
    """Chapter 6, Fig. 6: :func:`collapse_fractions` for each ``(lambda, eta)`` in ``settings``, in order.

    A list, not a dict keyed by ``(lambda, eta)``: the lambda sweep and the eta sweep share the
    setting ``(10, 1)``, and each keeps its own run.
    """
    settings = [(_check_positive(f"settings[{i}] lambda", lam), _check_positive(f"settings[{i}] eta", eta))
                for i, (lam, eta) in enumerate(settings)]
    return [collapse_fractions(rng, lam, eta, inits=inits, tests=tests, T=T, reading=reading, tolerance=tolerance)
            for lam, eta in settings]


def collapse_grid(rng: np.random.Generator, lambdas, etas, *, inits: int, tests: int, T: int = 5,
                  reading: str = "single", tolerance: float = 0.01) -> dict:
    """Chapter 6: collapsed fraction over a ``lambda x eta`` grid (Fig. 6, Sec. 5).

    Returns ``angle``, ``eq34`` and ``overflow`` arrays of shape ``(len(lambdas), len(etas))`` and
    ``per_init``, a dict ``(lambda, eta) -> per-initialisation collapsed fractions``.
    """
    lambdas = _check_positive_list("lambdas", lambdas)
    etas = _check_positive_list("etas", etas)
    out = {key: np.full((len(lambdas), len(etas)), np.nan) for key in ("angle", "eq34", "overflow")}
    out["per_init"] = {}
    for i, lam in enumerate(lambdas):
        for j, eta in enumerate(etas):
            res = collapse_fractions(rng, lam, eta, inits=inits, tests=tests, T=T, reading=reading,
                                     tolerance=tolerance)
            for key in ("angle", "eq34", "overflow"):
                out[key][i, j] = res[key]
            out["per_init"][lam, eta] = res["angle_per_init"]
    return out


def predicted_grid(lambdas, etas, rng: np.random.Generator, *, T: int = 5, tolerance: float = 0.01) -> dict:
    """Chapter 6: ``kappa``, ``beta`` and the predicted collapsed fraction over a ``lambda x eta`` grid."""
    lambdas = np.array(_check_positive_list("lambdas", lambdas))
    etas = np.array(_check_positive_list("etas", etas))
    T = check_int("T", T, low=1)
    kappa = control_parameter(lambdas[:, None], etas[None, :], T)
    beta = np.broadcast_to(step_factor(etas, T), kappa.shape)
    predicted = predicted_collapse_fraction(kappa.ravel(), beta.ravel(), rng, tolerance=tolerance)
    return {"kappa": kappa, "beta": beta, "predicted": predicted.reshape(kappa.shape)}


def converging(etas, w0=W0) -> np.ndarray:
    """Chapter 6: True where ``eta`` is below the saturation point ``1 / (2 ||w0||^2)`` (25 for the paper's w0).

    Below it ``beta`` rises monotonically with ``eta``; above it the error overshoots, and beyond
    twice it the iteration diverges.
    """
    return np.asarray(_check_positive_list("etas", etas)) < 1.0 / (2.0 * float(np.dot(w0, w0)))


def prediction_error(measured, predicted, lambdas, etas, *, lambda_min: float = 10.0) -> float:
    """Chapter 6: largest absolute difference between the measured and the predicted collapsed
    fraction for ``lambda >= lambda_min`` below saturation."""
    measured, predicted = check_array("measured", measured, ndim=2), check_array("predicted", predicted, ndim=2)
    rows = np.asarray(_check_positive_list("lambdas", lambdas)) >= lambda_min
    cols = converging(etas)
    if measured.shape != predicted.shape or measured.shape != (rows.size, cols.size):
        raise ValueError(f"measured and predicted must have shape {(rows.size, cols.size)}; "
                         f"got {measured.shape} and {predicted.shape}")
    if not rows.any() or not cols.any():
        raise ValueError("no grid point has lambda >= lambda_min and eta below saturation")
    return float(np.max(np.abs(measured - predicted)[rows][:, cols]))


def equal_product_pvalues(per_init: dict, pairs) -> list[float]:
    """Chapter 6: two-sided Mann-Whitney p-values between the per-initialisation collapsed fractions
    of settings with the same ``lambda * eta`` (each pair's settings must be keys of ``per_init``)."""
    out = []
    for i, (a, b) in enumerate(pairs):
        for x in (a, b):
            if tuple(x) not in per_init:
                raise ValueError(f"pairs[{i}] setting {tuple(x)} was not run (not a key of per_init)")
        out.append(float(stats.mannwhitneyu(per_init[tuple(a)], per_init[tuple(b)]).pvalue))
    return out


def rank_correlation(values, per_group) -> tuple[float, float]:
    """Chapter 6: Spearman correlation (rho, two-sided p) between a setting (e.g. ``eta``) and the
    per-initialisation collapsed fractions measured at it (``per_group[i]`` for ``values[i]``)."""
    values = _check_positive_list("values", values)
    if len(per_group) != len(values) or len(values) < 2:
        raise ValueError(f"per_group must have one entry per value ({len(values)} >= 2); got {len(per_group)}")
    x = np.concatenate([np.full(len(g), v) for v, g in zip(values, per_group)])
    y = np.concatenate([check_array(f"per_group[{i}]", g, ndim=1) for i, g in enumerate(per_group)])
    rho, p = stats.spearmanr(x, y)
    return float(rho), float(p)


def _check_positive_list(name: str, values) -> list[float]:
    if isinstance(values, (str, bytes)) or np.ndim(values) != 1 or len(values) == 0:
        raise ValueError(f"{name} must be a non-empty list of numbers > 0; got {values!r}")
    return [_check_positive(f"{name}[{i}]", v) for i, v in enumerate(values)]


def equal_product_test(per_init: dict, lambdas, etas, *, alpha: float = 0.01, eta_max: float | None = None,
                       w0=W0) -> dict:
    """Chapter 6: does the collapse depend on ``lambda * eta`` only, below saturation?

    Every pair of grid settings with the same product (relative difference below 1e-9) and both
    ``eta`` below the saturation point (:func:`converging`) and, if given, at most ``eta_max`` is compared with a two-sided
    Mann-Whitney test on the per-initialisation collapsed fractions (``per_init`` from
    :func:`collapse_grid`). Returns ``pairs``, ``pvalues`` and ``only_product``: True if no pair
    differs at level ``alpha`` after a Bonferroni correction, None if the grid has no such pair.
    """
    lambdas, etas = _check_positive_list("lambdas", lambdas), _check_positive_list("etas", etas)
    alpha = check_float("alpha", alpha, low=0.0, high=1.0, open_low=True, open_high=True)
    ok = converging(etas, w0)
    if eta_max is not None:
        ok &= np.asarray(etas) <= check_float("eta_max", eta_max, low=0.0, open_low=True)
    points = sorted(((lam * eta, eta, lam) for lam in lambdas for eta, good in zip(etas, ok) if good))
    pairs = [((a[2], a[1]), (b[2], b[1])) for i, a in enumerate(points) for b in points[i + 1:]
             if abs(a[0] - b[0]) <= 1e-9 * a[0]]
    pvalues = equal_product_pvalues(per_init, pairs)
    only = bool(min(pvalues) > alpha / len(pairs)) if pairs else None
    return {"pairs": pairs, "pvalues": pvalues, "only_product": only}


def closed_form_max_error(rng: np.random.Generator, lam: float, eta: float, *, T: int = 5, batch: int = 200,
                          w0=W0) -> float:
    """Chapter 6: largest ``|train_single - closed_form_single|`` over ``batch`` random Gaussian ``G_0``
    (drawn from ``rng`` as one ``(batch, 2, 2)`` array): Algorithm 2 against its closed form."""
    rng = check_generator("rng", rng)
    batch = check_int("batch", batch, low=1)
    G0 = rng.standard_normal((batch, 2, 2))
    return float(np.max(np.abs(train_single(G0, lam, eta, T, w0) - closed_form_single(G0, lam, eta, T, w0))))


def sweep_text(sweeps: dict) -> str:
    """Chapter 6's printed Fig. 6 table: for each sweep (label, e.g. "λ", -> list of
    ``((lambda, eta), result)`` with ``result`` from :func:`collapse_fractions`), the collapsed
    fraction by angle and by the raw Eq. 34 criterion, and the share of collapsed outputs at loss 1."""
    if not isinstance(sweeps, dict) or not sweeps:
        raise ValueError("sweeps must be a non-empty dict label -> list of ((lambda, eta), result)")
    lines = ["sweep      λ      η   collapsed (angle)   collapsed (Eq. 34 raw)   of collapsed, at loss 1"]
    for which, rows in sweeps.items():
        for (lam, eta), res in rows:
            lines.append(f"  {which}   {lam:6g} {eta:6g}   {res['angle']:17.3f}   {res['eq34']:22.3f}   "
                         f"{res['anti_side']:.3f}")
    return "\n".join(lines)


def equal_product_text(results: dict) -> str:
    """Chapter 6's printed summary of :func:`equal_product_test` results (label -> result): the number
    of equal-product pairs, whether only the product matters, and the most different pair."""
    if not isinstance(results, dict) or not results:
        raise ValueError("results must be a non-empty dict label -> equal_product_test result")
    lines = []
    for label, res in results.items():
        line = f"{label}: {len(res['pairs'])} equal-product pairs; only the product matters: {res['only_product']}"
        if res["pairs"]:
            worst = int(np.argmin(res["pvalues"]))
            line += f"; most different pair {res['pairs'][worst]}, p = {res['pvalues'][worst]:.3g}"
        lines.append(line)
    return "\n".join(lines)


def three_matrix_text(grid: dict, lambdas, etas) -> str:
    """Chapter 6's printed table of the three-matrix reading (a :func:`collapse_grid` result over
    ``lambdas x etas``): collapsed fractions by angle and by Eq. 34, the share of models that
    overflowed, and the largest collapsed fraction over the table."""
    lambdas, etas = _check_positive_list("lambdas", lambdas), _check_positive_list("etas", etas)
    if not isinstance(grid, dict) or any(np.shape(grid.get(k)) != (len(lambdas), len(etas))
                                         for k in ("angle", "eq34", "overflow")):
        raise ValueError(f"grid must be a collapse_grid result of shape {(len(lambdas), len(etas))}")
    lines = ["     λ        η   collapsed (angle)   collapsed (Eq. 34)   models that overflowed"]
    for i, lam in enumerate(lambdas):
        for j, eta in enumerate(etas):
            lines.append(f"{lam:6g} {eta:8g}   {grid['angle'][i, j]:17.3f}   {grid['eq34'][i, j]:18.3f}   "
                         f"{grid['overflow'][i, j]:.3f}")
    largest = float(np.nanmax(grid["angle"]))
    lines.append(f"largest collapsed fraction of the three-matrix reading over the table: {largest:.3f}")
    return "\n".join(lines)


def prediction_curve(rng: np.random.Generator, log10_low: float, log10_high: float, *, points: int = 60,
                     tolerance: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    """Chapter 6: the large-``lambda`` prediction line of the collapse map (``beta << 1``, taken as 0):
    ``points`` values of ``kappa`` spaced evenly in ``log10`` from ``10**log10_low`` to ``10**log10_high``
    and :func:`predicted_collapse_fraction` at each, with one draw of samples from ``rng``."""
    low = check_float("log10_low", log10_low)
    high = check_float("log10_high", log10_high)
    if not low < high:
        raise ValueError(f"log10_low must be below log10_high; got {low} and {high}")
    kappa = np.logspace(low, high, check_int("points", points, low=2))
    return kappa, predicted_collapse_fraction(kappa, 0.0, rng, tolerance=tolerance)
