"""Tests of lib.gradient_descent (chapter 6): Algorithm 2, closed form, three-matrix reading.
"""

from __future__ import annotations

import numpy as np
import pytest

from lib import gradient_descent as gd


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


def test_sweep_keeps_each_run_even_for_a_repeated_setting():
    """Chapter 6 bug: a dict keyed by (lambda, eta) let the eta sweep overwrite the lambda sweep's (10, 1)."""
    res = gd.sweep(np.random.default_rng(9), [(10.0, 1.0), (10.0, 1.0)], inits=20, tests=20)
    assert len(res) == 2 and res[0]["angle"] != res[1]["angle"]
    assert res[0]["loss"].shape == (400,)  # the histogram data of the same run


def test_tolerance_changes_the_collapsed_fraction():
    loose = gd.collapse_fractions(np.random.default_rng(1), 10.0, 1.0, inits=50, tests=50, tolerance=0.2)["angle"]
    tight = gd.collapse_fractions(np.random.default_rng(1), 10.0, 1.0, inits=50, tests=50, tolerance=0.01)["angle"]
    assert loose > tight + 0.3


def test_grid_prediction_and_equal_product_test():
    rng = np.random.default_rng(2)
    lambdas, etas = [10.0, 100.0, 1000.0], [0.01, 0.1, 1.0, 60.0]
    grid = gd.collapse_grid(rng, lambdas, etas, inits=200, tests=100)
    assert grid["angle"].shape == (3, 4) and set(grid["per_init"]) == {(lam, eta) for lam in lambdas for eta in etas}
    model = gd.predicted_grid(lambdas, etas, rng)
    assert gd.prediction_error(grid["angle"], model["predicted"], lambdas, etas) < 0.06
    np.testing.assert_array_equal(gd.converging(etas), [True, True, True, False])
    test = gd.equal_product_test(grid["per_init"], lambdas, etas)
    # equal products below saturation: (100, 0.01)~(10, 0.1), (1000, 0.01)~(100, 0.1)~(10, 1), (1000, 0.1)~(100, 1)
    assert len(test["pairs"]) == 5 and all(eta < 25 for pair in test["pairs"] for _, eta in pair)
    assert test["only_product"] is True  # eta ||w0||^2 <= 0.02: the product rule holds
    assert gd.equal_product_test(grid["per_init"], [10.0], [1.0])["only_product"] is None


def test_rank_correlation_sees_growth_and_flatness():
    rng = np.random.default_rng(3)
    rho, p = gd.rank_correlation([1.0, 2.0, 3.0], [rng.random(50) + i for i in range(3)])
    assert rho > 0.8 and p < 1e-10
    rho, p = gd.rank_correlation([1.0, 2.0, 3.0], [rng.random(50) for _ in range(3)])
    assert abs(rho) < 0.3 and p > 1e-3


def test_three_matrix_reading_collapses_partly_at_small_eta():
    rng = np.random.default_rng(4)
    small = gd.collapse_fractions(rng, 1.0, 0.001, inits=200, tests=100, reading="three")["angle"]
    large = gd.collapse_fractions(rng, 1000.0, 0.001, inits=200, tests=100, reading="three")
    assert small < 0.1 and 0.3 < large["angle"] < 0.7 and large["overflow"] == 0.0


@pytest.mark.parametrize("call,match", [
    (lambda: gd.train_single(np.eye(2), 0.0, 1.0), r"lam must be a number in \(0, inf\)"),
    (lambda: gd.train_single(np.eye(2), 1.0, -1.0), r"eta must be a number in \(0, inf\)"),
    (lambda: gd.train_single(np.eye(2), float("nan"), 1.0), "lam must be a finite number"),
    (lambda: gd.train_single(np.eye(2), "3", 1.0), "lam must be a finite number"),
    (lambda: gd.train_single(np.eye(3), 1.0, 1.0), r"G0 must have shape \(B, 2, 2\)"),
    (lambda: gd.train_single([[1, 2], [3, "a"]], 1.0, 1.0), "G0 must be an array of numbers"),
    (lambda: gd.train_single(np.eye(2), 1.0, 1.0, T=0), "T must be an integer >= 1"),
    (lambda: gd.train_single(np.eye(2), 1.0, 1.0, T="5"), "T must be an integer >= 1"),
    (lambda: gd.collapse_fractions(np.random.default_rng(0), 1.0, 1.0, inits=1, tests=1, reading="x"),
     "reading must be"),
    (lambda: gd.collapse_fractions(np.random.default_rng(0), 1.0, 1.0, inits=-1, tests=1), "inits must be an integer"),
    (lambda: gd.collapse_fractions(np.random.default_rng(0), 1.0, 1.0, inits="3", tests=1), "inits must be an integer"),
    (lambda: gd.collapse_fractions(np.random.default_rng(0), 1.0, 1.0, inits=1, tests=1, tolerance=0.7),
     r"tolerance must be a number in \(0, 0.5\)"),
    (lambda: gd.collapse_fractions(0, 1.0, 1.0, inits=1, tests=1), "rng must be a numpy.random.Generator"),
    (lambda: gd.step_factor(-1.0), "eta must be > 0"),
    (lambda: gd.control_parameter(float("nan"), 1.0), "lam must contain only finite numbers"),
    (lambda: gd.predicted_collapse_fraction(1.0, 0.0, np.random.default_rng(0), samples=0), "samples must be an integer"),
    (lambda: gd.predicted_collapse_fraction([1.0, 2.0], [0.0, 0.1, 0.2], np.random.default_rng(0)), "beta must be"),
    (lambda: gd.sweep(np.random.default_rng(0), [(1.0, 0.0)], inits=1, tests=1), r"settings\[0\] eta"),
    (lambda: gd.collapse_grid(np.random.default_rng(0), "abc", [1.0], inits=1, tests=1), "lambdas must be a non-empty list"),
    (lambda: gd.collapse_grid(np.random.default_rng(0), [], [1.0], inits=1, tests=1), "lambdas must be a non-empty list"),
    (lambda: gd.prediction_error(np.zeros((2, 2)), np.zeros((2, 3)), [10.0, 20.0], [1.0, 2.0]), "must have shape"),
    (lambda: gd.equal_product_pvalues({}, [((1.0, 1.0), (10.0, 0.1))]), "was not run"),
    (lambda: gd.rank_correlation([1.0, 2.0], [[0.1]]), "per_group must have one entry per value"),
])
def test_gradient_descent_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()



def test_closed_form_max_error_draws_the_inline_batch():
    """Same draws as the inline check it replaces: one (batch, 2, 2) standard-normal array from rng."""
    rng = np.random.default_rng(5)
    err = gd.closed_form_max_error(rng, 37.0, 0.7, batch=50)
    inline = np.random.default_rng(5)
    G0 = inline.standard_normal((50, 2, 2))
    assert err == np.max(np.abs(gd.train_single(G0, 37.0, 0.7) - gd.closed_form_single(G0, 37.0, 0.7)))
    assert err < 1e-10
    np.testing.assert_array_equal(rng.random(3), inline.random(3))  # the stream continues where it would
    with pytest.raises(ValueError, match="batch must be an integer >= 1"):
        gd.closed_form_max_error(np.random.default_rng(0), 1.0, 1.0, batch=0)


def test_prediction_curve_is_the_beta_zero_prediction():
    kappa, frac = gd.prediction_curve(np.random.default_rng(1), -1.0, 4.5, points=12)
    np.testing.assert_array_equal(kappa, np.logspace(-1, 4.5, 12))
    np.testing.assert_array_equal(frac, gd.predicted_collapse_fraction(kappa, 0.0, np.random.default_rng(1)))
    assert np.all(np.diff(frac) >= 0) and frac[0] < 0.05 and frac[-1] > 0.95  # collapse grows with kappa
    with pytest.raises(ValueError, match="log10_low must be below log10_high"):
        gd.prediction_curve(np.random.default_rng(1), 2.0, 1.0)


def test_printed_tables_of_chapter_6():
    res = gd.sweep(np.random.default_rng(6), [(1.0, 1.0), (1000.0, 1.0)], inits=20, tests=20)
    lines = gd.sweep_text({"λ": [((1.0, 1.0), res[0]), ((1000.0, 1.0), res[1])]}).splitlines()
    assert len(lines) == 3 and lines[2].split()[:4] == ["λ", "1000", "1", f"{res[1]['angle']:.3f}"]
    worst = {"pairs": [((10.0, 0.1), (1.0, 1.0))], "pvalues": [1e-5], "only_product": False}
    none = {"pairs": [], "pvalues": [], "only_product": None}
    text = gd.equal_product_text({"a": worst, "b": none}).splitlines()
    assert text[0] == ("a: 1 equal-product pairs; only the product matters: False; "
                       "most different pair ((10.0, 0.1), (1.0, 1.0)), p = 1e-05")
    assert text[1] == "b: 0 equal-product pairs; only the product matters: None"
    three = {"angle": np.array([[0.1, np.nan]]), "eq34": np.array([[0.2, np.nan]]), "overflow": np.array([[0.0, 1.0]])}
    lines = gd.three_matrix_text(three, [10.0], [0.01, 1.0]).splitlines()
    assert len(lines) == 4 and lines[2].split()[2:] == ["nan", "nan", "1.000"]
    assert lines[-1].endswith("over the table: 0.100")  # NaN (all overflowed) is skipped
    with pytest.raises(ValueError, match=r"grid must be a collapse_grid result of shape \(2, 2\)"):
        gd.three_matrix_text(three, [10.0, 100.0], [0.01, 1.0])
    with pytest.raises(ValueError, match="sweeps must be a non-empty dict"):
        gd.sweep_text({})
    with pytest.raises(ValueError, match="results must be a non-empty dict"):
        gd.equal_product_text({})
