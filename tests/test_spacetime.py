"""Tests of lib.spacetime (chapter 5): the embedding and Eqs. 25-28.
"""

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
