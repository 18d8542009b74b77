"""Zhang & Meng's MNIST network in PyTorch: training, PGD/FGSM attacks, pixel- and feature-space slices (Chapter 10).

The network is the "Conv for MNIST" of the supplement's Fig. 1::

    conv1 = Conv2d(1, 16, kernel 5, stride 3, padding 1)     28 x 28 -> 16 x 9 x 9
    conv2 = Conv2d(16, 64, kernel 3, stride 2, padding 1)    -> 64 x 5 x 5
    conv3 = Conv2d(64, 256, kernel 3, stride 2, padding 1)   -> 256 x 3 x 3 = 2304
    fc1   = Linear(2304, 10)

The printout lists modules only, so the activations are not given; we read it as a ReLU after
each convolution and none after ``fc1`` (logits into the cross-entropy), the usual reading
of such a printout. conv1-conv3 form the *feature extractor*, fc1 the *classifier*
(supplement Sec. 2.2). Weights start uniform in ``+-1/sqrt(fan_in)`` (PyTorch's default bound),
drawn from a NumPy generator so the initial network does not depend on torch's global seed.

Parameters are a plain ``dict`` of tensors; all public functions take and return NumPy arrays
except where a tensor dict is the object. Everything runs on the CPU in the floating type the
network was created with (``init_params(..., dtype=...)``, float64 by default); inputs are cast to
the network's type, so no module-level setting is involved.

Determinism (measured, torch 2.13.0+cpu, float32, 3 000 training images, 3 epochs, Adam): the
printed measurements were identical with 1 and 2 torch threads and under
``NPY_DISABLE_CPU_FEATURES="X86_V3" OPENBLAS_CORETYPE=Prescott`` (torch uses neither), but NOT
with ``ATEN_CPU_CAPABILITY=default``: Delta P moved in the 5th significant digit (1.95027 vs
1.95036) and one robust-accuracy count flipped (0.419 vs 0.418). A chapter built on this module
must therefore use float64: with ``dtype="float64"`` (1 500 images, 2 epochs) every value
printed at 6 significant digits was identical under ``ATEN_CPU_CAPABILITY=default`` and the
default, at about 3.5 times the float32 run time. The convolutions run on channels-last tensors
(:func:`features`): twice as fast in float64 as the default layout, and the committed chapter's
printed output and figures were identical before and after the change (2026-11-23). With
``MKL_CBWR=COMPATIBLE`` (MKL's generic code path for the matrix products under the convolutions)
and ``ATEN_CPU_CAPABILITY=default`` together, nbval passed the committed chapter unchanged as well.

Examples
--------
>>> import numpy as np
>>> from lib import cnn
>>> p = cnn.init_params(np.random.default_rng(0))
>>> cnn.features(p, np.zeros((2, 784))).shape, cnn.logits(p, np.zeros((2, 784))).shape
((2, 2304), (2, 10))
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F

from lib import uncertainty
from lib._validate import check_generator, check_int

#: The floating types a network can be created in (``dtype`` of :func:`init_params`).
DTYPES = {"float32": torch.float32, "float64": torch.float64}
N_PIXELS = 28 * 28
N_FEATURES = 256 * 3 * 3
#: (name, in channels, out channels, kernel, stride, padding) of the three convolutions.
CONVS = (("conv1", 1, 16, 5, 3, 1), ("conv2", 16, 64, 3, 2, 1), ("conv3", 64, 256, 3, 2, 1))

Params = dict[str, torch.Tensor]


def _check_dtype(dtype) -> torch.dtype:
    if isinstance(dtype, str) and dtype in DTYPES:
        return DTYPES[dtype]
    if isinstance(dtype, torch.dtype) and dtype in DTYPES.values():
        return dtype
    raise ValueError(f"dtype must be one of {sorted(DTYPES)}; got {dtype!r}")


def _dtype_of(params: Params) -> torch.dtype:
    return next(iter(params.values())).dtype


def _uniform(rng: np.random.Generator, shape, fan_in: int, scale: float, dtype: torch.dtype) -> torch.Tensor:
    bound = scale / np.sqrt(fan_in)
    return torch.tensor(rng.uniform(-bound, bound, shape), dtype=dtype, requires_grad=True)


def _check_scale(weight_scale) -> float:
    if not (np.isfinite(weight_scale) and weight_scale > 0):
        raise ValueError(f"weight_scale must be a finite number > 0; got {weight_scale!r}")
    return float(weight_scale)


def init_params(rng: np.random.Generator, weight_scale: float = 1.0, *, dtype: str = "float64") -> Params:
    """A freshly initialised network (weights and biases uniform in ``+-weight_scale/sqrt(fan_in)``)
    in floating type ``dtype`` ("float64" or "float32"; every later computation on it uses that type)."""
    rng = check_generator("rng", rng)
    weight_scale = _check_scale(weight_scale)
    dt = _check_dtype(dtype)
    params: Params = {}
    for name, c_in, c_out, k, _, _ in CONVS:
        fan = c_in * k * k
        params[name + ".weight"] = _uniform(rng, (c_out, c_in, k, k), fan, weight_scale, dt)
        params[name + ".bias"] = _uniform(rng, (c_out,), fan, weight_scale, dt)
    params.update(_init_head(rng, weight_scale, dt))
    return params


def init_head(rng: np.random.Generator, weight_scale: float = 1.0, *, dtype: str = "float64") -> Params:
    """A fresh ``fc1`` (the classifier on the 2304 features), as in :func:`init_params`."""
    return _init_head(check_generator("rng", rng), _check_scale(weight_scale), _check_dtype(dtype))


def _init_head(rng: np.random.Generator, weight_scale: float, dt: torch.dtype) -> Params:
    return {"fc1.weight": _uniform(rng, (10, N_FEATURES), N_FEATURES, weight_scale, dt),
            "fc1.bias": _uniform(rng, (10,), N_FEATURES, weight_scale, dt)}


def _tensor(name: str, X, width: int, dtype: torch.dtype) -> torch.Tensor:
    if isinstance(X, torch.Tensor):
        T = X.to(dtype)
    else:
        arr = np.asarray(X, dtype=float)
        if arr.ndim != 2 or arr.shape[1] != width:
            raise ValueError(f"{name} must have shape (n, {width}); got {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must contain only finite values")
        T = torch.from_numpy(arr).to(dtype)
    if T.ndim != 2 or T.shape[1] != width:
        raise ValueError(f"{name} must have shape (n, {width}); got {tuple(T.shape)}")
    return T


def _labels(y, n: int) -> torch.Tensor:
    y = np.asarray(y)
    if y.shape != (n,) or not np.issubdtype(y.dtype, np.integer) or (n and (y.min() < 0 or y.max() > 9)):
        raise ValueError(f"y must be {n} integer labels in [0, 9]; got shape {y.shape}, dtype {y.dtype}")
    return torch.from_numpy(y.astype(np.int64))


def _features_t(params: Params, X: torch.Tensor) -> torch.Tensor:
    # Channels-last images and kernels: the same convolution (same kernel, ``slow_conv2d``), about
    # twice as fast in float64 on one thread as the default layout (measured forward, backward and
    # training); the flattened output keeps the (channel, row, column) order of the printout.
    h = X.reshape(-1, 1, 28, 28).contiguous(memory_format=torch.channels_last)
    for name, _, _, _, stride, pad in CONVS:
        weight = params[name + ".weight"].contiguous(memory_format=torch.channels_last)
        h = F.relu(F.conv2d(h, weight, params[name + ".bias"], stride=stride, padding=pad))
    return h.flatten(1)


def _head_t(head: Params, Z: torch.Tensor) -> torch.Tensor:
    return Z @ head["fc1.weight"].T + head["fc1.bias"]


def features(params: Params, X) -> np.ndarray:
    """Output of the feature extractor (conv1-conv3 with ReLU), shape ``(n, 2304)``."""
    with torch.no_grad():
        return _features_t(params, _tensor("X", X, N_PIXELS, _dtype_of(params))).double().numpy()


def logits(params: Params, X) -> np.ndarray:
    """Logits of the whole network for flattened 28 x 28 images ``X`` in [0, 1]."""
    with torch.no_grad():
        return _head_t(params, _features_t(params, _tensor("X", X, N_PIXELS, _dtype_of(params)))).double().numpy()


def accuracy(params: Params, X, y) -> float:
    """Fraction of ``X`` classified as ``y`` by the whole network."""
    return float(np.mean(np.argmax(logits(params, X), axis=1) == np.asarray(y)))


def head_accuracy(head: Params, Z, y) -> float:
    """Fraction of feature vectors ``Z`` classified as ``y`` by the classifier ``head``."""
    with torch.no_grad():
        out = _head_t(head, _tensor("Z", Z, N_FEATURES, _dtype_of(head)))
    return float(np.mean(out.argmax(1).numpy() == np.asarray(y)))


def make_optimizer(params: Params, lr: float = 1e-3) -> torch.optim.Optimizer:
    """Adam (the paper does not name its optimiser) over all tensors of ``params``."""
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a finite number > 0; got {lr!r}")
    return torch.optim.Adam(list(params.values()), lr=lr)


def _epoch(forward: Callable, optimizer, X: torch.Tensor, y: torch.Tensor, rng, batch_size: int) -> float:
    order = rng.permutation(len(y))
    losses = []
    for start in range(0, len(y), batch_size):
        idx = torch.from_numpy(order[start:start + batch_size])
        optimizer.zero_grad()
        loss = F.cross_entropy(forward(X[idx]), y[idx])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return float(np.mean(losses))


def train_epoch(params: Params, optimizer, X, y, rng: np.random.Generator, *, batch_size: int = 64) -> float:
    """One epoch of minibatch training of the whole network (cross-entropy), in place; mean loss."""
    rng = check_generator("rng", rng)
    batch_size = check_int("batch_size", batch_size, low=1)
    T = _tensor("X", X, N_PIXELS, _dtype_of(params))
    return _epoch(lambda B: _head_t(params, _features_t(params, B)), optimizer, T, _labels(y, len(T)), rng,
                  batch_size)


def train_head(Z, y, rng: np.random.Generator, *, epochs: int = 5, lr: float = 1e-2, batch_size: int = 512,
               dtype: str = "float64") -> Params:
    """Retrain the classifier from random weights on fixed features ``Z`` (supplement Sec. 2.2),
    in floating type ``dtype`` (as :func:`init_params`)."""
    rng = check_generator("rng", rng)
    epochs = check_int("epochs", epochs, low=1)
    batch_size = check_int("batch_size", batch_size, low=1)
    dt = _check_dtype(dtype)
    T = _tensor("Z", Z, N_FEATURES, dt)
    labels = _labels(y, len(T))
    head = _init_head(rng, 1.0, dt)
    opt = make_optimizer(head, lr)
    for _ in range(epochs):
        _epoch(lambda B: _head_t(head, B), opt, T, labels, rng, batch_size)
    return head


def scale_logits(params: Params, factor: float) -> Params:
    """The same network (or head) with every logit multiplied by ``factor`` (same predictions)."""
    if not (np.isfinite(factor) and factor > 0):
        raise ValueError(f"factor must be a finite number > 0; got {factor!r}")
    out = {k: v.detach().clone() for k, v in params.items()}
    out["fc1.weight"] *= factor
    out["fc1.bias"] *= factor
    return out


def _forward(params: Params, space: str) -> tuple[Callable, int]:
    if space == "pixel":
        return (lambda B: _head_t(params, _features_t(params, B))), N_PIXELS
    if space == "feature":
        return (lambda B: _head_t(params, B)), N_FEATURES
    raise ValueError(f"space must be 'pixel' or 'feature'; got {space!r}")


def loss_and_input_gradient(params: Params, X, y, space: str = "pixel") -> tuple[np.ndarray, np.ndarray]:
    """Per-sample cross-entropy and its gradient with respect to the input.

    ``space = "pixel"``: ``params`` is a whole network and ``X`` images; ``"feature"``:
    ``params`` is a head (``fc1`` only) and ``X`` feature vectors.
    """
    forward, width = _forward(params, space)
    T = _tensor("X", X, width, _dtype_of(params)).clone().requires_grad_(True)
    loss = F.cross_entropy(forward(T), _labels(y, len(T)), reduction="none")
    (grad,) = torch.autograd.grad(loss.sum(), T)
    return loss.detach().double().numpy(), grad.double().numpy()


def pgd_attack(params: Params, X, y, *, eps: float, step: float, steps: int, space: str = "pixel",
               low: float = 0.0, high: float = 1.0) -> np.ndarray:
    """PGD (Madry et al.): ``steps`` signed-gradient ascent steps of size ``step`` on the loss,
    projected to the L-infinity ball of radius ``eps`` around ``X`` and to ``[low, high]``.
    ``steps = 1`` with ``step = eps`` is FGSM (Eq. 20 of the supplement)."""
    for name, value in (("eps", eps), ("step", step)):
        if not (np.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a finite number > 0; got {value!r}")
    steps = check_int("steps", steps, low=1)
    forward, width = _forward(params, space)
    X0 = _tensor("X", X, width, _dtype_of(params))
    labels = _labels(y, len(X0))
    Xa = X0.clone()
    for _ in range(steps):
        Xa.requires_grad_(True)
        (grad,) = torch.autograd.grad(F.cross_entropy(forward(Xa), labels, reduction="sum"), Xa)
        Xa = torch.clamp(torch.minimum(torch.maximum(Xa.detach() + step * grad.sign(), X0 - eps), X0 + eps), low, high)
    return Xa.double().numpy()


def predict(params: Params, X, space: str = "pixel") -> np.ndarray:
    """Predicted classes (``space`` as in :func:`loss_and_input_gradient`)."""
    forward, width = _forward(params, space)
    with torch.no_grad():
        return forward(_tensor("X", X, width, _dtype_of(params))).argmax(1).numpy()


def probabilities(params: Params, X, space: str = "pixel") -> np.ndarray:
    """Softmax probabilities, shape ``(n, 10)``."""
    forward, width = _forward(params, space)
    with torch.no_grad():
        return torch.softmax(forward(_tensor("X", X, width, _dtype_of(params))).double(), dim=1).numpy()


def slice_stats(params: Params, x_base, dims, grid, label: int, space: str = "pixel") -> dict[str, np.ndarray]:
    """The book's grid estimator of the paper's 1-D slices (supplement Sec. 2.1, Eq. 22).

    All inputs fixed at ``x_base`` except coordinate ``i`` in ``dims``, which runs over ``grid``;
    the packet is the class-``label`` loss, its derivative the exact input gradient; integrals
    by the trapezoid rule (:func:`lib.uncertainty.slice_stats`).
    """
    label = check_int("label", label, low=0, high=9)
    cache: dict[str, np.ndarray] = {}

    def both(X):
        if cache.get("X") is not X:
            cache["X"] = X
            cache["loss"], cache["grad"] = loss_and_input_gradient(params, X, np.full(len(X), label), space)
        return cache["loss"], cache["grad"]

    return uncertainty.slice_stats(lambda X: both(X)[0], lambda X: both(X)[1], x_base, dims, grid)


def slice_stats_monte_carlo(params: Params, x_base, dims, label: int, rng: np.random.Generator, samples: int,
                            space: str = "pixel", a: float = 0.0, b: float = 1.0) -> dict[str, np.ndarray]:
    """The paper's own estimator of the same slices: direct Monte Carlo with ``samples`` uniform
    points on ``[a, b]`` per coordinate (:func:`lib.uncertainty.monte_carlo_stats`)."""
    label = check_int("label", label, low=0, high=9)
    x_base = np.asarray(x_base, dtype=float)
    out = {"sigma_x": [], "sigma_p_hermitian": []}
    for i in np.asarray(dims, dtype=int):
        def along(u, i=i):
            X = np.repeat(x_base[None, :], len(u), axis=0)
            X[:, i] = u
            loss, grad = loss_and_input_gradient(params, X, np.full(len(u), label), space)
            return loss, grad[:, i]

        cache: dict = {}

        def value(u, cache=cache, along=along):
            cache["u"], (cache["loss"], cache["grad"]) = u, along(u)
            return cache["loss"]

        def deriv(u, cache=cache):
            assert cache["u"] is u
            return cache["grad"]

        st = uncertainty.monte_carlo_stats(value, deriv, a, b, rng, samples)
        for key in out:
            out[key].append(st[key])
    return {key: np.array(v) for key, v in out.items()}


def fgsm_operator_check(params: Params, X, y, eps: float) -> dict[str, float]:
    """Numerical check of supplement Eqs. 20-21 (the FGSM step as the attack operator).

    Eq. 20 replaces ``eps * sign(grad l)`` by ``eps * grad l``; Eq. 21 then reads
    ``P psi = grad l / beta^(1/2) ~ (eps/eps') sign(grad l) = sign(grad l) / beta^(1/2)``, i.e.
    ``grad l ~ sign(grad l)``. Returns the accuracy after the signed step, after the literal
    unsigned step ``X + eps grad l``, after an unsigned step rescaled to the signed step's L2
    length; the mean cosine between ``grad l`` and ``sign(grad l)``; and the median of
    ``||grad l||_2 / ||sign(grad l)||_2`` (1 if Eq. 21 held in size as well as direction).
    """
    if not (np.isfinite(eps) and eps > 0):
        raise ValueError(f"eps must be a finite number > 0; got {eps!r}")
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    _, g = loss_and_input_gradient(params, X, y)
    sign = np.sign(g)
    norm_g = np.linalg.norm(g, axis=1)
    norm_s = np.linalg.norm(sign, axis=1)
    ok = norm_g > 0
    cos = np.sum(g * sign, axis=1)[ok] / (norm_g[ok] * norm_s[ok])
    scaled = np.where(ok[:, None], g * (eps * norm_s / np.where(ok, norm_g, 1.0))[:, None], 0.0)
    return {
        "acc_clean": accuracy(params, X, y),
        "acc_sign_step": accuracy(params, np.clip(X + eps * sign, 0, 1), y),
        "acc_unsigned_step": accuracy(params, np.clip(X + eps * g, 0, 1), y),
        "acc_unsigned_step_l2_matched": accuracy(params, np.clip(X + scaled, 0, 1), y),
        "mean_cos_grad_sign": float(np.mean(cos)),
        "median_norm_ratio_grad_to_sign": float(np.median(norm_g / norm_s)),
    }


def feature_space(params: Params, X_train, X_test) -> tuple[np.ndarray, np.ndarray, float]:
    """Features of the training and test images divided by their largest training value, so each
    feature lies in [0, 1] like a pixel (on the test set it may exceed 1). Returns ``(Z_train, Z_test, scale)``."""
    return _scaled(features(params, X_train), features(params, X_test))


def _scaled(Z_train: np.ndarray, Z_test: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    scale = float(Z_train.max())
    if not scale > 0:
        scale = 1.0  # an all-dead extractor: leave the (zero) features as they are
    return Z_train / scale, Z_test / scale, scale


def epoch_measurements(params: Params, X_train, y_train, X_test, y_test, rng: np.random.Generator, *, pixels, feats,
                       grid, mc_samples: int, label: int, attack: dict, n_attack: int, head_epochs: int) -> dict:
    """Everything Chapter 10 records at one epoch, in pixel and in feature space (supplement Sec. 2.2).

    Test accuracy on ``X_test``; robust accuracy under PGD ``attack`` on its first ``n_attack``
    images; per space the book's grid estimator of the class-``label`` slices (:func:`slice_stats`,
    trapezoid on ``grid``) and the paper's Monte Carlo estimator of the same slices
    (:func:`slice_stats_monte_carlo`, ``mc_samples`` uniform points per coordinate), each reduced by
    Eq. 23 to Delta X, Delta P (``||psi'||`` convention), plus the share of coordinates with
    sigma_x sigma_p >= 1/2 and the paper's own d/dx Delta P (grid). Feature space: a head
    retrained from random weights on the scaled features (:func:`feature_space`, :func:`train_head`).
    Returns a flat dict of floats and, under ``"_stats"``, the grid statistics and the head.
    """
    n_attack = check_int("n_attack", n_attack, low=1, high=len(X_test))
    mc_samples = check_int("mc_samples", mc_samples, low=2)
    with torch.no_grad():  # the test images pass the extractor once: for the accuracy and for the features
        F_test = _features_t(params, _tensor("X_test", X_test, N_PIXELS, _dtype_of(params)))
        test_logits = _head_t(params, F_test).double().numpy()
    out = {"test": float(np.mean(np.argmax(test_logits, axis=1) == np.asarray(y_test))),
           "robust": accuracy(params, pgd_attack(params, X_test[:n_attack], y_test[:n_attack], **attack),
                              y_test[:n_attack])}
    Z_train, Z_test, scale = _scaled(features(params, X_train), F_test.double().numpy())
    head = train_head(Z_train, y_train, rng, epochs=head_epochs, dtype=_dtype_of(params))
    out["feature_test"] = head_accuracy(head, Z_test, y_test)
    out["feature_robust"] = head_accuracy(
        head, pgd_attack(head, Z_test[:n_attack], y_test[:n_attack], space="feature", **attack), y_test[:n_attack])
    stats = {}
    for space, net, base, dims in (("pixel", params, np.mean(X_train, axis=0), pixels),
                                   ("feature", head, Z_train.mean(axis=0), feats)):
        st = slice_stats(net, base, dims, grid, label, space)
        mc = slice_stats_monte_carlo(net, base, dims, label, rng, mc_samples, space)
        out[space + "_dX"], out[space + "_dP"] = uncertainty.delta_x_delta_p(st)
        out[space + "_dX_mc"], out[space + "_dP_mc"] = uncertainty.delta_x_delta_p(mc)
        out[space + "_bound_holds"] = float(np.mean(st["sigma_x"] * st["sigma_p_hermitian"] >= 0.5))
        out[space + "_dP_paper"], out[space + "_paper_negative"] = uncertainty.delta_p_paper(st)
        stats[space] = st
    out["_stats"] = {"head": head, "feature_base": Z_train.mean(axis=0), **stats}
    return out


def train_history(rng: np.random.Generator, X_train, y_train, X_test, y_test, *, epochs: int, lr: float,
                  batch_size: int, dtype: str = "float64", snapshot_epochs=(), **measure
                  ) -> tuple[Params, dict, dict, dict[int, Params]]:
    """Train the MNIST CNN in floating type ``dtype`` for ``epochs`` epochs (Adam, ``lr``, ``batch_size``) and record
    :func:`epoch_measurements` (keyword arguments ``measure``) before training and after every epoch.

    Returns ``(params, history, last, snapshots)``: ``history`` maps each measured quantity and ``"epoch"``
    to an array of ``epochs + 1`` values (epoch 0 = the untrained network); ``last`` is the final
    epoch's ``"_stats"`` (grid slice statistics per space, the retrained head, the feature base point);
    ``snapshots`` maps each epoch of ``snapshot_epochs`` (each in ``0..epochs``) to a copy of the network
    after that epoch (Fig. 1C/D of the paper shows epochs 1, 21 and 41). Copies draw no random numbers,
    so the record does not depend on which epochs are kept.
    """
    rng = check_generator("rng", rng)
    epochs = check_int("epochs", epochs, low=1)
    keep = sorted({check_int("snapshot_epochs", e, low=0, high=epochs) for e in snapshot_epochs})
    params = init_params(rng, dtype=dtype)
    opt = make_optimizer(params, lr)
    rows, snapshots = [], {}
    for epoch in range(epochs + 1):
        if epoch:
            train_epoch(params, opt, X_train, y_train, rng, batch_size=batch_size)
        if epoch in keep:
            snapshots[epoch] = {name: value.detach().clone() for name, value in params.items()}
        rows.append(epoch_measurements(params, X_train, y_train, X_test, y_test, rng, **measure))
    last = rows[-1]["_stats"]
    history = {key: np.array([row[key] for row in rows]) for key in rows[0] if key != "_stats"}
    history["epoch"] = np.arange(epochs + 1)
    return params, history, last, snapshots


def estimate_seconds(p: dict) -> float:
    """Rough run time of Chapter 10 (float64, one thread, 2-core machine) for its parameters ``p``:
    per epoch one pass over the training images and, per measurement, PGD on ``n_attack`` images,
    grid and Monte Carlo slices over ``n_pixels`` pixels, the feature extraction and a head; then Fig. 1
    (:mod:`lib.class_map`): PGD and features of ``fig1_points`` images, a t-SNE map of twice as many
    points and the nearest-neighbour regions. Calibrated on the committed run (about 0.6 ms per image
    pass through the network, forward and backward, channels-last float64)."""
    per_image = 0.6e-3
    measure = per_image * (p["n_attack"] * p["pgd_steps"] + p["n_pixels"] * (p["slice_points"] + p["mc_samples"])
                           + 2 * (p["max_train"] + p["max_test"]) / 5) + 3e-4 * p["head_epochs"] * p["max_train"]
    fig1 = (per_image * p["fig1_points"] * (p["pgd_steps"] + 4) + 1e-2 * p["fig1_points"]
            + 1e-8 * p["fig1_points"] ** 2 * N_FEATURES)
    return float(5 + p["epochs"] * per_image * p["max_train"] + (p["epochs"] + 2) * measure + fig1)
