"""Tests of lib.lyapunov (chapter 3): Lyapunov exponents, theory and QR.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from lib import lyapunov as ly


def test_gap_without_selection_at_k2_is_log2():
    lam1, se = ly.top_exponent(2, 2)
    assert se == 0.0
    assert lam1 - ly.second_exponent(2) == pytest.approx(np.log(2.0), abs=1e-12)


@pytest.mark.parametrize("k", [2, 3, 10, 400])
def test_no_selection_matches_gaussian_product_spectrum(k):
    """n = k: lambda_1 = (psi(k/2) + log 2) / 2, the classical Gaussian-product exponent."""
    assert ly.top_exponent(k, k)[0] == pytest.approx(0.5 * (special.digamma(k / 2) + np.log(2)))


def test_top_exponent_monte_carlo_matches_exact_at_n_equal_k_plus_zero_selection():
    # With n = k + 1 the top-k sum loses only the smallest square; lambda_1 is just above n = k.
    rng = np.random.default_rng(1)
    lam_sel, se = ly.top_exponent(3, 4, rng, 40_000)
    assert ly.top_exponent(3, 3)[0] < lam_sel < ly.top_exponent(4, 4)[0]
    assert se < 0.01


def test_approximation_close_for_large_k():
    rng = np.random.default_rng(2)
    assert ly.top_exponent_approx(2500, 3500) == pytest.approx(ly.top_exponent(2500, 3500, rng, 2000)[0], abs=2e-3)


@pytest.mark.parametrize("k,n", [(2, 2), (2, 30), (8, 20)])
def test_qr_spectrum_agrees_with_theory(k, n):
    rng = np.random.default_rng(3)
    exps, se = ly.qr_spectrum(k, n, 200, rng, chains=40)
    lam1 = ly.top_exponent(k, n, rng, 40_000)[0]
    assert exps[0] == pytest.approx(lam1, abs=5 * se[0] + 2e-3)
    assert exps[1] == pytest.approx(ly.second_exponent(k), abs=5 * se[1] + 2e-3)


def test_qr_spectrum_random_rows_has_no_selection():
    rng = np.random.default_rng(4)
    exps, se = ly.qr_spectrum(4, 40, 200, rng, chains=40, selection="random")
    assert exps[0] == pytest.approx(ly.top_exponent(4, 4)[0], abs=5 * se[0] + 2e-3)


@pytest.mark.parametrize("k,n", [(1, 5), (2, 10), (3, 200), (20, 30)])
def test_order_statistic_draws_match_brute_force(k, n, monkeypatch):
    from scipy import stats as st

    rng = np.random.default_rng(20 + k)
    renyi = ly.sample_top_sums(rng, k, n, 4000)
    monkeypatch.setattr(ly, "_RENYI_MAX_K", 0)
    brute = ly.sample_top_sums(rng, k, n, 4000)
    assert st.ks_2samp(renyi, brute).pvalue > 1e-3


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: ly.second_exponent(1), "k must be an integer >= 2"),
        (lambda: ly.top_exponent(5, 4), "n must be an integer >= 5"),
        (lambda: ly.top_exponent(2, 5, None), "rng must be a numpy.random.Generator"),
        (lambda: ly.qr_spectrum(2, 5, 10, np.random.default_rng(0), p=3), r"p must be an integer in \[1, 2\]"),
    ],
)
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_qr_spectrum_does_not_depend_on_argpartition_order(monkeypatch):
    """Issue 10: the kept rows are sorted, so a platform that returns them permuted gives the same result."""
    from lib import lyapunov as ly

    ref = ly.qr_spectrum(3, 9, 20, np.random.default_rng(0), chains=2)
    real = np.argpartition

    def reversed_argpartition(a, kth, axis=-1, **kw):
        out = real(a, kth, axis=axis, **kw)
        head = np.flip(np.take(out, np.arange(kth + 1), axis=axis), axis=axis)
        rest = np.take(out, np.arange(kth + 1, out.shape[axis]), axis=axis)
        return np.concatenate([head, rest], axis=axis)

    monkeypatch.setattr(ly.np, "argpartition", reversed_argpartition)
    again = ly.qr_spectrum(3, 9, 20, np.random.default_rng(0), chains=2)
    np.testing.assert_array_equal(ref[0], again[0])


def test_growth_curves_and_qr_check():
    from lib import lyapunov as ly

    curves = ly.growth_curves(10, 100, 20, 30, np.random.default_rng(1))
    assert curves.shape == (30, 21) and np.all(curves[:, 0] == 0)
    assert ly.growth_slope(curves) == pytest.approx(ly.top_exponent(10, 100, np.random.default_rng(2))[0], rel=0.05)
    row = ly.qr_check(2, 2, 50, np.random.default_rng(3), chains=8)
    assert row[:2] == (2, 2) and row[4] == pytest.approx(ly.top_exponent(2, 2)[0])
    assert row[7] == ly.second_exponent(2)
    with pytest.raises(ValueError, match="curves must have shape"):
        ly.growth_slope(np.zeros(3))


def test_growth_study_equals_the_inline_sequence_of_draws():
    """Chapter 3's growth cell before it moved to lib: same rng order, same numbers."""
    grid = [[2, 2], [2, 10], [3, 6]]
    curves, control, lam1 = ly.growth_study(grid, 4, 5, np.random.default_rng(7), samples=50, control=(3, 6))
    rng = np.random.default_rng(7)
    ref = {(k, n): ly.growth_curves(k, n, 4, 5, rng, sampler="fast") for k, n in grid}
    ref_control = ly.growth_curves(3, 6, 4, 5, rng, sampler="fast", selection="random")
    ref_lam1 = {(k, n): ly.top_exponent(k, n, rng, 50)[0] for k, n in grid}
    assert list(curves) == [(2, 2), (2, 10), (3, 6)]
    for key in ref:
        np.testing.assert_array_equal(curves[key], ref[key])
    np.testing.assert_array_equal(control, ref_control)
    assert lam1 == ref_lam1
    with pytest.raises(ValueError, match="n must be an integer >= 3"):
        ly.growth_study([[3, 2]], 4, 5, np.random.default_rng(0))


def test_gap_against_ratio_monte_carlo_and_large_k_formula():
    ratios = np.array([1.0, 1.4, 3.0])
    mc = ly.gap_against_ratio(10, ratios, np.random.default_rng(8), 500)
    rng = np.random.default_rng(8)
    np.testing.assert_array_equal(mc, [ly.gap(10, n, rng, 500)[0] for n in (10, 14, 30)])
    assert mc[0] == pytest.approx(ly.top_exponent(10, 10)[0] - ly.second_exponent(10))  # n = k is exact
    formula = ly.gap_against_ratio(2500, ratios)
    assert np.all(np.diff(formula) > 0)  # more rows per kept row, wider gap
    assert formula[1] == pytest.approx(ly.top_exponent_approx(2500, 3500) - ly.second_exponent(2500))
    with pytest.raises(ValueError, match="ratios must be"):
        ly.gap_against_ratio(10, [0.5, 2.0])
