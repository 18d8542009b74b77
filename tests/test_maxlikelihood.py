"""Tests for lib.maxlikelihood: Algorithm 1, the fast and joint samplers, and their agreement."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats

from lib import maxlikelihood as ml


def test_faithful_layer_keeps_the_rows_with_largest_projection():
    w0 = np.array([0.3, -1.2, 0.7])
    model = ml.fit(w0, n=9, L=1, rng=np.random.default_rng(4))
    G_star = np.random.default_rng(int(model.layer_seeds[0])).standard_normal((9, 3))
    proj = np.abs(G_star @ w0)
    kept = model.kept_rows[0]
    assert np.all(np.diff(kept) > 0)  # row order preserved
    assert proj[kept].min() >= np.delete(proj, kept).max()
    np.testing.assert_allclose(model.train_output, G_star[kept] @ w0)


def test_selection_maximises_the_output_norm_over_all_row_subsets():
    w0 = np.array([1.0, 2.0])
    model = ml.fit(w0, n=7, L=1, rng=np.random.default_rng(5))
    G_star = np.random.default_rng(int(model.layer_seeds[0])).standard_normal((7, 2))
    best = max(np.linalg.norm(G_star[list(rows)] @ w0) for rows in itertools.combinations(range(7), 2))
    assert np.linalg.norm(model.train_output) == pytest.approx(best)


def test_no_selection_when_n_equals_k():
    model = ml.fit(np.ones(4), n=4, L=3, rng=np.random.default_rng(6))
    np.testing.assert_array_equal(model.kept_rows, np.tile(np.arange(4), (3, 1)))


@pytest.mark.parametrize("sampler", ["faithful", "fast"])
@pytest.mark.parametrize("selection", ["max", "random"])
def test_forward_reproduces_training_and_is_deterministic(sampler, selection):
    rng = np.random.default_rng(7)
    w0, X = rng.standard_normal(5), rng.standard_normal((6, 5))
    model = ml.fit(w0, n=11, L=6, rng=np.random.default_rng(8), sampler=sampler, selection=selection)
    np.testing.assert_allclose(model.forward(w0), model.train_output, rtol=1e-9)
    np.testing.assert_array_equal(model.forward(X), model.forward(X))
    # linearity: scaling an input scales its output
    np.testing.assert_allclose(model.forward(3.0 * X), 3.0 * model.forward(X), rtol=1e-9)
    single = model.forward(X[2])
    np.testing.assert_allclose(single, model.forward(X)[2], rtol=1e-12)


@pytest.mark.parametrize("sampler", ["faithful", "fast"])
def test_sample_matches_fit_then_forward(sampler):
    rng = np.random.default_rng(9)
    w0, X = rng.standard_normal(4), rng.standard_normal((3, 4))
    s = ml.sample(w0, X, 9, 5, np.random.default_rng(10), sampler=sampler, trajectory=True)
    units, logs = s.units, s.log_norms
    again = ml.fit(w0, 9, 5, np.random.default_rng(10), sampler=sampler)
    u2, l2 = again.forward_log(X, trajectory=True)
    np.testing.assert_allclose(units, u2, atol=1e-12)
    np.testing.assert_allclose(logs, l2, rtol=1e-12)
    assert units.shape == (6, 3, 4) and logs.shape == (6, 3)


def test_faithful_model_memory_is_order_L_times_k():
    model = ml.fit(np.ones(300), n=400, L=5, rng=np.random.default_rng(11))
    stored = sum(np.asarray(v).size for v in vars(model).values() if isinstance(v, np.ndarray))
    assert stored <= 5 * 300 * 3  # kept rows, training trajectory, seeds: no 300 x 300 matrix


def test_deep_models_do_not_overflow_in_log_space():
    model = ml.fit(np.ones(2), n=1000, L=600, rng=np.random.default_rng(12), sampler="fast")
    units, log_norm = model.forward_log(np.array([[0.3, 1.0]]))
    assert np.all(np.isfinite(units)) and log_norm[0] > 709  # e^709 is the float64 limit
    with pytest.raises(OverflowError, match="forward_log"):
        model.forward(np.array([[0.3, 1.0]]))


def _ks_pvalues(a, b):
    return [stats.ks_2samp(a[key], b[key]).pvalue for key in ("cos", "train_log_norm", "test_log_norm")]


@pytest.mark.parametrize("k,n,L", [(2, 10, 6), (5, 12, 4), (30, 45, 5)])
def test_fast_and_joint_samplers_match_faithful_in_distribution(k, n, L):
    rng = np.random.default_rng(100 + k)
    faithful = ml.sampler_statistics("faithful", k, n, L, 500, rng)
    for other in ("fast", "joint"):
        p = _ks_pvalues(faithful, ml.sampler_statistics(other, k, n, L, 500, rng))
        # 9 p-values per sampler pair; 1e-3 keeps the false-alarm rate tiny at fixed seeds
        assert min(p) > 1e-3, (other, p)


def test_ks_check_detects_a_wrong_sampler():
    """The same check must reject a sampler that skips selection."""
    rng = np.random.default_rng(13)
    faithful = ml.sampler_statistics("faithful", 5, 12, 4, 500, rng)
    random_rows = ml.sampler_statistics("faithful", 5, 12, 4, 500, rng, selection="random")
    assert min(_ks_pvalues(faithful, random_rows)) < 1e-6


def test_row_order_does_not_change_statistics():
    rng = np.random.default_rng(14)
    index = ml.sampler_statistics("faithful", 6, 15, 4, 500, rng, row_order="index")
    magnitude = ml.sampler_statistics("faithful", 6, 15, 4, 500, rng, row_order="magnitude")
    assert min(_ks_pvalues(index, magnitude)) > 1e-3


def test_magnitude_order_sorts_kept_rows():
    w0 = np.array([0.5, -0.2, 1.0])
    model = ml.fit(w0, n=8, L=1, rng=np.random.default_rng(15), row_order="magnitude")
    assert np.all(np.diff(np.abs(model.train_output)) <= 0)


def test_joint_sample_shapes_and_training_growth():
    rng = np.random.default_rng(16)
    res = ml.sample(rng.standard_normal(50), rng.standard_normal((4, 50)), 80, 7, rng, sampler="joint", trajectory=True)
    assert res.units.shape == (8, 4, 50) and res.train_units.shape == (8, 50)
    np.testing.assert_allclose(np.linalg.norm(res.units, axis=-1), 1.0)
    assert np.all(np.diff(res.train_log_norms) > 0)  # ||a_sel|| > 1 for k = 50


@pytest.mark.parametrize("trajectory", [False, True])
@pytest.mark.parametrize("X_shape", [(5,), (3, 5)])
def test_three_samplers_return_identical_field_shapes(trajectory, X_shape):
    rng = np.random.default_rng(17)
    w0, X = rng.standard_normal(5), rng.standard_normal(X_shape)
    shapes = {}
    for sampler in ml.SAMPLERS:
        s = ml.sample(w0, X, 9, 4, np.random.default_rng(1), sampler=sampler, trajectory=trajectory)
        assert s.sampler == sampler and (s.model is None) == (sampler == "joint")
        shapes[sampler] = tuple(np.shape(getattr(s, f)) for f in ("train_units", "train_log_norms", "units", "log_norms"))
    assert len(set(shapes.values())) == 1, shapes
    lead = (5,) if trajectory else ()
    assert shapes["joint"][:2] == (lead + (5,), lead)


def test_scaled_trajectories_multiply_each_layer():
    model = ml.fit(np.array([1.0, 2.0, 0.5]), 7, 4, np.random.default_rng(3), sampler="fast")
    X = np.array([[0.3, -1.0, 2.0]])
    plain, scaled = model.scaled_trajectories(X, 1.0), model.scaled_trajectories(X, 0.1)
    np.testing.assert_allclose(scaled, plain * 0.1 ** np.arange(5)[:, None, None], rtol=1e-10)
    np.testing.assert_allclose(plain[-1], model.forward(X), rtol=1e-10)
    with pytest.raises(ValueError, match="weight_scale must be a finite number > 0"):
        model.scaled_trajectories(X, 0.0)


def test_sampler_ks_tests_accept_samplers_and_reject_the_control():
    res = ml.sampler_ks_tests(3, 12, 3, 200, np.random.default_rng(18))
    assert set(res["pvalues"]) == {"fast", "joint", "magnitude order"}
    assert min(min(p) for p in res["pvalues"].values()) > 1e-4
    assert res["control_min_pvalue"] < 1e-4


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: ml.fit([1.0, 2.0], 1, 3, np.random.default_rng(0)), "n must be an integer >= 2"),
        (lambda: ml.fit([1.0, 2.0], 5, 0, np.random.default_rng(0)), "L must be an integer >= 1"),
        (lambda: ml.fit([0.0, 0.0], 5, 2, np.random.default_rng(0)), "w0 must not be the zero vector"),
        (lambda: ml.fit([1.0, np.nan], 5, 2, np.random.default_rng(0)), "w0 must contain only finite"),
        (lambda: ml.fit(np.ones((2, 2)), 5, 2, np.random.default_rng(0)), "w0 must be a non-empty 1-D vector"),
        (lambda: ml.fit([1.0, 2.0], 5, 2, np.random.default_rng(0), sampler="quick"), "sampler must be one of"),
        (lambda: ml.fit([1.0, 2.0], 5, 2, np.random.default_rng(0), row_order="x"), "row_order must be one of"),
        (lambda: ml.fit([1.0, 2.0], 5, 2, 42), "rng must be a numpy.random.Generator"),
        (lambda: ml.fit([1.0, 2.0], 5, 2, np.random.default_rng(0)).forward(np.ones((3, 3))),
         r"X must have shape \(N, 2\)"),
        (lambda: ml.fit([1.0, 2.0], 5, 2, np.random.default_rng(0)).forward(np.zeros(2)), "zero vectors"),
        (lambda: ml.sample([1.0, 2.0], [[1.0, np.inf]], 5, 2, np.random.default_rng(0), sampler="joint"), "finite"),
        (lambda: ml.sample([1.0, 2.0], [[1.0, 1.0]], 5, 2, np.random.default_rng(0), sampler="slow"), "sampler must be one of"),
    ],
)
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_layer_demo_keeps_the_top_rows_and_reaches_the_brute_force_optimum():
    w0 = np.array([1.0, 0.5])
    demo = ml.layer_demo(w0, 8, np.random.default_rng(3))
    assert demo["rows"].shape == (8, 2) and demo["subsets"] == 28
    np.testing.assert_allclose(demo["scores"], np.abs(demo["rows"] @ w0))
    kept = demo["kept"]
    assert demo["scores"][kept].min() >= np.delete(demo["scores"], kept).max()
    assert demo["output_norm"] == pytest.approx(demo["best_norm"])
    # the same draw as fit(w0, n, 1, rng): one seed taken from rng
    model = ml.fit(w0, 8, 1, np.random.default_rng(3))
    np.testing.assert_array_equal(kept, model.kept_rows[0])
    with pytest.raises(ValueError, match="n must be an integer in"):
        ml.layer_demo(w0, 40, np.random.default_rng(0))
