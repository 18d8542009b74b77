"""Tests for lib.uncertainty, lib.classifier and the digits / MNIST IDX loaders of lib.data."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from lib import classifier as clf
from lib import data
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


@pytest.mark.parametrize("compress", [False, True])
def test_idx_round_trip_and_mnist_loader(tmp_path, compress):
    rng = np.random.default_rng(6)
    images = rng.integers(0, 256, (7, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 7).astype(np.uint8)
    names = {"train-images-idx3-ubyte": images, "train-labels-idx1-ubyte": labels,
             "t10k-images-idx3-ubyte": images[:3], "t10k-labels-idx1-ubyte": labels[:3]}
    for name, arr in names.items():
        data.write_idx(tmp_path / name, arr)
        if compress:
            (tmp_path / (name + ".gz")).write_bytes(gzip.compress((tmp_path / name).read_bytes()))
            (tmp_path / name).unlink()
    np.testing.assert_array_equal(data.read_idx(next(tmp_path.glob("train-images*"))), images)
    Xtr, ytr, Xte, yte = data.load_mnist(tmp_path, np.random.default_rng(0), max_train=5)
    assert Xtr.shape == (5, 784) and Xte.shape == (3, 784) and Xtr.max() <= 1.0
    np.testing.assert_array_equal(yte, labels[:3])


def test_idx_float_round_trip(tmp_path):
    arr = np.arange(12, dtype=np.float64).reshape(3, 4) / 7
    data.write_idx(tmp_path / "f.idx", arr)
    np.testing.assert_array_equal(data.read_idx(tmp_path / "f.idx"), arr)


@pytest.mark.parametrize("call,match", [
    (lambda: un.packet_stats(np.linspace(0, 1, 3), np.ones(3)), "x must be a 1-D grid of at least 5 points"),
    (lambda: un.packet_stats(np.linspace(0, 1, 10), np.ones(9)), "psi must have 10 samples"),
    (lambda: un.packet_stats(np.linspace(0, 1, 10), np.zeros(10)), "psi must not be identically zero"),
    (lambda: un.packet_stats(np.linspace(1, 0, 10), np.ones(10)), "x must be strictly increasing"),
    (lambda: clf.accuracy(clf.init_params(np.random.default_rng(0), 3, 2, 2), np.ones((4, 5)), np.zeros(4, int)),
     r"X must have shape \(N, 3\)"),
    (lambda: clf.accuracy(clf.init_params(np.random.default_rng(0), 3, 2, 2), np.ones((4, 3)), np.full(4, 5)),
     r"y must hold 4 integer labels in \[0, 1\]"),
    (lambda: data.load_mnist("/nonexistent-dir", np.random.default_rng(0)), None),
])
def test_bad_input(call, match):
    if match is None:
        with pytest.raises(FileNotFoundError, match="place the MNIST IDX files there"):
            call()
    else:
        with pytest.raises(ValueError, match=match):
            call()


def test_read_idx_rejects_other_files(tmp_path):
    (tmp_path / "x").write_bytes(b"PK\x03\x04rest")
    with pytest.raises(ValueError, match="not an IDX file"):
        data.read_idx(tmp_path / "x")


def test_delta_p_paper_leaves_out_imaginary_pixels():
    value, imaginary = un.delta_p_paper({"paper_variance_p": np.array([-1.0, 4.0, 9.0])})
    assert value == pytest.approx(np.sqrt(5.0)) and imaginary == pytest.approx(1 / 3)


def test_normalise_gives_unit_norm():
    x = np.linspace(0, 1, 501)
    psi = un.normalise(x, 3.0 + np.sin(7 * x))
    assert np.trapezoid(psi**2, x) == pytest.approx(1.0)
