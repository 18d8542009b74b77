"""Tests of lib.gradient_descent (chapter 6): Algorithm 2, closed form, three-matrix reading.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import gradient_descent as gd
from lib import maxlikelihood as ml
from lib import spacetime


def test_algorithm2_matches_closed_form():
    G0 = np.random.default_rng(1).standard_normal((20, 2, 2))
    for lam, eta in [(1.0, 1.0), (100.0, 0.3), (10.0, 60.0)]:
        np.testing.assert_allclose(gd.train_single(G0, lam, eta), gd.closed_form_single(G0, lam, eta), rtol=1e-9)


def test_single_matrix_gradient_by_finite_differences():
    rng = np.random.default_rng(2)
    G, w0, y = rng.standard_normal((2, 2)), gd.W0, 7.0 * gd.TARGET_DIRECTION
    analytic = 2.0 * np.outer(G @ w0 - y, w0)
    numeric = np.zeros_like(G)
    for idx in np.ndindex(2, 2):
        d = np.zeros_like(G)
        d[idx] = 1e-6
        numeric[idx] = (np.sum(((G + d) @ w0 - y) ** 2) - np.sum(((G - d) @ w0 - y) ** 2)) / 2e-6
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)
    # and Algorithm 2's update uses exactly this gradient
    np.testing.assert_allclose(gd.train_single(G[None], 7.0, 0.5, T=1)[0], G - 0.5 * analytic)


def test_three_matrix_gradients_by_finite_differences():
    rng = np.random.default_rng(3)
    Gs = [rng.standard_normal((1, 2, 2)) for _ in range(3)]
    w0, y = np.array([0.3, -0.7]), np.array([2.0, 1.0])
    _, grads = gd.three_matrix_loss_and_grads(*Gs, w0, y)
    for which in range(3):
        for idx in np.ndindex(2, 2):
            plus = [G.copy() for G in Gs]
            minus = [G.copy() for G in Gs]
            plus[which][0][idx] += 1e-6
            minus[which][0][idx] -= 1e-6
            numeric = (gd.three_matrix_loss_and_grads(*plus, w0, y)[0][0]
                       - gd.three_matrix_loss_and_grads(*minus, w0, y)[0][0]) / 2e-6
            assert grads[which][0][idx] == pytest.approx(numeric, rel=1e-5, abs=1e-7)


def test_gradient_descent_reduces_the_training_loss():
    G0 = np.random.default_rng(4).standard_normal((50, 2, 2))
    y = 10.0 * gd.TARGET_DIRECTION
    before = np.linalg.norm(G0 @ gd.W0 - y, axis=1)
    after = np.linalg.norm(gd.train_single(G0, 10.0, 1.0) @ gd.W0 - y, axis=1)
    np.testing.assert_allclose(after / before, (1 - 2 * 1.0 * 0.02) ** 5)


def test_collapse_grows_with_lambda_and_matches_prediction():
    rng = np.random.default_rng(5)
    fractions = [gd.collapse_fractions(rng, lam, 1.0, inits=300, tests=300)["angle"] for lam in (1, 10, 100, 1000)]
    assert np.all(np.diff(fractions) > 0)
    predicted = gd.predicted_collapse_fraction(gd.control_parameter(np.array([1, 10, 100, 1000]), 1.0),
                                               gd.step_factor(1.0), rng)
    np.testing.assert_allclose(fractions, predicted, atol=0.04)


def test_collapse_splits_evenly_between_the_two_sides():
    res = gd.collapse_fractions(np.random.default_rng(6), 1000.0, 1.0, inits=300, tests=300)
    assert res["anti_side"] == pytest.approx(0.5, abs=0.05)


def test_three_matrix_reading_overflows_for_large_lambda():
    res = gd.collapse_fractions(np.random.default_rng(7), 1000.0, 1.0, inits=100, tests=10, reading="three")
    assert res["overflow"] > 0.9


@pytest.mark.parametrize("call,match", [
    (lambda: gd.train_single(np.eye(2), 0.0, 1.0), "lam must be a finite number > 0"),
    (lambda: gd.train_single(np.eye(2), 1.0, -1.0), "eta must be a finite number > 0"),
    (lambda: gd.train_single(np.eye(3), 1.0, 1.0), r"G0 must have shape \(B, 2, 2\)"),
    (lambda: gd.train_single(np.eye(2), 1.0, 1.0, T=0), "T must be an integer >= 1"),
    (lambda: gd.collapse_fractions(np.random.default_rng(0), 1.0, 1.0, inits=1, tests=1, reading="x"),
     "reading must be"),
])
def test_gradient_descent_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
