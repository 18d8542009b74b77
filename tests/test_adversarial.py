"""Tests of lib.adversarial (chapter 8): recovery of adversarial examples, PSNR formula.
"""

from __future__ import annotations

import numpy as np
import pytest

from lib import adversarial as adv
from lib import convergence as cv
from lib import data
from lib import maxlikelihood as ml
from lib import reconciliation as rc


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


@pytest.mark.parametrize("call,match", [
    (lambda: adv.adversarial_example(np.zeros(2500), np.ones(2500), 0.0), "alpha must be a finite number > 0"),
    (lambda: adv.adversarial_example(np.zeros(2500), np.ones(2500), -3.0), "alpha must be a finite number > 0"),
    (lambda: adv.adversarial_example(np.zeros((10, 10)), np.ones(100), 1.0), "message must be a 50 x 50 image"),
    (lambda: adv.recover(np.zeros(2500), np.zeros(2500), 1.0), "bob_output must be a finite non-zero vector"),
])
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()
