"""A small NumPy classifier for Chapter 9: one hidden ReLU layer, softmax cross-entropy.

Everything Zhang & Meng's experiment needs is here and exact: per-sample losses, parameter
gradients (checked against finite differences in the tests), the gradient of the loss with
respect to the *input* (the "attack operator" applied to the loss), and projected gradient
descent (PGD) attacks in the L-infinity ball.

Examples
--------
>>> import numpy as np
>>> from lib import classifier
>>> params = classifier.init_params(np.random.default_rng(0), 4, 8, 3)
>>> classifier.per_sample_loss(params, np.zeros((2, 4)), np.array([0, 2])).shape
(2,)
"""

from __future__ import annotations

import numpy as np

from lib._validate import check_generator, check_int, check_real

Params = dict[str, np.ndarray]


def init_params(rng: np.random.Generator, n_in: int, n_hidden: int, n_out: int) -> Params:
    """He-initialised weights and zero biases."""
    rng = check_generator("rng", rng)
    n_in, n_hidden, n_out = (check_int(name, v, low=1) for name, v in
                             (("n_in", n_in), ("n_hidden", n_hidden), ("n_out", n_out)))
    return {"W1": rng.standard_normal((n_in, n_hidden)) * np.sqrt(2.0 / n_in), "b1": np.zeros(n_hidden),
            "W2": rng.standard_normal((n_hidden, n_out)) * np.sqrt(2.0 / n_hidden), "b2": np.zeros(n_out)}


def _check_params(params) -> Params:
    keys = ("W1", "b1", "W2", "b2")
    if not isinstance(params, dict) or any(k not in params for k in keys):
        raise ValueError(f"params must be a dict with keys {list(keys)} (from init_params)")
    return params


def _check_xy(params: Params, X, y=None):
    params = _check_params(params)
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("X must be a 2-D array of numbers") from None
    if X.ndim != 2 or X.shape[1] != params["W1"].shape[0]:
        raise ValueError(f"X must have shape (N, {params['W1'].shape[0]}); got {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must contain only finite numbers")
    if y is None:
        return X, None
    y = np.asarray(y)
    n_out = params["W2"].shape[1]
    if y.shape != (X.shape[0],) or not np.issubdtype(y.dtype, np.integer) or np.any((y < 0) | (y >= n_out)):
        raise ValueError(f"y must hold {X.shape[0]} integer labels in [0, {n_out - 1}]")
    return X, y


def logits(params: Params, X) -> np.ndarray:
    """Class scores, shape (N, classes)."""
    X, _ = _check_xy(params, X)
    return _logits(params, X)


def _logits(params: Params, X: np.ndarray) -> np.ndarray:
    return np.maximum(X @ params["W1"] + params["b1"], 0.0) @ params["W2"] + params["b2"]


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def per_sample_loss(params: Params, X, y) -> np.ndarray:
    """Cross-entropy of each sample, ``-log softmax(logits)[y]``."""
    X, y = _check_xy(params, X, y)
    z = _logits(params, X)
    z = z - z.max(axis=1, keepdims=True)
    return np.log(np.exp(z).sum(axis=1)) - z[np.arange(len(y)), y]


def loss_and_grads(params: Params, X, y) -> tuple[float, Params, np.ndarray]:
    """Mean loss, its parameter gradients, and the gradient of each sample's loss w.r.t. its input."""
    X, y = _check_xy(params, X, y)
    return _loss_and_grads(params, X, y)


def _loss_and_grads(params: Params, X: np.ndarray, y: np.ndarray) -> tuple[float, Params, np.ndarray]:
    pre = X @ params["W1"] + params["b1"]
    h = np.maximum(pre, 0.0)
    p = _softmax(h @ params["W2"] + params["b2"])
    loss = float(np.mean(-np.log(np.clip(p[np.arange(len(y)), y], 1e-300, None))))
    dz = p.copy()
    dz[np.arange(len(y)), y] -= 1.0                 # d(per-sample loss)/d logits
    dh = (dz @ params["W2"].T) * (pre > 0)
    grads = {"W2": h.T @ dz / len(y), "b2": dz.mean(axis=0), "W1": X.T @ dh / len(y), "b1": dh.mean(axis=0)}
    return loss, grads, dh @ params["W1"].T


def input_gradient(params: Params, X, y) -> np.ndarray:
    """``d loss_n / d X_n`` for every sample: the attack direction (Zhang & Meng's attack operator
    applied to the loss, Chapter 9)."""
    X, y = _check_xy(params, X, y)
    return _loss_and_grads(params, X, y)[2]


def accuracy(params: Params, X, y) -> float:
    """Fraction of samples whose largest logit is the true label."""
    X, y = _check_xy(params, X, y)
    return float(np.mean(np.argmax(_logits(params, X), axis=1) == y))


def train_epoch(params: Params, velocity: Params, X, y, rng: np.random.Generator, *, lr: float = 0.05,
                momentum: float = 0.9, batch_size: int = 32) -> float:
    """One epoch of minibatch SGD with momentum, in place; returns the mean training loss."""
    rng = check_generator("rng", rng)
    X, y = _check_xy(params, X, y)
    lr = check_real("lr", lr, low=0.0, open_low=True)
    momentum = check_real("momentum", momentum, low=0.0, high=1.0, open_high=True)
    batch_size = check_int("batch_size", batch_size, low=1)
    if not isinstance(velocity, dict) or any(np.shape(velocity.get(k)) != np.shape(v) for k, v in params.items()):
        raise ValueError("velocity must be a dict with the keys and shapes of params (zeros to start)")
    order = rng.permutation(len(y))
    losses = []
    for start in range(0, len(y), batch_size):
        idx = order[start:start + batch_size]
        loss, grads, _ = _loss_and_grads(params, X[idx], y[idx])
        for key in params:
            velocity[key] = momentum * velocity[key] - lr * grads[key]
            params[key] += velocity[key]
        losses.append(loss)
    return float(np.mean(losses))


def pgd_attack(params: Params, X, y, *, eps: float, step: float, steps: int, low: float = 0.0,
               high: float = 1.0) -> np.ndarray:
    """Projected gradient ascent on the loss in the L-infinity ball of radius ``eps`` (Madry et al.),
    starting at the clean input, clipped to the pixel range ``[low, high]``."""
    eps = check_real("eps", eps, low=0.0, open_low=True)
    step = check_real("step", step, low=0.0, open_low=True)
    steps = check_int("steps", steps, low=1)
    low = check_real("low", low)
    high = check_real("high", high)
    if not low < high:
        raise ValueError(f"the pixel range must satisfy low < high; got low = {low}, high = {high}")
    X, y = _check_xy(params, X, y)
    X_adv = X.copy()
    for _ in range(steps):
        X_adv = X_adv + step * np.sign(_loss_and_grads(params, X_adv, y)[2])
        X_adv = np.clip(np.clip(X_adv, X - eps, X + eps), low, high)
    return X_adv


def scale_logits(params: Params, factor: float) -> Params:
    """The same classifier with every logit multiplied by ``factor`` (same predictions)."""
    params = _check_params(params)
    factor = check_real("factor", factor, low=0.0, open_low=True)
    return {**params, "W2": params["W2"] * factor, "b2": params["b2"] * factor}
