"""Cosine-distance locality-sensitive hashing, Lai, Dong & Jin Sec. 2.1.1 (Eqs. 10-13).

Signed random projections (Charikar 2002): with ``v_i ~ N(0, I)``, the bit
``h_i(w) = sgn(v_i . w)`` differs between two vectors with probability
``theta0 = arccos(w_hat . w_hat') / pi`` (Eq. 11), and the Hamming count of ``n``
independent bits is ``Bin(n, theta0)`` (Eqs. 12-13). Chapter 2 tests both claims.

Examples
--------
>>> import numpy as np
>>> from lib import lsh
>>> rng = np.random.default_rng(0)
>>> w, w2 = lsh.pair_at_angle(rng, dim=5, theta0=0.25)
>>> round(float(lsh.angle_fraction(w, w2)), 6)
0.25
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from lib._validate import check_counts, check_fraction, check_generator, check_int, check_real, check_vector

#: Largest number of Gaussian entries drawn at once by :func:`sample_hamming_counts`.
_CHUNK_ENTRIES = 4_000_000


def signed_projection(V: np.ndarray, w) -> np.ndarray:
    """Hash bits ``h_i(w) = sgn(v_i . w)`` of Eq. 10, as +1/-1 (``sgn(0) = +1``).

    Parameters
    ----------
    V : numpy.ndarray, shape (n, dim)
        Rows are the random hyperplane normals ``v_i``.
    w : array_like, shape (dim,)

    Examples
    --------
    >>> signed_projection(np.array([[1.0, 0.0], [-1.0, 0.0]]), [2.0, 5.0]).tolist()
    [1, -1]
    """
    V = np.asarray(V, dtype=float)
    if V.ndim != 2 or V.size == 0:
        raise ValueError(f"V must be a non-empty 2-D array (n, dim); got shape {V.shape}")
    if not np.all(np.isfinite(V)):
        raise ValueError("V must contain only finite numbers")
    w = check_vector("w", w, dim=V.shape[1])
    return np.where(V @ w >= 0, 1, -1).astype(np.int8)


def angle_fraction(w, w2) -> float:
    """``theta0 = arccos(w_hat . w_hat') / pi`` in [0, 1] (Eq. 11, right-hand side).

    Examples
    --------
    >>> angle_fraction([1.0, 0.0], [0.0, 3.0])
    0.5
    """
    w = check_vector("w", w)
    w2 = check_vector("w2", w2, dim=w.size)
    cos = np.dot(w, w2) / (np.linalg.norm(w) * np.linalg.norm(w2))
    return float(np.arccos(np.clip(cos, -1.0, 1.0)) / np.pi)


def pair_at_angle(rng: np.random.Generator, dim: int, theta0: float) -> tuple[np.ndarray, np.ndarray]:
    """Two random unit vectors in ``R^dim`` whose angle is ``pi * theta0``.

    The first is uniform on the sphere; the second is rotated from it towards an
    independent orthogonal direction, so the pair has no preferred orientation.
    """
    rng = check_generator("rng", rng)
    dim = check_int("dim", dim, low=2)
    theta0 = float(check_fraction("theta0", theta0))
    w = rng.standard_normal(dim)
    w /= np.linalg.norm(w)
    u = rng.standard_normal(dim)
    u -= (u @ w) * w
    u /= np.linalg.norm(u)
    angle = np.pi * theta0
    return w, np.cos(angle) * w + np.sin(angle) * u


def hamming_count(V: np.ndarray, w, w2) -> int:
    """Number of hash bits on which ``w`` and ``w2`` disagree (Eq. 12)."""
    return int(np.count_nonzero(signed_projection(V, w) != signed_projection(V, w2)))


def sample_hamming_counts(rng: np.random.Generator, n: int, w, w2, trials: int) -> np.ndarray:
    """Hamming counts of ``trials`` independent hashes, each of ``n`` fresh hyperplanes.

    Every trial draws its own ``V ~ N(0, 1)^(n x dim)``; the draws are made in
    chunks of whole trials so memory stays bounded, and because a Generator fills
    arrays in C order the result does not depend on the chunk size.

    Returns
    -------
    numpy.ndarray of int, shape (trials,)

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> sample_hamming_counts(rng, 8, [1.0, 0.0], [1.0, 0.0], trials=3).tolist()
    [0, 0, 0]
    """
    n = check_int("n", n, low=1)
    return _hamming_counts(rng, n, n, w, w2, trials)


def sample_selected_hamming_counts(
    rng: np.random.Generator, n_pool: int, n_keep: int, w, w2, trials: int
) -> np.ndarray:
    """Hamming counts after the row selection of Eq. 14 (the seed of Algorithm 1).

    Each trial draws ``n_pool`` hyperplanes, keeps the ``n_keep`` with the largest
    ``|v_i . w|`` and counts disagreements of ``w`` and ``w2`` on the kept rows.
    Selection conditions on the projections, so the kept bits are no longer the
    i.i.d. Bernoulli(``theta0``) bits of Eq. 12: a large ``|v . w|`` makes
    ``v . w2`` share its sign more often, and the count falls below
    ``Bin(n_keep, theta0)``.

    Returns
    -------
    numpy.ndarray of int, shape (trials,)
    """
    n_pool = check_int("n_pool", n_pool, low=1)
    n_keep = check_int("n_keep", n_keep, low=1, high=n_pool)
    return _hamming_counts(rng, n_pool, n_keep, w, w2, trials)


def _hamming_counts(rng, n_pool: int, n_keep: int, w, w2, trials: int) -> np.ndarray:
    """Shared sampler: trials drawn in chunks of whole trials (C-order fill, so chunking never
    changes the result); with ``n_keep < n_pool`` only the rows with largest ``|v . w|`` count."""
    rng = check_generator("rng", rng)
    trials = check_int("trials", trials, low=1)
    w = check_vector("w", w)
    w2 = check_vector("w2", w2, dim=w.size)
    W = np.column_stack([w, w2])
    per_chunk = max(1, _CHUNK_ENTRIES // (n_pool * w.size))
    counts = np.empty(trials, dtype=np.int64)
    for start in range(0, trials, per_chunk):
        stop = min(trials, start + per_chunk)
        proj = rng.standard_normal((stop - start, n_pool, w.size)) @ W
        if n_keep < n_pool:
            # Which rows are kept depends on |v.w| only; their order does not matter for the count.
            kept = np.argpartition(-np.abs(proj[..., 0]), n_keep - 1, axis=1)[:, :n_keep]
            proj = np.take_along_axis(proj, kept[..., None], axis=1)
        counts[start:stop] = np.count_nonzero((proj[..., 0] >= 0) != (proj[..., 1] >= 0), axis=1)
    return counts


def single_hash_fractions(rng: np.random.Generator, n: int, angles, dim: int) -> np.ndarray:
    """For each ``theta0`` in ``angles``: a fresh random pair at that angle, hashed once with ``n`` bits;
    returns the observed fractions ``x / n`` (Chapter 2: Eq. 11 holds in expectation, not per hash)."""
    rng = check_generator("rng", rng)
    n = check_int("n", n, low=1)
    dim = check_int("dim", dim, low=2)
    angles = np.asarray(check_fraction("angles", angles), dtype=float).reshape(-1)
    out = np.empty(angles.size)
    for j, t in enumerate(angles):
        a, b = pair_at_angle(rng, dim=dim, theta0=float(t))
        out[j] = _hamming_counts(rng, n, n, a, b, 1)[0] / n
    return out


def fraction_in_binomial_band(angles, fractions, n: int, z: float = 1.96) -> float:
    """Fraction of single-hash fractions inside ``theta0 +- z sqrt(theta0 (1-theta0)/n)``, widened by
    half a count for the discreteness of ``x`` (Chapter 2)."""
    n = check_int("n", n, low=1)
    z = check_real("z", z, low=0.0, open_low=True)
    angles = np.asarray(check_fraction("angles", angles), dtype=float)
    fractions = np.asarray(check_fraction("fractions", fractions), dtype=float)
    if angles.shape != fractions.shape or angles.size == 0:
        raise ValueError("angles and fractions must be non-empty arrays of the same shape")
    return float(np.mean(np.abs(fractions - angles) <= z * np.sqrt(angles * (1 - angles) / n) + 0.5 / n))


def gof_table(rng: np.random.Generator, n: int, trials: int, dims, theta0_values):
    """Chapter 2's test of Eqs. 11 and 13: for every (dimension, theta0), ``trials`` hashes of a fresh
    pair, the chi-square fit to ``Bin(n, theta0)`` (:func:`binomial_gof`), the mean estimate
    ``theta_hat = mean(x)/n`` and its z-score against ``theta0``.

    Returns
    -------
    table : dict of numpy.ndarray
        ``dim``, ``theta0``, ``chi2``, ``dof``, ``pvalue``, ``theta_hat``, ``z`` (one entry per row,
        dimensions outer, angles inner).
    samples : dict
        ``(dim, theta0) -> counts``.
    """
    rng = check_generator("rng", rng)
    n = check_int("n", n, low=1)
    trials = check_int("trials", trials, low=1)
    dims = [check_int(f"dims[{i}]", d, low=2) for i, d in enumerate(dims)]
    thetas = [float(check_fraction(f"theta0_values[{i}]", t, open_low=True, open_high=True))
              for i, t in enumerate(theta0_values)]
    if not dims or not thetas:
        raise ValueError("dims and theta0_values must be non-empty")
    rows, samples = [], {}
    for dim in dims:
        for t in thetas:
            a, b = pair_at_angle(rng, dim=dim, theta0=t)
            x = _hamming_counts(rng, n, n, a, b, trials)
            stat, dof, pvalue = binomial_gof(x, n, t)
            theta_hat = x.mean() / n
            se = np.sqrt(t * (1 - t) / (n * trials))
            rows.append((dim, t, stat, dof, pvalue, theta_hat, (theta_hat - t) / se))
            samples[dim, t] = x
    keys = ("dim", "theta0", "chi2", "dof", "pvalue", "theta_hat", "z")
    table = {key: np.array([row[i] for row in rows]) for i, key in enumerate(keys)}
    return table, samples


def binomial_gof(counts, n: int, theta0: float, min_expected: float = 5.0) -> tuple[float, int, float]:
    """Pearson chi-square goodness of fit of ``counts`` to ``Bin(n, theta0)`` (Eq. 13, Chapter 2).

    Neighbouring outcomes are pooled from both tails until every bin expects at
    least ``min_expected`` observations, so the chi-square approximation holds.

    Raises
    ------
    ValueError
        for counts that are not whole numbers in ``[0, n]``, a ``min_expected`` that is not
        a finite positive number, and when everything pools into a single bin (too few
        counts, or ``theta0`` in {0, 1}): a test with zero degrees of freedom has no
        p-value, and reporting a perfect fit there would be a lie.

    Returns
    -------
    (statistic, degrees_of_freedom, p_value)

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> stat, dof, p = binomial_gof(rng.binomial(20, 0.3, 5000), 20, 0.3)
    >>> p > 0.01
    True
    """
    n = check_int("n", n, low=1)
    theta0 = float(check_fraction("theta0", theta0))
    counts = check_counts("counts", counts, high=n, min_ndim=1)
    if counts.ndim != 1:
        raise ValueError(f"counts must be a 1-D array of Hamming counts; got shape {counts.shape}")
    min_expected = check_real("min_expected", min_expected, low=0.0, open_low=True)
    observed = np.bincount(counts, minlength=n + 1).astype(float)
    expected = stats.binom.pmf(np.arange(n + 1), n, theta0) * counts.size
    obs_bins, exp_bins = _pool_bins(observed, expected, min_expected)
    if len(obs_bins) < 2:
        raise ValueError(f"binomial_gof: with {counts.size} counts, n = {n}, theta0 = {theta0:g} and "
                         f"min_expected = {min_expected:g} every outcome pools into one bin; the test has "
                         f"no degrees of freedom (use more counts, a smaller min_expected, or theta0 in (0, 1))")
    statistic = float(np.sum((obs_bins - exp_bins) ** 2 / exp_bins))
    dof = len(obs_bins) - 1
    return statistic, dof, float(stats.chi2.sf(statistic, dof))


def _pool_bins(observed: np.ndarray, expected: np.ndarray, min_expected: float):
    """Merge adjacent bins greedily from the left, then fold a small remainder back."""
    obs_bins: list[float] = []
    exp_bins: list[float] = []
    acc_o = acc_e = 0.0
    for o, e in zip(observed, expected):
        acc_o += o
        acc_e += e
        if acc_e >= min_expected:
            obs_bins.append(acc_o)
            exp_bins.append(acc_e)
            acc_o = acc_e = 0.0
    if acc_e > 0 or acc_o > 0:
        if obs_bins:
            obs_bins[-1] += acc_o
            exp_bins[-1] += acc_e
        else:
            obs_bins.append(acc_o)
            exp_bins.append(acc_e)
    return np.array(obs_bins), np.array(exp_bins)
