"""Tests for lib.spacetime (the embedding and Eqs. 25-27) and lib.gradient_descent (Algorithm 2)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import gradient_descent as gd
from lib import maxlikelihood as ml
from lib import spacetime


@given(st.floats(-50, 50), st.integers(1, 500), st.floats(1e-3, 1e3))
def test_temporal_component_is_pythagoras(log_norm, layer, c):
    t = float(spacetime.temporal_component(log_norm, layer, c))
    direct = c * layer / np.hypot(c * layer, np.exp(log_norm))
    assert t == pytest.approx(direct, rel=1e-9, abs=1e-300)


def test_temporal_component_stays_finite_at_huge_depth():
    t = spacetime.temporal_component(np.array([800.0, 0.0]), np.array([10, 0]), 1.0)
    assert t[0] == pytest.approx(10 * np.exp(-800), rel=1e-6) and t[1] == 0.0


def test_embedding_is_unit_and_matches_eq28():
    rng = np.random.default_rng(0)
    model = ml.fit(rng.standard_normal(2), 20, 6, rng)
    units, logs = model.forward_log(rng.standard_normal((3, 2)), trajectory=True)
    emb = spacetime.embed(units, logs, c=2.0)
    assert emb.shape == (7, 3, 3)
    np.testing.assert_allclose(np.linalg.norm(emb, axis=-1), 1.0)
    raw = model.trajectories(units[0] * np.exp(logs[0])[:, None])
    layer = 4
    direct = np.concatenate([[2.0 * layer], raw[layer, 1]])
    np.testing.assert_allclose(emb[layer, 1], direct / np.linalg.norm(direct), rtol=1e-9)


def test_eq25_26_identities():
    """t/t' = 1/sqrt(1 - v^2/c^2) and d'/d = temporal component hold by construction."""
    log_norm, layer, c = np.log(3.0), 4, 1.0
    beta = spacetime.speed_ratio(log_norm, layer, c)
    assert float(beta) == pytest.approx(0.6)
    assert float(spacetime.dilation_factor(beta)) == pytest.approx(1.25)
    assert float(spacetime.temporal_component(log_norm, layer, c)) == pytest.approx(1 / 1.25)


def test_weight_scale_shrinks_norms_only():
    t1 = spacetime.temporal_component(10.0, 5, 1.0)
    t2 = spacetime.temporal_component(10.0 + 5 * np.log(0.01), 5, 1.0)
    assert float(spacetime.temporal_component(10.0, 5, 1.0, weight_scale=0.01)) == pytest.approx(float(t2))
    assert t2 > t1


def test_augmented_loss_of_identical_vectors_is_one():
    e = np.array([0.6, 0.0, 0.8])
    assert float(spacetime.augmented_loss(e, e)) == pytest.approx(1.0)


@pytest.mark.parametrize("call,match", [
    (lambda: spacetime.temporal_component(1.0, 1, 0.0), "c must be a finite number > 0"),
    (lambda: spacetime.temporal_component(1.0, 1, 1.0, weight_scale=-1), "weight_scale must be > 0"),
    (lambda: spacetime.dilation_factor(1.0), r"speed_ratio must lie in \[0, 1\)"),
])
def test_spacetime_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --- gradient descent -------------------------------------------------------------------------


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


def test_entangled_fraction_needs_large_norms_and_grows_with_depth():
    rng = np.random.default_rng(8)
    model, units, logs = ml.fit_and_forward(rng.standard_normal(2), rng.standard_normal((100, 2)), 100, 30, rng,
                                            sampler="fast", trajectory=True)
    small_c = spacetime.entangled_fraction(model.train_units, model.train_log_norms, units, logs, 1.0)
    large_c = spacetime.entangled_fraction(model.train_units, model.train_log_norms, units, logs, 1e6)
    assert small_c[-1] > 0.9
    assert np.all(large_c <= small_c + 1e-12)  # a slower clock can only delay it
    assert large_c[8] < small_c[8]
    # shrinking the weights removes the 'contraction': nothing entangles
    scaled = spacetime.entangled_fraction(model.train_units, model.train_log_norms, units, logs, 1.0,
                                          weight_scale=0.01)
    assert np.nanmax(scaled[1:]) == 0.0
