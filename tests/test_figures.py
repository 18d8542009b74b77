"""Smoke tests of lib.figures: the style applies, every helper draws on an Agg canvas."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lib import figures  # noqa: E402


def test_use_style_sets_the_book_settings():
    figures.use_style()
    assert plt.rcParams["axes.grid"] is True and plt.rcParams["figure.dpi"] == 100


def test_chapter_1_2_9_helpers_draw():
    fig, axes = plt.subplots(3, 4)
    ax = iter(axes.flat)
    figures.plot_binary_entropy(next(ax), 0.25)
    figures.plot_nll_histogram(next(ax), np.array([80.0, 82.0, 81.0]), 100, 0.25)
    figures.plot_eq9_convergence(next(ax), [10, 100], [0.01, 0.003], [0.01, 0.003])
    figures.plot_entropy_against_n(next(ax), 0.25, n_max=100)
    figures.plot_eq7_excess(next(ax), 3, 10, 0.2, 0.41)
    figures.plot_hash_bits(next(ax), np.array([[1, -1, 1], [1, 1, 1]]), 0.25)
    figures.plot_single_hashes(next(ax), [0.2, 0.5], [0.25, 0.5], 16, 8, 1.0)
    figures.plot_pmf_comparison(next(ax), [3, 4, 4, 5], 16, 0.25)
    table = {"dim": np.array([2, 2]), "theta0": np.array([0.25, 0.5]), "theta_hat": np.array([0.26, 0.5]),
             "pvalue": np.array([0.3, 0.6])}
    figures.plot_gof_summary(next(ax), next(ax), table, 16, 100)
    figures.plot_quadrature_errors(next(ax), [10, 100], [1e-3, 1e-9], [10, 100], [0.1, 0.03], 3)
    h = {"epoch": np.arange(3), "test": np.array([0.1, 0.9, 0.95]), "dX": np.array([4.3, 4.2, 4.1]),
         "dP": np.array([2.0, 5.0, 7.0])}
    figures.plot_accuracy_history(next(ax), h, {"test": "test"}, learning_end=1)
    assert len(fig.axes) == 12
    fig2, (a1, a2) = plt.subplots(1, 2)
    figures.plot_dx_dp_history(a1, h)
    figures.plot_controls(a2, h, [(0.5, 4.3, 1.0, 0.1), (2.0, 4.3, 3.0, 0.1)], (3.0, 20.0), 4.0)
    assert a2.get_yscale() == "log"
    plt.close("all")


def test_chapter_10_estimator_panel_draws_both_estimators():
    h = {"epoch": np.arange(3)}
    for space in ("pixel", "feature"):
        h.update({f"{space}_dX": np.array([2.6, 2.6, 2.6]), f"{space}_dP": np.array([0.1, 0.5, 1.0]),
                  f"{space}_dX_mc": np.array([2.5, 2.7, 2.6]), f"{space}_dP_mc": np.array([0.1, 0.5, 1.1])})
    fig, ax = plt.subplots()
    figures.plot_dx_dp_estimators(ax, h, "feature")
    assert len(ax.collections) == 2 and "features" in ax.get_xlabel()
    plt.close("all")


def test_learning_phase_legend_names_the_epochs_of_the_phase():
    """learning_end is the first epoch after the phase: the legend must end one epoch earlier."""
    h = {"epoch": np.arange(9), "test": np.linspace(0.1, 0.9, 9)}
    fig, ax = plt.subplots()
    figures.plot_accuracy_history(ax, h, {"test": "test"}, learning_end=6)
    assert "learning phase (epochs 0-5)" in [t.get_text() for t in ax.get_legend().get_texts()]
    fig2, ax2 = plt.subplots()
    figures.plot_accuracy_history(ax2, h, {"test": "test"}, learning_end=0)
    assert not any("learning phase" in t.get_text() for t in ax2.get_legend().get_texts())
    plt.close("all")


def test_chapter_3_helpers_draw_what_they_are_given():
    curves = {(2, 2): np.zeros((3, 5)), (2, 10): np.ones((3, 5))}
    fig, axes = plt.subplots(2, 3)
    ax = axes[0, 0]
    figures.plot_growth_curves(ax, curves, {(2, 2): 0.05, (2, 10): 0.8}, np.zeros((3, 5)), 1.1, shown=[(2, 2), (2, 10)])
    assert len(ax.lines) == 6 and ax.lines[3].get_ydata()[-1] == pytest.approx(0.8 * 4)
    qr = np.array([[2, 2, 0.05, 0.01, 0.06, -0.6, 0.01, -0.63], [10, 20, 1.4, 0.01, 1.43, 1.04, 0.01, 1.04]])
    figures.plot_qr_gaps(axes[0, 1], qr)
    assert axes[0, 1].get_yscale() == "log" and [t.get_text() for t in axes[0, 1].get_xticklabels()][1] == "k=10\nn=20"
    figures.plot_gap_against_ratio(axes[0, 2], [1.0, 2.0], {10: [0.05, 0.4]}, {2500: [0.0, 0.3]}, qr)
    assert axes[0, 2].lines[-1].get_xdata().tolist() == [2.0]  # only the k >= 10 QR row
    stats = {"cos": np.array([0.1, 0.9]), "test_log_norm": np.array([1.0, 2.0])}
    figures.plot_sampler_ecdfs(axes[1, :2], stats, {"fast": stats, "joint": stats})
    assert [t.get_text() for t in axes[1, 0].get_legend().get_texts()] == ["faithful", "fast", "joint"]
    plt.close("all")


def test_chapter_1_panel_draws_with_the_helper_and_sets_the_title():
    fig = figures.panel(figures.plot_eq9_convergence, [10, 100], [0.01, 0.003], [0.01, 0.003], figsize=(4, 3),
                        title="Eq. 9")
    (ax,) = fig.axes
    assert ax.get_title() == "Eq. 9" and ax.get_xscale() == "log" and len(ax.lines) == 2
    assert tuple(fig.get_size_inches()) == (4.0, 3.0)
    assert figures.panel(figures.plot_binary_entropy, 0.25).axes[0].get_title() == ""

def test_chapter_5_helpers_draw():
    from lib import convergence, spacetime
    from lib import maxlikelihood as ml

    rng = np.random.default_rng(0)
    s = ml.sample(rng.standard_normal(2), rng.standard_normal((4, 2)), 20, 6, rng, sampler="fast", trajectory=True)
    train, tests, anti = spacetime.embed_sample(s, 1.0)
    fig = figures.spacetime_panels(train, tests, anti, [1, 6], title="t")
    assert len(fig.axes) == 2 and fig.axes[1].get_title() == "L = 6"
    fig = figures.spacetime_view(train, tests, title="v")
    assert len(fig.axes[0].lines) == 2 * (tests.shape[1] + 1)
    predicted = spacetime.predicted_temporal_component(np.arange(1, 7), 1.0, 1.0)
    fig = figures.temporal_and_angles(train, tests, spacetime.angles_to_training(s), anti, predicted)
    assert fig.axes[0].get_yscale() == "log" and len(fig.axes[1].lines) == 4
    fig = figures.eq26_pythagoras(train[1:, 0], spacetime.one_minus_speed_ratio(train[1:, 0]))
    assert "training vector, layers 1-6" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    runs = convergence.draw_models(2, 20, 12, 3, 10, rng)
    fig = figures.layers_against_c(spacetime.fig4f(runs, [1.0, 1e30], 1.0, max_layer=12), title="f")
    assert fig.axes[0].get_xscale() == "log"
    ctl = spacetime.controls(runs, 2, 20, rng, models=2, tests=5, scaled_L=8, L=12, no_selection_models=3)
    fig = figures.temporal_controls(ctl, n=20, k=2, weight_scale=0.01)
    assert len(fig.axes[0].lines) == 3

def test_chapter_4_helpers_draw_the_collapse_figures():
    from lib import convergence as cv

    rng = np.random.default_rng(0)
    losses = {n: rng.uniform(0, 1, (4, 50)) for n in (2, 10)}
    losses[10][3, :25] = 0.001  # half of the last layer collapsed at 0
    fig = figures.loss_histogram_grid(losses, [1, 3], 0.01, title="t")
    titles = [ax.get_title() for ax in fig.axes]
    assert len(fig.axes) == 4 and titles[-1] == f"n=10, L=3: {cv.is_collapsed(losses[10][3]).mean():.0%} collapsed"
    assert fig.axes[-1].get_xlabel() == "loss (Eq. 22)" and fig.axes[0].get_xlabel() == ""
    scatter = figures.side_scatter(np.array([[0.2, 0.8, 0.3], [0.0, 1.0, 0.99]]), title="e")
    ax = scatter.axes[0]
    assert ax.get_ylabel() == "final loss (L = 1)" and "crosses 0.5 (33.3%)" in ax.get_legend_handles_labels()[1]
    cc = cv.collapse_curves(2, 10, 5, 3, 20, rng)
    layers = np.arange(6)
    fig = figures.collapse_against_depth(layers, {10: cc}, {10: cc.mean}, {10: cc.mean}, 0.01)
    assert len(fig.axes[0].get_lines()) == 5 and fig.axes[0].get_xlim() == (0, 5)
    row = {"curves": cc, "predicted": cc.mean}
    fig = figures.large_k_collapse(layers, {(2, 10): row}, {2: row}, sampler="fast")
    assert fig.axes[0].get_legend_handles_labels()[1] == ["k=2, n=10", "k=2, n=k (no selection)"]
    plt.close("all")
