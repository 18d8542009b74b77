"""Tests of lib.classifier (chapter 9): NumPy MLP, input gradients, PGD.
"""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from lib import classifier as clf
from lib import data
from lib import uncertainty as un

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
