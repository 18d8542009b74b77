"""Tests of lib.convergence (chapter 4): Eq. 22 loss, the exact chain and its prediction.
"""

from __future__ import annotations

import numpy as np
import pytest

from lib import convergence as cv
from lib import lyapunov
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


# ---------------------------------------------------------------- chapter 4 pipelines and tables
def test_loss_by_depth_is_the_inline_loop_with_the_same_draws():
    rng = np.random.default_rng(11)
    w0, tests = rng.standard_normal(2), rng.standard_normal((30, 2))
    got = cv.loss_by_depth(w0, tests, [2, 20], 6, np.random.default_rng(3), sampler="fast")
    inline, r = {}, np.random.default_rng(3)
    for n in [2, 20]:
        s = ml.sample(w0, tests, n, 6, r, sampler="fast", trajectory=True)
        inline[n] = cv.eq22_loss(s.train_units[:, None, :], s.units)
    assert list(got) == [2, 20] and got[2].shape == (7, 30)
    for n in inline:
        np.testing.assert_array_equal(got[n], inline[n])
    # layer 0 is the loss of the raw inputs against w0
    unit = w0 / np.linalg.norm(w0)
    np.testing.assert_allclose(got[2][0], cv.eq22_loss(unit, tests / np.linalg.norm(tests, axis=1, keepdims=True)))


def test_side_kept_fraction_counts_sign_changes():
    r = np.array([[0.5, -0.5, 2.0, -3.0], [0.1, 0.2, -0.1, -0.01]])
    assert cv.side_kept_fraction(r) == pytest.approx(0.5)
    assert cv.side_kept_fraction(np.stack([r[0], r[0] * 1e-3])) == 1.0
    with pytest.raises(ValueError, match="ratios must have 2 or 3 axes"):
        cv.side_kept_fraction(np.ones(3))


def test_depth_table_matches_the_inline_statistics():
    k, L, tol = 2, 10, 0.05
    rng = np.random.default_rng(4)
    cc = {n: cv.collapse_curves(k, n, L, 5, 20, rng, tolerance=tol) for n in (2, 50)}
    predicted = {n: cv.predicted_collapse_fraction(np.arange(L + 1), k, n, rng, tolerance=tol, samples=500)
                 for n in cc}
    chains = {n: cv.chain_collapse_fraction(cv.simulate_ratio_chain(rng, k, n, L, 500), tol) for n in cc}
    models = {n: cv.simulate_ratio_chain(rng, k, n, L, 20, models=5) for n in cc}
    table = cv.depth_table(k, cc, predicted, chains, models, np.random.default_rng(9), tolerance=tol, level=0.9,
                           gap_samples=300)
    r = np.random.default_rng(9)
    for n in cc:
        assert table[n]["first_L"] == cv.median_first_layer(cc[n].fractions, 0.9)
        assert table[n]["chain_first_L"] == cv.median_first_layer(cv.chain_collapse_fraction(models[n], tol).T, 0.9)
        assert table[n]["gap_error"] == pytest.approx(np.max(np.abs(cc[n].mean - predicted[n])))
        assert table[n]["chain_error"] == pytest.approx(np.max(np.abs(cc[n].mean - chains[n])))
        assert table[n]["gap"] == pytest.approx(lyapunov.gap(k, n, r, 300)[0])
    assert table[50]["first_L"] <= table[2]["first_L"]  # selection speeds collapse up


def test_large_k_table_keeps_the_draw_order_of_the_inline_cell():
    cases, L, kw = [[3, 5], [4, 12]], 8, {"sampler": "fast", "tolerance": 0.05}
    table = cv.large_k_table(cases, L, 3, 10, np.random.default_rng(2), prediction_samples=200, **kw)
    r, layers = np.random.default_rng(2), np.arange(L + 1)
    inline = {}
    for k, n in cases:  # curves and prediction case by case, then the sampled gaps
        inline[k, n] = (cv.collapse_curves(k, n, L, 3, 10, r, **kw),
                        cv.predicted_collapse_fraction(layers, k, n, r, tolerance=0.05, samples=200))
    for k, n in cases:
        row, (cc, pred) = table[k, n], inline[k, n]
        np.testing.assert_array_equal(row["curves"].fractions, cc.fractions)
        np.testing.assert_array_equal(row["predicted"], pred)
        assert row["gap"] == lyapunov.gap(k, n, r, 200)[0]
        assert row["first_L"] == cv.median_first_layer(cc.fractions, 0.5)
        assert row["predicted_first_L"] == cv.first_crossing(pred, 0.5)


def test_no_selection_table_draws_all_curves_first_and_uses_the_exact_gap():
    ks, L, kw = [2, 3], 6, {"sampler": "fast", "tolerance": 0.05}
    table = cv.no_selection_table(ks, L, 3, 10, np.random.default_rng(8), prediction_samples=200, **kw)
    r = np.random.default_rng(8)
    curves = {k: cv.collapse_curves(k, k, L, 3, 10, r, **kw) for k in ks}
    for k in ks:
        pred = cv.predicted_collapse_fraction(np.arange(L + 1), k, k, r, tolerance=0.05, samples=200)
        np.testing.assert_array_equal(table[k]["curves"].fractions, curves[k].fractions)
        np.testing.assert_array_equal(table[k]["predicted"], pred)
    # (psi(k/2) - psi((k-1)/2)) / 2: log 2 at k = 2, 1 - log 2 at k = 3
    assert table[2]["gap"] == pytest.approx(np.log(2)) and table[3]["gap"] == pytest.approx(1 - np.log(2))


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: cv.loss_by_depth([1.0, 0.0], np.ones((3, 2)), [1], 4, np.random.default_rng(0)),
         "n must be an integer >= 2"),
        (lambda: cv.loss_by_depth([1.0, 0.0], np.ones(2), [2], 4, np.random.default_rng(0)), "tests must have 2 axes"),
        (lambda: cv.large_k_table([[3, 2]], 4, 2, 2, np.random.default_rng(0)), "n must be an integer >= 3"),
        (lambda: cv.large_k_table([[3, 4]], 4, 2, 2, 0), "rng must be a numpy.random.Generator"),
        (lambda: cv.no_selection_table([3], 4, 2, 2, np.random.default_rng(0), prediction_samples=1),
         "prediction_samples must be an integer >= 2"),
        (lambda: cv.depth_table(2, {}, {}, {}, {}, np.random.default_rng(0), level=2.0), r"level must lie in \[0, 1\]"),
    ],
)
def test_chapter_4_tables_check_inputs_at_the_door(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_large_k_table_more_selection_collapses_sooner():
    """Not just the draw order: at k = 3 a wider model (larger n/k) has the larger Lyapunov gap, collapses
    a larger share of its test vectors averaged over depth, and its prediction rises with depth."""
    table = cv.large_k_table([[3, 4], [3, 60]], 20, 4, 40, np.random.default_rng(5), sampler="fast",
                             tolerance=0.05, prediction_samples=400)
    narrow, wide = table[3, 4], table[3, 60]
    assert wide["gap"] > narrow["gap"] > 0
    assert wide["curves"].fractions.mean() > narrow["curves"].fractions.mean()   # area under the curve
    assert wide["predicted"][-1] > wide["predicted"][1]
