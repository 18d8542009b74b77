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

from lib import convergence, maxlikelihood
from lib._validate import check_array, check_float, check_generator, check_int, check_vector
from lib.data import check_image
from lib.reconciliation import layer_text


def _check_alpha(alpha: float) -> float:
    return check_float("alpha", alpha, low=0.0, open_low=True)


def _unit(name: str, vector, size: int) -> np.ndarray:
    v = check_array(name, vector, finite=False).ravel()
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
    """Peak signal-to-noise ratio in dB, ``10 log10(peak^2 / MSE)`` (chapter 8)."""
    estimate, reference = check_array("estimate", estimate).ravel(), check_array("reference", reference).ravel()
    if estimate.size != reference.size:
        raise ValueError(f"estimate must have as many pixels as reference ({reference.size}); got {estimate.size}")
    peak = check_float("peak", peak, low=0.0, open_low=True)
    err = np.mean((estimate - reference) ** 2)
    return float("inf") if err == 0 else float(10 * np.log10(peak**2 / err))


def psnr_formula(alpha, cos_phi, k: int = 2500, peak: float = 1.0) -> np.ndarray:
    """``10 log10(peak^2 k / (2 alpha^2 (1 - |cos phi|)))``: the recovered PSNR with the right sign (chapter 8)."""
    cos_phi = check_array("cos_phi", cos_phi)
    if np.any(np.abs(cos_phi) > 1 + 1e-12):
        raise ValueError("cos_phi must lie in [-1, 1]")
    alpha = check_array("alpha", alpha)
    if np.any(alpha <= 0):
        raise ValueError("alpha must be > 0")
    k, peak = check_int("k", k, low=1), check_float("peak", peak, low=0.0, open_low=True)
    gap = 1.0 - np.abs(cos_phi)
    with np.errstate(divide="ignore"):
        return 10 * np.log10(peak**2 * k / (2 * alpha**2 * gap))


def recovery_curves(train_units: np.ndarray, bob_units: np.ndarray, message, alphas) -> dict[str, np.ndarray]:
    """PSNR and sign correctness of the recovery at every layer, for every ``alpha``.

    ``train_units`` and ``bob_units`` have shape (L + 1, k) (unit outputs per layer). Returns
    ``cos`` (L + 1,), ``psnr`` and ``sign_correct`` of shape (len(alphas), L + 1).
    """
    m = check_image("message", message)
    train_units = check_array("train_units", train_units, ndim=2)
    bob_units = check_array("bob_units", bob_units, ndim=2)
    if bob_units.shape != train_units.shape or train_units.shape[1] != m.size:
        raise ValueError(f"train_units and bob_units must both have shape (L + 1, {m.size}); "
                         f"got {train_units.shape} and {bob_units.shape}")
    cos = np.sum(train_units * bob_units, axis=1)
    alphas = [_check_alpha(a) for a in _check_list("alphas", alphas)]
    out_psnr = np.empty((len(alphas), cos.size))
    correct = np.empty((len(alphas), cos.size), dtype=bool)
    for i, alpha in enumerate(alphas):
        for layer in range(cos.size):
            y = alpha * train_units[layer] + m
            m_hat, s = recover(y, bob_units[layer], alpha)
            out_psnr[i, layer] = psnr(m_hat, m)
            correct[i, layer] = s == (1 if cos[layer] >= 0 else -1)
    return {"cos": cos, "psnr": out_psnr, "sign_correct": correct}


def _check_list(name: str, values) -> list:
    if isinstance(values, (str, bytes)) or np.ndim(values) != 1 or len(values) == 0:
        raise ValueError(f"{name} must be a non-empty list of numbers; got {values!r}")
    return list(values)


def recovery_experiment(rng: np.random.Generator, key_input, message, n: int, L: int, *, models: int, alphas,
                        w0=None) -> dict[str, np.ndarray]:
    """Chapter 8 (Sec. 7, Fig. 8): :func:`recovery_curves` over ``models`` independent models.

    Each model is trained (exact joint sampler) on ``w0`` -- a fresh standard-normal vector per
    model when ``w0`` is None, else the given vector (e.g. an image) -- and the ``key_input``
    ("Gibbon") is pushed through it. Returns ``cos`` ``(models, L + 1)``, ``psnr`` and
    ``sign_correct`` ``(models, len(alphas), L + 1)``.
    """
    rng = check_generator("rng", rng)
    m = check_image("message", message)
    key_input = check_array("key_input", key_input, ndim=1)
    if key_input.size != m.size:
        raise ValueError(f"key_input must have {m.size} entries; got {key_input.size}")
    n, L = check_int("n", n, low=m.size), check_int("L", L, low=1)
    models = check_int("models", models, low=1)
    alphas = [_check_alpha(a) for a in _check_list("alphas", alphas)]
    if w0 is not None:
        w0 = check_array("w0", w0, ndim=1)
    runs = []
    for _ in range(models):
        start = rng.standard_normal(m.size) if w0 is None else w0
        s = maxlikelihood.sample(start, key_input[None], n, L, rng, sampler="joint", trajectory=True)
        runs.append(recovery_curves(s.train_units, s.units[:, 0], m, alphas))
    return {key: np.stack([r[key] for r in runs]) for key in runs[0]}


def formula_error(curves: dict, alphas, k: int = 2500) -> float:
    """Chapter 8: largest absolute difference between the measured PSNR and :func:`psnr_formula`
    where the sign was recovered correctly.

    ``curves`` is the output of :func:`recovery_experiment`. The formula is tested against the
    actual recovery (subtraction, sign choice, PSNR of the image), not against itself.
    """
    alphas = np.array([_check_alpha(a) for a in _check_list("alphas", alphas)])
    formula = psnr_formula(alphas[None, :, None], curves["cos"][:, None, :], k)
    right = curves["sign_correct"]
    if not right.any():
        return float("nan")
    return float(np.max(np.abs(formula - curves["psnr"])[right]))


def predicted_psnr(layers, k: int, n: int, alphas, rng: np.random.Generator, *, start_cos: float | None = None,
                   samples: int = 2000) -> np.ndarray:
    """Chapter 8: median recovered PSNR per layer, predicted from the Lyapunov gap.

    The median angle between the two outputs (Chapter 4's cotangent recursion,
    :func:`lib.convergence.predicted_angle_quantile`; the two inputs start at ``start_cos``, or
    nearly orthogonal when None) is inserted in :func:`psnr_formula`. Returns
    ``(len(alphas), len(layers))``.
    """
    rng = check_generator("rng", rng)
    alphas = np.array([_check_alpha(a) for a in _check_list("alphas", alphas)])
    s0 = None
    if start_cos is not None:
        start_cos = check_float("start_cos", start_cos, low=-1.0, high=1.0, open_low=True, open_high=True)
        s0 = start_cos / np.sqrt(1 - start_cos**2)
    angle = convergence.predicted_angle_quantile(layers, k, n, rng, samples=check_int("samples", samples, low=1),
                                                 s0=s0)
    return psnr_formula(alphas[:, None], np.cos(angle)[None, :], k)


def first_layer_at_psnr(psnr_by_layer, level: float = 20.0, layers=None) -> np.ndarray:
    """Chapter 8, Fig. 8: first layer at which the PSNR (last axis = layers) reaches ``level`` dB.

    ``nan`` where it is never reached (print with :func:`lib.reconciliation.layer_text`).
    """
    psnr_by_layer = check_array("psnr_by_layer", psnr_by_layer, ndim=(1, 2), finite=False)
    if np.any(np.isnan(psnr_by_layer)):
        raise ValueError("psnr_by_layer must not contain nan")
    level = check_float("level", level)
    return convergence.first_layer_reaching(psnr_by_layer, level, layers)


def cosine(u, v) -> float:
    """Cosine of the angle between two vectors (e.g. two images; chapter 8)."""
    u, v = check_vector("u", u), check_vector("v", v, dim=np.size(u))
    return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))


def first_layer_table(first_measured: dict, first_predicted: dict, alphas) -> list[str]:
    """Chapter 8's printed table: per case (dict key), the first layer with median PSNR >= 20 dB,
    measured / predicted, for every noise factor (:func:`first_layer_at_psnr`, ``never`` if not reached).

    ``first_measured[case]`` and ``first_predicted[case]`` have one entry per alpha.
    """
    alphas = [_check_alpha(a) for a in _check_list("alphas", alphas)]
    if set(first_measured) != set(first_predicted):
        raise ValueError("first_measured and first_predicted must name the same cases")
    lines = ["first L with median PSNR >= 20 dB (measured / predicted)"]
    for case in first_measured:
        if not len(first_measured[case]) == len(first_predicted[case]) == len(alphas):
            raise ValueError(f"case {case!r} must have one measured and one predicted layer per alpha")
        lines.append(f"  {case:20s} " + "   ".join(f"alpha={a:g}: {layer_text(m)}/{layer_text(p)}" for a, m, p
                                                    in zip(alphas, first_measured[case], first_predicted[case])))
    return lines


def fig8_examples(message, key_input, n: int, layers, alphas, alpha: float,
                  rng: np.random.Generator) -> tuple[list, list, list]:
    """Chapter 8, Fig. 8: one model (exact joint sampler, depth ``max(layers)``) trained on a fresh
    standard-normal ``w0``; the adversarial examples ``y = alpha w_L/||w_L|| + m`` of ``message`` for
    each of ``alphas`` at the last layer; the message recovered with ``key_input``'s output at each of
    ``layers`` (noise factor ``alpha``, :func:`recover`) and the PSNR of each recovery (:func:`psnr`).

    Returns ``(examples, recovered, psnrs)``, lists in the order of ``alphas`` and ``layers``.
    """
    message = check_image("message", message)
    key_input = check_image("key_input", key_input)
    layers = [check_int("layer", L, low=0) for L in _check_list("layers", layers)]
    alphas = [_check_alpha(a) for a in _check_list("alphas", alphas)]
    alpha = _check_alpha(alpha)
    rng = check_generator("rng", rng)
    s = maxlikelihood.sample(rng.standard_normal(message.size), key_input[None], n, max(layers), rng,
                             sampler="joint", trajectory=True)
    examples = [adversarial_example(message, s.train_units[-1], a) for a in alphas]
    recovered = [recover(adversarial_example(message, s.train_units[L], alpha), s.units[L, 0], alpha)[0]
                 for L in layers]
    return examples, recovered, [psnr(m_hat, message) for m_hat in recovered]
