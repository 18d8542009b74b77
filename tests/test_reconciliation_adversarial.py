"""Tests for lib.data, lib.reconciliation and lib.adversarial."""

from __future__ import annotations

import numpy as np
import pytest

from lib import adversarial as adv
from lib import convergence as cv
from lib import data
from lib import maxlikelihood as ml
from lib import reconciliation as rc


@pytest.mark.parametrize("name", data.MESSAGES)
def test_message_images_are_binary_50x50_and_not_trivial(name):
    img = data.message_image(name)
    assert img.shape == (50, 50) and set(np.unique(img)) == {0, 1}
    assert 0.05 < img.mean() < 0.6  # a drawn object, not an empty or full frame


def test_message_images_are_distinct():
    images = [data.message_image(n).ravel() for n in data.MESSAGES]
    for i in range(len(images)):
        for j in range(i + 1, len(images)):
            assert np.mean(images[i] != images[j]) > 0.05


@pytest.mark.parametrize("role", ["panda", "gibbon"])
def test_photographs_are_grayscale_in_unit_range(role):
    img = data.photograph(role)
    assert img.shape == (50, 50) and img.min() == 0.0 and img.max() == 1.0
    assert img.std() > 0.1


def test_photographs_are_deterministic():
    np.testing.assert_array_equal(data.photograph("panda"), data.photograph("panda"))


def test_encrypt_decrypt_roundtrip_and_inversion():
    rng = np.random.default_rng(0)
    m = data.message_image("fish")
    key = rc.key_bits(rng.standard_normal(2500))
    y = rc.encrypt(m, key)
    np.testing.assert_array_equal(rc.decrypt(y, key), m.ravel())
    np.testing.assert_array_equal(rc.decrypt(y, 1 - key), 1 - m.ravel())  # opposite output: inverted message
    assert rc.bit_error_rate(key, 1 - key) == 0.0 and rc.bit_error_rate(key, 1 - key, fold=False) == 1.0


def test_paper_threshold_makes_every_key_bit_zero():
    unit = np.random.default_rng(1).standard_normal(2500)
    unit /= np.linalg.norm(unit)
    key = rc.key_bits(unit, threshold=0.5)
    assert key.sum() == 0
    m = data.message_image("cross")
    np.testing.assert_array_equal(rc.encrypt(m, key), m.ravel())  # the ciphertext is the message


def test_ber_for_angle_generic_limit_and_monotone():
    rng = np.random.default_rng(2)
    ber = rc.ber_for_angle(np.array([0.05, 0.3, 1.0, np.pi / 2 - 1e-9]), 2500, 3500, rng)
    assert np.all(np.diff(ber) > 0) and ber[-1] == pytest.approx(0.5, abs=1e-3)
    # with n = k (no selection) the coordinates are generic-ish and BER ~ phi / pi for small phi
    assert rc.ber_for_angle(0.1, 2500, 2500, rng)[0] == pytest.approx(0.1 / np.pi, rel=0.15)


def test_measured_ber_matches_angle_formula():
    rng = np.random.default_rng(3)
    k, n = 400, 560
    res = ml.joint_outputs(rng.standard_normal(k), rng.standard_normal((200, k)), n, 12, rng)
    ber = rc.bit_error_rate(rc.key_bits(res["train_units"]), rc.key_bits(res["units"]))
    phi = np.arccos(np.abs(res["units"] @ res["train_units"]))
    predicted = np.array([rc.ber_for_angle(p, k, n, rng, samples=16)[0] for p in phi])
    assert np.mean(np.abs(ber - predicted)) < 0.02


def test_bob_decrypts_once_collapsed_but_outsider_does_not():
    rng = np.random.default_rng(4)
    k, n = 400, 1600
    res = ml.joint_outputs(rng.standard_normal(k), rng.standard_normal((8, k)), n, 40, rng)
    key_a = rc.key_bits(res["train_units"])
    assert np.all(rc.bit_error_rate(key_a, rc.key_bits(res["units"])) < 0.01)
    outsider = ml.joint_outputs(rng.standard_normal(k), rng.standard_normal((1, k)), n, 40, rng)
    assert rc.bit_error_rate(key_a, rc.key_bits(outsider["train_units"])) > 0.4


def test_adversarial_recovery_psnr_formula_is_exact_with_right_sign():
    rng = np.random.default_rng(5)
    m = data.photograph("panda").ravel()
    u = rng.standard_normal(2500)
    u /= np.linalg.norm(u)
    v = -0.9 * u + np.sqrt(1 - 0.81) * np.linalg.qr(np.column_stack([u, rng.standard_normal(2500)]))[0][:, 1]
    y = adv.adversarial_example(m, u, 50.0)
    m_hat, s = adv.recover(y, v, 50.0)
    assert s == -1
    assert adv.psnr(m_hat, m) == pytest.approx(float(adv.psnr_formula(50.0, u @ v)), abs=1e-8)


def test_sign_choice_minimises_the_residual_norm():
    rng = np.random.default_rng(6)
    y, v = rng.standard_normal(2500), rng.standard_normal(2500)
    m_hat, s = adv.recover(y, v, 3.0)
    other = y + s * 3.0 * v / np.linalg.norm(v)
    assert np.linalg.norm(m_hat) <= np.linalg.norm(other)


def test_recovery_curves_improve_with_depth():
    rng = np.random.default_rng(7)
    panda, gibbon = data.photograph("panda").ravel(), data.photograph("gibbon").ravel()
    res = ml.joint_outputs(rng.standard_normal(2500), gibbon[None], 3500, 60, rng, trajectory=True)
    curves = adv.recovery_curves(res["train_units"], res["units"][:, 0], panda, [10.0, 100.0])
    assert curves["psnr"][:, -1].min() > 30 and curves["psnr"][:, 0].max() < 15
    assert curves["sign_correct"][:, 30:].all()


def test_predicted_angle_quantile_tracks_joint_sampler():
    rng = np.random.default_rng(8)
    k, n, L = 300, 420, 40
    angles = []
    for _ in range(30):
        res = ml.joint_outputs(rng.standard_normal(k), rng.standard_normal((10, k)), n, L, rng, trajectory=True)
        cos = np.abs(np.einsum("lk,lmk->lm", res["train_units"], res["units"]))
        angles.append(np.arccos(np.clip(cos, 0, 1)))
    measured = np.median(np.concatenate(angles, axis=1), axis=1)
    predicted = cv.predicted_angle_quantile(np.arange(L + 1), k, n, rng)
    ok = measured[10:] > 1e-12
    np.testing.assert_allclose(np.log(predicted[10:][ok]), np.log(measured[10:][ok]), atol=0.5)


@pytest.mark.parametrize("call,match", [
    (lambda: data.message_image("cat"), "name must be one of"),
    (lambda: data.photograph("koala"), "role must be one of"),
    (lambda: rc.encrypt(np.ones((40, 40)), np.ones(1600)), "message must be a 50 x 50 image"),
    (lambda: rc.encrypt(np.full((50, 50), 0.5), np.ones(2500)), "message must be binary"),
    (lambda: rc.encrypt(np.ones((50, 50)), np.ones(10)), "key must have 2500 bits"),
    (lambda: adv.adversarial_example(np.zeros(2500), np.ones(2500), 0.0), "alpha must be a finite number > 0"),
    (lambda: adv.adversarial_example(np.zeros(2500), np.ones(2500), -3.0), "alpha must be a finite number > 0"),
    (lambda: adv.adversarial_example(np.zeros((10, 10)), np.ones(100), 1.0), "message must be a 50 x 50 image"),
    (lambda: adv.recover(np.zeros(2500), np.zeros(2500), 1.0), "bob_output must be a finite non-zero vector"),
])
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()
