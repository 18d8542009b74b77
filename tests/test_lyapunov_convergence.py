"""Tests for lib.lyapunov and lib.convergence: closed forms, QR check, exact chain vs the real model."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from lib import convergence as cv
from lib import lyapunov as ly
from lib import maxlikelihood as ml


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


def test_eq22_loss_extremes():
    w = np.array([0.6, 0.8])
    assert cv.eq22_loss(w, w) == pytest.approx(1.0)
    assert cv.eq22_loss(w, -w) == pytest.approx(0.0)
    np.testing.assert_array_equal(cv.is_collapsed(np.array([0.005, 0.5, 0.995])), [True, False, True])


def test_first_layer_reaching_handles_never():
    assert np.isnan(cv.first_layer_reaching(np.array([0.1, 0.2]), 0.9))
    np.testing.assert_array_equal(cv.first_layer_reaching(np.array([[0.0, 1.0], [1.0, 1.0]]), 0.5), [1.0, 0.0])


def test_exact_chain_matches_the_real_model():
    """The scalar chain r' = c r / (|a| + g r) reproduces the real model's collapse fractions."""
    k, n, L = 3, 12, 6
    rng = np.random.default_rng(5)
    collapsed = []
    for _ in range(300):
        w0, x = rng.standard_normal(k), rng.standard_normal((4, k))
        model, units, _ = ml.fit_and_forward(w0, x, n, L, rng, trajectory=True)
        loss = cv.eq22_loss(model.train_units[:, None, :], units)
        collapsed.append(cv.is_collapsed(loss, 0.05).mean(axis=1))
    measured = np.mean(collapsed, axis=0)
    chain = cv.chain_collapse_fraction(cv.simulate_ratio_chain(rng, k, n, L, 40_000), 0.05)
    # 1200 correlated samples per layer: standard error below ~0.02
    np.testing.assert_allclose(measured, chain, atol=0.05)
    assert chain[-1] > chain[1]


def test_prediction_tracks_chain_once_collapse_is_under_way():
    rng = np.random.default_rng(6)
    layers = np.arange(0, 16)
    chain = cv.chain_collapse_fraction(cv.simulate_ratio_chain(rng, 2, 100, 15, 20_000))
    predicted = cv.predicted_collapse_fraction(layers, 2, 100, rng)
    np.testing.assert_allclose(predicted[2:], chain[2:], atol=0.06)


def test_chain_sign_is_the_side():
    """Starting exactly aligned (r tiny, positive) stays aligned; anti-aligned stays anti."""
    rng = np.random.default_rng(7)
    r = cv.simulate_ratio_chain(rng, 5, 10, 5, 4, r0=np.array([1e-6, -1e-6, 1e-6, -1e-6]))
    np.testing.assert_array_equal(np.sign(r[-1]), [1, -1, 1, -1])


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: ly.second_exponent(1), "k must be an integer >= 2"),
        (lambda: ly.top_exponent(5, 4), "n must be an integer >= 5"),
        (lambda: ly.top_exponent(2, 5, None), "rng must be a numpy.random.Generator"),
        (lambda: ly.qr_spectrum(2, 5, 10, np.random.default_rng(0), p=3), r"p must be an integer in \[1, 2\]"),
        (lambda: cv.is_collapsed(np.array([0.1]), 0.0), r"tolerance must lie in \(0, 1\]"),
        (lambda: cv.simulate_ratio_chain(np.random.default_rng(0), 2, 1, 3, 4), "n must be an integer >= 2"),
    ],
)
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("k,n", [(1, 5), (2, 10), (3, 200), (20, 30)])
def test_order_statistic_draws_match_brute_force(k, n, monkeypatch):
    from scipy import stats as st

    rng = np.random.default_rng(20 + k)
    renyi = ly.sample_top_sums(rng, k, n, 4000)
    monkeypatch.setattr(ly, "_RENYI_MAX_K", 0)
    brute = ly.sample_top_sums(rng, k, n, 4000)
    assert st.ks_2samp(renyi, brute).pvalue > 1e-3
