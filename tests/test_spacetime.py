"""Tests of lib.spacetime (chapter 5): the embedding and Eqs. 25-28.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

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
    (lambda: spacetime.temporal_component(1.0, 1, 1.0, weight_scale=-1), "weight_scale must be a finite number > 0"),
    (lambda: spacetime.dilation_factor(1.0), r"speed_ratio must lie in \[0, 1\)"),
])
def test_spacetime_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_entangled_fraction_needs_large_norms_and_grows_with_depth():
    rng = np.random.default_rng(8)
    s = ml.sample(rng.standard_normal(2), rng.standard_normal((100, 2)), 100, 30, rng, sampler="fast", trajectory=True)
    model, units, logs = s.model, s.units, s.log_norms
    small_c = spacetime.entangled_fraction(model.train_units, model.train_log_norms, units, logs, 1.0)
    large_c = spacetime.entangled_fraction(model.train_units, model.train_log_norms, units, logs, 1e6)
    assert small_c[-1] > 0.9
    assert np.all(large_c <= small_c + 1e-12)  # a slower clock can only delay it
    assert large_c[8] < small_c[8]
    # shrinking the weights removes the 'contraction': nothing entangles
    scaled = spacetime.entangled_fraction(model.train_units, model.train_log_norms, units, logs, 1.0,
                                          weight_scale=0.01)
    assert np.nanmax(scaled[1:]) == 0.0


def test_predicted_layers_to_entangle_uses_eq26_and_says_never():
    from lib import spacetime as stm

    # growth lambda_1 = 1: the temporal leg c l / sqrt((c l)^2 + e^(2 l)) falls below ~pi tol / 2
    first = stm.predicted_layers_to_entangle(1.0, 1.0, 2, tolerance=0.01, max_layer=60)
    layers = np.arange(1, 61)
    leg = layers / np.hypot(layers, np.exp(layers))
    assert first == layers[np.argmax(2 * np.arcsin(leg) / np.pi < 0.01)]
    assert stm.predicted_layers_to_entangle(10.0, 1.0, 2, max_layer=60) > first  # larger c, later
    assert stm.predicted_layers_to_entangle(1.0, 1.0, 40, max_layer=60) == 40   # angular collapse binds
    assert stm.predicted_layers_to_entangle(1.0, 0.01, 2, max_layer=60) is None  # never contracts
    with pytest.raises(ValueError, match="c must be a finite number > 0"):
        stm.predicted_layers_to_entangle(0.0, 1.0, 2)


def test_layers_to_entangle_and_spatial_collapse():
    from lib import convergence as cv
    from lib import spacetime as stm

    runs = cv.draw_models(2, 100, 30, 6, 40, np.random.default_rng(4))
    small, large = (stm.layers_to_entangle(runs, c, tolerance=0.01, level=0.9) for c in (1.0, 1e4))
    assert small.shape == (6,) and np.all(large >= small)
    never = stm.layers_to_entangle(runs, 1e30, tolerance=0.01, level=0.9)
    assert np.all(np.isinf(never))
    plain = cv.curves_from_samples(runs, 0.01).fractions
    for c in (0.1, 1e5):
        np.testing.assert_allclose(stm.spatial_collapse_curves(runs, c, tolerance=0.01), plain)


def test_scaled_weights_control_measures_on_the_model():
    from lib import spacetime as stm

    rng = np.random.default_rng(8)
    model = ml.fit(rng.standard_normal(2), 50, 20, rng, sampler="fast")
    tests = rng.standard_normal((30, 2))
    temporal, change = stm.scaled_weights_control(model, tests, 1.0, 0.01)
    assert temporal.shape == (21,) and temporal[0] == 0 and temporal[-1] > 0.99
    assert change < 1e-6  # arccos near 0 and pi turns rounding into ~1e-8
    plain, _ = stm.scaled_weights_control(model, tests, 1.0, 1.0)
    np.testing.assert_allclose(plain, stm.temporal_component(model.train_log_norms, np.arange(21), 1.0), rtol=1e-8)


# ---------------------------------------------------------------- chapter 5 notebook pipelines
def _demo(seed=3, tests=8, L=12):
    rng = np.random.default_rng(seed)
    return ml.sample(rng.standard_normal(2), rng.standard_normal((tests, 2)), 40, L, rng, sampler="fast",
                     trajectory=True)


def test_embed_sample_cuts_the_embedding_and_marks_the_anti_aligned_group():
    from lib import convergence as cv

    s = _demo()
    train, tests, anti = spacetime.embed_sample(s, 2.0, depth=5)
    np.testing.assert_array_equal(train, spacetime.embed(s.train_units, s.train_log_norms, 2.0)[:6])
    np.testing.assert_array_equal(tests, spacetime.embed(s.units, s.log_norms, 2.0)[:6])
    np.testing.assert_array_equal(anti, np.sum(s.units[-1] * s.train_units[-1], axis=-1) < 0)
    assert anti.any() and not anti.all()
    full, _, anti_full = spacetime.embed_sample(s, 2.0)
    assert full.shape == (13, 3) and np.array_equal(anti, anti_full)
    assert np.array_equal(anti, cv.eq22_loss(s.train_units[-1], s.units[-1]) < 0.5)
    with pytest.raises(ValueError, match="depth must be an integer"):
        spacetime.embed_sample(s, 1.0, depth=13)


def test_angles_to_training_match_the_eq22_loss():
    from lib import convergence as cv

    s = _demo()
    angles = spacetime.angles_to_training(s)
    assert angles.shape == (13, 8) and angles.min() >= 0 and angles.max() <= 180
    loss = cv.eq22_loss(s.train_units[:, None, :], s.units)
    np.testing.assert_allclose(angles, 180 * (1 - loss), atol=1e-9)
    assert np.all((angles[-1] < 1) | (angles[-1] > 179))  # collapsed to 0 or 180 degrees at depth 12


def test_one_minus_speed_ratio_is_eq26_without_cancellation():
    assert float(spacetime.one_minus_speed_ratio(0.8)) == pytest.approx(0.4)  # v/c = 0.6
    assert float(spacetime.one_minus_speed_ratio(1.0)) == 1.0 and float(spacetime.one_minus_speed_ratio(0.0)) == 0
    tiny = float(spacetime.one_minus_speed_ratio(1e-10))
    assert tiny == pytest.approx(5e-21, rel=1e-9) and 1 - np.sqrt(1 - 1e-20) == 0.0  # the naive form gives 0
    with pytest.raises(ValueError, match=r"temporal must lie in \[0, 1\]"):
        spacetime.one_minus_speed_ratio(1.5)


def test_fig4f_matches_the_inline_pipeline_and_prints_never():
    from lib import convergence as cv

    runs = cv.draw_models(2, 100, 30, 5, 40, np.random.default_rng(4))
    res = spacetime.fig4f(runs, [1.0, 1e4, 1e30], 1.3, tolerance=0.01, level=0.9, max_layer=30)
    angular_L = cv.median_first_layer(cv.curves_from_samples(runs, 0.01).fractions, 0.9)
    assert res.angular_layer == angular_L
    for c in (1.0, 1e4):
        np.testing.assert_array_equal(res.layers_needed[c], spacetime.layers_to_entangle(runs, c, tolerance=0.01,
                                                                                         level=0.9))
        assert res.predicted[c] == spacetime.predicted_layers_to_entangle(c, 1.3, angular_L, max_layer=30)
    assert res.predicted[1e30] is None and np.all(np.isinf(res.layers_needed[1e30]))
    lines = res.table()
    assert len(lines) == 4 and lines[0].startswith("       c   median layers to entangle")
    assert lines[3].startswith("   1e+30") and "never" in lines[3]
    med = np.median(res.layers_needed[1.0])
    assert lines[1].split()[:2] == ["1", f"{med:.1f}"]
    with pytest.raises(ValueError, match="c must be a finite number > 0"):
        spacetime.fig4f(runs, [1.0, -1.0], 1.3)


def test_controls_match_the_inline_version_draw_for_draw():
    from lib import convergence as cv

    k, n, L, scaled_L, models, tests, nosel = 2, 30, 12, 10, 3, 20, 7
    runs = cv.draw_models(k, n, L, models, tests, np.random.default_rng(1))
    res = spacetime.controls(runs, k, n, np.random.default_rng(2), c_pair=(0.1, 1e5), models=models, tests=tests,
                             scaled_L=scaled_L, L=L, weight_scale=0.01, no_selection_models=nosel)
    # the chapter's first version, inline
    rng = np.random.default_rng(2)
    scaled_models = [ml.fit(rng.standard_normal(k), n, scaled_L, rng, sampler="fast") for _ in range(models)]
    no_selection = cv.draw_models(k, k, L, models, tests, rng, sampler="fast")
    collapsed = cv.curves_from_samples(no_selection, 0.01).fractions[:, -1].mean()
    control = [spacetime.scaled_weights_control(m, rng.standard_normal((tests, k)), 1.0, s)
               for m in scaled_models for s in (1.0, 0.01)]
    logs = np.array([ml.fit(rng.standard_normal(k), k, L, rng, sampler="fast").train_log_norms for _ in range(nosel)])
    assert res.no_selection_collapsed == collapsed
    np.testing.assert_array_equal(res.temporal_scaled, np.array([t for t, _ in control[1::2]]))
    np.testing.assert_array_equal(res.temporal_unscaled, np.array([t for t, _ in control[0::2]]))
    assert res.loss_change == max(d for _, d in control[1::2])
    np.testing.assert_array_equal(res.no_selection_temporal, spacetime.temporal_component(logs, np.arange(L + 1), 1.0))
    # and what the chapter reads from them
    assert res.angular_difference == 0.0 and res.temporal_L10.shape == (models,)
    assert res.temporal_scaled.shape == (models, scaled_L + 1) and np.all(res.temporal_scaled[:, -1] > 0.99)
    assert np.all(res.temporal_unscaled[:, -1] < 1e-3) and res.loss_change < 1e-6
    with pytest.raises(ValueError, match="no_selection_models must be an integer"):
        spacetime.controls(runs, k, n, np.random.default_rng(2), no_selection_models=0)
