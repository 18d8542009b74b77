"""The likelihood derivation of Lai, Dong & Jin, Sec. 2 (Eqs. 1-9), made executable.

The paper compares two densities of a Hamming count ``x = k`` out of ``n`` bits:

* the *sequence* density of Eq. 5, ``theta**k * (1 - theta)**(n - k)`` -- the
  probability of one particular ordered bit string with ``k`` ones;
* the *binomial* density of Eq. 6, which multiplies Eq. 5 by ``C(n, k)`` -- the
  probability of the count itself.

Eq. 8 states that the average negative log-likelihood equals ``n * H2(theta0)``.
This module provides the pieces to test that statement: the binary entropy, both
negative log-likelihoods in bits, the sampling spread of Eq. 8 and the
convergence of Eq. 9, and the second root that breaks the "if and only if" of
Eq. 7. Chapter 1 of the book uses all of them.

Examples
--------
>>> import numpy as np
>>> from lib import likelihood
>>> float(likelihood.binary_entropy(0.5))
1.0
>>> round(float(likelihood.sequence_nll_bits(25, 100, 0.25)), 4)  # k = n*theta0
81.1278
>>> round(100 * float(likelihood.binary_entropy(0.25)), 4)
81.1278
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats

from lib._validate import check_counts, check_fraction, check_generator, check_grid, check_int, check_size

LN2 = np.log(2.0)


def binary_entropy(p) -> np.ndarray:
    """Binary entropy ``H2(p) = -p log2 p - (1-p) log2 (1-p)`` in bits.

    Parameters
    ----------
    p : array_like
        Probabilities in [0, 1]; ``H2(0) = H2(1) = 0`` by continuity.

    Returns
    -------
    numpy.ndarray
        Entropy in bits, same shape as ``p``.

    Examples
    --------
    >>> round(float(binary_entropy(0.11)), 4)
    0.4999
    """
    p = check_fraction("p", p)
    return (special.entr(p) + special.entr(1.0 - p)) / LN2


def sequence_nll_bits(k, n: int, theta) -> np.ndarray:
    """Negative log2 of the sequence density of Eq. 5, ``theta**k (1-theta)**(n-k)``.

    Parameters
    ----------
    k : array_like of int
        Hamming counts in ``[0, n]``.
    n : int
        Number of bits, ``n >= 1``.
    theta : array_like
        Bit-difference probability in [0, 1] (broadcast against ``k``).

    Returns
    -------
    numpy.ndarray
        ``-k log2 theta - (n-k) log2 (1-theta)`` in bits (``inf`` where the
        density is zero).

    Examples
    --------
    >>> float(sequence_nll_bits(0, 3, 0.5))
    3.0
    """
    n = check_int("n", n, low=1)
    k = _check_counts(k, n)
    theta = check_fraction("theta", theta)
    return -(special.xlogy(k, theta) + special.xlogy(n - k, 1.0 - theta)) / LN2


def binomial_nll_bits(k, n: int, theta) -> np.ndarray:
    """Negative log2 of the binomial density of Eq. 6 (with the coefficient ``C(n, k)``).

    Examples
    --------
    >>> float(binomial_nll_bits(1, 2, 0.5))  # P[x = 1] = 1/2
    1.0
    """
    n = check_int("n", n, low=1)
    k = _check_counts(k, n)
    theta = check_fraction("theta", theta)
    return -stats.binom.logpmf(k, n, theta) / LN2


def log2_binomial_coefficient(k, n: int) -> np.ndarray:
    """``log2 C(n, k)``: the bits that separate Eq. 5 from Eq. 6.

    Examples
    --------
    >>> float(log2_binomial_coefficient(2, 4))  # log2 6
    2.584962500721156
    """
    n = check_int("n", n, low=1)
    k = _check_counts(k, n)
    return (special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)) / LN2


def sequence_nll_sd(n: int, theta0) -> np.ndarray:
    """Standard deviation of the Eq. 5 NLL of one sample ``k ~ Bin(n, theta0)``.

    The NLL is affine in ``k`` with slope ``log2((1-theta0)/theta0)``, so its
    spread is ``sqrt(n theta0 (1-theta0)) * |log2(theta0 / (1-theta0))|``.
    It vanishes only at ``theta0 = 1/2``: elsewhere Eq. 8 holds on average,
    not per sample.

    Examples
    --------
    >>> float(sequence_nll_sd(100, 0.5))
    0.0
    """
    n = check_int("n", n, low=1)
    theta0 = check_fraction("theta0", theta0, open_low=True, open_high=True)
    return np.sqrt(n * theta0 * (1 - theta0)) * np.abs(np.log2(theta0 / (1 - theta0)))


def binomial_entropy_bits(n: int, theta0) -> np.ndarray:
    """Expected binomial NLL, ``E[-log2 P(x)]`` for ``x ~ Bin(n, theta0)``, in bits.

    This is the entropy of the count, about ``0.5 log2(2 pi e n theta0 (1-theta0))``
    -- far below the ``n H2(theta0)`` bits of Eq. 8, which is the entropy of the
    ordered bit string.

    Examples
    --------
    >>> round(float(binomial_entropy_bits(1, 0.5)), 12)
    1.0
    """
    n = check_int("n", n, low=1)
    theta0 = check_fraction("theta0", theta0)
    return np.asarray(stats.binom(n, theta0).entropy() / LN2, dtype=float)


def average_minimum_nll_bits(n: int, theta0: float) -> float:
    """Exact ``E[min_theta sequence_nll(x, theta)] = E[n H2(x/n)]`` for ``x ~ Bin(n, theta0)``.

    Minimising Eq. 5 over ``theta`` for one sample gives ``theta_hat = x/n`` and
    the value ``n H2(x/n)``; by Jensen's inequality its average lies *below*
    ``n H2(theta0)``, by about ``1 / (2 ln 2) = 0.72`` bits for large ``n``.

    Examples
    --------
    >>> round(average_minimum_nll_bits(1, 0.5), 6)  # x/n is 0 or 1: H2 = 0
    0.0
    """
    n = check_int("n", n, low=1)
    theta0 = float(check_fraction("theta0", theta0))
    k = np.arange(n + 1)
    return float(np.sum(stats.binom.pmf(k, n, theta0) * n * binary_entropy(k / n)))


def sample_counts(rng: np.random.Generator, n: int, theta0: float, size) -> np.ndarray:
    """Draw Hamming counts ``x ~ Bin(n, theta0)`` (the model of Eq. 13)."""
    rng = check_generator("rng", rng)
    n = check_int("n", n, low=1)
    theta0 = float(check_fraction("theta0", theta0))
    size = check_size("size", size)
    return rng.binomial(n, theta0, size=size)


def eq9_average(counts, n: int, theta0: float) -> np.ndarray:
    """Left side of Eq. 9: ``-(1/(nN)) log2 L`` over the last axis of ``counts``.

    Examples
    --------
    >>> float(eq9_average([1, 3], 4, 0.5))
    1.0
    """
    n = check_int("n", n, low=1)
    counts = check_counts("counts", counts, high=n, min_ndim=1)
    return np.mean(sequence_nll_bits(counts, n, theta0), axis=-1) / n


def eq9_abs_errors(rng: np.random.Generator, n: int, theta0: float, N: int, replicates: int) -> np.ndarray:
    """``|Eq. 9 average - H2(theta0)|`` for ``replicates`` independent data sets of size ``N``."""
    N = check_int("N", N, low=1)
    replicates = check_int("replicates", replicates, low=1)
    counts = sample_counts(rng, n, theta0, size=(replicates, N))
    return np.abs(eq9_average(counts, n, theta0) - binary_entropy(theta0))


def eq9_error_table(rng: np.random.Generator, n: int, theta0: float, N_values, replicates: int):
    """Chapter 1's Eq. 9 convergence: for each ``N`` in ``N_values``, the mean over ``replicates``
    data sets of ``|Eq. 9 average - H2(theta0)|`` (:func:`eq9_abs_errors`) and its central-limit
    prediction (:func:`eq9_expected_abs_error`). Returns ``(measured, predicted)`` arrays."""
    N_values = [check_int(f"N_values[{i}]", N, low=1) for i, N in enumerate(N_values)]
    if not N_values:
        raise ValueError("N_values must hold at least one data-set size")
    measured = np.array([eq9_abs_errors(rng, n, theta0, N, replicates).mean() for N in N_values])
    return measured, eq9_expected_abs_error(n, theta0, N_values)


def eq9_expected_abs_error(n: int, theta0: float, N) -> np.ndarray:
    """Central-limit prediction of the mean absolute error of Eq. 9.

    The average of ``N`` i.i.d. NLLs is close to normal with standard deviation
    ``sd / sqrt(N)``; divided by ``n`` and folded at zero its mean is
    ``sqrt(2/pi) * sd / (n sqrt(N))``.
    """
    N = check_grid("N", np.atleast_1d(N), min_points=1, low=1).reshape(np.shape(N))
    return np.sqrt(2 / np.pi) * sequence_nll_sd(n, theta0) / (n * np.sqrt(N))


def eq7_log2_excess(k, n: int, theta0, theta) -> np.ndarray:
    """``log2[f(k; theta0) / f(k; theta)] - log2 C(n, k)`` with f of Eq. 6 over Eq. 5.

    Eq. 7 holds exactly where this is zero. It equals
    ``sequence_nll(k, theta) - sequence_nll(k, theta0)``.
    """
    return sequence_nll_bits(k, n, theta) - sequence_nll_bits(k, n, theta0)


def eq7_other_root(k: int, n: int, theta0: float) -> float:
    """The parameter ``theta != theta0`` at which Eq. 7's ratio still equals ``C(n, k)``.

    ``g(theta) = k ln theta + (n-k) ln(1-theta)`` is strictly concave with its
    maximum at ``k/n`` and tends to ``-inf`` at both ends when ``0 < k < n``, so
    every level ``g(theta0)`` below the maximum is reached twice: once at
    ``theta0`` and once on the other side of ``k/n``. That second root is a
    counterexample to the "only if" of Eq. 7.

    Returns
    -------
    float
        The second root (it may underflow to 0.0 when it lies below the smallest
        double, e.g. ``k = 1`` with ``theta0`` near 1 and large ``n``), or
        ``nan`` when none exists (``k`` in {0, n}, where g is
        monotone, or ``theta0 == k/n``, the double root).

    Examples
    --------
    >>> round(eq7_other_root(1, 2, 0.25), 6)  # symmetric about k/n = 1/2
    0.75
    """
    n = check_int("n", n, low=1)
    k = check_int("k", k, low=0, high=n)
    theta0 = float(check_fraction("theta0", theta0, open_low=True, open_high=True))
    mode = k / n
    if k in (0, n) or np.isclose(theta0, mode, rtol=0, atol=1e-12):
        return float("nan")
    # Work in s = logit(theta): the second root can be far below 1e-15 (e.g. k = 1,
    # theta0 near 1), where a bracket in theta itself would miss it.
    def g(s: float) -> float:
        return k * special.log_expit(s) + (n - k) * special.log_expit(-s)

    level = g(special.logit(theta0))
    s_mode = special.logit(mode)
    step = -1.0 if theta0 > mode else 1.0  # search on the other side of the mode
    far = s_mode + step
    while g(far) > level:
        far = s_mode + 2 * (far - s_mode)
    lo, hi = sorted((s_mode, far))
    s_root = optimize.brentq(lambda s: g(s) - level, lo, hi, xtol=1e-13, rtol=1e-13)
    return float(special.expit(s_root))


def eq7_counterexample_fraction(n_values, theta0_grid) -> float:
    """Fraction of grid points ``(n, k, theta0)`` with ``0 < k < n`` at which Eq. 7's
    "only if" fails (a second root exists)."""
    n_values = [check_int(f"n_values[{i}]", n, low=1) for i, n in enumerate(n_values)]
    theta0_grid = check_grid("theta0_grid", theta0_grid, min_points=1, low=0, high=1)
    total = found = 0
    for n in n_values:
        for k in range(1, int(n)):
            for theta0 in np.asarray(theta0_grid, dtype=float):
                total += 1
                found += not np.isnan(eq7_other_root(k, int(n), float(theta0)))
    return found / total if total else float("nan")


def _check_counts(k, n: int) -> np.ndarray:
    return check_counts("k", k, high=n)


@dataclass(frozen=True)
class Eq8Sample:
    """Chapter 1's per-sample test of Eq. 8 (:func:`eq8_per_sample`).

    Attributes
    ----------
    counts : numpy.ndarray
        The Hamming counts ``x ~ Bin(n, theta0)``.
    nll : numpy.ndarray
        Eq. 5 negative log-likelihood of each count at ``theta0`` (bits).
    n_H2 : float
        Eq. 8's right side ``n H2(theta0)``.
    sd, sd_predicted : float
        Sample standard deviation of ``nll`` (ddof 1) and :func:`sequence_nll_sd`.
    """

    counts: np.ndarray
    nll: np.ndarray
    n_H2: float
    sd: float
    sd_predicted: float

    @property
    def fraction_at_entropy(self) -> float:
        """Fraction of samples whose NLL equals ``n H2(theta0)`` (those with ``x = n theta0``)."""
        return float(np.mean(np.isclose(self.nll, self.n_H2)))


def eq8_per_sample(rng: np.random.Generator, n: int, theta0: float, size: int) -> Eq8Sample:
    """Eq. 8 sample by sample (chapter 1): draw ``size`` counts (:func:`sample_counts`, the only
    draw from ``rng``) and their Eq. 5 NLL at ``theta0``; the mean is ``n H2(theta0)``, the spread
    :func:`sequence_nll_sd`.

    Examples
    --------
    >>> s = eq8_per_sample(np.random.default_rng(0), 100, 0.5, 10)
    >>> round(s.sd, 9), s.sd_predicted, s.fraction_at_entropy  # theta0 = 1/2: every sample gives n bits
    (0.0, 0.0, 1.0)
    """
    size = check_int("size", size, low=2)
    counts = sample_counts(rng, n, theta0, size=size)
    nll = sequence_nll_bits(counts, n, theta0)
    return Eq8Sample(counts=counts, nll=nll, n_H2=n * float(binary_entropy(theta0)),
                     sd=float(np.std(nll, ddof=1)), sd_predicted=float(sequence_nll_sd(n, theta0)))


@dataclass(frozen=True)
class ChainRule:
    """Chapter 1's chain rule ``n H2(theta0) = H(x) + E log2 C(n, x)`` measured on counts
    (:func:`chain_rule_bits`); every value in bits."""

    binomial_nll: float  #: mean Eq. 6 (binomial) NLL of the counts at ``theta0``
    binomial_entropy: float  #: its exact expectation, the entropy of ``Bin(n, theta0)``
    normal_approx: float  #: ``log2(2 pi e n theta0 (1 - theta0)) / 2``
    ordering_bits: float  #: mean ``log2 C(n, x)`` of the counts
    min_nll: float  #: exact average minimum Eq. 5 NLL (:func:`average_minimum_nll_bits`)


def chain_rule_bits(counts, n: int, theta0: float) -> ChainRule:
    """Split Eq. 8's ``n H2(theta0)`` bits of the counts ``x ~ Bin(n, theta0)`` (chapter 1): the
    binomial NLL (Eq. 6, the information in the count) plus ``log2 C(n, x)`` (which ordering).

    Examples
    --------
    >>> c = chain_rule_bits([0, 1, 1, 2], 2, 0.5)  # 2 fair bits: 1.5 bits in the count + 0.5 in the order
    >>> c.binomial_nll + c.ordering_bits, c.binomial_entropy
    (2.0, 1.5)
    """
    n = check_int("n", n, low=1)
    theta0 = float(check_fraction("theta0", theta0, open_low=True, open_high=True))
    counts = check_counts("counts", counts, high=n, min_ndim=1)
    return ChainRule(binomial_nll=float(binomial_nll_bits(counts, n, theta0).mean()),
                     binomial_entropy=float(binomial_entropy_bits(n, theta0)),
                     normal_approx=float(0.5 * np.log2(2 * np.pi * np.e * n * theta0 * (1 - theta0))),
                     ordering_bits=float(log2_binomial_coefficient(counts, n).mean()),
                     min_nll=average_minimum_nll_bits(n, theta0))


@dataclass(frozen=True)
class Eq7Counterexamples:
    """Chapter 1's test of Eq. 7's "only if" (:func:`eq7_counterexamples`)."""

    theta: float  #: the second root for the case shown (:func:`eq7_other_root`)
    excess: float  #: :func:`eq7_log2_excess` there (zero up to rounding)
    fraction: float  #: share of grid points with a second root (:func:`eq7_counterexample_fraction`)


def eq7_counterexamples(k: int, n: int, theta0: float, n_max: int, theta0_grid) -> Eq7Counterexamples:
    """Eq. 7 "if" but not "only if" (chapter 1): the second root for ``(k, n, theta0)``, its
    excess, and the fraction of grid points ``(n' <= n_max, 0 < k' < n', theta0' in theta0_grid)``
    that have one.

    Examples
    --------
    >>> e = eq7_counterexamples(1, 2, 0.25, 2, [0.25, 0.5])  # k = n/2: only theta0 = 1/2 is a double root
    >>> round(e.theta, 6), e.fraction
    (0.75, 0.5)
    """
    n_max = check_int("n_max", n_max, low=2)
    theta = eq7_other_root(k, n, theta0)
    return Eq7Counterexamples(theta=theta, excess=float(eq7_log2_excess(k, n, theta0, theta)),
                              fraction=eq7_counterexample_fraction(range(2, n_max + 1), theta0_grid))
