"""Tests for lib.likelihood: closed forms, identities, statistical checks with fixed seeds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from lib import likelihood as lk

thetas = st.floats(min_value=0.01, max_value=0.99)
ns = st.integers(min_value=2, max_value=300)


def test_binary_entropy_known_values():
    np.testing.assert_allclose(lk.binary_entropy([0.0, 0.5, 1.0]), [0.0, 1.0, 0.0])
    # H2(0.11) is the classic ~1/2 bit
    assert lk.binary_entropy(0.11) == pytest.approx(0.49992, abs=1e-4)


@given(thetas)
def test_binary_entropy_symmetric_and_bounded(p):
    h = float(lk.binary_entropy(p))
    assert h == pytest.approx(float(lk.binary_entropy(1 - p)), abs=1e-12)
    assert 0 < h <= 1


@given(ns, thetas, st.data())
def test_binomial_and_sequence_nll_differ_by_log2_coefficient(n, theta, data):
    k = data.draw(st.integers(min_value=0, max_value=n))
    diff = lk.sequence_nll_bits(k, n, theta) - lk.binomial_nll_bits(k, n, theta)
    assert float(diff) == pytest.approx(float(lk.log2_binomial_coefficient(k, n)), rel=1e-9, abs=1e-9)


def test_eq8_holds_exactly_when_k_equals_n_theta0():
    assert float(lk.sequence_nll_bits(25, 100, 0.25)) == pytest.approx(100 * float(lk.binary_entropy(0.25)))
    assert float(lk.sequence_nll_bits(30, 100, 0.25)) != pytest.approx(100 * float(lk.binary_entropy(0.25)))


def test_sequence_nll_mean_is_n_h2_exactly():
    n, theta0 = 57, 0.31
    k = np.arange(n + 1)
    mean = np.sum(stats.binom.pmf(k, n, theta0) * lk.sequence_nll_bits(k, n, theta0))
    assert mean == pytest.approx(n * float(lk.binary_entropy(theta0)), rel=1e-12)


@pytest.mark.parametrize("n,theta0", [(100, 0.25), (40, 0.1), (500, 0.7)])
def test_sequence_nll_sd_matches_sampling(n, theta0):
    rng = np.random.default_rng(11)
    nll = lk.sequence_nll_bits(lk.sample_counts(rng, n, theta0, 40_000), n, theta0)
    predicted = float(lk.sequence_nll_sd(n, theta0))
    # the sample sd of 40k draws is within ~1% of the truth; a wrong formula misses by far more
    assert np.std(nll, ddof=1) == pytest.approx(predicted, rel=0.03)


def test_sequence_nll_sd_vanishes_at_one_half():
    assert float(lk.sequence_nll_sd(100, 0.5)) == 0.0


@given(st.integers(min_value=1, max_value=400), thetas)
@settings(max_examples=40)
def test_entropy_chain_rule(n, theta0):
    """n H2(theta0) = H(count) + E log2 C(n, x): the bits of the ordering."""
    k = np.arange(n + 1)
    pmf = stats.binom.pmf(k, n, theta0)
    ordering = np.sum(pmf * lk.log2_binomial_coefficient(k, n))
    total = float(lk.binomial_entropy_bits(n, theta0)) + ordering
    assert total == pytest.approx(n * float(lk.binary_entropy(theta0)), rel=1e-8, abs=1e-8)


def test_binomial_entropy_matches_normal_approximation_for_large_n():
    n, theta0 = 10_000, 0.25
    approx = 0.5 * np.log2(2 * np.pi * np.e * n * theta0 * (1 - theta0))
    assert float(lk.binomial_entropy_bits(n, theta0)) == pytest.approx(approx, abs=1e-3)


def test_average_minimum_nll_is_jensen_gap_below_n_h2():
    n, theta0 = 2000, 0.3
    gap = n * float(lk.binary_entropy(theta0)) - lk.average_minimum_nll_bits(n, theta0)
    assert gap == pytest.approx(0.5 / np.log(2), abs=0.01)


def test_eq9_error_follows_clt_prediction():
    rng = np.random.default_rng(5)
    errors = lk.eq9_abs_errors(rng, 100, 0.25, N=1000, replicates=3000)
    predicted = float(lk.eq9_expected_abs_error(100, 0.25, 1000))
    # standard error of the mean of 3000 folded normals is ~1.4% of the mean
    assert errors.mean() == pytest.approx(predicted, rel=0.06)


def test_eq9_error_shrinks_like_one_over_sqrt_n():
    rng = np.random.default_rng(6)
    small = lk.eq9_abs_errors(rng, 100, 0.25, N=100, replicates=2000).mean()
    large = lk.eq9_abs_errors(rng, 100, 0.25, N=10_000, replicates=2000).mean()
    assert small / large == pytest.approx(10.0, rel=0.1)


def test_eq7_other_root_worked_example():
    root = lk.eq7_other_root(3, 10, 0.2)
    assert root > 0.3  # on the other side of k/n
    assert float(lk.eq7_log2_excess(3, 10, 0.2, root)) == pytest.approx(0.0, abs=1e-9)
    assert lk.eq7_other_root(1, 2, 0.25) == pytest.approx(0.75, abs=1e-9)


@given(st.integers(min_value=2, max_value=200), st.data())
@settings(max_examples=60)
def test_eq7_other_root_is_a_second_root(n, data):
    k = data.draw(st.integers(min_value=1, max_value=n - 1))
    theta0 = data.draw(st.floats(min_value=0.001, max_value=0.999))
    root = lk.eq7_other_root(k, n, theta0)
    if np.isclose(theta0, k / n, atol=1e-12, rtol=0):
        assert np.isnan(root)
        return
    assert (root - k / n) * (theta0 - k / n) < 0
    # roots closer to 0 or 1 than double precision resolves (e.g. 2**-1022) cannot be checked in theta
    assume(1e-300 < root < 1 - 1e-12)
    # the excess is zero at the root up to the conditioning of g there: a double has an absolute
    # error of ~1e-16 near 1, which near theta = 1 is a large relative error in (1 - theta)
    scale = 1 + float(lk.sequence_nll_bits(k, n, theta0))
    slope = (k / root + (n - k) / (1 - root)) / np.log(2)
    assert abs(float(lk.eq7_log2_excess(k, n, theta0, root))) <= 1e-9 * scale + 4 * slope * 1.2e-16


@pytest.mark.parametrize("k,n,theta0", [(0, 10, 0.3), (10, 10, 0.3), (3, 10, 0.3)])
def test_eq7_no_counterexample_cases(k, n, theta0):
    assert np.isnan(lk.eq7_other_root(k, n, theta0))


def test_eq7_counterexample_fraction_excludes_only_mode_points():
    # grid theta0 = j/10 hits k/n exactly for n = 10, k = j: 9 of 81 points
    fraction = lk.eq7_counterexample_fraction([10], np.arange(1, 10) / 10)
    assert fraction == pytest.approx(72 / 81)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: lk.binary_entropy(1.5), "p must lie in"),
        (lambda: lk.binary_entropy(np.nan), "p must lie in"),
        (lambda: lk.sequence_nll_bits(5, 0, 0.5), "n must be an integer >= 1"),
        (lambda: lk.sequence_nll_bits(11, 10, 0.5), r"k must hold whole counts in \[0, 10\]"),
        (lambda: lk.sequence_nll_bits(2.5, 10, 0.5), "k must hold whole counts"),
        (lambda: lk.sequence_nll_sd(10, 0.0), r"theta0 must lie in \(0, 1\)"),
        (lambda: lk.sample_counts(np.random.default_rng(0), 10, -0.1, 5), "theta0 must lie in"),
        (lambda: lk.sample_counts(0, 10, 0.5, 5), "rng must be a numpy.random.Generator"),
        (lambda: lk.eq9_abs_errors(np.random.default_rng(0), 10, 0.5, 0, 5), "N must be an integer >= 1"),
        (lambda: lk.eq7_other_root(11, 10, 0.5), r"k must be an integer in \[0, 10\]"),
        (lambda: lk.eq7_other_root(3, 10, 1.0), "theta0 must lie in"),
        (lambda: lk.sequence_nll_bits(1, True, 0.5), "n must be an integer"),
        (lambda: lk.sequence_nll_bits("3", 10, 0.5), r"k must hold whole counts in \[0, 10\]"),
        (lambda: lk.binomial_nll_bits(np.nan, 10, 0.5), "k must hold whole counts"),
        (lambda: lk.log2_binomial_coefficient(-1, 10), r"k must hold whole counts in \[0, 10\]"),
        (lambda: lk.eq7_other_root("3", 10, 0.5), "k must be an integer"),
        (lambda: lk.sample_counts(np.random.default_rng(0), 10, 0.5, -1), "size must be an integer >= 1"),
        (lambda: lk.sample_counts(np.random.default_rng(0), 10, 0.5, 2.5), "size must be an integer >= 1"),
        (lambda: lk.sample_counts(np.random.default_rng(0), 10, 0.5, (3, 0)), r"size\[1\] must be an integer >= 1"),
        (lambda: lk.sample_counts(np.random.default_rng(0), "10", 0.5, 3), "n must be an integer >= 1"),
        (lambda: lk.eq9_average(3, 10, 0.5), "counts must be a non-empty array"),
        (lambda: lk.eq9_average([3, 11], 10, 0.5), r"counts must hold whole counts in \[0, 10\]"),
        (lambda: lk.eq9_expected_abs_error(10, 0.3, 0), r"N must lie in \[1"),
        (lambda: lk.eq9_abs_errors(np.random.default_rng(0), 10, 0.5, 5, "3"), "replicates must be an integer"),
        (lambda: lk.eq7_counterexample_fraction([0, 3], [0.5]), r"n_values\[0\] must be an integer >= 1"),
        (lambda: lk.eq7_counterexample_fraction([3], [1.5]), "theta0_grid must lie in"),
        (lambda: lk.average_minimum_nll_bits(0, 0.5), "n must be an integer >= 1"),
        (lambda: lk.binomial_entropy_bits(10, "a"), "theta0"),
    ],
)
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_eq9_error_table_matches_single_calls():
    measured, predicted = lk.eq9_error_table(np.random.default_rng(8), 50, 0.3, [10, 100], 40)
    rng = np.random.default_rng(8)
    expected = [lk.eq9_abs_errors(rng, 50, 0.3, N, 40).mean() for N in (10, 100)]
    np.testing.assert_array_equal(measured, expected)
    np.testing.assert_allclose(predicted, lk.eq9_expected_abs_error(50, 0.3, [10, 100]))
    with pytest.raises(ValueError, match="N_values must hold at least one"):
        lk.eq9_error_table(np.random.default_rng(8), 50, 0.3, [], 40)


def test_eq8_per_sample_equals_the_inline_chapter_code():
    """Chapter 1's Eq. 8 cell before it moved to lib: same single draw, same numbers."""
    s = lk.eq8_per_sample(np.random.default_rng(11), 100, 0.25, 500)
    counts = np.random.default_rng(11).binomial(100, 0.25, size=500)
    np.testing.assert_array_equal(s.counts, counts)
    nll = lk.sequence_nll_bits(counts, 100, 0.25)
    np.testing.assert_array_equal(s.nll, nll)
    assert s.sd == float(np.std(nll, ddof=1)) and s.sd == pytest.approx(s.sd_predicted, rel=0.15)
    assert s.n_H2 == pytest.approx(81.1278, abs=1e-4)
    assert s.fraction_at_entropy == pytest.approx(np.mean(counts == 25))
    with pytest.raises(ValueError, match="size must be an integer >= 2"):
        lk.eq8_per_sample(np.random.default_rng(0), 100, 0.25, 1)


def test_chain_rule_bits_adds_up_to_n_h2_on_the_exact_distribution():
    """Counts weighted by their pmf (every x repeated ~ 1e5 pmf times): H(x) + E log2 C(n, x) = n H2."""
    n, theta0 = 12, 0.3
    x = np.arange(n + 1)
    counts = np.repeat(x, np.round(1e5 * stats.binom.pmf(x, n, theta0)).astype(int))
    c = lk.chain_rule_bits(counts, n, theta0)
    assert c.binomial_nll == pytest.approx(c.binomial_entropy, abs=1e-3)
    assert c.binomial_nll + c.ordering_bits == pytest.approx(n * float(lk.binary_entropy(theta0)), abs=1e-3)
    assert c.min_nll < n * float(lk.binary_entropy(theta0))  # Jensen
    assert abs(c.normal_approx - c.binomial_entropy) < 0.05
    with pytest.raises(ValueError, match="counts"):
        lk.chain_rule_bits([3, 13], n, theta0)


def test_eq7_counterexamples_matches_its_parts():
    e = lk.eq7_counterexamples(3, 10, 0.2, 8, [0.2, 0.5])
    assert e.theta == lk.eq7_other_root(3, 10, 0.2) and abs(e.excess) < 1e-12
    assert e.fraction == lk.eq7_counterexample_fraction(range(2, 9), [0.2, 0.5])
    assert 0 < e.fraction < 1
    with pytest.raises(ValueError, match="n_max must be an integer >= 2"):
        lk.eq7_counterexamples(3, 10, 0.2, 1, [0.2])
