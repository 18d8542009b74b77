"""Why MaxLikelihood collapses test samples: the top two Lyapunov exponents of its layers.

At a layer, write a Gaussian row as ``v = a w_hat + u`` (Chapter 3). Then

* the training vector grows by ``||a_sel||``, the root of the sum of the ``k`` largest of
  ``n`` i.i.d. chi-square(1) variables ``S_{k,n}``, so its exponent is
  ``lambda_1 = E[log ||a_sel||] = 1/2 E[log S_{k,n}]`` (semi-closed: one expectation of
  order statistics; exact at ``n = k``: ``1/2 (psi(k/2) + log 2)``);
* any direction orthogonal to it is mapped by ``U``, independent of the selection, and
  the part that stays orthogonal to the new training direction has squared norm
  chi-square(``k - 1``): ``lambda_2 = 1/2 (psi((k-1)/2) + log 2)``, independent of ``n``.

Their gap ``lambda_1 - lambda_2`` is the rate at which every test direction turns onto
``+-w_L``. At ``n = k = 2`` it is ``(psi(1) - psi(1/2)) / 2 = log 2``: products of
Gaussian matrices collapse directions even without any selection; selection widens
the gap. :func:`qr_spectrum` measures the exponents on the real (faithful) algorithm
by QR iteration.

Examples
--------
>>> from lib import lyapunov
>>> round(lyapunov.top_exponent(2, 2)[0] - lyapunov.second_exponent(2), 6)  # log 2
0.693147
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from lib._validate import check_generator, check_int

_DRAW_ENTRIES = 1 << 22
#: Up to this k, S_{k,n} is drawn from the order-statistic law instead of n normals.
_RENYI_MAX_K = 64


def second_exponent(k: int) -> float:
    """``lambda_2 = (psi((k-1)/2) + log 2) / 2``: growth of the directions orthogonal to training.

    Examples
    --------
    >>> round(second_exponent(2), 4)
    -0.6352
    """
    k = check_int("k", k, low=2)
    return float(0.5 * (special.digamma((k - 1) / 2) + np.log(2.0)))


def top_exponent(k: int, n: int, rng: np.random.Generator | None = None, samples: int = 20_000) -> tuple[float, float]:
    """``lambda_1 = E[log S_{k,n}] / 2`` with its Monte Carlo standard error.

    Exact (standard error 0) when ``n == k``; otherwise averages ``samples`` draws of the
    sum of the ``k`` largest of ``n`` squared standard normals.
    """
    k = check_int("k", k, low=1)
    n = check_int("n", n, low=k)
    if n == k:
        return float(0.5 * (special.digamma(k / 2) + np.log(2.0))), 0.0
    rng = check_generator("rng", rng)
    samples = check_int("samples", samples, low=2)
    values = 0.5 * np.log(sample_top_sums(rng, k, n, samples))
    return float(values.mean()), float(values.std(ddof=1) / np.sqrt(samples))


def top_exponent_approx(k: int, n: int) -> float:
    """Law-of-large-numbers form of ``lambda_1``: ``log(E S_{k,n}) / 2`` with the quantile
    approximation ``E S ~ k + 2 n q phi(q)``, ``q = Phi^{-1}(1 - k / (2n))``. Accurate for large k."""
    k = check_int("k", k, low=1)
    n = check_int("n", n, low=k)
    q = stats.norm.isf(k / (2 * n))
    return 0.5 * float(np.log(k + 2 * n * q * stats.norm.pdf(q)))


def sample_top_sums(rng: np.random.Generator, k: int, n: int, samples: int) -> np.ndarray:
    """Draws of ``S_{k,n}``: the sum of the ``k`` largest of ``n`` squared standard normals.

    For small ``k`` the ``k`` largest ``|a|`` are drawn directly from their order-statistic
    law (Renyi: the ``j`` smallest of ``n`` uniforms are ``(E_1 + ... + E_j) / (E_1 + ... +
    E_{n+1})`` with exponential ``E``), at ``O(k)`` per draw; otherwise all ``n`` are drawn.
    Both are exact in distribution.
    """
    rng = check_generator("rng", rng)
    k = check_int("k", k, low=1)
    n = check_int("n", n, low=k)
    samples = check_int("samples", samples, low=1)
    if k <= _RENYI_MAX_K and k < n:
        spacings = np.cumsum(rng.standard_exponential((samples, k)), axis=1)
        tail = spacings[:, -1:] + rng.standard_gamma(n + 1 - k, (samples, 1))
        # P(|a| > t) = 2 (1 - Phi(t)): the j-th largest |a| sits at tail probability V_(j)
        return np.sum(stats.norm.isf(spacings / tail / 2) ** 2, axis=1)
    out = np.empty(samples)
    per = max(1, _DRAW_ENTRIES // n)
    for start in range(0, samples, per):
        stop = min(samples, start + per)
        sq = rng.standard_normal((stop - start, n)) ** 2
        if k < n:
            # sorted so that the sum's rounding does not depend on partition's CPU-dependent order
            sq = np.sort(np.partition(sq, n - k, axis=1)[:, n - k:], axis=1)
        out[start:stop] = sq.sum(axis=1)
    return out


def gap(k: int, n: int, rng: np.random.Generator | None = None, samples: int = 20_000) -> tuple[float, float]:
    """``lambda_1 - lambda_2`` and its standard error."""
    lam1, se = top_exponent(k, n, rng, samples)
    return lam1 - second_exponent(k), se


def qr_spectrum(k: int, n: int, L: int, rng: np.random.Generator, *, p: int = 2, chains: int = 1,
                selection: str = "max") -> tuple[np.ndarray, np.ndarray]:
    """Top ``p`` Lyapunov exponents of the faithful Algorithm 1 by QR iteration.

    Each of ``chains`` independent runs starts from ``[w_hat, q_2, ..., q_p]`` (orthonormal,
    ``w_hat`` the training direction), applies each layer's real ``G_l`` -- ``G*`` drawn in
    full, rows kept by ``|v . w_hat|`` -- and re-orthonormalises. ``log R_ii`` averaged over
    layers and chains estimates ``lambda_i``; its spread gives the standard error.

    Returns
    -------
    (exponents, standard_errors), each of shape (p,)
    """
    k = check_int("k", k, low=2)
    n = check_int("n", n, low=k)
    L = check_int("L", L, low=1)
    p = check_int("p", p, low=1, high=k)
    chains = check_int("chains", chains, low=1)
    rng = check_generator("rng", rng)
    Q, _ = np.linalg.qr(rng.standard_normal((chains, k, p)))
    logs = np.empty((chains, L, p))
    rows_per_draw = max(1, _DRAW_ENTRIES // (k * chains))
    for layer in range(L):
        proj = np.empty((chains, n, p))
        for start in range(0, n, rows_per_draw):
            stop = min(n, start + rows_per_draw)
            proj[:, start:stop] = rng.standard_normal((chains, stop - start, k)) @ Q
        if selection == "max":
            kept = np.argpartition(-np.abs(proj[:, :, 0]), k - 1, axis=1)[:, :k]
        else:
            kept = np.argsort(rng.random((chains, n)), axis=1, kind="stable")[:, :k]
        # argpartition's output order depends on the CPU's SIMD kernels; QR of permuted rows
        # permutes Q and hence every later layer's draw. Row order makes the result portable.
        kept = np.sort(kept, axis=1)
        Q, R = np.linalg.qr(np.take_along_axis(proj, kept[..., None], axis=1))
        logs[:, layer] = np.log(np.abs(np.diagonal(R, axis1=1, axis2=2)))
    per_chain = logs.mean(axis=1)
    if chains > 1:
        return per_chain.mean(axis=0), per_chain.std(axis=0, ddof=1) / np.sqrt(chains)
    return per_chain[0], logs[0].std(axis=0, ddof=1) / np.sqrt(L)


def growth_curves(k: int, n: int, L: int, models: int, rng: np.random.Generator, *, sampler: str = "fast",
                  selection: str = "max") -> np.ndarray:
    """Chapter 3's norm-growth experiment (Algorithm 1, Sec. 2.2): ``log ||w_l|| - log ||w_0||`` of
    ``models`` independent training runs on Gaussian ``w_0``, shape (models, L + 1). Its mean
    grows like ``lambda_1 l`` (:func:`top_exponent`)."""
    from lib import maxlikelihood  # maxlikelihood does not import this module; keep the import local

    k = check_int("k", k, low=1)
    models = check_int("models", models, low=1)
    rng = check_generator("rng", rng)
    logs = np.array([maxlikelihood.fit(rng.standard_normal(k), n, L, rng, sampler=sampler,
                                       selection=selection).train_log_norms for _ in range(models)])
    return logs - logs[:, :1]


def growth_slope(curves) -> float:
    """Least-squares slope (nats per layer) of the mean of :func:`growth_curves` output (chapter 3)."""
    curves = np.asarray(curves, dtype=float)
    if curves.ndim != 2 or curves.shape[1] < 2:
        raise ValueError(f"curves must have shape (models, L + 1) with L >= 1; got {curves.shape}")
    return float(np.polyfit(np.arange(curves.shape[1]), curves.mean(axis=0), 1)[0])


def qr_check(k: int, n: int, L: int, rng: np.random.Generator, *, chains: int = 1, lambda1: float | None = None,
             samples: int = 20_000) -> tuple:
    """One row of chapter 3's QR table: ``(k, n, lambda_1 QR, se, lambda_1 theory, lambda_2 QR, se,
    lambda_2 theory)`` -- :func:`qr_spectrum` against :func:`top_exponent` / :func:`second_exponent`.
    ``lambda1`` reuses an already computed theory value (no draws); otherwise it is computed."""
    measured, se = qr_spectrum(k, n, L, rng, chains=chains)
    if lambda1 is None:
        lambda1 = top_exponent(k, n, rng, samples)[0]
    return (k, n, measured[0], se[0], float(lambda1), measured[1], se[1], second_exponent(k))


def growth_study(grid, L: int, models: int, rng: np.random.Generator, *, sampler: str = "fast",
                 samples: int = 20_000, control=(10, 100)) -> tuple[dict, np.ndarray, dict]:
    """Chapter 3's norm-growth experiment over a ``(k, n)`` grid (Algorithm 1, Sec. 2.2).

    Draws, in this order: :func:`growth_curves` for every ``(k, n)`` of ``grid``; the random-row
    control at ``control = (k, n)``; :func:`top_exponent` (``samples`` draws) for every pair.

    Returns
    -------
    (curves, control_curves, lambda1): ``{(k, n): growth curves}``, the control's curves and
    ``{(k, n): theory lambda_1}``.
    """
    rng = check_generator("rng", rng)
    pairs = [(check_int("k", k, low=1), check_int("n", n, low=k)) for k, n in grid]
    curves = {(k, n): growth_curves(k, n, L, models, rng, sampler=sampler) for k, n in pairs}
    control_curves = growth_curves(*control, L, models, rng, sampler=sampler, selection="random")
    lambda1 = {(k, n): top_exponent(k, n, rng, samples)[0] for k, n in pairs}
    return curves, control_curves, lambda1


def gap_against_ratio(k: int, ratios, rng: np.random.Generator | None = None, samples: int = 4000) -> np.ndarray:
    """``lambda_1 - lambda_2`` at ``n = round(r k)`` for each ratio ``r = n / k >= 1`` (chapter 3's
    gap-against-n/k figure). With ``rng``: the semi-closed form by Monte Carlo (:func:`gap`,
    ``samples`` draws per ratio, in order); without: the large-k formula :func:`top_exponent_approx`."""
    k = check_int("k", k, low=2)
    ratios = np.asarray(ratios, dtype=float)
    if ratios.ndim != 1 or not np.all(np.isfinite(ratios)) or np.any(ratios < 1):
        raise ValueError("ratios must be a 1-D array of finite numbers >= 1")
    if rng is None:
        return np.array([top_exponent_approx(k, int(round(r * k))) - second_exponent(k) for r in ratios])
    return np.array([gap(k, int(round(r * k)), rng, samples)[0] for r in ratios])
