"""Tests of lib.reconciliation (chapter 7): keys, encryption, bit error rates.
"""

from __future__ import annotations

import numpy as np
import pytest

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
    res = ml.sample(rng.standard_normal(k), rng.standard_normal((200, k)), n, 12, rng, sampler="joint")
    ber = rc.bit_error_rate(rc.key_bits(res.train_units), rc.key_bits(res.units))
    phi = np.arccos(np.abs(res.units @ res.train_units))
    predicted = np.array([rc.ber_for_angle(p, k, n, rng, samples=16)[0] for p in phi])
    assert np.mean(np.abs(ber - predicted)) < 0.02


def test_bob_decrypts_once_collapsed_but_outsider_does_not():
    rng = np.random.default_rng(4)
    k, n = 400, 1600
    res = ml.sample(rng.standard_normal(k), rng.standard_normal((8, k)), n, 40, rng, sampler="joint")
    key_a = rc.key_bits(res.train_units)
    assert np.all(rc.bit_error_rate(key_a, rc.key_bits(res.units)) < 0.01)
    outsider = ml.sample(rng.standard_normal(k), rng.standard_normal(k), n, 40, rng, sampler="joint")
    assert rc.bit_error_rate(key_a, rc.key_bits(outsider.train_units)) > 0.4


def test_predicted_angle_quantile_tracks_joint_sampler():
    rng = np.random.default_rng(8)
    k, n, L = 300, 420, 40
    angles = []
    for _ in range(30):
        res = ml.sample(rng.standard_normal(k), rng.standard_normal((10, k)), n, L, rng, sampler="joint",
                        trajectory=True)
        cos = np.abs(np.einsum("lk,lmk->lm", res.train_units, res.units))
        angles.append(np.arccos(np.clip(cos, 0, 1)))
    measured = np.median(np.concatenate(angles, axis=1), axis=1)
    predicted = cv.predicted_angle_quantile(np.arange(L + 1), k, n, rng)
    ok = measured[10:] > 1e-12
    np.testing.assert_allclose(np.log(predicted[10:][ok]), np.log(measured[10:][ok]), atol=0.5)


def test_ber_by_depth_matches_the_pairwise_rate():
    rng = np.random.default_rng(10)
    s = ml.sample(rng.standard_normal(50), rng.standard_normal((3, 50)), 80, 6, rng, sampler="joint", trajectory=True)
    ber = rc.ber_by_depth(s.train_units, s.units)
    assert ber.shape == (7, 3)
    for L in (0, 3, 6):
        for j in range(3):
            assert ber[L, j] == rc.bit_error_rate(rc.key_bits(s.train_units[L]), rc.key_bits(s.units[L, j]))
    assert np.all(rc.ber_by_depth(s.train_units, s.units, fold=False) >= ber)


def test_eavesdropping_experiment_shapes_and_separation():
    rng = np.random.default_rng(11)
    k, n, L = 200, 400, 40
    res = rc.eavesdropping_experiment(rng, k, n, L, models=2, bobs=3, eves=2)
    assert res["bob"].shape == (L + 1, 6) and res["bob_raw"].shape == (L + 1, 6)
    assert res["eve_model"].shape == (L + 1, 4) and res["eve_own"].shape == (L + 1, 4)
    assert np.median(res["bob"][-1]) < 0.01 and np.median(res["eve_model"][-1]) < 0.01
    assert np.median(res["eve_own"][-1]) > 0.35
    np.testing.assert_array_equal(np.minimum(res["bob_raw"], 1 - res["bob_raw"]), res["bob"])


def test_first_layer_below_says_never_instead_of_layer_zero():
    assert rc.first_layer_below([0.5, 0.3, 0.009, 0.0], 0.01) == 2.0
    assert rc.first_layer_below([0.5, 0.3, 0.01], 0.01, layers=[5, 6, 7]) != rc.first_layer_below([0.5, 0.3, 0.01], 0.01)
    assert np.isnan(rc.first_layer_below([0.5, 0.3, 0.02], 0.01))
    assert rc.layer_text(rc.first_layer_below([0.5, 0.3, 0.02], 0.01)) == "never"
    assert rc.layer_text(rc.first_layer_below([0.5, 0.005], 0.01, layers=[10, 20])) == "20"


def test_predicted_depth_and_sweep_agree_with_measurement():
    rng = np.random.default_rng(12)
    k, L = 200, 60
    sweep = rc.depth_sweep(rng, k, [260, 800], L, models=3, bobs=4, samples=500)
    assert sweep["measured"].shape == (2,) and sweep["gap"][1] > sweep["gap"][0]
    assert sweep["measured"][1] < sweep["measured"][0]  # a wider layer entangles sooner
    np.testing.assert_allclose(sweep["predicted"], sweep["measured"], atol=6)
    pred = rc.predicted_ber_depth(np.arange(L + 1), k, 260, rng, samples=500)
    assert pred["first_layer"] == rc.first_layer_below(pred["median_angle"], pred["phi_star"])
    never = rc.predicted_ber_depth(np.arange(3), k, 260, rng, samples=500)  # far too shallow
    assert rc.layer_text(never["first_layer"]) == "never"


def test_fig7_images_row():
    rng = np.random.default_rng(13)
    m = data.message_image("dog")
    s = ml.sample(rng.standard_normal(2500), rng.standard_normal((1, 2500)), 3500, 40, rng, sampler="joint",
                  trajectory=True)
    row = rc.fig7_images(m, s.train_units, s.units[:, 0], [3, 40])
    assert len(row) == 5
    np.testing.assert_array_equal(row[-1], m.ravel())  # the paper's threshold: ciphertext = message
    recovered = row[3]
    assert min(np.mean(recovered != m.ravel()), np.mean(recovered == m.ravel())) < 0.01


@pytest.mark.parametrize("call,match", [
    (lambda: rc.encrypt(np.ones((40, 40)), np.ones(1600)), "message must be a 50 x 50 image"),
    (lambda: rc.encrypt(np.full((50, 50), 0.5), np.ones(2500)), "message must be binary"),
    (lambda: rc.encrypt(np.ones((50, 50)), np.ones(10, dtype=int)), "key must have 2500 bits"),
    (lambda: rc.encrypt(np.ones((50, 50)), np.full(2500, 0.5)), "key must be a non-empty array of bits"),
    (lambda: rc.decrypt(np.ones(3, dtype=int), np.ones(4, dtype=int)), "key must have the shape of the ciphertext"),
    (lambda: rc.key_bits("abc"), "units must be an array of numbers"),
    (lambda: rc.key_bits([0.1, float("nan")]), "units must contain only finite numbers"),
    (lambda: rc.key_bits([0.1], threshold=float("nan")), "threshold must be a finite number"),
    (lambda: rc.bit_error_rate(np.ones(3, dtype=int), np.ones(4, dtype=int)), "must broadcast"),
    (lambda: rc.ber_for_angle(0.1, "3", 3500, np.random.default_rng(0)), "k must be an integer"),
    (lambda: rc.ber_for_angle(0.1, 2500, 100, np.random.default_rng(0)), "n must be an integer >= 2500"),
    (lambda: rc.ber_for_angle(0.1, 2500, 3500, np.random.default_rng(0), samples=-1), "samples must be an integer"),
    (lambda: rc.ber_for_angle(float("nan"), 2500, 3500, np.random.default_rng(0)), "phi must contain only finite"),
    (lambda: rc.angle_for_ber(0.7, 2500, 3500, np.random.default_rng(0)), r"target must be a number in \(0, 0.5\)"),
    (lambda: rc.ber_by_depth(np.zeros((3, 4)), np.zeros((2, 1, 4))), r"units must have shape \(L \+ 1, N, k\)"),
    (lambda: rc.eavesdropping_experiment(np.random.default_rng(0), 10, 20, 2, models=0, bobs=1, eves=1),
     "models must be an integer >= 1"),
    (lambda: rc.eavesdropping_experiment(None, 10, 20, 2, models=1, bobs=1, eves=1), "rng must be"),
    (lambda: rc.first_layer_below([], 0.01), "values must not be empty"),
    (lambda: rc.first_layer_below([0.1, 0.2], 0.01, layers=[1]), "layers must have one entry per value"),
    (lambda: rc.depth_sweep(np.random.default_rng(0), 10, [5], 2, models=1, bobs=1), r"n_values\[0\] must be"),
    (lambda: rc.fig7_images(data.message_image("dog"), np.zeros((3, 2500)), np.zeros((3, 2500)), [5]),
     r"layers\[0\] must be an integer in \[0, 2\]"),
])
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()
