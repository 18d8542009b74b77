"""Tests of lib.convergence (chapter 4): Eq. 22 loss, the exact chain and its prediction.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from lib import convergence as cv
from lib import lyapunov as ly
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
        (lambda: cv.is_collapsed(np.array([0.1]), 0.0), r"tolerance must lie in \(0, 1\]"),
        (lambda: cv.simulate_ratio_chain(np.random.default_rng(0), 2, 1, 3, 4), "n must be an integer >= 2"),
    ],
)
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()
