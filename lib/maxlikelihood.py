"""The MaxLikelihood algorithm of Lai, Dong & Jin (Sec. 2.2, Algorithm 1), as a seeded random model.

Algorithm 1 trains a deep linear network on one vector ``w0`` of length ``k``: at each
layer it draws ``G* ~ N(0, 1)^(n x k)``, keeps the ``k`` rows ``v_i`` with the largest
``|v_i . w_{l-1}|`` -- the rows that maximise ``||G_l w_{l-1}||`` -- and sets
``w_l = G_l w_{l-1}``. The model is ``H = G_L ... G_1``.

Two samplers build models with the same distribution:

``"faithful"``
    Exactly Algorithm 1. The kept rows stay in their original row order (any fixed
    order gives the same statistics: the next layer's Gaussian columns are
    exchangeable, and a consistent permutation preserves every angle and norm).
    Nothing of size ``k x k`` is stored: each layer keeps the seed that regenerates
    ``G*`` and the ``k`` kept row indices, so a model costs ``O(L k)`` memory, and
    inputs are streamed through the layers in row blocks of ``G*``.
``"fast"``
    A Gaussian row splits as ``v = a w_hat + u`` with ``a = v . w_hat ~ N(0, 1)``
    independent of ``u ~ N(0, I - w_hat w_hat^T)``. Selection looks at ``|a|`` only,
    so ``G_l = a_sel w_hat^T + Z (I - w_hat w_hat^T)`` with ``a_sel`` the ``k``
    largest-``|a|`` of ``n`` normals (in row order) and ``Z ~ N(0, 1)^(k x k)``
    independent. Each layer costs ``O(n + k^2)`` draws instead of ``n k``.

Inputs are renormalised at every layer (the map is linear, so scaling commutes with
it) and their log-norms accumulated, so depth never overflows; :meth:`Model.forward`
multiplies the norms back in, :meth:`Model.forward_log` returns directions and
log-norms.

One entry point, :func:`sample`, draws a model and the outputs of test inputs with any of
three samplers and returns one result type, :class:`Sample`, whatever the sampler:

``"faithful"`` / ``"fast"``
    train a :class:`Model` (kept in ``Sample.model``, so it can be replayed on new inputs)
    and stream the inputs through it as each layer is drawn;
``"joint"``
    samples the outputs of the training vector and ``m`` known test vectors exactly in
    distribution at ``O(n + k m^2)`` per layer, without a model (``Sample.model`` is None).

Chapter 3 shows the three agree in distribution, which is why chapters choose the sampler
with a parameter.

Examples
--------
>>> import numpy as np
>>> from lib import maxlikelihood
>>> model = maxlikelihood.fit(np.array([1.0, 0.5]), n=10, L=3, rng=np.random.default_rng(0))
>>> np.allclose(model.forward(np.array([1.0, 0.5])), model.train_output)
True
>>> s = maxlikelihood.sample([1.0, 0.5], [[0.3, 1.0]], n=10, L=3, rng=np.random.default_rng(0), sampler="joint")
>>> s.units.shape, s.log_norms.shape, s.model is None
((1, 2), (1,), True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lib._validate import check_choice, check_generator, check_int, check_positive, check_vector

SAMPLERS = ("faithful", "fast", "joint")
#: Samplers that build a replayable :class:`Model`.
MODEL_SAMPLERS = ("faithful", "fast")
SELECTIONS = ("max", "random")
ROW_ORDERS = ("index", "magnitude")
#: Rows of ``G*`` drawn per block when streaming (bounds peak memory at ~8 MB for k = 2500).
_ROW_BLOCK_ENTRIES = 1 << 20


@dataclass(frozen=True)
class Model:
    """A trained MaxLikelihood network: what regenerates each layer, and the training run.

    Attributes
    ----------
    k, n, L : int
        Input length, rows drawn per layer, depth.
    sampler, selection : str
        ``"faithful"`` or ``"fast"``; ``"max"`` (Algorithm 1) or ``"random"`` (control:
        ``k`` rows chosen uniformly at random, i.e. no selection).
    layer_seeds : numpy.ndarray of uint64, shape (L,)
        Seed of each layer's generator.
    kept_rows : numpy.ndarray of int32, shape (L, k), or None
        Faithful sampler: the rows of ``G*`` kept at each layer, in row order.
    kept_projections : numpy.ndarray, shape (L, k), or None
        Fast sampler: the selected ``a`` values of each layer.
    train_units : numpy.ndarray, shape (L + 1, k)
        Direction of the training vector at every layer (row 0 is ``w0 / ||w0||``).
    train_log_norms : numpy.ndarray, shape (L + 1,)
        Natural log of ``||w_l||`` for ``l = 0 .. L``.
    """

    k: int
    n: int
    L: int
    sampler: str
    selection: str
    layer_seeds: np.ndarray
    kept_rows: np.ndarray | None
    kept_projections: np.ndarray | None
    train_units: np.ndarray
    train_log_norms: np.ndarray

    @property
    def train_output(self) -> np.ndarray:
        """The training sample's own output ``w_L`` (raw scale)."""
        return self.train_units[-1] * np.exp(self.train_log_norms[-1])

    def forward_log(self, X, *, trajectory: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Directions and natural-log norms of the outputs of each row of ``X``.

        Returns ``(units, log_norms)`` of shapes ``(N, k)`` and ``(N,)``; with
        ``trajectory=True`` every layer: ``(L + 1, N, k)`` and ``(L + 1, N)``.
        A single vector ``X`` of shape ``(k,)`` gives shapes without the ``N`` axis.
        """
        Y, single = _as_batch(X, self.k)
        log_norm = np.zeros(Y.shape[1])
        Y, log_norm = _renormalise(Y, log_norm)
        units, logs = [Y.T.copy()], [log_norm.copy()]
        for layer in range(self.L):
            Y = self._apply_layer(layer, Y)
            Y, log_norm = _renormalise(Y, log_norm)
            if trajectory:
                units.append(Y.T.copy())
                logs.append(log_norm.copy())
        if trajectory:
            U, Ln = np.stack(units), np.stack(logs)
            return (U[:, 0], Ln[:, 0]) if single else (U, Ln)
        return (Y.T[0], log_norm[0]) if single else (Y.T, log_norm)

    def forward(self, X) -> np.ndarray:
        """Layer-``L`` output of each row of ``X`` (shape ``(N, k)``, or ``(k,)``)."""
        units, log_norms = self.forward_log(X)
        if np.any(log_norms > 700):
            raise OverflowError("outputs exceed float64 range at this depth; use forward_log(X) instead")
        return units * np.exp(log_norms)[..., None] if np.ndim(log_norms) else units * np.exp(log_norms)

    def trajectories(self, X) -> np.ndarray:
        """Raw outputs of every layer, shape ``(L + 1, N, k)`` (row 0 is the input)."""
        units, log_norms = self.forward_log(X, trajectory=True)
        if np.any(log_norms > 700):
            raise OverflowError("outputs exceed float64 range at this depth; use forward_log(X, trajectory=True)")
        return units * np.exp(log_norms)[..., None]

    def scaled_trajectories(self, X, weight_scale: float) -> np.ndarray:
        """Raw outputs of every layer of the network with every ``G_l`` multiplied by
        ``weight_scale``, shape ``(L + 1, N, k)`` (row 0 is the input).

        Chapter 5's control of Eq. 28: the layers are replayed and multiplied, with no
        renormalisation and no formula for the norm, so the temporal component can be
        measured on these outputs directly.
        """
        weight_scale = check_positive("weight_scale", weight_scale)
        Y, single = _as_batch(X, self.k)
        out = [Y.T.copy()]
        for layer in range(self.L):
            Y = weight_scale * self._apply_layer(layer, Y)
            if not np.all(np.isfinite(Y)) or np.any(~Y.any(axis=0)):
                raise FloatingPointError(f"scaled outputs left float64 range at layer {layer + 1}; "
                                         "use a scale nearer 1 or fewer layers")
            out.append(Y.T.copy())
        traj = np.stack(out)
        return traj[:, 0] if single else traj

    def _apply_layer(self, layer: int, Y: np.ndarray) -> np.ndarray:
        gen = np.random.default_rng(int(self.layer_seeds[layer]))
        if self.sampler == "faithful":
            return _stream_rows(gen, self.n, self.k, Y, self.kept_rows[layer])
        w_hat = self.train_units[layer]
        # Replay the layer's stream as training consumed it (its a-values, then any random
        # choice of rows) so that Z is the same matrix on every call.
        _select(gen.standard_normal(self.n), self.k, self.selection, gen)
        Z = gen.standard_normal((self.k, self.k))
        along = w_hat @ Y
        return np.outer(self.kept_projections[layer], along) + Z @ (Y - np.outer(w_hat, along))


@dataclass(frozen=True)
class Sample:
    """What :func:`sample` returns, with the same fields for every sampler.

    Attributes
    ----------
    sampler : str
        ``"faithful"``, ``"fast"`` or ``"joint"``.
    train_units, train_log_norms : numpy.ndarray
        Direction and natural-log norm of the training vector: at layer ``L`` (shapes
        ``(k,)`` and ``()``), or at every layer with ``trajectory=True`` (``(L + 1, k)``
        and ``(L + 1,)``; row 0 is ``w0``).
    units, log_norms : numpy.ndarray
        Directions and log-norms of the test inputs: ``(N, k)`` and ``(N,)``, or with a
        leading layer axis of length ``L + 1`` with ``trajectory=True``. A single input
        vector of shape ``(k,)`` gives shapes without the ``N`` axis.
    model : Model or None
        The trained network (``"faithful"`` and ``"fast"``), replayable on new inputs;
        ``None`` for ``"joint"``, which samples outputs without one.
    """

    sampler: str
    train_units: np.ndarray
    train_log_norms: np.ndarray
    units: np.ndarray
    log_norms: np.ndarray
    model: Model | None


def sample(w0, X, n: int, L: int, rng: np.random.Generator, *, sampler: str = "faithful",
           selection: str = "max", row_order: str = "index", trajectory: bool = False) -> Sample:
    """Run Algorithm 1 on ``w0`` and push the rows of ``X`` through the layers (chapters 3-8).

    Parameters
    ----------
    w0 : array_like, shape (k,)
        Training vector (finite, non-zero).
    X : array_like, shape (N, k) or (k,)
        Test inputs (finite, non-zero rows).
    n, L : int
        Rows drawn per layer (``n >= k``; ``n = k`` is no selection) and depth (``L >= 1``).
    rng : numpy.random.Generator
    sampler : {"faithful", "fast", "joint"}
        Same distribution, different cost (chapter 3); see the module docstring.
    selection : {"max", "random"}
        ``"max"`` is Algorithm 1; ``"random"`` keeps ``k`` rows uniformly (control).
    row_order : {"index", "magnitude"}
        Order of the kept rows (no statistic depends on it; chapter 3).
    trajectory : bool
        Return every layer ``0 .. L`` instead of layer ``L`` only.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> s = sample(rng.standard_normal(4), rng.standard_normal((5, 4)), 20, 6, rng, trajectory=True)
    >>> s.train_units.shape, s.units.shape, s.log_norms.shape, s.model.L
    ((7, 4), (7, 5, 4), (7, 5), 6)
    """
    _check_choice("sampler", sampler, SAMPLERS)
    if sampler == "joint":
        _check_choice("row_order", row_order, ROW_ORDERS)
        res = _joint(w0, X, n, L, rng, selection=selection, row_order=row_order, trajectory=trajectory)
        return Sample(sampler, res["train_units"], np.asarray(res["train_log_norm"]), res["units"],
                      res["log_norms"], None)
    model, units, log_norms = _train(w0, X, n, L, rng, sampler, selection, row_order, trajectory)
    if trajectory:
        train_units, train_logs = model.train_units, model.train_log_norms
    else:
        train_units, train_logs = model.train_units[-1], np.asarray(model.train_log_norms[-1])
    return Sample(sampler, train_units, train_logs, units, log_norms, model)


def _check_choice(name: str, value, choices: tuple) -> None:
    check_choice(name, value, choices)


def fit(w0, n: int, L: int, rng: np.random.Generator, *, sampler: str = "faithful",
        selection: str = "max", row_order: str = "index") -> Model:
    """Run Algorithm 1 on the training vector ``w0`` and return the model.

    Parameters
    ----------
    w0 : array_like, shape (k,)
        Training vector (finite, non-zero).
    n : int
        Rows drawn per layer, ``n >= k`` (``n = k`` keeps every row: no selection).
    L : int
        Number of layers, ``L >= 1``.
    rng : numpy.random.Generator
        Source of the layer seeds.
    sampler : {"faithful", "fast"}
    selection : {"max", "random"}
        ``"max"`` keeps the rows with largest ``|v . w|``; ``"random"`` is the control.
    row_order : {"index", "magnitude"}
        Order of the kept rows in ``G_l``: as drawn (default) or by decreasing ``|v . w|``.
        Chapter 3 shows the choice does not change any statistic.

    Examples
    --------
    >>> m = fit([3.0, 4.0], n=50, L=5, rng=np.random.default_rng(1), sampler="fast")
    >>> m.train_units.shape, m.kept_rows is None
    ((6, 2), True)
    """
    return _train(w0, None, n, L, rng, sampler, selection, row_order, trajectory=False)[0]


def _train(w0, X, n, L, rng, sampler, selection, row_order, trajectory):
    w0 = check_vector("w0", w0)
    k = w0.size
    n = check_int("n", n, low=k)
    L = check_int("L", L, low=1)
    rng = check_generator("rng", rng)
    _check_choice("sampler", sampler, MODEL_SAMPLERS)
    _check_choice("selection", selection, SELECTIONS)
    _check_choice("row_order", row_order, ROW_ORDERS)
    Y, single = _as_batch(X, k) if X is not None else (np.empty((k, 0)), False)
    Y, log_norm = _renormalise(Y, np.zeros(Y.shape[1]))
    seeds = rng.integers(0, 2**63, size=L, dtype=np.uint64)
    units = np.empty((L + 1, k))
    logs = np.empty(L + 1)
    logs[0] = np.log(np.linalg.norm(w0))
    units[0] = w0 / np.linalg.norm(w0)
    kept = np.empty((L, k), dtype=np.int32) if sampler == "faithful" else None
    projections = np.empty((L, k)) if sampler == "fast" else None
    record_u, record_l = [Y.T.copy()], [log_norm.copy()]
    for layer in range(L):
        gen = np.random.default_rng(int(seeds[layer]))
        w_hat = units[layer]
        if sampler == "faithful":
            # One streamed pass gives every row's projection v_i . w_hat (and the inputs'), then selects.
            both = _stream_rows(gen, n, k, np.column_stack([w_hat, Y]), None)
            rows = _order(_select(both[:, 0], k, selection, gen), both[:, 0], row_order)
            kept[layer] = rows
            out, Y = both[rows, 0], both[rows, 1:]
        else:
            a = gen.standard_normal(n)
            rows = _order(_select(a, k, selection, gen), a, row_order)
            projections[layer] = out = a[rows]
            if Y.shape[1]:
                along = w_hat @ Y
                Y = np.outer(out, along) + gen.standard_normal((k, k)) @ (Y - np.outer(w_hat, along))
        norm = np.linalg.norm(out)
        units[layer + 1] = out / norm
        logs[layer + 1] = logs[layer] + np.log(norm)
        if Y.shape[1]:
            Y, log_norm = _renormalise(Y, log_norm)
            if trajectory:
                record_u.append(Y.T.copy())
                record_l.append(log_norm.copy())
    model = Model(k, n, L, sampler, selection, seeds, kept, projections, units, logs)
    if trajectory:
        U, Ln = np.stack(record_u), np.stack(record_l)
        return model, (U[:, 0] if single else U), (Ln[:, 0] if single else Ln)
    return model, (Y.T[0] if single else Y.T), (log_norm[0] if single else log_norm)


def _joint(w0, X, n: int, L: int, rng: np.random.Generator, *, selection: str = "max",
           row_order: str = "index", trajectory: bool = False) -> dict[str, np.ndarray]:
    """Exact joint sample of the outputs of ``w0`` and of the rows of ``X`` under a fresh model.

    Per layer, given the current training direction ``w_hat`` and inputs ``Y`` (k x m):
    ``G Y = a_sel (w_hat^T Y) + U Y``, where the rows of ``U Y`` are i.i.d.
    ``N(0, Y^T P Y)`` with ``P = I - w_hat w_hat^T``. Drawing them through a square
    root of that ``m x m`` covariance costs ``O(n + k m^2)`` per layer and never forms
    a ``k x k`` matrix.

    Returns
    -------
    dict with ``train_units`` (k,), ``train_log_norm``, ``units`` (m, k), ``log_norms`` (m,);
    with ``trajectory=True`` each carries a leading layer axis of length ``L + 1``.
    """
    w0 = check_vector("w0", w0)
    k = w0.size
    Y, single = _as_batch(X, k)
    n = check_int("n", n, low=k)
    L = check_int("L", L, low=1)
    rng = check_generator("rng", rng)
    _check_choice("selection", selection, SELECTIONS)
    w_hat = w0 / np.linalg.norm(w0)
    w_log = float(np.log(np.linalg.norm(w0)))
    Y, log_norm = _renormalise(Y, np.zeros(Y.shape[1]))
    record = {"train_units": [w_hat], "train_log_norm": [w_log], "units": [Y.T.copy()], "log_norms": [log_norm.copy()]}
    for _ in range(L):
        a = rng.standard_normal(n)
        a_sel = a[_order(_select(a, k, selection, rng), a, row_order)]
        along = w_hat @ Y
        residual = Y - np.outer(w_hat, along)
        eigval, eigvec = np.linalg.eigh(residual.T @ residual)
        root = eigvec * np.sqrt(np.clip(eigval, 0.0, None))
        Y = np.outer(a_sel, along) + rng.standard_normal((k, Y.shape[1])) @ root.T
        Y, log_norm = _renormalise(Y, log_norm)
        norm = np.linalg.norm(a_sel)
        w_hat, w_log = a_sel / norm, w_log + float(np.log(norm))
        if trajectory:
            for key, value in zip(record, (w_hat, w_log, Y.T.copy(), log_norm.copy())):
                record[key].append(value)
    if trajectory:
        out = {key: np.asarray(value) for key, value in record.items()}
        if single:
            out["units"], out["log_norms"] = out["units"][:, 0], out["log_norms"][:, 0]
        return out
    if single:
        return {"train_units": w_hat, "train_log_norm": w_log, "units": Y.T[0], "log_norms": log_norm[0]}
    return {"train_units": w_hat, "train_log_norm": w_log, "units": Y.T, "log_norms": log_norm}


def sampler_statistics(sampler: str, k: int, n: int, L: int, models: int, rng: np.random.Generator, *,
                       row_order: str = "index", selection: str = "max") -> dict[str, np.ndarray]:
    """Statistics of ``models`` independent models, one Gaussian training and test vector each.

    ``sampler`` is ``"faithful"``, ``"fast"`` or ``"joint"``. Returns arrays of length
    ``models``: ``cos`` (test output . training output, unit vectors), ``train_log_norm``,
    ``test_log_norm`` (log of the output norm over the input norm) and ``loss`` (Eq. 22).
    Chapter 3 compares samplers on these with two-sample Kolmogorov-Smirnov tests.
    """
    rng = check_generator("rng", rng)
    models = check_int("models", models, low=1)
    out = {key: np.empty(models) for key in ("cos", "train_log_norm", "test_log_norm", "loss")}
    for i in range(models):
        w0, x = rng.standard_normal(k), rng.standard_normal(k)
        res = sample(w0, x, n, L, rng, sampler=sampler, selection=selection,
                     row_order=row_order if sampler != "joint" else "index")
        train_unit, train_log, unit, log = res.train_units, float(res.train_log_norms), res.units, res.log_norms
        cos = float(np.clip(unit @ train_unit, -1.0, 1.0))
        out["cos"][i] = cos
        out["train_log_norm"][i] = train_log - np.log(np.linalg.norm(w0))
        out["test_log_norm"][i] = log - np.log(np.linalg.norm(x))
        out["loss"][i] = 1.0 - np.arccos(cos) / np.pi
    return out


def sampler_ks_tests(k: int, n: int, L: int, models: int, rng: np.random.Generator,
                     stats_names=("cos", "train_log_norm", "test_log_norm")) -> dict:
    """Chapter 3's check that the samplers agree in distribution: :func:`sampler_statistics` of
    ``"faithful"``, then ``"fast"``, ``"joint"``, faithful with ``row_order="magnitude"`` and the
    random-row control, and two-sample Kolmogorov-Smirnov p-values of each against faithful.

    Returns a dict with ``faithful`` and ``others`` (statistics), ``pvalues`` (name -> list of
    p-values, one per statistic) and ``control_min_pvalue`` (random rows vs faithful: smallest).
    """
    from scipy import stats

    faithful = sampler_statistics("faithful", k, n, L, models, rng)
    others = {"fast": sampler_statistics("fast", k, n, L, models, rng),
              "joint": sampler_statistics("joint", k, n, L, models, rng),
              "magnitude order": sampler_statistics("faithful", k, n, L, models, rng, row_order="magnitude")}
    control = sampler_statistics("faithful", k, n, L, models, rng, selection="random")
    pvalues = {name: [stats.ks_2samp(faithful[s], other[s]).pvalue for s in stats_names]
               for name, other in others.items()}
    control_min = min(stats.ks_2samp(faithful[s], control[s]).pvalue for s in stats_names)
    return {"faithful": faithful, "others": others, "pvalues": pvalues, "control_min_pvalue": control_min}


def layer_demo(w0, n: int, rng: np.random.Generator) -> dict:
    """Chapter 3's worked example of one layer of Algorithm 1 (Sec. 2.2): train one faithful layer
    on ``w0``, regenerate its ``G*`` from the layer seed, and check the dropout step by brute force.

    Returns a dict with ``rows`` (``G*``, shape (n, k)), ``scores`` (``|v_i . w0|``), ``kept``
    (kept row indices), ``output_norm`` (``||G_1 w0||``), ``best_norm`` (largest ``||G w0||`` over
    every choice of ``k`` of the ``n`` rows) and ``subsets`` (how many choices there are).
    One draw from ``rng`` (the layer seed), as :func:`fit` with ``L = 1``.
    """
    import itertools

    w0 = check_vector("w0", w0)
    n = check_int("n", n, low=w0.size, high=20)
    model = fit(w0, n, 1, rng)
    rows = np.random.default_rng(int(model.layer_seeds[0])).standard_normal((n, w0.size))
    subsets = list(itertools.combinations(range(n), w0.size))
    best = max(np.linalg.norm(rows[list(r)] @ w0) for r in subsets)
    return {"rows": rows, "scores": np.abs(rows @ w0), "kept": model.kept_rows[0],
            "output_norm": float(np.linalg.norm(model.train_output)), "best_norm": float(best),
            "subsets": len(subsets)}


def _select(scores: np.ndarray, k: int, selection: str, gen: np.random.Generator) -> np.ndarray:
    """Indices of the kept rows, in increasing row order."""
    if selection == "random":
        rows = gen.choice(scores.size, size=k, replace=False)
    elif k == scores.size:
        return np.arange(k)
    else:
        rows = np.argpartition(-np.abs(scores), k - 1)[:k]
    return np.sort(rows).astype(np.int32)


def _order(rows: np.ndarray, scores: np.ndarray, row_order: str) -> np.ndarray:
    if row_order == "magnitude":
        return rows[np.argsort(-np.abs(scores[rows]), kind="stable")]
    return rows


def _stream_rows(gen: np.random.Generator, n: int, k: int, Y: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
    """``G* @ Y`` for the layer's ``G*`` drawn in row blocks, restricted to ``rows`` if given."""
    block = max(1, _ROW_BLOCK_ENTRIES // k)
    out = np.empty((n, Y.shape[1]))
    for start in range(0, n, block):
        stop = min(n, start + block)
        out[start:stop] = gen.standard_normal((stop - start, k)) @ Y
    return out if rows is None else out[rows]


def _renormalise(Y: np.ndarray, log_norm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    norms = np.linalg.norm(Y, axis=0)
    if np.any(norms == 0) or not np.all(np.isfinite(norms)):
        raise FloatingPointError("an input vector became zero or non-finite while propagating")
    return Y / norms, log_norm + np.log(norms)


def _as_batch(X, k: int) -> tuple[np.ndarray, bool]:
    """Inputs as a (k, N) array of columns, and whether a single vector was given."""
    X = np.asarray(X, dtype=float)
    single = X.ndim == 1
    if single:
        X = X[None, :]
    if X.ndim != 2 or X.shape[1] != k or X.shape[0] == 0:
        raise ValueError(f"X must have shape (N, {k}) or ({k},); got {np.shape(X)}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must contain only finite numbers")
    if np.any(~X.any(axis=1)):
        raise ValueError("X must not contain zero vectors (their direction is undefined)")
    return X.T.copy(), single

