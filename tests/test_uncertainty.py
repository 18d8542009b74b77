"""Tests of lib.uncertainty (chapter 9): packets, momentum conventions, slice method.
"""

from __future__ import annotations

import numpy as np
import pytest

from lib import classifier as clf
from lib import uncertainty as un

LINE = np.linspace(-60, 60, 120_001)


def test_gaussian_is_the_equality_case():
    st = un.packet_stats(LINE, np.exp(-LINE**2 / 4), -LINE / 2 * np.exp(-LINE**2 / 4))
    assert st["sigma_x"] == pytest.approx(1.0, rel=1e-6)
    assert st["sigma_x"] * st["sigma_p_hermitian"] == pytest.approx(0.5, rel=1e-6)
    assert st["paper_variance_p"] == pytest.approx(-0.25, rel=1e-4)  # the paper's "variance" is negative


@pytest.mark.parametrize("name", ["sech", "Laplace"])
def test_known_closed_forms(name):
    f, df = un.TEST_FUNCTIONS[name]
    st = un.packet_stats(LINE, f(LINE), df(LINE))
    # rel 1e-3: the kink of the Laplace packet at 0 costs one grid cell
    assert st["sigma_x"] * st["sigma_p_hermitian"] == pytest.approx(un.EXACT_PRODUCTS[name], rel=1e-3)


@pytest.mark.parametrize("name", list(un.TEST_FUNCTIONS))
def test_heisenberg_bound_holds_on_the_line(name):
    f, df = un.TEST_FUNCTIONS[name]
    st = un.packet_stats(LINE, f(LINE), df(LINE))
    assert st["sigma_x"] * st["sigma_p_hermitian"] >= 0.5 - 1e-6


def test_boundary_identity_on_the_unit_interval():
    """sigma_x ||psi'|| >= |1 - B| / 2 holds; the plain 1/2 bound does not (constant psi)."""
    x = np.linspace(0, 1, 4001)
    rng = np.random.default_rng(0)
    for _ in range(20):
        coeffs = rng.standard_normal(4)
        psi = np.polyval(coeffs, x) + 3.0
        st = un.packet_stats(x, psi, np.polyval(np.polyder(coeffs), x))
        assert st["sigma_x"] * st["sigma_p_hermitian"] >= st["lower_bound"] - 1e-6
    const = un.packet_stats(x, np.ones_like(x), np.zeros_like(x))
    assert const["sigma_x"] == pytest.approx(1 / np.sqrt(12), rel=1e-6)
    assert const["sigma_x"] * const["sigma_p_hermitian"] == 0.0 < 0.5
    assert const["boundary"] == pytest.approx(1.0) and const["lower_bound"] == pytest.approx(0.0)


def test_grid_quadrature_converges_and_monte_carlo_agrees():
    f, df = un.TEST_FUNCTIONS["sech"]
    coarse = un.packet_stats(np.linspace(-30, 30, 301), f(np.linspace(-30, 30, 301)))
    fine = un.packet_stats(LINE, f(LINE), df(LINE))
    assert abs(coarse["sigma_p_hermitian"] - fine["sigma_p_hermitian"]) < 0.02
    mc = un.monte_carlo_stats(f, df, -30, 30, np.random.default_rng(1), 400_000)
    assert mc["sigma_x"] == pytest.approx(float(fine["sigma_x"]), rel=0.03)
    assert mc["sigma_p_hermitian"] == pytest.approx(float(fine["sigma_p_hermitian"]), rel=0.03)


def test_delta_p_paper_leaves_out_imaginary_pixels():
    value, imaginary = un.delta_p_paper({"paper_variance_p": np.array([-1.0, 4.0, 9.0])})
    assert value == pytest.approx(np.sqrt(5.0)) and imaginary == pytest.approx(1 / 3)


def test_normalise_gives_unit_norm():
    x = np.linspace(0, 1, 501)
    psi = un.normalise(x, 3.0 + np.sin(7 * x))
    assert np.trapezoid(psi**2, x) == pytest.approx(1.0)


@pytest.mark.parametrize("call,match", [
    (lambda: un.packet_stats(np.linspace(0, 1, 3), np.ones(3)), "x must be a 1-D grid of at least 5 points"),
    (lambda: un.packet_stats(np.linspace(0, 1, 10), np.ones(9)), "psi must have 10 samples"),
    (lambda: un.packet_stats(np.linspace(0, 1, 10), np.zeros(10)), "psi must not be identically zero"),
    (lambda: un.packet_stats(np.linspace(1, 0, 10), np.ones(10)), "x must be strictly increasing"),
    (lambda: un.packet_stats(np.linspace(0, 1, 10), np.ones(10), np.ones(9)), "dpsi must be finite with the shape"),
    (lambda: un.monte_carlo_stats(np.cos, np.sin, 1.0, 0.0, np.random.default_rng(0), 10), "a < b"),
    (lambda: un.monte_carlo_stats(np.cos, np.sin, np.nan, 1.0, np.random.default_rng(0), 10),
     "a must be a finite number"),
    (lambda: un.monte_carlo_stats(np.cos, np.sin, 0.0, "1", np.random.default_rng(0), 10), "b must be a finite number"),
    (lambda: un.monte_carlo_stats(np.cos, np.sin, 0.0, 1.0, np.random.default_rng(0), "10"),
     "samples must be an integer >= 2"),
    (lambda: un.monte_carlo_stats("cos", np.sin, 0.0, 1.0, np.random.default_rng(0), 10), "func must be a function"),
    (lambda: un.monte_carlo_stats(np.cos, np.sin, 0.0, 1.0, 0, 10), "rng must be a numpy.random.Generator"),
    (lambda: un.monte_carlo_stats(lambda u: 0 * u, np.sin, 0.0, 1.0, np.random.default_rng(0), 10),
     "func must not vanish"),
    (lambda: un.slice_stats(np.sum, np.sum, np.zeros(4), [5], np.linspace(0, 1, 11)),
     r"pixels must be a non-empty 1-D array of integer indices in \[0, 3\]"),
    (lambda: un.slice_stats(np.sum, np.sum, np.zeros(4), [1], np.linspace(1, 0, 11)), "grid must be strictly"),
    (lambda: un.delta_x_delta_p({"sigma_x": np.ones(3)}), "stats must be a dict"),
    (lambda: un.delta_p_paper([]), "stats must be a dict"),
])
def test_bad_input(call, match):
    if match is None:
        with pytest.raises(FileNotFoundError, match="place the MNIST IDX files there"):
            call()
    else:
        with pytest.raises(ValueError, match=match):
            call()


def test_real_line_table_and_interval_cases():
    table = un.real_line_table(np.linspace(-40, 40, 40001))
    assert table["Gaussian"]["product"] == pytest.approx(0.5, abs=1e-6)
    assert np.isnan(table["bimodal"]["exact"])
    assert all(row["paper_variance_p"] < 0 for row in table.values())
    cases = un.interval_cases(401)
    st = un.packet_stats(*cases["constant"])
    assert float(st["sigma_x"] * st["sigma_p_hermitian"]) == pytest.approx(0.0)


def test_quadrature_errors_grid_beats_monte_carlo():
    grid_err, mc_err = un.quadrature_errors([101, 3001], [1000], 3, np.random.default_rng(0))
    assert grid_err[1] < 1e-9 < mc_err[0]


def test_paper_sigma_p_is_nan_exactly_where_the_variance_is_negative():
    stats = {"paper_variance_p": np.array([4.0, -1.0, 0.0])}
    out = un.paper_sigma_p(stats)
    assert out[0] == 2.0 and np.isnan(out[1]) and out[2] == 0.0


def test_class_slice_stats_covers_every_pixel():

    params = clf.init_params(np.random.default_rng(0), 5, 4, 3)
    st = un.class_slice_stats(params, np.full(5, 0.5), 2, 21)
    assert st["sigma_x"].shape == (5,)
    with pytest.raises(ValueError, match=r"label must be an integer in \[0, 2\]"):
        un.class_slice_stats(params, np.full(5, 0.5), 3, 21)
    with pytest.raises(ValueError, match="slice_points must be an integer >= 5"):
        un.class_slice_stats(params, np.full(5, 0.5), 1, 3)


def test_real_line_and_interval_texts_print_one_row_per_case():
    table = un.real_line_table(np.linspace(-40, 40, 40001))
    text = un.real_line_text(table)
    lines = text.splitlines()
    assert len(lines) == len(table) + 2
    assert lines[1].startswith("Gaussian") and "0.500000   0.5 " in lines[1]
    assert lines[-2].split()[2] == "None"  # the bimodal packet has no closed form
    deficit = 1 - table["Lorentzian"]["product"] / table["Lorentzian"]["exact"]
    assert lines[-1].endswith(f"costs {deficit:.1%})")
    with pytest.raises(ValueError, match="table must be a real_line_table dict"):
        un.real_line_text({"Gaussian": table["Gaussian"]})
    rows = un.interval_text(un.interval_cases(401)).splitlines()[1:]
    assert [row.split()[-1] for row in rows] == ["False", "False", "True", "False"]  # only the bump holds
    assert rows[0].split()[1:4] == ["0.0000", "1.0000", "0.0000"]  # constant: B = 1, product 0
    with pytest.raises(ValueError, match="cases must be a non-empty dict"):
        un.interval_text({})


def test_paper_sigma_summary_matches_the_inline_computation():
    stats = {"sigma_x": np.array([0.3, 0.3, 0.2, 0.29]), "sigma_p_hermitian": np.array([1.0, 2.0, 3.0, 4.0]),
             "paper_variance_p": np.array([4.0, -1.0, 1.0, 1.0])}
    out = un.paper_sigma_summary(stats)
    # sigma_p (paper) = [2, nan, 1, 1]; products [0.6, 0, 0.2, 0.29]
    assert out == {"frac_nonneg": 0.75, "frac_bound": 0.25, "median_paper": 1.0, "median_norm": 2.5}
    with pytest.raises(ValueError, match="stats must be a dict"):
        un.paper_sigma_summary({"sigma_x": np.ones(2)})


def test_network_controls_rescaled_logits_keep_accuracy_and_sharpen_the_packet():
    rng = np.random.default_rng(0)
    params = clf.init_params(rng, 5, 6, 3)
    X_tr, X_te = rng.uniform(0, 1, (30, 5)), rng.uniform(0, 1, (20, 5))
    y_te = rng.integers(0, 3, 20)
    out = un.network_controls(params, X_tr, X_te, y_te, target_class=1, slice_points=21, logit_scale=4.0,
                              weight_scales=[0.5, 2.0], seed=7)
    assert out["scaled_accuracy"] == out["accuracy"] == clf.accuracy(params, X_te, y_te)
    x_base = X_tr.mean(axis=0)
    base = un.delta_x_delta_p(un.class_slice_stats(params, x_base, 1, 21))
    assert out["scaled"][1] > base[1]  # sharper loss, larger Delta P
    assert [row[0] for row in out["untrained"]] == [0.5, 2.0]
    p0 = clf.untrained_networks(7, 5, 6, 3, [2.0])[0][1]
    assert out["untrained"][1][1:3] == un.delta_x_delta_p(un.class_slice_stats(p0, x_base, 1, 21))
    h = {"dX": np.array([1.0, base[0]]), "dP": np.array([1.0, base[1]])}
    lines = un.controls_text(out, h, 4.0).splitlines()
    assert len(lines) == 3 + 2 and lines[1].startswith("logits x 4:")
    with pytest.raises(ValueError, match=r"X_train must have shape \(N, 5\)"):
        un.network_controls(params, X_tr[:, :4], X_te, y_te, target_class=1, slice_points=21, logit_scale=4.0,
                            weight_scales=[1.0], seed=7)
    with pytest.raises(ValueError, match="controls must be a dict from network_controls"):
        un.controls_text({}, h, 4.0)


def test_interval_table_bound_follows_the_boundary_term():
    """On [0, 1] the bound is |1 - B| / 2 (Eq. 23 with its boundary term); a packet vanishing at both
    ends (B = 0) keeps the real-line bound 1/2 and meets it, the constant (B = 1) has bound and product 0."""
    table = un.interval_table(un.interval_cases(401))
    for row in table.values():
        assert row["lower_bound"] == pytest.approx(abs(1 - row["boundary"]) / 2)
        assert row["product"] >= row["lower_bound"] - 1e-6     # the bound with its boundary term always holds
        assert row["holds"] == (row["product"] >= 0.5 - 1e-6)
    assert [row["holds"] for row in table.values()] == [False, False, True, False]
    with pytest.raises(ValueError, match="cases must be a non-empty dict"):
        un.interval_table({})
