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


def load_dataset(name: str, rng: np.random.Generator, *, mnist_dir=None, max_train: int | None = None,
                 max_test: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Chapter 9's data: ``"digits"`` (scikit-learn's bundled 8 x 8 digits) or ``"mnist"`` (IDX files).

    Both come with pixels in [0, 1], so the PGD settings of Zhang & Meng's Fig. 2 carry over.
    ``mnist_dir`` defaults to ``data/mnist``; ``max_train``/``max_test`` keep a seeded subset
    (MNIST only). Returns ``(X_train, y_train, X_test, y_test)``.
    """
    from lib import data, paths

    rng = check_generator("rng", rng)
    if name == "digits":
        return data.load_digits_dataset(rng)
    if name == "mnist":
        max_train = None if max_train is None else check_int("max_train", max_train, low=1)
        max_test = None if max_test is None else check_int("max_test", max_test, low=1)
        return data.load_mnist(mnist_dir or paths.DATA_DIR / "mnist", rng, max_train=max_train, max_test=max_test)
    raise ValueError(f"name must be 'digits' or 'mnist'; got {name!r}")


def train_history(rng: np.random.Generator, X_train, y_train, X_test, y_test, *, hidden: int, epochs: int,
                  lr: float, batch_size: int, attacks: dict, target_class: int, slice_points: int):
    """Train a fresh network and record, before training and after every epoch, what Zhang & Meng's
    Fig. 2 plots (Chapter 9): test accuracy, robust accuracy under each PGD attack, and Delta X,
    Delta P of ``target_class`` by the 1-D slice estimate (suppl. Sec. 2.1, Eq. 23) through the
    mean training image.

    Parameters
    ----------
    attacks : dict
        ``name -> (eps, step, steps)``; each gives a history entry ``name`` (robust accuracy).
    slice_points : int
        Grid points per pixel slice over [0, 1].

    Returns
    -------
    params : dict
        The final network.
    history : dict of numpy.ndarray, each of length ``epochs + 1`` (epoch 0 is the untrained net)
        ``epoch``, ``test``, one key per attack, ``dX``, ``dP`` (the ``||psi'||`` convention),
        ``dP_paper`` (the paper's ``d/dx`` over pixels with a non-negative "variance"),
        ``bound_holds`` (fraction of pixels with ``sigma_x ||psi'|| >= 1/2``) and
        ``paper_negative`` (fraction of pixels whose paper "variance" is negative).
    final_stats : dict
        :func:`lib.uncertainty.slice_stats` of the final network, per pixel.
    """
    from lib import uncertainty

    rng = check_generator("rng", rng)
    X_train, y_train = _check_data(X_train, y_train, "X_train", "y_train")
    X_test, y_test = _check_data(X_test, y_test, "X_test", "y_test")
    n_classes = int(max(y_train.max(), y_test.max())) + 1
    hidden = check_int("hidden", hidden, low=1)
    epochs = check_int("epochs", epochs, low=1)
    target_class = check_int("target_class", target_class, low=0, high=n_classes - 1)
    attacks = _check_attacks(attacks)
    x_base = X_train.mean(axis=0)
    params = init_params(rng, X_train.shape[1], hidden, n_classes)
    velocity = {key: np.zeros_like(value) for key, value in params.items()}
    rows = []
    for epoch in range(epochs + 1):
        if epoch:
            train_epoch(params, velocity, X_train, y_train, rng, lr=lr, batch_size=batch_size)
        st = uncertainty.class_slice_stats(params, x_base, target_class, slice_points)
        row = {"epoch": epoch, "test": accuracy(params, X_test, y_test)}
        for name, (eps, step, steps) in attacks.items():
            row[name] = accuracy(params, pgd_attack(params, X_test, y_test, eps=eps, step=step, steps=steps), y_test)
        row["dX"], row["dP"] = uncertainty.delta_x_delta_p(st)
        row["dP_paper"] = uncertainty.delta_p_paper(st)[0]
        row["bound_holds"] = float(np.mean(st["sigma_x"] * st["sigma_p_hermitian"] >= 0.5))
        row["paper_negative"] = float(np.mean(st["paper_variance_p"] < 0))
        rows.append(row)
    history = {key: np.array([row[key] for row in rows]) for key in rows[0]}
    return params, history, st


def history_table(history: dict, every: int) -> str:
    """Chapter 9's printed training table: every ``every``-th epoch of :func:`train_history`'s record
    (test and robust accuracies, Delta X, Delta P in both conventions, pixel fractions)."""
    every = check_int("every", every, low=1)
    lines = ["epoch  test acc  robust (eps 8/255)  robust (eps 0.1)   Delta X   Delta P   Delta P (paper)   "
             "pixels with bound   paper var < 0"]
    for e in range(0, len(history["epoch"]), every):
        lines.append(f"{history['epoch'][e]:5d}  {history['test'][e]:8.4f}  {history['robust'][e]:18.4f}  "
                     f"{history['robust_fig1'][e]:16.4f}  {history['dX'][e]:8.4f}  {history['dP'][e]:8.4f}  "
                     f"{history['dP_paper'][e]:15.4f}  {history['bound_holds'][e]:18.4f}  "
                     f"{history['paper_negative'][e]:13.4f}")
    return "\n".join(lines)


def estimate_seconds(p: dict) -> float:
    """Rough run time of Chapter 9 on a 2-core machine for its parameters ``p`` (a
    :func:`lib.params.check` cost estimate): fixed work on the test functions and Monte Carlo, plus
    per epoch one pass of training, two PGD attacks and one slice estimate per pixel. Calibrated
    so the committed digits run (about 7 s) is overestimated about twofold."""
    digits = p["dataset"] == "digits"
    pixels = 64 if digits else 784
    n_train = 1258 if digits else p["mnist_max_train"]
    n_test = 539 if digits else p["mnist_max_test"]
    per_epoch = 3e-9 * p["hidden"] * pixels * (n_train + 4 * p["pgd_steps"] * n_test + pixels * p["slice_points"])
    fixed = 3 + 1e-6 * p["line_points"] + 2e-7 * sum(p["mc_samples"]) * p["mc_replicates"]
    return float(fixed + (p["epochs"] + 6) * per_epoch)


def untrained_networks(seed: int, n_in: int, hidden: int, n_out: int, weight_scales) -> list[tuple[float, Params]]:
    """Chapter 9's control: one initialisation (``default_rng(seed)``) with every weight and bias
    multiplied by each of ``weight_scales``; returns ``(scale, params)`` pairs."""
    seed = check_int("seed", seed, low=0)
    scales = [check_real(f"weight_scales[{i}]", s, low=0.0, open_low=True) for i, s in enumerate(weight_scales)]
    out = []
    for s in scales:
        p0 = init_params(np.random.default_rng(seed), n_in, hidden, n_out)
        out.append((s, {key: value * s for key, value in p0.items()}))
    return out


def learning_phase_end(test_accuracy, tolerance: float = 0.01) -> int:
    """End of the learning phase (Chapter 9; the initial "kick" Zhang & Meng describe for Fig. 2E).

    The plateau level is the median test accuracy over the second half of the run; the learning
    phase ends at the first epoch from which test accuracy never again falls more than
    ``tolerance`` below that level. Correlations over all epochs are dominated by the rise from
    chance before this epoch, so trade-offs are tested after it. The median makes the rule
    insensitive to a single lucky epoch.

    Examples
    --------
    >>> learning_phase_end([0.1, 0.5, 0.95, 0.97, 0.965, 0.97, 0.99, 0.97], tolerance=0.01)
    3
    """
    acc = _check_record("test_accuracy", test_accuracy)
    tolerance = check_real("tolerance", tolerance, low=0.0)
    level = float(np.median(acc[acc.size // 2:]))
    below = np.flatnonzero(acc < level - tolerance)
    return int(below[-1] + 1) if below.size else 0


def _check_record(name: str, values) -> np.ndarray:
    """A finite 1-D array with at least two entries (a per-epoch record)."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or arr.size < 2 or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be a finite 1-D array of at least 2 values; got shape {arr.shape}")
    return arr


def trade_off_after_learning(history: dict, robust_key: str, tolerance: float = 0.01) -> dict[str, float]:
    """The accuracy-robustness trade-off of Zhang & Meng's Fig. 2A, tested after the learning phase.

    From :func:`learning_phase_end` on, returns the first epoch of that phase (``start``), the
    correlation of test and robust accuracy over it (``corr``; a trade-off makes it negative), and
    the change of each accuracy from the first to the last epoch of the phase, each measured as the
    mean of up to 5 epochs at either end (``test_change``, ``robust_change``), and the number of
    epochs in the phase (``epochs``). A phase of fewer than 3 epochs is too short to measure
    either: ``corr`` and both changes are then NaN (short runs, e.g. Chapter 10's 8 epochs at
    committed scale, hit this at some seeds; a correlation of two points would be ±1 by construction).
    """
    if not isinstance(history, dict) or "test" not in history or robust_key not in history:
        raise ValueError(f"history must be a train_history dict with keys 'test' and {robust_key!r}")
    test = _check_record("history['test']", history["test"])
    robust = _check_record(f"history[{robust_key!r}]", history[robust_key])
    start = learning_phase_end(test, tolerance)
    t, r = test[start:], robust[start:]
    if t.size < 3:
        nan = float("nan")
        return {"start": start, "epochs": int(t.size), "corr": nan, "test_change": nan, "robust_change": nan}
    edge = min(5, t.size // 2)
    return {"start": start, "epochs": int(t.size), "corr": float(np.corrcoef(t, r)[0, 1]),
            "test_change": float(t[-edge:].mean() - t[:edge].mean()),
            "robust_change": float(r[-edge:].mean() - r[:edge].mean())}


def training_correlations(history: dict, robust_keys, tolerance: float = 0.01) -> dict:
    """Chapter 9's correlations over a :func:`train_history` record, from epoch 1 on (epoch 0 is the
    untrained net): Delta X against Delta P (``dX_dP``), test against robust accuracy under the first
    of ``robust_keys`` (``test_robust``), the last epoch (``last_epoch``), and for every key of
    ``robust_keys`` the :func:`trade_off_after_learning` summary (``after``, a dict by key)."""
    keys = list(robust_keys) if isinstance(robust_keys, (list, tuple, dict)) else None
    if not keys:
        raise ValueError("robust_keys must be a non-empty list of history keys")
    if not isinstance(history, dict) or any(k not in history for k in ("epoch", "test", "dX", "dP", *keys)):
        raise ValueError(f"history must be a train_history dict with keys 'epoch', 'test', 'dX', 'dP' and {keys}")
    dX, dP = _check_record("history['dX']", history["dX"]), _check_record("history['dP']", history["dP"])
    test, robust = history["test"], history[keys[0]]
    return {"dX_dP": float(np.corrcoef(dX[1:], dP[1:])[0, 1]),
            "test_robust": float(np.corrcoef(test[1:], robust[1:])[0, 1]),
            "last_epoch": int(history["epoch"][-1]),
            "after": {key: trade_off_after_learning(history, key, tolerance) for key in keys}}


def correlation_text(correlations: dict, labels: dict) -> str:
    """Chapter 9's printed correlations for :func:`training_correlations`: over all epochs, then after
    the learning phase for each robust-accuracy key of ``labels`` (key -> label, e.g. the attack's eps)."""
    if not isinstance(correlations, dict) or any(k not in correlations for k in ("dX_dP", "test_robust", "after")):
        raise ValueError("correlations must be a dict from training_correlations")
    if not isinstance(labels, dict) or any(k not in correlations["after"] for k in labels):
        raise ValueError(f"labels must map keys of {list(correlations['after'])} to labels")
    last = correlations["last_epoch"]
    lines = [f"correlation over epochs 1-{last}: Delta X vs Delta P {correlations['dX_dP']:+.3f};  "
             f"test vs robust accuracy {correlations['test_robust']:+.3f}"]
    for key, label in labels.items():
        a = correlations["after"][key]
        lines.append(f"after learning (epochs {a['start']}-{last}), {label}: correlation test vs robust "
                     f"{a['corr']:+.3f}; test accuracy change {a['test_change']:+.4f}, "
                     f"robust accuracy change {a['robust_change']:+.4f}")
    return "\n".join(lines)


def _check_data(X, y, x_name: str, y_name: str):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[0] == 0 or not np.all(np.isfinite(X)):
        raise ValueError(f"{x_name} must be a finite non-empty 2-D array (samples, pixels); got shape {X.shape}")
    if y.shape != (X.shape[0],) or not np.issubdtype(y.dtype, np.integer) or np.any(y < 0):
        raise ValueError(f"{y_name} must hold {X.shape[0]} non-negative integer labels")
    return X, y


def _check_attacks(attacks) -> dict:
    if not isinstance(attacks, dict) or not attacks:
        raise ValueError("attacks must be a non-empty dict name -> (eps, step, steps)")
    out = {}
    for name, spec in attacks.items():
        if name in ("epoch", "test", "dX", "dP", "dP_paper", "bound_holds", "paper_negative"):
            raise ValueError(f"attacks: the name {name!r} is taken by another history entry")
        if not isinstance(spec, (tuple, list)) or len(spec) != 3:
            raise ValueError(f"attacks[{name!r}] must be (eps, step, steps); got {spec!r}")
        out[name] = (check_real(f"attacks[{name!r}] eps", spec[0], low=0.0, open_low=True),
                     check_real(f"attacks[{name!r}] step", spec[1], low=0.0, open_low=True),
                     check_int(f"attacks[{name!r}] steps", spec[2], low=1))
    return out
