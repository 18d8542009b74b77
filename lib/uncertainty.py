"""The "uncertainty principle" of Zhang & Meng for sampled one-dimensional functions.

Zhang & Meng normalise a network's loss into a "neural packet" ``psi = loss / sqrt(beta)``
(supplementary Eqs. 6-8), take the feature operator ``x`` and the attack operator
``p = d/dx`` (Eq. 9, no ``-i``), and claim ``sigma_x sigma_p >= 1/2`` (Eq. 18). This module
computes, for a real ``psi`` sampled on a grid:

* ``<x>`` and ``sigma_x``;
* the paper's momentum statistics with ``p = d/dx``: ``<p> = int psi psi'`` and
  ``<p^2> = int psi psi''``. For a real ``psi`` that vanishes at the ends,
  ``int psi psi'' = -int psi'^2 < 0``: the paper's "variance" is **negative**;
* the Hermitian momentum ``p = -i d/dx``: ``sigma_p^2 = int psi'^2`` (for real ``psi``,
  ``<p> = 0`` on the real line). Then ``sigma_x sigma_p >= 1/2`` holds for *every*
  normalised function, with equality exactly for Gaussians -- a property of functions,
  not of networks;
* on a bounded interval ``[a, b]`` (e.g. pixel values in [0, 1]) integration by parts
  leaves the boundary term ``B = [(x - <x>) psi^2]_a^b`` and the bound becomes
  ``sigma_x ||psi'|| >= |1 - B| / 2``, which can be 0: a constant ``psi`` on [0, 1] has
  ``sigma_x sigma_p = 0``.

Integrals use the trapezoid rule on the given grid; :func:`monte_carlo_stats` estimates
the same quantities by uniform sampling, as the paper does.

Examples
--------
>>> import numpy as np
>>> from lib import uncertainty as un
>>> x = np.linspace(-12, 12, 4001)
>>> st = un.packet_stats(x, np.exp(-x**2 / 4))
>>> round(float(st["sigma_x"] * st["sigma_p_hermitian"]), 4)
0.5
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import integrate

from lib._validate import check_array, check_callable, check_generator, check_grid, check_int, check_real


def _check_grid(x, psi) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=float)
    psi = np.asarray(psi, dtype=float)
    if x.ndim != 1 or x.size < 5:
        raise ValueError(f"x must be a 1-D grid of at least 5 points; got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x must contain only finite numbers")
    if psi.ndim == 0 or psi.shape[-1] != x.size:
        raise ValueError(f"psi must have {x.size} samples along its last axis; got shape {psi.shape}")
    if np.any(np.diff(x) <= 0):
        raise ValueError("x must be strictly increasing")
    if not np.all(np.isfinite(psi)):
        raise ValueError("psi must contain only finite values")
    return x, psi


def normalise(x, psi) -> np.ndarray:
    """``psi / sqrt(int psi^2 dx)`` (last axis), so that ``int psi^2 = 1`` (Eq. 8)."""
    x, psi = _check_grid(x, psi)
    beta = integrate.trapezoid(psi**2, x, axis=-1)
    if np.any(beta <= 0):
        raise ValueError("psi must not be identically zero")
    return psi / np.sqrt(beta)[..., None]


def packet_stats(x, psi, dpsi=None) -> dict[str, np.ndarray]:
    """Position and momentum statistics of the normalised packet ``psi`` sampled on ``x``.

    Parameters
    ----------
    x : array_like, shape (M,)
    psi : array_like, shape (..., M)
        Unnormalised real samples (e.g. a loss); normalised here.
    dpsi : array_like, shape (..., M), optional
        Exact derivative of the *unnormalised* ``psi`` (e.g. the loss gradient); by default
        second-order finite differences.

    Returns
    -------
    dict with ``mean_x``, ``sigma_x``, ``paper_mean_p`` (``int psi psi'``),
    ``paper_variance_p`` (``int psi psi'' - <p>^2``), ``sigma_p_hermitian`` (``||psi'||``),
    ``boundary`` (``B = [(x - <x>) psi^2]_a^b``) and ``lower_bound`` (``|1 - B| / 2``).
    """
    x, psi = _check_grid(x, psi)
    if dpsi is not None:
        dpsi = np.asarray(dpsi, dtype=float)
        if dpsi.shape != psi.shape or not np.all(np.isfinite(dpsi)):
            raise ValueError(f"dpsi must be finite with the shape of psi {psi.shape}; got shape {dpsi.shape}")
    beta = integrate.trapezoid(psi**2, x, axis=-1)
    if np.any(beta <= 0):
        raise ValueError("psi must not be identically zero")
    scale = 1.0 / np.sqrt(beta)[..., None]
    psi_n = psi * scale
    d1 = (np.gradient(psi, x, axis=-1) if dpsi is None else np.asarray(dpsi, dtype=float)) * scale
    d2 = np.gradient(d1, x, axis=-1)
    mean_x = integrate.trapezoid(x * psi_n**2, x, axis=-1)
    var_x = integrate.trapezoid((x - mean_x[..., None]) ** 2 * psi_n**2, x, axis=-1)
    paper_mean_p = integrate.trapezoid(psi_n * d1, x, axis=-1)
    paper_second = integrate.trapezoid(psi_n * d2, x, axis=-1)
    hermitian = np.sqrt(integrate.trapezoid(d1**2, x, axis=-1))
    boundary = (x[-1] - mean_x) * psi_n[..., -1] ** 2 - (x[0] - mean_x) * psi_n[..., 0] ** 2
    return {
        "mean_x": mean_x,
        "sigma_x": np.sqrt(var_x),
        "paper_mean_p": paper_mean_p,
        "paper_variance_p": paper_second - paper_mean_p**2,
        "sigma_p_hermitian": hermitian,
        "boundary": boundary,
        "lower_bound": np.abs(1.0 - boundary) / 2.0,
    }


def real_line_table(x) -> dict[str, dict[str, float]]:
    """Chapter 9's check of the Heisenberg-Weyl bound on the real line: for every function of
    :data:`TEST_FUNCTIONS` on the grid ``x``, ``sigma_x ||psi'||`` ("product"), its closed form
    where known ("exact", else ``nan``) and the paper's "variance" of ``p = d/dx``."""
    out = {}
    for name, (f, df) in TEST_FUNCTIONS.items():
        st = packet_stats(x, f(np.asarray(x, dtype=float)), df(np.asarray(x, dtype=float)))
        out[name] = {"product": float(st["sigma_x"] * st["sigma_p_hermitian"]),
                     "exact": float(EXACT_PRODUCTS.get(name, np.nan)),
                     "paper_variance_p": float(st["paper_variance_p"])}
    return out


def interval_cases(points: int = 4001) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Packets on [0, 1] for Chapter 9's boundary-term table: name -> ``(x, psi, psi')``."""
    points = check_int("points", points, low=5)
    x = np.linspace(0, 1, points)
    bump = np.exp(-(x - 0.5) ** 2 / 0.02)
    return {"constant": (x, np.ones_like(x), np.zeros_like(x)),
            "linear 1 + x": (x, 1 + x, np.ones_like(x)),
            "bump exp(-(x-0.5)^2/0.02)": (x, bump, -(x - 0.5) / 0.01 * bump),
            "ramp exp(3x)": (x, np.exp(3 * x), 3 * np.exp(3 * x))}


def real_line_text(table: dict[str, dict[str, float]]) -> str:
    """Chapter 9's printed real-line table for :func:`real_line_table`: per test function
    ``sigma_x sigma_p`` (Hermitian), its closed form ("None" where unknown) and the paper's
    "variance" of ``p = d/dx``, then the share of the Lorentzian's exact product lost to the grid."""
    if not isinstance(table, dict) or "Lorentzian" not in table:
        raise ValueError("table must be a real_line_table dict including the 'Lorentzian' row")
    lines = ["test function   sigma_x*sigma_p (Hermitian)   exact     paper's 'variance' of p"]
    for name, row in table.items():
        exact = "None" if np.isnan(row["exact"]) else str(round(row["exact"], 6))
        lines.append(f"{name:12s}   {row['product']:27.6f}   {exact:8s}  {row['paper_variance_p']:+.6f}")
    deficit = 1 - table["Lorentzian"]["product"] / table["Lorentzian"]["exact"]
    lines.append(f"(the Lorentzian's tails decay like 1/x^2: truncating them to the grid costs {deficit:.1%})")
    return "\n".join(lines)


def interval_table(cases: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]) -> dict[str, dict[str, float]]:
    """Chapter 9's boundary-term check on [0, 1] (the bound of Eq. 23 with the boundary term of
    :func:`packet_stats`) for :func:`interval_cases`: per packet ``product`` = ``sigma_x ||psi'||``,
    the boundary term ``boundary`` (B), the bound ``lower_bound`` = ``|1 - B| / 2`` and ``holds`` =
    whether ``sigma_x ||psi'|| >= 1/2`` (to 1e-6)."""
    if not isinstance(cases, dict) or not cases:
        raise ValueError("cases must be a non-empty dict name -> (x, psi, dpsi) from interval_cases")
    table = {}
    for name, (x01, f, df) in cases.items():
        st = packet_stats(x01, f, df)
        prod = float(st["sigma_x"] * st["sigma_p_hermitian"])
        table[name] = {"product": prod, "boundary": float(st["boundary"]), "lower_bound": float(st["lower_bound"]),
                       "holds": prod >= 0.5 - 1e-6}
    return table


def interval_text(cases: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]) -> str:
    """Chapter 9's printed boundary-term table on [0, 1]: :func:`interval_table` of ``cases``, one row per packet."""
    lines = ["on [0, 1]:              sigma_x*||psi'||   boundary B   bound |1-B|/2   >= 1/2 ?"]
    for name, row in interval_table(cases).items():
        lines.append(f"{name:24s} {row['product']:14.4f} {row['boundary']:12.4f} {row['lower_bound']:14.4f}   "
                     f"{row['holds']}")
    return "\n".join(lines)


def quadrature_errors(grid_sizes, mc_samples, replicates: int, rng: np.random.Generator,
                      half_width: float = 30.0) -> tuple[np.ndarray, np.ndarray]:
    """``|sigma_x ||psi'|| - pi/6|`` for the sech packet on ``[-half_width, half_width]``: by the
    trapezoid rule on grids of ``grid_sizes`` points, and by :func:`monte_carlo_stats` (the paper's
    method) with ``mc_samples`` points, averaged over ``replicates`` runs (Chapter 9)."""
    grid_sizes = [check_int(f"grid_sizes[{i}]", m, low=5) for i, m in enumerate(grid_sizes)]
    mc_samples = [check_int(f"mc_samples[{i}]", m, low=2) for i, m in enumerate(mc_samples)]
    replicates = check_int("replicates", replicates, low=1)
    rng = check_generator("rng", rng)
    half_width = check_real("half_width", half_width, low=0.0, open_low=True)
    f, df = TEST_FUNCTIONS["sech"]
    grid_err = []
    for m in grid_sizes:
        x = np.linspace(-half_width, half_width, m)
        st = packet_stats(x, f(x), df(x))
        grid_err.append(abs(float(np.prod([st[key] for key in ("sigma_x", "sigma_p_hermitian")])) - np.pi / 6))
    mc_err = [np.mean([abs(np.prod(list(monte_carlo_stats(f, df, -half_width, half_width, rng, s).values()))
                           - np.pi / 6) for _ in range(replicates)]) for s in mc_samples]
    return np.array(grid_err), np.array(mc_err)


def monte_carlo_stats(func: Callable[[np.ndarray], np.ndarray], dfunc: Callable[[np.ndarray], np.ndarray],
                      a: float, b: float, rng: np.random.Generator, samples: int) -> dict[str, float]:
    """``sigma_x`` and the Hermitian ``sigma_p`` by direct Monte Carlo on ``[a, b]`` (the paper's method).

    ``func`` gives the unnormalised ``psi`` and ``dfunc`` its derivative at an array of points;
    ``a < b`` are finite. Chapter 9 compares it with the trapezoid rule of :func:`packet_stats`.
    """
    func = check_callable("func", func)
    dfunc = check_callable("dfunc", dfunc)
    a = check_real("a", a)
    b = check_real("b", b)
    if not a < b:
        raise ValueError(f"the interval must satisfy a < b; got a = {a}, b = {b}")
    rng = check_generator("rng", rng)
    samples = check_int("samples", samples, low=2)
    u = rng.uniform(a, b, samples)
    f = np.asarray(func(u), dtype=float)
    df = np.asarray(dfunc(u), dtype=float)
    if f.shape != u.shape or df.shape != u.shape or not (np.all(np.isfinite(f)) and np.all(np.isfinite(df))):
        raise ValueError("func and dfunc must return one finite value per point")
    if not np.any(f):
        raise ValueError("func must not vanish at every sampled point")
    width = b - a
    beta = width * np.mean(f**2)
    mean_x = width * np.mean(u * f**2) / beta
    var_x = width * np.mean((u - mean_x) ** 2 * f**2) / beta
    return {"sigma_x": float(np.sqrt(var_x)), "sigma_p_hermitian": float(np.sqrt(width * np.mean(df**2) / beta))}


def slice_stats(loss_fn: Callable[[np.ndarray], np.ndarray], grad_fn: Callable[[np.ndarray], np.ndarray],
                x_base, pixels, grid) -> dict[str, np.ndarray]:
    """The paper's 1-D slice estimate (supplementary Sec. 2.1) for each pixel in ``pixels``.

    All inputs are fixed at ``x_base`` except pixel ``i``, which runs over ``grid``; the packet
    is the loss along that line, its derivative the ``i``-th component of the exact input
    gradient. Returns :func:`packet_stats` arrays of shape ``(len(pixels),)``.
    """
    loss_fn = check_callable("loss_fn", loss_fn)
    grad_fn = check_callable("grad_fn", grad_fn)
    x_base = check_grid("x_base", x_base, min_points=1)
    pixels = _check_pixels(pixels, x_base.size)
    grid = check_grid("grid", grid, min_points=5, strictly_increasing=True)
    n_pix, n_grid = pixels.size, grid.size
    X = np.repeat(x_base[None, :], n_pix * n_grid, axis=0)
    rows, cols = np.arange(n_pix * n_grid), np.repeat(pixels, n_grid)
    X[rows, cols] = np.tile(grid, n_pix)
    loss = np.asarray(loss_fn(X)).reshape(n_pix, n_grid)
    dloss = np.asarray(grad_fn(X))[rows, cols].reshape(n_pix, n_grid)
    return packet_stats(grid, loss, dloss)


def network_slice_stats(params, x_base, pixels, grid, label: int) -> dict[str, np.ndarray]:
    """:func:`slice_stats` for a :mod:`lib.classifier` network and the loss of class ``label``."""
    from lib import classifier

    label = check_int("label", label, low=0, high=params["W2"].shape[1] - 1)

    def labels(X):
        return np.full(len(X), label)

    return slice_stats(lambda X: classifier.per_sample_loss(params, X, labels(X)),
                       lambda X: classifier.input_gradient(params, X, labels(X)), x_base, pixels, grid)


def class_slice_stats(params, x_base, label: int, slice_points: int) -> dict[str, np.ndarray]:
    """Chapter 9's estimator: :func:`network_slice_stats` for every pixel, slices through ``x_base``
    (the mean training image) over ``slice_points`` grid points on [0, 1]."""
    slice_points = check_int("slice_points", slice_points, low=5)
    x_base = check_grid("x_base", x_base, min_points=1)
    return network_slice_stats(params, x_base, np.arange(x_base.size), np.linspace(0.0, 1.0, slice_points), label)


def paper_sigma_p(stats: dict[str, np.ndarray]) -> np.ndarray:
    """The paper's own ``sigma_p`` per pixel with ``p = d/dx`` (suppl. Eqs. 9-12):
    ``sqrt(<p^2> - <p>^2)`` where that "variance" is non-negative, ``nan`` where it is negative
    (an imaginary standard deviation)."""
    _check_stats(stats, ("paper_variance_p",))
    var = np.asarray(stats["paper_variance_p"], dtype=float)
    return np.where(var >= 0, np.sqrt(np.abs(var)), np.nan)


def paper_sigma_summary(stats: dict[str, np.ndarray]) -> dict[str, float]:
    """Chapter 9's per-pixel check with the paper's own ``sigma_p`` (``p = d/dx``, :func:`paper_sigma_p`):
    the fraction of pixels with a non-negative "variance" (``frac_nonneg``), the fraction with
    ``sigma_x sigma_p >= 1/2`` counting an imaginary ``sigma_p`` as failing (``frac_bound``), and the
    median ``sigma_p`` per pixel with the paper's ``d/dx`` over the real ones (``median_paper``) and
    with the ``||psi'||`` convention (``median_norm``)."""
    _check_stats(stats, ("sigma_x", "sigma_p_hermitian", "paper_variance_p"))
    sigma_p = paper_sigma_p(stats)
    product = np.asarray(stats["sigma_x"]) * np.nan_to_num(sigma_p, nan=0.0)
    return {"frac_nonneg": float(np.mean(np.isfinite(sigma_p))), "frac_bound": float(np.mean(product >= 0.5)),
            "median_paper": float(np.nanmedian(sigma_p)),
            "median_norm": float(np.median(stats["sigma_p_hermitian"]))}


def network_controls(params, X_train, X_test, y_test, *, target_class: int, slice_points: int,
                     logit_scale: float, weight_scales, seed: int) -> dict:
    """Chapter 9's two controls for the Delta X, Delta P of Eq. 23 (:func:`class_slice_stats` through
    the mean training image): the trained network ``params`` with its logits multiplied by
    ``logit_scale`` (:func:`lib.classifier.scale_logits`, same predictions), and untrained networks of
    the same shape at each of ``weight_scales`` (:func:`lib.classifier.untrained_networks` with ``seed``).

    Returns a dict with ``accuracy`` (of ``params`` on the test set), ``scaled`` (``(Delta X, Delta P)``
    of the rescaled network), ``scaled_accuracy``, and ``untrained``: rows
    ``(scale, Delta X, Delta P, accuracy)``.
    """
    from lib import classifier

    scaled = classifier.scale_logits(params, logit_scale)
    X_train = check_array("X_train", X_train, ndim=2)
    n_in, hidden = params["W1"].shape
    if X_train.shape[1] != n_in:
        raise ValueError(f"X_train must have shape (N, {n_in}); got {X_train.shape}")
    x_base = X_train.mean(axis=0)
    untrained = [(s, *delta_x_delta_p(class_slice_stats(p0, x_base, target_class, slice_points)),
                  classifier.accuracy(p0, X_test, y_test))
                 for s, p0 in classifier.untrained_networks(seed, n_in, hidden, params["W2"].shape[1], weight_scales)]
    return {"accuracy": classifier.accuracy(params, X_test, y_test),
            "scaled": delta_x_delta_p(class_slice_stats(scaled, x_base, target_class, slice_points)),
            "scaled_accuracy": classifier.accuracy(scaled, X_test, y_test), "untrained": untrained}


def controls_text(controls: dict, history: dict, logit_scale: float) -> str:
    """Chapter 9's printed controls table for :func:`network_controls`: the final network (Delta X,
    Delta P from the last epoch of ``history``, a :func:`lib.classifier.train_history` record), the
    same network with rescaled logits, and the untrained networks by weight scale."""
    if not isinstance(controls, dict) or any(k not in controls for k in ("accuracy", "scaled", "untrained")):
        raise ValueError("controls must be a dict from network_controls")
    if not isinstance(history, dict) or "dX" not in history or "dP" not in history:
        raise ValueError("history must be a train_history dict with keys 'dX' and 'dP'")
    dX_scaled, dP_scaled = controls["scaled"]
    lines = [f"final network:          accuracy {controls['accuracy']:.4f}   "
             f"Delta X {history['dX'][-1]:.4f}   Delta P {history['dP'][-1]:.4f}",
             f"logits x {logit_scale:g}:            accuracy {controls['scaled_accuracy']:.4f}   "
             f"Delta X {dX_scaled:.4f}   Delta P {dP_scaled:.4f}",
             "untrained, weight scale   Delta X   Delta P   accuracy"]
    for s, dx, dp, acc in controls["untrained"]:
        lines.append(f"{s:24g}   {dx:7.4f}   {dp:7.4f}   {acc:.4f}")
    return "\n".join(lines)


def delta_x_delta_p(stats: dict[str, np.ndarray]) -> tuple[float, float]:
    """Eq. 23: ``Delta X = (sum_i sigma_x_i)^(1/2)`` and ``Delta P = (sum_i sigma_p_i)^(1/2)``
    (Hermitian ``sigma_p``)."""
    _check_stats(stats, ("sigma_x", "sigma_p_hermitian"))
    return float(np.sqrt(np.sum(stats["sigma_x"]))), float(np.sqrt(np.sum(stats["sigma_p_hermitian"])))


def delta_p_paper(stats: dict[str, np.ndarray]) -> tuple[float, float]:
    """Eq. 23's ``Delta P`` with the paper's ``p = d/dx``: ``(sum_i sqrt(var_i))^(1/2)`` over the
    pixels whose "variance" is non-negative, and the fraction of pixels where it is negative
    (an imaginary standard deviation, left out)."""
    _check_stats(stats, ("paper_variance_p",))
    var = np.asarray(stats["paper_variance_p"])
    ok = var >= 0
    return float(np.sqrt(np.sum(np.sqrt(var[ok])))), float(np.mean(~ok))


def _check_pixels(pixels, n_features: int) -> np.ndarray:
    arr = np.asarray(pixels)
    if arr.ndim != 1 or arr.size == 0 or not np.issubdtype(arr.dtype, np.integer) \
            or np.any((arr < 0) | (arr >= n_features)):
        raise ValueError(f"pixels must be a non-empty 1-D array of integer indices in [0, {n_features - 1}]")
    return arr.astype(np.int64)


def _check_stats(stats, keys) -> None:
    if not isinstance(stats, dict) or any(key not in stats for key in keys):
        raise ValueError(f"stats must be a dict from packet_stats/slice_stats with keys {list(keys)}")
    if any(np.size(stats[key]) == 0 for key in keys):
        raise ValueError("stats must hold at least one pixel")


#: Test functions on the real line: name -> (psi, dpsi), unnormalised.
TEST_FUNCTIONS: dict[str, tuple[Callable, Callable]] = {
    "Gaussian": (lambda x: np.exp(-(x**2) / 4), lambda x: -x / 2 * np.exp(-(x**2) / 4)),
    "sech": (lambda x: 1 / np.cosh(x), lambda x: -np.tanh(x) / np.cosh(x)),
    "Lorentzian": (lambda x: 1 / (1 + x**2), lambda x: -2 * x / (1 + x**2) ** 2),
    "Laplace": (lambda x: np.exp(-np.abs(x)), lambda x: -np.sign(x) * np.exp(-np.abs(x))),
    "bimodal": (lambda x: np.exp(-((x - 3) ** 2) / 2) + np.exp(-((x + 3) ** 2) / 2),
                lambda x: -(x - 3) * np.exp(-((x - 3) ** 2) / 2) - (x + 3) * np.exp(-((x + 3) ** 2) / 2)),
}
#: Exact sigma_x * sigma_p (Hermitian) on the real line where a closed form exists.
EXACT_PRODUCTS = {"Gaussian": 0.5, "sech": np.pi / 6, "Laplace": 1 / np.sqrt(2), "Lorentzian": 1 / np.sqrt(2)}
