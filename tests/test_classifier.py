"""Tests of lib.classifier (chapter 9): NumPy MLP, input gradients, PGD.
"""

from __future__ import annotations

import numpy as np
import pytest

from lib import classifier as clf
from lib import data

LINE = np.linspace(-60, 60, 120_001)


def test_classifier_gradients_by_finite_differences():
    rng = np.random.default_rng(2)
    params = clf.init_params(rng, 5, 7, 3)
    X, y = rng.uniform(0, 1, (6, 5)), rng.integers(0, 3, 6)
    loss, grads, dX = clf.loss_and_grads(params, X, y)
    for key in params:
        numeric = np.zeros_like(params[key])
        for idx in np.ndindex(params[key].shape):
            plus, minus = {k: v.copy() for k, v in params.items()}, {k: v.copy() for k, v in params.items()}
            plus[key][idx] += 1e-6
            minus[key][idx] -= 1e-6
            numeric[idx] = (clf.loss_and_grads(plus, X, y)[0] - clf.loss_and_grads(minus, X, y)[0]) / 2e-6
        np.testing.assert_allclose(grads[key], numeric, rtol=1e-4, atol=1e-7)
    for n in range(2):
        for j in range(5):
            Xp, Xm = X.copy(), X.copy()
            Xp[n, j] += 1e-6
            Xm[n, j] -= 1e-6
            numeric = (clf.per_sample_loss(params, Xp, y)[n] - clf.per_sample_loss(params, Xm, y)[n]) / 2e-6
            assert dX[n, j] == pytest.approx(numeric, rel=1e-4, abs=1e-7)


def test_training_learns_digits_and_pgd_hurts():
    rng = np.random.default_rng(3)
    Xtr, ytr, Xte, yte = data.load_digits_dataset(rng)
    params = clf.init_params(rng, 64, 32, 10)
    velocity = {k: np.zeros_like(v) for k, v in params.items()}
    for _ in range(10):
        clf.train_epoch(params, velocity, Xtr, ytr, rng, lr=0.01)
    clean = clf.accuracy(params, Xte, yte)
    attacked = clf.accuracy(params, clf.pgd_attack(params, Xte, yte, eps=0.1, step=0.025, steps=4), yte)
    assert clean > 0.9 and attacked < clean - 0.1


def test_pgd_stays_in_the_ball_and_range():
    rng = np.random.default_rng(4)
    params = clf.init_params(rng, 6, 5, 3)
    X, y = rng.uniform(0, 1, (10, 6)), rng.integers(0, 3, 10)
    adv = clf.pgd_attack(params, X, y, eps=0.05, step=0.02, steps=5)
    assert np.max(np.abs(adv - X)) <= 0.05 + 1e-12 and adv.min() >= 0 and adv.max() <= 1


def test_logit_scaling_keeps_predictions():
    rng = np.random.default_rng(5)
    params = clf.init_params(rng, 6, 5, 3)
    X = rng.uniform(0, 1, (50, 6))
    np.testing.assert_array_equal(np.argmax(clf.logits(params, X), 1),
                                  np.argmax(clf.logits(clf.scale_logits(params, 4.0), X), 1))


P = clf.init_params(np.random.default_rng(0), 3, 2, 2)


@pytest.mark.parametrize("call,match", [
    (lambda: clf.accuracy(clf.init_params(np.random.default_rng(0), 3, 2, 2), np.ones((4, 5)), np.zeros(4, int)),
     r"X must have shape \(N, 3\)"),
    (lambda: clf.accuracy(clf.init_params(np.random.default_rng(0), 3, 2, 2), np.ones((4, 3)), np.full(4, 5)),
     r"y must hold 4 integer labels in \[0, 1\]"),
    (lambda: clf.pgd_attack(P, np.ones((4, 3)), np.zeros(4, int), eps=-0.1, step=0.1, steps=2),
     "eps must be a finite number > 0"),
    (lambda: clf.pgd_attack(P, np.ones((4, 3)), np.zeros(4, int), eps=np.nan, step=0.1, steps=2),
     "eps must be a finite number > 0"),
    (lambda: clf.pgd_attack(P, np.ones((4, 3)), np.zeros(4, int), eps=0.1, step=0.1, steps="3"),
     "steps must be an integer >= 1"),
    (lambda: clf.pgd_attack(P, np.ones((4, 3)), np.zeros(4, int), eps=0.1, step=0.1, steps=2, low=1, high=0),
     "low < high"),
    (lambda: clf.scale_logits(P, "4"), "factor must be a finite number > 0"),
    (lambda: clf.scale_logits({"W1": 1}, 4.0), "params must be a dict with keys"),
    (lambda: clf.train_epoch(P, {}, np.ones((4, 3)), np.zeros(4, int), np.random.default_rng(0)),
     "velocity must be a dict"),
    (lambda: clf.train_epoch(P, {k: 0 * v for k, v in P.items()}, np.ones((4, 3)), np.zeros(4, int),
                             np.random.default_rng(0), batch_size=0), "batch_size must be an integer >= 1"),
    (lambda: clf.train_epoch(P, {k: 0 * v for k, v in P.items()}, np.ones((4, 3)), np.zeros(4, int),
                             np.random.default_rng(0), lr=np.inf), "lr must be a finite number > 0"),
    (lambda: clf.init_params(np.random.default_rng(0), "3", 2, 2), "n_in must be an integer >= 1"),
    (lambda: clf.logits(P, np.full((2, 3), np.nan)), "X must contain only finite numbers"),
])
def test_bad_input(call, match):
    if match is None:
        with pytest.raises(FileNotFoundError, match="place the MNIST IDX files there"):
            call()
    else:
        with pytest.raises(ValueError, match=match):
            call()


def _tiny_data(seed=0, n=60, d=6, classes=3):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0.2, 0.8, (classes, d))
    y = rng.integers(0, classes, n)
    X = np.clip(centres[y] + 0.05 * rng.standard_normal((n, d)), 0, 1)
    return X[:40], y[:40], X[40:], y[40:]


def test_train_history_records_every_epoch_and_is_reproducible():
    X_tr, y_tr, X_te, y_te = _tiny_data()
    kwargs = dict(hidden=8, epochs=3, lr=0.05, batch_size=8, attacks={"robust": (0.05, 0.02, 2)},
                  target_class=1, slice_points=11)
    net, h, st = clf.train_history(np.random.default_rng(1), X_tr, y_tr, X_te, y_te, **kwargs)
    assert list(h["epoch"]) == [0, 1, 2, 3]
    assert set(h) == {"epoch", "test", "robust", "dX", "dP", "dP_paper", "bound_holds", "paper_negative"}
    assert np.all(h["robust"] <= h["test"] + 1e-12) or np.all((0 <= h["robust"]) & (h["robust"] <= 1))
    assert st["sigma_x"].shape == (6,)
    # same seed, same record; and the final network is what the last epoch measured
    _, h2, _ = clf.train_history(np.random.default_rng(1), X_tr, y_tr, X_te, y_te, **kwargs)
    for key in h:
        np.testing.assert_array_equal(h[key], h2[key])
    assert clf.accuracy(net, X_te, y_te) == h["test"][-1]
    # the network learns the separable toy classes
    assert h["test"][-1] > h["test"][0]


def test_learning_phase_end_uses_the_plateau_median():
    acc = [0.1, 0.6, 0.9, 0.95, 0.96, 0.955, 0.96, 0.99, 0.96, 0.96]
    assert clf.learning_phase_end(acc, 0.01) == 3
    assert clf.learning_phase_end([0.5, 0.5, 0.5], 0.0) == 0


def test_trade_off_after_learning_sees_a_falling_robust_accuracy():
    test = np.array([0.1, 0.8, 0.95] + [0.95] * 10)
    robust = np.array([0.0, 0.6, 0.7] + list(np.linspace(0.7, 0.5, 10)))
    out = clf.trade_off_after_learning({"test": test, "robust": robust}, "robust", 0.01)
    assert out["start"] == 2
    assert out["robust_change"] < -0.1 and out["test_change"] == 0.0
    rising = {"test": np.array([0.1, 0.2, 0.3, 0.9]), "robust": np.array([0.0, 0.1, 0.2, 0.5])}
    short = clf.trade_off_after_learning(rising, "robust", 0.0)
    assert short["start"] == 3 and short["epochs"] == 1
    assert all(np.isnan(short[k]) for k in ("corr", "test_change", "robust_change"))
    assert out["epochs"] == 11


def test_history_table_and_cost_estimate():
    X_tr, y_tr, X_te, y_te = _tiny_data()
    _, h, _ = clf.train_history(np.random.default_rng(1), X_tr, y_tr, X_te, y_te, hidden=4, epochs=2, lr=0.05,
                                batch_size=8, attacks={"robust": (0.05, 0.02, 1), "robust_fig1": (0.1, 0.05, 1)},
                                target_class=0, slice_points=7)
    assert len(clf.history_table(h, 1).splitlines()) == 4
    p = {"dataset": "digits", "hidden": 64, "epochs": 50, "pgd_steps": 4, "slice_points": 101,
         "line_points": 120_001, "mc_samples": [1000, 1_000_000], "mc_replicates": 10,
         "mnist_max_train": 1, "mnist_max_test": 1}
    assert 5 < clf.estimate_seconds(p) < 60
    assert clf.estimate_seconds({**p, "dataset": "mnist", "mnist_max_train": 60000, "mnist_max_test": 10000,
                                 "epochs": 500}) > 900


def test_untrained_networks_scale_one_initialisation():
    nets = clf.untrained_networks(3, 4, 5, 2, [0.5, 2.0])
    np.testing.assert_allclose(nets[1][1]["W1"], 4 * nets[0][1]["W1"])


@pytest.mark.parametrize("call,match", [
    (lambda: clf.load_dataset("cifar", np.random.default_rng(0)), "name must be 'digits' or 'mnist'"),
    (lambda: clf.load_dataset("mnist", np.random.default_rng(0), max_train=0), "max_train must be an integer >= 1"),
    (lambda: clf.train_history(np.random.default_rng(0), *_tiny_data(), hidden=4, epochs=0, lr=0.1, batch_size=4,
                               attacks={"r": (0.1, 0.1, 1)}, target_class=0, slice_points=11),
     "epochs must be an integer >= 1"),
    (lambda: clf.train_history(np.random.default_rng(0), *_tiny_data(), hidden=4, epochs=1, lr=0.1, batch_size=4,
                               attacks={"r": (0.1, 0.1)}, target_class=0, slice_points=11), r"must be \(eps, step, steps\)"),
    (lambda: clf.train_history(np.random.default_rng(0), *_tiny_data(), hidden=4, epochs=1, lr=0.1, batch_size=4,
                               attacks={"test": (0.1, 0.1, 1)}, target_class=0, slice_points=11), "is taken"),
    (lambda: clf.train_history(np.random.default_rng(0), *_tiny_data(), hidden=4, epochs=1, lr=0.1, batch_size=4,
                               attacks={"r": (0.1, 0.1, 1)}, target_class=7, slice_points=11),
     r"target_class must be an integer in \[0, 2\]"),
    (lambda: clf.learning_phase_end([0.5], 0.01), "at least 2 values"),
    (lambda: clf.learning_phase_end([0.5, 0.6], -1), "tolerance must be"),
    (lambda: clf.trade_off_after_learning({"test": [1, 2]}, "robust"), "history must be a train_history dict"),
    (lambda: clf.untrained_networks(-1, 3, 3, 2, [1.0]), "seed must be an integer >= 0"),
    (lambda: clf.history_table({}, 0), "every must be an integer >= 1"),
])
def test_bad_input_of_the_chapter_9_pipeline(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_training_correlations_match_numpy_and_trade_off_after_learning():
    epochs = np.arange(13)
    h = {"epoch": epochs, "test": np.array([0.1, 0.8, 0.95] + [0.95] * 10),
         "robust": np.array([0.0, 0.6, 0.7] + list(np.linspace(0.7, 0.5, 10))),
         "robust_fig1": np.array([0.0, 0.3, 0.4] + list(np.linspace(0.4, 0.45, 10))),
         "dX": np.linspace(5.0, 4.0, 13), "dP": np.linspace(1.0, 3.0, 13) ** 2}
    out = clf.training_correlations(h, ["robust", "robust_fig1"], 0.01)
    assert out["dX_dP"] == pytest.approx(np.corrcoef(h["dX"][1:], h["dP"][1:])[0, 1]) and out["dX_dP"] < -0.9
    assert out["test_robust"] == pytest.approx(np.corrcoef(h["test"][1:], h["robust"][1:])[0, 1])
    assert out["last_epoch"] == 12
    assert out["after"]["robust"] == clf.trade_off_after_learning(h, "robust", 0.01)
    assert out["after"]["robust_fig1"]["robust_change"] > 0 > out["after"]["robust"]["robust_change"]
    lines = clf.correlation_text(out, {"robust": "eps A", "robust_fig1": "eps B"}).splitlines()
    assert lines[0].startswith("correlation over epochs 1-12:")
    assert lines[1].startswith("after learning (epochs 2-12), eps A:")
    assert lines[1].endswith(f"robust accuracy change {out['after']['robust']['robust_change']:+.4f}")
    with pytest.raises(ValueError, match="robust_keys must be a non-empty list"):
        clf.training_correlations(h, [], 0.01)
    with pytest.raises(ValueError, match="history must be a train_history dict"):
        clf.training_correlations({"test": h["test"]}, ["robust"], 0.01)
    with pytest.raises(ValueError, match="labels must map keys of"):
        clf.correlation_text(out, {"robust_eps": "x"})
