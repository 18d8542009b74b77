"""Tests of lib.convergence (chapter 4): Eq. 22 loss, the exact chain and its prediction.
"""

from __future__ import annotations

import numpy as np
import pytest

from lib import convergence as cv
from lib import maxlikelihood as ml


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
        s = ml.sample(w0, x, n, L, rng, trajectory=True)
        loss = cv.eq22_loss(s.train_units[:, None, :], s.units)
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
        (lambda: cv.is_collapsed(np.array([0.1]), 0.0), r"tolerance must lie in \(0, 1\]"),
        (lambda: cv.simulate_ratio_chain(np.random.default_rng(0), 2, 1, 3, 4), "n must be an integer >= 2"),
    ],
)
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_collapse_curves_follow_the_samples_they_are_made_from():
    """collapse_curves = draw_models + curves_from_samples, with per-model statistics in range."""
    a = cv.collapse_curves(2, 50, 12, 4, 30, np.random.default_rng(1), tolerance=0.02)
    samples = cv.draw_models(2, 50, 12, 4, 30, np.random.default_rng(1))
    b = cv.curves_from_samples(samples, 0.02)
    np.testing.assert_array_equal(a.fractions, b.fractions)
    assert a.fractions.shape == (4, 13) and a.side_kept.shape == (4,) and a.train_log_norms.shape == (4, 13)
    assert a.mean[-1] > a.mean[0] and np.all((a.side_kept >= 0) & (a.side_kept <= 1))
    # by hand for one model
    s = samples[0]
    loss = cv.eq22_loss(s.train_units[:, None, :], s.units)
    np.testing.assert_allclose(a.fractions[0], cv.is_collapsed(loss, 0.02).mean(axis=1))
    last = cv.is_collapsed(loss[-1], 0.02)
    if last.any():
        assert a.zero_side[0] == pytest.approx(np.mean(loss[-1][last] < 0.5))


def test_collapse_curves_check_inputs_at_the_door():
    with pytest.raises(ValueError, match="n must be an integer >= 3"):
        cv.collapse_curves(3, 2, 5, 2, 2, np.random.default_rng(0))
    with pytest.raises(ValueError, match="sampler must be one of"):
        cv.collapse_curves(2, 4, 5, 2, 2, np.random.default_rng(0), sampler="x")
    with pytest.raises(ValueError, match="tolerance must lie in"):
        cv.collapse_curves(2, 4, 5, 2, 2, np.random.default_rng(0), tolerance=0)
    with pytest.raises(ValueError, match="samples must be a non-empty list"):
        cv.curves_from_samples([], 0.01)


def test_first_crossing_says_never_instead_of_zero():
    assert cv.first_crossing([0.1, 0.5, 0.99, 1.0], 0.99) == 2
    assert cv.first_crossing([0.1, 0.5], 0.99) is None
    assert cv.first_crossing([0.0, 1.0], 0.5, layers=[5, 6]) == 6
    assert cv.format_layer(None) == "never" and cv.format_layer(np.inf) == "never" and cv.format_layer(7.0) == "7"
    with pytest.raises(ValueError, match="non-empty 1-D"):
        cv.first_crossing([], 0.5)


def test_median_first_layer_counts_never_as_infinite():
    fr = np.array([[0, 1, 1], [0, 0, 1], [0, 0, 0]], dtype=float)
    assert cv.median_first_layer(fr, 0.5) == 2.0
    assert cv.median_first_layer(fr[1:], 0.5) == np.inf
    assert cv.median_first_layer(fr[:1], 0.5) == 1.0
