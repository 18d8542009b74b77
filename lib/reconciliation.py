"""Information reconciliation with a shared MaxLikelihood model, Lai, Dong & Jin Sec. 6 (Eqs. 35-36).

Alice and Bob share a trained model ``H``. Each draws a Gaussian input; Alice turns the sign
pattern of her normalised output into a key and sends ``y = key_A XOR m`` (Eq. 35); Bob
computes ``y XOR key_B = (key_A XOR key_B) XOR m`` (Eq. 36). The recovered message is ``m``
when the two outputs have collapsed onto the same direction and ``NOT m`` when onto opposite
ones, so the bit error rate (BER) counts an inverted message as success:
``min(BER, 1 - BER)``. The BER never depends on the message: it is the fraction of key bits
on which Alice and Bob disagree.

The paper's threshold, ``sgn(x) = 0 if x <= 1/2``, is examined in Chapter 7: on a unit
vector of length 2500 every coordinate is far below 1/2, so every key bit is 0.

Examples
--------
>>> import numpy as np
>>> from lib import data, reconciliation as rc
>>> m = data.message_image("dog")
>>> key = rc.key_bits(np.random.default_rng(0).standard_normal(2500))
>>> bool(np.array_equal(rc.decrypt(rc.encrypt(m, key), key), m.ravel()))
True
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from lib import convergence, lyapunov, maxlikelihood
from lib._validate import check_array, check_float, check_generator, check_int
from lib.data import check_image


def key_bits(units, threshold: float = 0.0) -> np.ndarray:
    """Key bits of normalised outputs (last axis): 1 where a coordinate exceeds ``threshold``.

    ``threshold = 0`` is the sign bit used in this book; ``threshold = 0.5`` is the paper's
    literal ``sgn(x) = 0 if x <= 1/2``.
    """
    units = check_array("units", units)
    return (units > check_float("threshold", threshold)).astype(np.uint8)


def encrypt(message, key) -> np.ndarray:
    """Eq. 35: ``y = key XOR m`` for a binary message image (50 x 50 or flat)."""
    m = check_image("message", message, binary=True).astype(np.uint8)
    key = _check_bits("key", key).ravel()
    if key.shape != m.shape:
        raise ValueError(f"key must have {m.size} bits; got {key.size}")
    return m ^ key


def decrypt(ciphertext, key) -> np.ndarray:
    """Eq. 36: ``y XOR key``."""
    ciphertext, key = _check_bits("ciphertext", ciphertext), _check_bits("key", key)
    if ciphertext.shape != key.shape:
        raise ValueError(f"key must have the shape of the ciphertext {ciphertext.shape}; got {key.shape}")
    return ciphertext ^ key


def bit_error_rate(key_alice: np.ndarray, key_bob: np.ndarray, *, fold: bool = True) -> np.ndarray:
    """Fraction of disagreeing key bits (= message bits Bob gets wrong) over the last axis.

    With ``fold=True`` an inverted message counts as recovered: ``min(BER, 1 - BER)``.
    """
    key_alice, key_bob = _check_bits("key_alice", key_alice), _check_bits("key_bob", key_bob)
    try:
        np.broadcast_shapes(key_alice.shape, key_bob.shape)
    except ValueError:
        raise ValueError(f"key_alice {key_alice.shape} and key_bob {key_bob.shape} must broadcast "
                         "(same number of bits on the last axis)") from None
    ber = np.mean(key_alice != key_bob, axis=-1)
    return np.minimum(ber, 1.0 - ber) if fold else ber


def ber_for_angle(phi, k: int, n: int, rng: np.random.Generator, samples: int = 64) -> np.ndarray:
    """Expected BER of sign keys from two collapsed outputs at angle ``phi`` (or ``pi - phi``).

    Bob's output is ``cos(phi) w_hat + sin(phi) u`` with ``u`` a random unit vector orthogonal
    to Alice's ``w_hat``, whose coordinates are the selected ``a`` values of Algorithm 1 (all
    ``|a|`` large). A bit flips when ``u_i`` outweighs ``w_hat_i``:
    ``BER = mean_i Phi(-|w_hat_i| sqrt(k - 1) cot(phi))``. For generic (unselected) coordinates
    this would be ``phi / pi``; selection keeps small coordinates out, so the BER falls faster.
    """
    rng = check_generator("rng", rng)
    k, n = check_int("k", k, low=2), check_int("n", n, low=k)
    samples = check_int("samples", samples, low=1)
    phi = check_array("phi", phi, ndim=(0, 1))
    a = np.abs(rng.standard_normal((samples, n)))
    # sorted: np.partition's order depends on the CPU's SIMD path, and the mean below would
    # then sum in a platform-dependent order
    top = np.sort(np.partition(a, n - k, axis=1)[:, n - k:], axis=1)
    w_abs = (top / np.linalg.norm(top, axis=1, keepdims=True)).ravel()
    phi = np.atleast_1d(phi)
    cot = np.cos(phi) / np.sin(phi)
    return np.array([np.mean(stats.norm.cdf(-w_abs * np.sqrt(k - 1) * c)) for c in cot])


def angle_for_ber(target: float, k: int, n: int, rng: np.random.Generator) -> float:
    """The angle ``phi`` at which :func:`ber_for_angle` equals ``target`` (interpolated on a grid)."""
    target = check_float("target", target, low=0.0, high=0.5, open_low=True, open_high=True)
    grid = np.geomspace(1e-4, np.pi / 2, 400)
    ber = ber_for_angle(grid, k, n, rng)
    return float(np.interp(target, ber, grid))


def _check_bits(name: str, bits) -> np.ndarray:
    arr = np.asarray(bits)
    if arr.size == 0 or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.bool_)) \
            or np.any((arr != 0) & (arr != 1)):
        raise ValueError(f"{name} must be a non-empty array of bits (0 or 1); got dtype {arr.dtype}, shape {arr.shape}")
    return arr.astype(np.uint8)


def ber_by_depth(train_units, units, *, fold: bool = True, threshold: float = 0.0) -> np.ndarray:
    """Chapter 7, Eqs. 35-36: BER of every receiver's key against Alice's, at every layer.

    ``train_units`` has shape ``(L + 1, k)`` (Alice's unit output per layer) and ``units``
    ``(L + 1, N, k)`` (N receivers), as returned by ``maxlikelihood.sample(..., trajectory=True)``
    with 2-D test inputs. Returns ``(L + 1, N)``; see :func:`bit_error_rate` for ``fold``.
    """
    train_units = check_array("train_units", train_units, ndim=2)
    units = check_array("units", units, ndim=3)
    if units.shape[0] != train_units.shape[0] or units.shape[2] != train_units.shape[1]:
        raise ValueError(f"units must have shape (L + 1, N, k) = ({train_units.shape[0]}, N, "
                         f"{train_units.shape[1]}); got {units.shape}")
    key_alice = key_bits(train_units, threshold)[:, None, :]
    return bit_error_rate(key_alice, key_bits(units, threshold), fold=fold)


def eavesdropping_experiment(rng: np.random.Generator, k: int, n: int, L: int, *, models: int, bobs: int,
                             eves: int) -> dict[str, np.ndarray]:
    """Chapter 7 (Eqs. 35-36, Sec. 6): BER against depth for Bob and two eavesdroppers.

    For each of ``models`` shared models (exact joint sampler), Alice's Gaussian input is
    propagated with ``bobs`` receivers' and ``eves`` model-holding eavesdroppers' inputs; each
    of ``eves`` eavesdroppers *without* the model trains her own model on her own input.
    Returns ``(L + 1, ...)`` arrays: ``bob`` (folded BER, ``models * bobs`` columns),
    ``bob_raw`` (unfolded), ``eve_model`` (``models * eves``) and ``eve_own`` (``models * eves``).
    """
    rng = check_generator("rng", rng)
    k, n, L = check_int("k", k, low=2), check_int("n", n, low=k), check_int("L", L, low=1)
    models, bobs = check_int("models", models, low=1), check_int("bobs", bobs, low=1)
    eves = check_int("eves", eves, low=1)
    out = {"bob": [], "bob_raw": [], "eve_model": [], "eve_own": []}
    for _ in range(models):
        s = maxlikelihood.sample(rng.standard_normal(k), rng.standard_normal((bobs + eves, k)), n, L, rng,
                                 sampler="joint", trajectory=True)
        ber = ber_by_depth(s.train_units, s.units)
        out["bob"].append(ber[:, :bobs])
        out["eve_model"].append(ber[:, bobs:])
        out["bob_raw"].append(ber_by_depth(s.train_units, s.units[:, :bobs], fold=False))
        key_alice = key_bits(s.train_units)
        for _ in range(eves):
            own = maxlikelihood.sample(rng.standard_normal(k), rng.standard_normal((1, k)), n, L, rng,
                                       sampler="joint", trajectory=True)
            out["eve_own"].append(bit_error_rate(key_alice, key_bits(own.train_units))[:, None])
    return {key: np.concatenate(value, axis=1) for key, value in out.items()}


def first_layer_below(values, level: float, layers=None) -> float:
    """Chapter 7: first layer at which ``values`` (one per layer) is strictly below ``level``.

    Returns ``nan`` when the level is never reached (print it with :func:`layer_text`), never a
    made-up layer 0.

    >>> first_layer_below([0.5, 0.2, 0.005, 0.0], 0.01), layer_text(first_layer_below([0.5, 0.4], 0.01))
    (2.0, 'never')
    """
    values = check_array("values", values, ndim=1, allow_nan=True)
    level = check_float("level", level)
    layers = np.arange(values.size) if layers is None else check_array("layers", layers, ndim=1)
    if layers.size != values.size:
        raise ValueError(f"layers must have one entry per value ({values.size}); got {layers.size}")
    below = values < level
    return float(layers[np.argmax(below)]) if below.any() else float("nan")


def layer_text(layer) -> str:
    """A layer number as printed in chapters 7-8: ``"33"``, or ``"never"`` for ``nan`` (not reached)."""
    layer = float(layer)
    return "never" if np.isnan(layer) else f"{layer:.0f}"


def predicted_ber_depth(layers, k: int, n: int, rng: np.random.Generator, *, level: float = 0.01,
                        samples: int = 4000) -> dict:
    """Chapter 7: the depth at which the median receiver's BER falls below ``level``, predicted.

    The angle ``phi_star`` with ``BER(phi_star) = level`` (:func:`angle_for_ber`) is compared with
    the median angle predicted from the Lyapunov gap (Chapter 4,
    :func:`lib.convergence.predicted_angle_quantile`). Returns ``phi_star``, ``median_angle``,
    ``ber`` (the BER predicted at every layer) and ``first_layer`` (``nan`` if never reached).
    """
    rng = check_generator("rng", rng)
    layers = check_array("layers", layers, ndim=1).astype(int)
    phi_star = angle_for_ber(level, k, n, rng)
    angle = convergence.predicted_angle_quantile(layers, k, n, rng, samples=check_int("samples", samples, low=1))
    ber = ber_for_angle(angle, k, n, rng)
    return {"phi_star": phi_star, "median_angle": angle, "ber": ber,
            "first_layer": first_layer_below(angle, phi_star, layers)}


def depth_sweep(rng: np.random.Generator, k: int, n_values, L: int, *, models: int, bobs: int,
                level: float = 0.01, samples: int = 2000) -> dict[str, np.ndarray]:
    """Chapter 7: first depth with median BER below ``level`` against the width ``n``, measured and predicted.

    For each ``n``: ``models`` shared models with ``bobs`` receivers each (joint sampler), the
    median BER over all ``models * bobs`` receivers per layer, its first layer below ``level``
    (``nan`` if never), the prediction of :func:`predicted_ber_depth`, and the Lyapunov gap
    ``lambda_1 - lambda_2`` (Chapter 3).
    """
    rng = check_generator("rng", rng)
    k, L = check_int("k", k, low=2), check_int("L", L, low=1)
    n_values = [check_int(f"n_values[{i}]", nn, low=k) for i, nn in enumerate(n_values)]
    models, bobs = check_int("models", models, low=1), check_int("bobs", bobs, low=1)
    layers = np.arange(L + 1)
    out = {"n": np.array(n_values), "measured": [], "predicted": [], "gap": []}
    for nn in n_values:
        bers = []
        for _ in range(models):
            s = maxlikelihood.sample(rng.standard_normal(k), rng.standard_normal((bobs, k)), nn, L, rng,
                                     sampler="joint", trajectory=True)
            bers.append(ber_by_depth(s.train_units, s.units))
        out["measured"].append(first_layer_below(np.median(np.concatenate(bers, axis=1), axis=1), level, layers))
        phi_star = angle_for_ber(level, k, nn, rng)
        angle = convergence.predicted_angle_quantile(layers, k, nn, rng, samples=samples)
        out["predicted"].append(first_layer_below(angle, phi_star, layers))
        out["gap"].append(lyapunov.top_exponent_approx(k, nn) - lyapunov.second_exponent(k))
    return {key: np.asarray(value, dtype=float) if key != "n" else value for key, value in out.items()}


def fig7_images(message, train_units, bob_units, layers) -> list[np.ndarray]:
    """Chapter 7, Fig. 7: one row of images for one message.

    ``[message, ciphertext at the deepest layer, Bob's decryption at each of layers,
    ciphertext with the paper's threshold 1/2]``; ``train_units`` and ``bob_units`` have shape
    ``(L + 1, k)``.
    """
    m = check_image("message", message, binary=True)
    train_units = check_array("train_units", train_units, ndim=2)
    bob_units = check_array("bob_units", bob_units, ndim=2)
    layers = [check_int(f"layers[{i}]", L, low=0, high=train_units.shape[0] - 1) for i, L in enumerate(layers)]
    deep = train_units[layers[-1]]
    images = [m, encrypt(m, key_bits(deep))]
    for L in layers:
        images.append(decrypt(encrypt(m, key_bits(train_units[L])), key_bits(bob_units[L])))
    images.append(encrypt(m, key_bits(deep, 0.5)))
    return images
