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

from lib._validate import check_generator, check_int
from lib.data import check_image


def key_bits(units, threshold: float = 0.0) -> np.ndarray:
    """Key bits of normalised outputs (last axis): 1 where a coordinate exceeds ``threshold``.

    ``threshold = 0`` is the sign bit used in this book; ``threshold = 0.5`` is the paper's
    literal ``sgn(x) = 0 if x <= 1/2``.
    """
    return (np.asarray(units) > threshold).astype(np.uint8)


def encrypt(message, key) -> np.ndarray:
    """Eq. 35: ``y = key XOR m`` for a binary message image (50 x 50 or flat)."""
    m = check_image("message", message, binary=True).astype(np.uint8)
    key = np.asarray(key, dtype=np.uint8).ravel()
    if key.shape != m.shape:
        raise ValueError(f"key must have {m.size} bits; got {key.size}")
    return m ^ key


def decrypt(ciphertext, key) -> np.ndarray:
    """Eq. 36: ``y XOR key``."""
    return np.asarray(ciphertext, dtype=np.uint8) ^ np.asarray(key, dtype=np.uint8)


def bit_error_rate(key_alice: np.ndarray, key_bob: np.ndarray, *, fold: bool = True) -> np.ndarray:
    """Fraction of disagreeing key bits (= message bits Bob gets wrong) over the last axis.

    With ``fold=True`` an inverted message counts as recovered: ``min(BER, 1 - BER)``.
    """
    ber = np.mean(np.asarray(key_alice) != np.asarray(key_bob), axis=-1)
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
    a = np.abs(rng.standard_normal((samples, n)))
    top = np.partition(a, n - k, axis=1)[:, n - k:]
    w_abs = (top / np.linalg.norm(top, axis=1, keepdims=True)).ravel()
    phi = np.atleast_1d(np.asarray(phi, dtype=float))
    cot = np.cos(phi) / np.sin(phi)
    return np.array([np.mean(stats.norm.cdf(-w_abs * np.sqrt(k - 1) * c)) for c in cot])


def angle_for_ber(target: float, k: int, n: int, rng: np.random.Generator) -> float:
    """The angle ``phi`` at which :func:`ber_for_angle` equals ``target`` (bisection on a grid)."""
    grid = np.geomspace(1e-4, np.pi / 2, 400)
    ber = ber_for_angle(grid, k, n, rng)
    return float(np.interp(target, ber, grid))
