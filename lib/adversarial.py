"""Adversarial examples as information reconciliation, Lai, Dong & Jin Sec. 7 (Fig. 8).

The attacker adds a scaled model output to a message image ``m`` ("Panda"):
``y = alpha * w_L / ||w_L|| + m``. Anyone holding the model removes it with the output of an
unrelated input ("Gibbon"): ``m_hat = y - s * alpha * w'_L / ||w'_L||``. The sign ``s`` is
unknown because the outputs collapse onto the same *line*; it is resolved without ``w_L`` by
choosing the sign that makes ``m_hat`` smaller, ``s = sign(y . w'_hat)``, since
``||y - s alpha w'_hat||^2 = ||y||^2 - 2 s alpha (y . w'_hat) + alpha^2``.

With the right sign the error is ``alpha (w_hat - s w'_hat)``, so for images in [0, 1]

``PSNR = 10 log10( k / (2 alpha^2 (1 - |cos phi|)) )``

where ``phi`` is the angle between the two normalised outputs and ``k`` the pixel count.

Examples
--------
>>> import numpy as np
>>> from lib import adversarial as adv
>>> m = np.zeros(2500); u = np.eye(2500)[0]
>>> y = adv.adversarial_example(m, u, alpha=10.0)
>>> m_hat, s = adv.recover(y, -u, alpha=10.0)
>>> s, float(np.abs(m_hat - m).max())
(-1, 0.0)
"""

from __future__ import annotations

import numpy as np

from lib.data import check_image


def _check_alpha(alpha: float) -> float:
    alpha = float(alpha)
    if not np.isfinite(alpha) or alpha <= 0:
        raise ValueError(f"alpha must be a finite number > 0; got {alpha}")
    return alpha


def _unit(name: str, vector, size: int) -> np.ndarray:
    v = np.asarray(vector, dtype=float).ravel()
    if v.size != size or not np.all(np.isfinite(v)) or not np.any(v):
        raise ValueError(f"{name} must be a finite non-zero vector of length {size}")
    return v / np.linalg.norm(v)


def adversarial_example(message, output, alpha: float) -> np.ndarray:
    """``y = alpha * output / ||output|| + m`` (flat, length 2500)."""
    m = check_image("message", message)
    return _check_alpha(alpha) * _unit("output", output, m.size) + m


def recover(y, bob_output, alpha: float) -> tuple[np.ndarray, int]:
    """Remove the noise with Bob's output: ``(m_hat, s)`` with ``s = sign(y . w'_hat)`` in {-1, +1}."""
    y = check_image("y", y)
    u = _unit("bob_output", bob_output, y.size)
    s = 1 if y @ u >= 0 else -1
    return y - s * _check_alpha(alpha) * u, s


def psnr(estimate, reference, peak: float = 1.0) -> float:
    """Peak signal-to-noise ratio in dB, ``10 log10(peak^2 / MSE)``."""
    err = np.mean((np.asarray(estimate, dtype=float).ravel() - np.asarray(reference, dtype=float).ravel()) ** 2)
    return float("inf") if err == 0 else float(10 * np.log10(peak**2 / err))


def psnr_formula(alpha, cos_phi, k: int = 2500, peak: float = 1.0) -> np.ndarray:
    """``10 log10(peak^2 k / (2 alpha^2 (1 - |cos phi|)))``: the recovered PSNR with the right sign."""
    gap = 1.0 - np.abs(np.asarray(cos_phi, dtype=float))
    with np.errstate(divide="ignore"):
        return 10 * np.log10(peak**2 * k / (2 * np.asarray(alpha, dtype=float) ** 2 * gap))


def recovery_curves(train_units: np.ndarray, bob_units: np.ndarray, message, alphas) -> dict[str, np.ndarray]:
    """PSNR and sign correctness of the recovery at every layer, for every ``alpha``.

    ``train_units`` and ``bob_units`` have shape (L + 1, k) (unit outputs per layer). Returns
    ``cos`` (L + 1,), ``psnr`` and ``sign_correct`` of shape (len(alphas), L + 1).
    """
    m = check_image("message", message)
    cos = np.sum(train_units * bob_units, axis=1)
    alphas = [_check_alpha(a) for a in alphas]
    out_psnr = np.empty((len(alphas), cos.size))
    correct = np.empty((len(alphas), cos.size), dtype=bool)
    for i, alpha in enumerate(alphas):
        for layer in range(cos.size):
            y = alpha * train_units[layer] + m
            m_hat, s = recover(y, bob_units[layer], alpha)
            out_psnr[i, layer] = psnr(m_hat, m)
            correct[i, layer] = s == (1 if cos[layer] >= 0 else -1)
    return {"cos": cos, "psnr": out_psnr, "sign_correct": correct}
