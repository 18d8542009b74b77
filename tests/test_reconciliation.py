"""Tests of lib.reconciliation (chapter 7): keys, encryption, bit error rates.
"""

from __future__ import annotations

import numpy as np
import pytest

from lib import adversarial as adv
from lib import convergence as cv
from lib import data
from lib import maxlikelihood as ml
from lib import reconciliation as rc


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
    (lambda: rc.encrypt(np.ones((40, 40)), np.ones(1600)), "message must be a 50 x 50 image"),
    (lambda: rc.encrypt(np.full((50, 50), 0.5), np.ones(2500)), "message must be binary"),
    (lambda: rc.encrypt(np.ones((50, 50)), np.ones(10)), "key must have 2500 bits"),
])
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()
