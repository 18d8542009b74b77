"""Tests of lib.cnn: the paper's MNIST network, its attacks, slices and the Eq. 20-21 check."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lib import cnn, uncertainty


@pytest.fixture(scope="module")
def net():
    return cnn.init_params(np.random.default_rng(0))


@pytest.fixture(scope="module")
def batch():
    rng = np.random.default_rng(1)
    return rng.uniform(0, 1, (6, 784)), rng.integers(0, 10, 6)


def test_architecture_matches_the_supplement(net):
    shapes = {k: tuple(v.shape) for k, v in net.items()}
    assert shapes == {"conv1.weight": (16, 1, 5, 5), "conv1.bias": (16,), "conv2.weight": (64, 16, 3, 3),
                      "conv2.bias": (64,), "conv3.weight": (256, 64, 3, 3), "conv3.bias": (256,),
                      "fc1.weight": (10, 2304), "fc1.bias": (10,)}
    assert cnn.features(net, np.zeros((3, 784))).shape == (3, 2304)  # 28 -> 9 -> 5 -> 3, 256 * 9 = 2304


def test_initialisation_is_seeded_and_bounded():
    a, b = cnn.init_params(np.random.default_rng(5)), cnn.init_params(np.random.default_rng(5))
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert float(a["conv2.weight"].detach().abs().max()) <= 1 / np.sqrt(144)
    big = cnn.init_params(np.random.default_rng(5), weight_scale=2.0)
    assert torch.allclose(big["fc1.weight"], 2 * a["fc1.weight"])


def test_features_are_relu_outputs_and_logits_are_the_linear_head(net, batch):
    X, _ = batch
    Z = cnn.features(net, X)
    assert Z.min() >= 0
    W, b = net["fc1.weight"].detach().double().numpy(), net["fc1.bias"].detach().double().numpy()
    np.testing.assert_allclose(cnn.logits(net, X), Z @ W.T + b, rtol=1e-4, atol=1e-5)


def test_channels_last_features_equal_the_default_layout_convolutions(net, batch):
    """The extractor runs on channels-last tensors for speed; its output is the printout's network in
    the default layout, flattened in (channel, row, column) order, to the last bits up to summation order."""
    X, _ = batch
    h = torch.tensor(X).reshape(-1, 1, 28, 28)
    for name, _, _, _, stride, pad in cnn.CONVS:
        h = F.relu(F.conv2d(h, net[name + ".weight"].detach(), net[name + ".bias"].detach(), stride=stride,
                            padding=pad))
    np.testing.assert_allclose(cnn.features(net, X), h.flatten(1).numpy(), rtol=1e-12, atol=1e-14)


def test_epoch_measurements_equal_the_separate_accuracy_and_feature_calls(net):
    """The test images pass the extractor once per epoch; the accuracy and the scaled features are
    those of :func:`cnn.accuracy` and :func:`cnn.feature_space` exactly."""
    rng = np.random.default_rng(4)
    X, y = rng.uniform(0, 1, (30, 784)), np.arange(30) % 10
    out = cnn.epoch_measurements(net, X[:20], y[:20], X[20:], y[20:], np.random.default_rng(5), pixels=[1, 2],
                                 feats=[3, 4], grid=np.linspace(0, 1, 5), mc_samples=3, label=8,
                                 attack={"eps": 0.03, "step": 0.01, "steps": 1}, n_attack=5, head_epochs=1)
    assert out["test"] == cnn.accuracy(net, X[20:], y[20:])
    Z_train, Z_test, _ = cnn.feature_space(net, X[:20], X[20:])
    np.testing.assert_array_equal(out["_stats"]["feature_base"], Z_train.mean(axis=0))
    assert out["feature_test"] == cnn.head_accuracy(out["_stats"]["head"], Z_test, y[20:])


def test_input_gradient_matches_finite_differences(net, batch):
    X, y = batch
    loss, grad = cnn.loss_and_input_gradient(net, X[:2], y[:2])
    rng = np.random.default_rng(2)
    for i in rng.choice(784, 5, replace=False):
        h = 1e-2
        Xp, Xm = X[:2].copy(), X[:2].copy()
        Xp[:, i] += h
        Xm[:, i] -= h
        fd = (cnn.loss_and_input_gradient(net, Xp, y[:2])[0] - cnn.loss_and_input_gradient(net, Xm, y[:2])[0]) / (2 * h)
        np.testing.assert_allclose(grad[:, i], fd, rtol=0.05, atol=2e-4)


def test_training_lowers_the_loss_on_a_tiny_set():
    rng = np.random.default_rng(3)
    X = rng.uniform(0, 1, (40, 784))
    y = np.arange(40) % 10
    params = cnn.init_params(rng, dtype="float32")
    opt = cnn.make_optimizer(params, lr=3e-3)
    first = cnn.train_epoch(params, opt, X, y, rng, batch_size=20)
    for _ in range(15):
        last = cnn.train_epoch(params, opt, X, y, rng, batch_size=20)
    assert last < 0.5 * first
    assert cnn.accuracy(params, X, y) > 0.5


def test_pgd_stays_in_the_ball_and_the_pixel_range_and_raises_the_loss(net, batch):
    X, y = batch
    Xa = cnn.pgd_attack(net, X, y, eps=0.1, step=0.025, steps=4)
    assert np.all(np.abs(Xa - X) <= 0.1 + 1e-6) and Xa.min() >= 0 and Xa.max() <= 1
    assert cnn.loss_and_input_gradient(net, Xa, y)[0].sum() > cnn.loss_and_input_gradient(net, X, y)[0].sum()


def test_scale_logits_keeps_predictions(net, batch):
    X, _ = batch
    scaled = cnn.scale_logits(net, 4.0)
    np.testing.assert_array_equal(cnn.predict(scaled, X), cnn.predict(net, X))
    np.testing.assert_allclose(cnn.logits(scaled, X), 4 * cnn.logits(net, X), rtol=1e-4, atol=1e-5)


def test_slice_stats_agree_with_the_generic_slice_estimator(net):
    """The torch slices are lib.uncertainty.slice_stats with the network's loss and gradient."""
    x_base = np.full(784, 0.2)
    grid = np.linspace(0, 1, 21)
    got = cnn.slice_stats(net, x_base, [3, 400], grid, 8)
    ref = uncertainty.slice_stats(
        lambda X: cnn.loss_and_input_gradient(net, X, np.full(len(X), 8))[0],
        lambda X: cnn.loss_and_input_gradient(net, X, np.full(len(X), 8))[1], x_base, [3, 400], grid)
    for key in ("sigma_x", "sigma_p_hermitian", "paper_variance_p"):
        np.testing.assert_allclose(got[key], ref[key], rtol=1e-12)


def test_monte_carlo_slices_converge_to_the_grid_estimate():
    """On a feature-space head the slice loss is smooth: the paper's Monte Carlo and the trapezoid agree."""
    rng = np.random.default_rng(4)
    head = cnn.init_head(rng, weight_scale=30.0, dtype="float32")
    base = rng.uniform(0, 1, 2304)
    grid = cnn.slice_stats(head, base, [7, 99], np.linspace(0, 1, 2001), 8, "feature")
    mc = cnn.slice_stats_monte_carlo(head, base, [7, 99], 8, rng, 50_000, "feature")
    # measured: relative differences below 1e-3 at 50 000 points (Monte Carlo error ~ 1/sqrt(50 000))
    np.testing.assert_allclose(mc["sigma_x"], grid["sigma_x"], rtol=0.01)
    np.testing.assert_allclose(mc["sigma_p_hermitian"], grid["sigma_p_hermitian"], rtol=0.01)


def test_feature_space_is_scaled_to_unit_maximum(net, batch):
    X, _ = batch
    Ztr, Zte, scale = cnn.feature_space(net, X[:4], X[4:])
    assert Ztr.max() == pytest.approx(1.0) and scale > 0 and Zte.shape == (2, 2304)


def test_fgsm_operator_check_reports_cosine_and_norm_ratio():
    """Labels set to the predictions: clean accuracy 1; the norm ratio is recomputed independently."""
    rng = np.random.default_rng(6)
    params = cnn.init_params(rng)
    X = rng.uniform(0.3, 0.7, (5, 784))
    y = cnn.predict(params, X)
    out = cnn.fgsm_operator_check(params, X, y, eps=0.05)
    assert out["acc_clean"] == 1.0
    assert 0 < out["mean_cos_grad_sign"] <= 1
    _, g = cnn.loss_and_input_gradient(params, X, y)
    ratio = np.linalg.norm(g, axis=1) / np.linalg.norm(np.sign(g), axis=1)
    assert out["median_norm_ratio_grad_to_sign"] == pytest.approx(float(np.median(ratio)))


@pytest.mark.parametrize("call,match", [
    (lambda n, X, y: cnn.init_params(np.random.default_rng(0), weight_scale=0), "weight_scale must be"),
    (lambda n, X, y: cnn.logits(n, X[:, :10]), r"X must have shape \(n, 784\)"),
    (lambda n, X, y: cnn.accuracy(n, np.full((2, 784), np.nan), [0, 1]), "only finite"),
    (lambda n, X, y: cnn.pgd_attack(n, X, y, eps=0, step=0.1, steps=1), "eps must be"),
    (lambda n, X, y: cnn.pgd_attack(n, X, y, eps=0.1, step=0.1, steps=0), "steps must be an integer >= 1"),
    (lambda n, X, y: cnn.loss_and_input_gradient(n, X, y, space="logit"), "space must be 'pixel' or 'feature'"),
    (lambda n, X, y: cnn.loss_and_input_gradient(n, X, y + 10), r"y must be 6 integer labels in \[0, 9\]"),
    (lambda n, X, y: cnn.slice_stats(n, X[0], [1], np.linspace(0, 1, 11), 10), r"label must be an integer in \[0, 9\]"),
    (lambda n, X, y: cnn.scale_logits(n, -1.0), "factor must be"),
    (lambda n, X, y: cnn.make_optimizer(n, lr=float("nan")), "lr must be"),
    (lambda n, X, y: cnn.train_epoch(n, cnn.make_optimizer(n), X, y, np.random.default_rng(0), batch_size=0),
     "batch_size must be an integer >= 1"),
    (lambda n, X, y: cnn.fgsm_operator_check(n, X, y, eps=-1.0), "eps must be"),
])
def test_bad_input_names_the_parameter(net, batch, call, match):
    X, y = batch
    with pytest.raises(ValueError, match=match):
        call(net, X, y)


def _same_rng(X):
    """A generator in the state the test's own ``rng`` had after drawing ``X``."""
    rng = np.random.default_rng(7)
    rng.uniform(0, 1, X.shape)
    return rng


def test_train_history_records_every_epoch_in_both_spaces():
    """Epoch 0 is the untrained network; both estimators and both spaces are recorded per epoch."""
    rng = np.random.default_rng(7)
    X = rng.uniform(0, 1, (30, 784))
    y = np.arange(30) % 10
    kwargs = dict(epochs=2, lr=1e-3, batch_size=10, pixels=[100, 400], feats=[5, 50, 500], grid=np.linspace(0, 1, 7),
                  mc_samples=7, label=8, attack={"eps": 0.03, "step": 0.01, "steps": 1}, n_attack=5, head_epochs=1)
    net, h, last, snaps = cnn.train_history(rng, X[:20], y[:20], X[20:], y[20:], snapshot_epochs=(1, 2), **kwargs)
    assert list(h["epoch"]) == [0, 1, 2]
    # Snapshots are copies (the last equals the returned network, the first differs) and draw no random
    # numbers: the record without snapshots is identical.
    assert sorted(snaps) == [1, 2] and all(torch.equal(snaps[2][k], net[k]) for k in net)
    assert not all(torch.equal(snaps[1][k], net[k]) for k in net)
    _, h2, _, none = cnn.train_history(_same_rng(X), X[:20], y[:20],
                                       X[20:], y[20:], **kwargs)
    assert none == {} and all(np.array_equal(h[key], h2[key]) for key in h)
    with pytest.raises(ValueError, match="snapshot_epochs must be an integer in"):
        cnn.train_history(rng, X[:20], y[:20], X[20:], y[20:], snapshot_epochs=(3,), **kwargs)
    for key in ("test", "robust", "feature_test", "pixel_dX", "pixel_dP_mc", "feature_dX", "feature_dP_mc"):
        assert h[key].shape == (3,) and np.all(np.isfinite(h[key])), key
    assert last["pixel"]["sigma_x"].shape == (2,) and last["feature"]["sigma_x"].shape == (3,)
    dX, dP = uncertainty.delta_x_delta_p(cnn.slice_stats(net, X[:20].mean(axis=0), [100, 400],
                                                         np.linspace(0, 1, 7), 8))
    assert (dX, dP) == pytest.approx((h["pixel_dX"][-1], h["pixel_dP"][-1]), rel=1e-12)
    with pytest.raises(ValueError, match="n_attack must be"):
        cnn.epoch_measurements(net, X[:20], y[:20], X[20:], y[20:], rng, pixels=[1], feats=[1],
                               grid=np.linspace(0, 1, 7), mc_samples=7, label=8,
                               attack={"eps": 0.03, "step": 0.01, "steps": 1}, n_attack=11, head_epochs=1)


def test_estimate_seconds_grows_with_scale():
    small = {"max_train": 1500, "max_test": 500, "epochs": 8, "n_attack": 200, "n_pixels": 24, "n_features": 128,
             "slice_points": 21, "mc_samples": 21, "head_epochs": 2, "pgd_steps": 4, "fig1_points": 200}
    assert 20 < cnn.estimate_seconds(small) < 120
    assert cnn.estimate_seconds({**small, "max_train": 60000, "epochs": 50}) > 30 * cnn.estimate_seconds(small)
    assert cnn.estimate_seconds({**small, "fig1_points": 2500}) > cnn.estimate_seconds(small) + 20


def test_the_network_carries_its_floating_type_and_no_module_setting_exists(batch):
    X, y = batch
    assert not hasattr(cnn, "DTYPE")  # no global state: the type travels with the network
    n64 = cnn.init_params(np.random.default_rng(3))
    n32 = cnn.init_params(np.random.default_rng(3), dtype="float32")
    assert all(v.dtype == torch.float64 for v in n64.values())
    assert all(v.dtype == torch.float32 for v in n32.values())
    assert torch.equal(n32["conv1.weight"], n64["conv1.weight"].float())  # same draws, other precision
    l64, l32 = cnn.logits(n64, X), cnn.logits(n32, X)
    np.testing.assert_allclose(l32, l64, rtol=1e-4, atol=1e-5)
    assert not np.array_equal(l32, l64)  # float32 really computed in float32
    head = cnn.train_head(cnn.features(n32, X), y, np.random.default_rng(0), epochs=1, dtype="float32")
    assert head["fc1.weight"].dtype == torch.float32
    with pytest.raises(ValueError, match=r"dtype must be one of \['float32', 'float64'\]; got 'float16'"):
        cnn.init_params(np.random.default_rng(0), dtype="float16")
    with pytest.raises(ValueError, match="dtype must be one of"):
        cnn.train_head(np.zeros((2, 2304)), [0, 1], np.random.default_rng(0), dtype=torch.int64)
