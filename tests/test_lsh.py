"""Tests for lib.lsh: hashing, the angle law of Eq. 11, the binomial law of Eq. 13, and the test's power."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from lib import lsh


def test_signed_projection_known_signs():
    V = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    assert lsh.signed_projection(V, [2.0, -1.0]).tolist() == [1, -1, -1, 1]  # sgn(0) = +1


def test_signed_projection_is_odd_and_scale_invariant():
    rng = np.random.default_rng(0)
    V = rng.standard_normal((50, 7))
    w = rng.standard_normal(7)
    np.testing.assert_array_equal(lsh.signed_projection(V, 3.5 * w), lsh.signed_projection(V, w))
    np.testing.assert_array_equal(lsh.signed_projection(V, -w), -lsh.signed_projection(V, w))


@given(st.integers(min_value=2, max_value=60), st.floats(min_value=0.0, max_value=1.0), st.integers(0, 2**32 - 1))
@settings(max_examples=50)
def test_pair_at_angle_has_the_requested_angle(dim, theta0, seed):
    w, w2 = lsh.pair_at_angle(np.random.default_rng(seed), dim, theta0)
    assert np.linalg.norm(w) == pytest.approx(1.0) and np.linalg.norm(w2) == pytest.approx(1.0)
    assert lsh.angle_fraction(w, w2) == pytest.approx(theta0, abs=1e-6)


def test_angle_fraction_known_values():
    assert lsh.angle_fraction([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert lsh.angle_fraction([1.0, 0.0], [-2.0, 0.0]) == 1.0
    assert lsh.angle_fraction([1.0, 0.0], [1.0, 1.0]) == pytest.approx(0.25)


def test_hamming_counts_do_not_depend_on_chunking(monkeypatch):
    w, w2 = lsh.pair_at_angle(np.random.default_rng(1), 30, 0.3)
    whole = lsh.sample_hamming_counts(np.random.default_rng(2), 16, w, w2, 200)
    monkeypatch.setattr(lsh, "_CHUNK_ENTRIES", 16 * 30 * 7)  # 7 trials per chunk
    chunked = lsh.sample_hamming_counts(np.random.default_rng(2), 16, w, w2, 200)
    np.testing.assert_array_equal(whole, chunked)


def test_hamming_count_matches_single_hash():
    rng = np.random.default_rng(3)
    w, w2 = lsh.pair_at_angle(rng, 5, 0.4)
    V = rng.standard_normal((40, 5))
    x = lsh.hamming_count(V, w, w2)
    assert x == int(np.sum(np.sign(V @ w) != np.sign(V @ w2)))


@pytest.mark.parametrize("dim,theta0", [(2, 0.1), (3, 0.5), (50, 0.3), (300, 0.8)])
def test_eq11_mean_and_eq13_variance(dim, theta0):
    """Mean n*theta0 (Eq. 11) and binomial variance n*theta0*(1-theta0) (independent bits)."""
    rng = np.random.default_rng(100 + dim)
    n, trials = 32, 4000
    w, w2 = lsh.pair_at_angle(rng, dim, theta0)
    x = lsh.sample_hamming_counts(rng, n, w, w2, trials)
    se_mean = np.sqrt(n * theta0 * (1 - theta0) / trials)
    assert abs(x.mean() - n * theta0) < 4 * se_mean
    # variance of a sample variance ~ 2 sigma^4 / trials: 4 standard errors is ~9% here
    assert x.var(ddof=1) == pytest.approx(n * theta0 * (1 - theta0), rel=0.12)


@pytest.mark.parametrize("dim,theta0", [(2, 0.25), (20, 0.6), (200, 0.05)])
def test_eq13_goodness_of_fit_accepts_the_true_model(dim, theta0):
    rng = np.random.default_rng(7 + dim)
    w, w2 = lsh.pair_at_angle(rng, dim, theta0)
    x = lsh.sample_hamming_counts(rng, 48, w, w2, 3000)
    assert lsh.binomial_gof(x, 48, theta0)[2] > 1e-3


def test_goodness_of_fit_rejects_a_shifted_parameter():
    rng = np.random.default_rng(8)
    w, w2 = lsh.pair_at_angle(rng, 20, 0.25)
    x = lsh.sample_hamming_counts(rng, 48, w, w2, 3000)
    assert lsh.binomial_gof(x, 48, 0.28)[2] < 1e-6


def test_goodness_of_fit_rejects_correlated_bits():
    """Counts of n perfectly correlated bits (0 or n) have the right mean, but are not binomial."""
    rng = np.random.default_rng(9)
    x = 48 * rng.binomial(1, 0.25, size=3000)
    assert lsh.binomial_gof(x, 48, 0.25)[2] < 1e-12


def test_selected_rows_disagree_less_than_theta0():
    rng = np.random.default_rng(10)
    w, w2 = lsh.pair_at_angle(rng, 16, 0.25)
    x = lsh.sample_selected_hamming_counts(rng, 128, 32, w, w2, 1000)
    assert x.mean() / 32 < 0.2
    assert lsh.binomial_gof(x, 32, 0.25)[2] < 1e-12


def test_selection_of_every_row_is_the_plain_hash():
    rng = np.random.default_rng(12)
    w, w2 = lsh.pair_at_angle(rng, 6, 0.4)
    plain = lsh.sample_hamming_counts(np.random.default_rng(13), 20, w, w2, 300)
    everything = lsh.sample_selected_hamming_counts(np.random.default_rng(13), 20, 20, w, w2, 300)
    np.testing.assert_array_equal(plain, everything)


def test_gof_refuses_a_degenerate_table_instead_of_reporting_a_perfect_fit():
    # Issue 16: four counts at n = 20 expect < 5 in every bin -> one pooled bin, no test.
    with pytest.raises(ValueError, match="no degrees of freedom"):
        lsh.binomial_gof([0, 0, 0, 0], 20, 0.9)
    # whole-number floats are accepted and give the same answer as integers
    counts = np.random.default_rng(3).binomial(20, 0.3, 400)
    assert lsh.binomial_gof(counts.astype(float), 20, 0.3) == lsh.binomial_gof(counts, 20, 0.3)


def test_gof_pooling_keeps_expected_counts_large():
    n, theta0, size = 64, 0.05, 500
    expected = stats.binom.pmf(np.arange(n + 1), n, theta0) * size
    _, exp_bins = lsh._pool_bins(expected.round(), expected, 5.0)
    assert exp_bins.min() >= 5.0
    assert exp_bins.sum() == pytest.approx(size)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: lsh.signed_projection(np.ones(3), [1.0, 2.0, 3.0]), "V must be a non-empty 2-D array"),
        (lambda: lsh.signed_projection(np.ones((2, 3)), [1.0, 2.0]), "w must have length 3"),
        (lambda: lsh.angle_fraction([0.0, 0.0], [1.0, 0.0]), "w must not be the zero vector"),
        (lambda: lsh.angle_fraction([1.0, np.inf], [1.0, 0.0]), "w must contain only finite numbers"),
        (lambda: lsh.pair_at_angle(np.random.default_rng(0), 1, 0.3), "dim must be an integer >= 2"),
        (lambda: lsh.pair_at_angle(np.random.default_rng(0), 3, 1.2), r"theta0 must lie in \[0, 1\]"),
        (lambda: lsh.sample_hamming_counts(np.random.default_rng(0), 0, [1.0], [1.0], 3), "n must be"),
        (lambda: lsh.sample_hamming_counts(np.random.default_rng(0), 4, [1.0, 0.0], [1.0], 3), "w2 must have"),
        (lambda: lsh.sample_selected_hamming_counts(np.random.default_rng(0), 4, 5, [1.0], [1.0], 3),
         r"n_keep must be an integer in \[1, 4\]"),
        (lambda: lsh.binomial_gof([1, 2, 9], 8, 0.5), r"counts must hold whole counts in \[0, 8\]"),
        (lambda: lsh.binomial_gof([1.5, 2.0], 8, 0.5), r"counts must hold whole counts in \[0, 8\]; got non-whole"),
        (lambda: lsh.binomial_gof(["3", "4"], 8, 0.5), r"counts must hold whole counts in \[0, 8\]"),
        (lambda: lsh.binomial_gof([True, False], 8, 0.5), r"counts must hold whole counts"),
        (lambda: lsh.binomial_gof([], 8, 0.5), "counts must be a non-empty array"),
        (lambda: lsh.binomial_gof([[1, 2]], 8, 0.5), "counts must be a 1-D array"),
        (lambda: lsh.binomial_gof([0, 0, 0, 0], 20, 0.9), "every outcome pools into one bin"),
        (lambda: lsh.binomial_gof(list(range(20)) * 50, 20, 0.5, min_expected=np.nan),
         r"min_expected must be a finite number > 0"),
        (lambda: lsh.binomial_gof(list(range(20)) * 50, 20, 0.5, min_expected=0), "min_expected must be"),
        (lambda: lsh.binomial_gof([0] * 100, 20, 0.0), "pools into one bin"),
        (lambda: lsh.binomial_gof([1, 2], "8", 0.5), "n must be an integer >= 1"),
        (lambda: lsh.signed_projection(np.full((2, 2), np.nan), [1.0, 2.0]), "V must contain only finite"),
        (lambda: lsh.sample_hamming_counts(np.random.default_rng(0), "3", [1.0], [1.0], 3), "n must be an integer"),
        (lambda: lsh.sample_hamming_counts(np.random.default_rng(0), 3, [1.0], [1.0], 0),
         "trials must be an integer >= 1"),
        (lambda: lsh.sample_hamming_counts(None, 4, [1.0], [1.0], 3), "rng must be a numpy.random.Generator"),
    ],
)
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_gof_table_rows_and_reproducibility():
    table, samples = lsh.gof_table(np.random.default_rng(4), 16, 200, [2, 8], [0.25, 0.5])
    assert list(table["dim"]) == [2, 2, 8, 8] and list(table["theta0"]) == [0.25, 0.5, 0.25, 0.5]
    assert set(samples) == {(2, 0.25), (2, 0.5), (8, 0.25), (8, 0.5)}
    again, _ = lsh.gof_table(np.random.default_rng(4), 16, 200, [2, 8], [0.25, 0.5])
    for key in table:
        np.testing.assert_array_equal(table[key], again[key])
    with pytest.raises(ValueError, match=r"theta0_values\[0\] must lie in \(0, 1\)"):
        lsh.gof_table(np.random.default_rng(4), 16, 200, [2], [0.0])


def test_single_hash_fractions_scatter_in_the_band():
    angles = np.random.default_rng(5).uniform(0, 1, 300)
    fractions = lsh.single_hash_fractions(np.random.default_rng(6), 64, angles, 8)
    assert 0.9 < lsh.fraction_in_binomial_band(angles, fractions, 64) <= 1.0
    assert lsh.fraction_in_binomial_band([0.5], [0.0], 64) == 0.0
    with pytest.raises(ValueError, match="same shape"):
        lsh.fraction_in_binomial_band([0.5, 0.2], [0.5], 64)
