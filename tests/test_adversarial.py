"""Tests of lib.adversarial (chapter 8): recovery of adversarial examples, PSNR formula.
"""

from __future__ import annotations

import numpy as np
import pytest

from lib import adversarial as adv
from lib import data
from lib import maxlikelihood as ml


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
    res = ml.sample(rng.standard_normal(2500), gibbon[None], 3500, 60, rng, sampler="joint", trajectory=True)
    curves = adv.recovery_curves(res.train_units, res.units[:, 0], panda, [10.0, 100.0])
    assert curves["psnr"][:, -1].min() > 30 and curves["psnr"][:, 0].max() < 15
    assert curves["sign_correct"][:, 30:].all()


def test_recovery_experiment_formula_prediction_and_depth():
    rng = np.random.default_rng(8)
    panda, gibbon = data.photograph("panda").ravel(), data.photograph("gibbon").ravel()
    alphas = [10.0, 100.0, 1000.0]
    curves = adv.recovery_experiment(rng, gibbon, panda, 3500, 70, models=3, alphas=alphas)
    assert curves["psnr"].shape == (3, 3, 71) and curves["cos"].shape == (3, 71)
    assert adv.formula_error(curves, alphas) < 1e-4
    median = np.median(curves["psnr"], axis=0)
    first = adv.first_layer_at_psnr(median, 20.0)
    assert first[0] < first[1] < first[2]  # more noise needs more layers
    predicted = adv.predicted_psnr(np.arange(71), 2500, 3500, alphas, rng)
    np.testing.assert_allclose(adv.first_layer_at_psnr(predicted, 20.0), first, atol=5)
    assert np.isnan(adv.first_layer_at_psnr(median[:, :3], 20.0)).all()  # never reached, not layer 0
    images = adv.predicted_psnr(np.arange(71), 2500, 3500, alphas, rng, start_cos=adv.cosine(panda, gibbon))
    assert np.all(adv.first_layer_at_psnr(images, 20.0) < first)  # related images start closer


@pytest.mark.parametrize("call,match", [
    (lambda: adv.adversarial_example(np.zeros(2500), np.ones(2500), 0.0), r"alpha must be a number in \(0, inf\)"),
    (lambda: adv.adversarial_example(np.zeros(2500), np.ones(2500), -3.0), r"alpha must be a number in \(0, inf\)"),
    (lambda: adv.adversarial_example(np.zeros(2500), np.ones(2500), "3"), "alpha must be a finite number"),
    (lambda: adv.adversarial_example(np.zeros(2500), np.ones(2500), float("nan")), "alpha must be a finite number"),
    (lambda: adv.adversarial_example(np.zeros((10, 10)), np.ones(100), 1.0), "message must be a 50 x 50 image"),
    (lambda: adv.recover(np.zeros(2500), np.zeros(2500), 1.0), "bob_output must be a finite non-zero vector"),
    (lambda: adv.recover(np.zeros(2500), "abc", 1.0), "bob_output must be an array of numbers"),
    (lambda: adv.psnr(np.zeros(3), np.zeros(4)), "estimate must have as many pixels as reference"),
    (lambda: adv.psnr(np.zeros(3), np.zeros(3), peak=0), r"peak must be a number in \(0, inf\)"),
    (lambda: adv.psnr_formula(10.0, 1.5), r"cos_phi must lie in \[-1, 1\]"),
    (lambda: adv.psnr_formula(-1.0, 0.5), "alpha must be > 0"),
    (lambda: adv.psnr_formula(1.0, 0.5, k=-5), "k must be an integer >= 1"),
    (lambda: adv.recovery_curves(np.zeros((3, 2500)), np.zeros((2, 2500)), np.zeros(2500), [1.0]), "must both have shape"),
    (lambda: adv.recovery_curves(np.zeros((3, 2500)), np.zeros((3, 2500)), np.zeros(2500), "1"), "alphas must be a non-empty"),
    (lambda: adv.recovery_experiment(np.random.default_rng(0), np.ones(2500), np.zeros(2500), 3500, 5, models=-1,
                                     alphas=[1.0]), "models must be an integer >= 1"),
    (lambda: adv.recovery_experiment(np.random.default_rng(0), np.ones(100), np.zeros(2500), 3500, 5, models=1,
                                     alphas=[1.0]), "key_input must have 2500 entries"),
    (lambda: adv.predicted_psnr([0, 1], 2500, 3500, [1.0], np.random.default_rng(0), start_cos=1.0), "start_cos"),
    (lambda: adv.first_layer_at_psnr([], 20.0), "psnr_by_layer must not be empty"),
    (lambda: adv.first_layer_at_psnr([1.0, float("nan")], 20.0), "psnr_by_layer must not contain nan"),
    (lambda: adv.cosine(np.ones(3), np.ones(4)), "v must have length 3"),
])
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_first_layer_table_prints_measured_over_predicted_and_never():
    lines = adv.first_layer_table({"a": [0.0, 28.0], "bb": [5.0, np.nan]}, {"a": [0.0, 27.0], "bb": [5.0, 40.0]},
                                  [1.0, 10.0])
    assert lines == ["first L with median PSNR >= 20 dB (measured / predicted)",
                     "  a                    alpha=1: 0/0   alpha=10: 28/27",
                     "  bb                   alpha=1: 5/5   alpha=10: never/40"]
    with pytest.raises(ValueError, match="one measured and one predicted layer per alpha"):
        adv.first_layer_table({"a": [1.0]}, {"a": [1.0]}, [1.0, 10.0])


def test_fig8_examples_match_the_inline_version_and_improve_with_depth():
    panda, gibbon = data.photograph("panda").ravel(), data.photograph("gibbon").ravel()
    ys, recovered, psnrs = adv.fig8_examples(panda, gibbon, 3500, [3, 40], [1.0, 100.0], 100.0,
                                             np.random.default_rng(8))
    rng = np.random.default_rng(8)  # the chapter's first version, inline
    s = ml.sample(rng.standard_normal(2500), gibbon[None], 3500, 40, rng, sampler="joint", trajectory=True)
    np.testing.assert_array_equal(ys[1], adv.adversarial_example(panda, s.train_units[-1], 100.0))
    inline = adv.recover(adv.adversarial_example(panda, s.train_units[40], 100.0), s.units[40, 0], 100.0)[0]
    np.testing.assert_array_equal(recovered[1], inline)
    assert len(ys) == 2 and len(recovered) == 2 and psnrs[1] == adv.psnr(inline, panda)
    assert psnrs[0] < 20 < psnrs[1]  # noise at L = 3, the Panda back at L = 40
    with pytest.raises(ValueError, match="key_input must be a 50 x 50 image"):
        adv.fig8_examples(panda, np.ones(10), 3500, [3], [1.0], 1.0, np.random.default_rng(0))
