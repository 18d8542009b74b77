"""Zhang & Meng's Fig. 1: class regions of the trained network, PGD-shifted points, class 8 over epochs (Chapter 10).

The paper's caption: the test set's "high-dimensional feature space was reduced to two dimensions
using the t-SNE algorithm"; (A) shaded regions are "the class predictions obtained by the finally
trained network", points coloured by true label; (B) the test samples after PGD (eps = 0.1,
alpha = 0.1/4, four steps); (C) the region of digit 8 at epochs 1, 21 and 41, "more deeper the color
is, more confident the prediction"; (D) the same with the attacked points. The text reads the map as
"the shaded areas encapsulate most correctly labeled data points", "the shifted points do not
overlap with the regions defined by the trained network", and, for class 8, "the 'effective radius'
of the shaded area shrinks, causing the area to gradually coincide with the correctly labeled data
points" while the attacked points "deviate further from the shaded regions".

How we read it (the paper gives no construction of the shading):

* the *feature space* is the output of the network's feature extractor (conv1-conv3, 2304 values);
  clean and attacked test images are embedded *together* by t-SNE (:func:`embed`), since t-SNE
  cannot place new points in an existing map;
* a *region* of the map is where the network's predictions on the nearby embedded clean points
  agree: :func:`region_grid` averages a per-point value (one-hot predicted class, or the
  probability of class 8) over the ``k`` nearest embedded clean points of each grid cell.

Numbers are not read off the map: a t-SNE layout is an optimisation that small floating-point
differences (another BLAS kernel) can move, so the printed measurements (:func:`measurements`) use
the feature space itself -- a point "lies in" the region of the label most common among its ``k``
nearest clean test points (Euclidean distance on the features, computed without BLAS) -- and the
network's own predictions. The map illustrates them.

Examples
--------
>>> import numpy as np
>>> Z = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
>>> neighbour_labels(Z, np.array([1, 1, 2, 2]), np.array([[0.05, 0.0], [5.0, 5.1]]), k=2).tolist()
[1, 2]
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist
from threadpoolctl import threadpool_limits

from lib import cnn
from lib._validate import check_array, check_generator, check_int, check_positive


def neighbour_labels(Z_ref, labels, Z_query, *, k: int, exclude_self: bool = False, chunk: int = 500) -> np.ndarray:
    """For each row of ``Z_query``, the label most common among its ``k`` nearest rows of ``Z_ref``
    (ties: the smaller label). Distances are squared Euclidean by SciPy's ``cdist``
    (plain loops, so the same on every CPU), neighbours ordered by a stable sort (ties: lower index).
    With ``exclude_self`` the query set is ``Z_ref`` itself and each point's own row is skipped."""
    Z_ref = check_array("Z_ref", Z_ref, ndim=2)
    Z_query = check_array("Z_query", Z_query, ndim=2)
    labels = np.asarray(labels)
    if labels.shape != (len(Z_ref),) or not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0:
        raise ValueError(f"labels must be {len(Z_ref)} non-negative integers (one per row of Z_ref)")
    if Z_query.shape[1] != Z_ref.shape[1]:
        raise ValueError(f"Z_query must have {Z_ref.shape[1]} columns like Z_ref; got {Z_query.shape[1]}")
    if exclude_self and Z_query.shape != Z_ref.shape:
        raise ValueError("exclude_self needs Z_query to be Z_ref")
    k = check_int("k", k, low=1, high=len(Z_ref) - int(exclude_self))
    out = np.empty(len(Z_query), dtype=int)
    for start in range(0, len(Z_query), chunk):
        d = cdist(Z_query[start:start + chunk], Z_ref, "sqeuclidean")
        if exclude_self:
            d[np.arange(len(d)), np.arange(start, start + len(d))] = np.inf
        nearest = np.argsort(d, axis=1, kind="stable")[:, :k]
        out[start:start + len(d)] = [np.bincount(row).argmax() for row in labels[nearest]]
    return out


def embed(Z, rng: np.random.Generator, *, perplexity: float = 30.0, pca_dims: int = 50) -> np.ndarray:
    """Two-dimensional t-SNE map of the rows of ``Z`` (scikit-learn's ``TSNE``, Barnes-Hut, PCA start),
    after a PCA to ``pca_dims`` dimensions as is usual; the layout's random state is drawn from ``rng``.
    For figures only (see the module note on why no number is read off the map)."""
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE

    Z = check_array("Z", Z, ndim=2)
    rng = check_generator("rng", rng)
    perplexity = check_positive("perplexity", perplexity)
    if not perplexity < len(Z):
        raise ValueError(f"perplexity must be < the number of points ({len(Z)}); got {perplexity}")
    pca_dims = check_int("pca_dims", pca_dims, low=2)
    state = int(rng.integers(2**31 - 1))
    # One thread: the Barnes-Hut gradient is summed by OpenMP threads, and on a busy 2-core machine
    # extra threads cost several times the CPU time without shortening the run.
    with threadpool_limits(1):
        reduced = PCA(n_components=min(pca_dims, *Z.shape), random_state=state).fit_transform(Z)
        return TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=state).fit_transform(reduced)


def region_grid(E, values, *, k: int = 15, resolution: int = 150, margin: float = 0.05):
    """Shade a 2-D map: the mean of ``values`` (one row per point of ``E``, a vector or a matrix of
    per-class values) over the ``k`` nearest points of ``E`` at each cell centre of a
    ``resolution`` x ``resolution`` grid covering ``E`` plus ``margin`` of its span.
    Returns ``(extent, grid)`` with ``extent = (x0, x1, y0, y1)`` for ``imshow`` and ``grid`` of shape
    ``(resolution, resolution)`` or ``(resolution, resolution, n_values)``, rows from bottom (y0) to top."""
    E = check_array("E", E, ndim=2)
    if E.shape[1] != 2:
        raise ValueError(f"E must have 2 columns (a map); got {E.shape[1]}")
    values = check_array("values", values, ndim=(1, 2))
    if len(values) != len(E):
        raise ValueError(f"values must have one row per point of E ({len(E)}); got {len(values)}")
    k = check_int("k", k, low=1, high=len(E))
    resolution = check_int("resolution", resolution, low=2)
    if not (np.isfinite(margin) and margin >= 0):
        raise ValueError(f"margin must be a finite number >= 0; got {margin!r}")
    lo, hi = E.min(axis=0), E.max(axis=0)
    pad = margin * (hi - lo)
    lo, hi = lo - pad, hi + pad
    xs = np.linspace(lo[0], hi[0], resolution)
    ys = np.linspace(lo[1], hi[1], resolution)
    centres = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    _, idx = cKDTree(E).query(centres, k=k)
    idx = idx.reshape(len(centres), -1)
    grid = values[idx].mean(axis=1)
    return (lo[0], hi[0], lo[1], hi[1]), grid.reshape(resolution, resolution, *values.shape[1:])


def measurements(final: cnn.Params, snapshots: dict, X, y, *, eps: float, step: float, steps: int,
                 label: int = 8, k: int = 10, map_points: int | None = None) -> dict:
    """Fig. 1's statements as numbers, on test images ``X`` with labels ``y``; the map's quantities
    (the first four below and the arrays for the figure) on the first ``map_points`` of them (default all).

    * ``clean_error`` / ``attacked_error``: the final network's error on the images and after PGD
      (``eps``, ``step``, ``steps``; the paper's 0.1, 0.1/4, 4) against it (Fig. 1B "misclassification");
    * ``clean_in_region``: share of clean images whose feature-space region (:func:`neighbour_labels`,
      ``k`` nearest other clean images, their *predicted* classes) is their true label -- "the shaded
      areas encapsulate most correctly labeled data points" (Fig. 1A);
    * ``attacked_in_region``: the same for the attacked images' features against the clean images'
      regions -- "the shifted points do not overlap with the regions" (Fig. 1B);
    * per snapshot epoch ``e`` (Fig. 1C, D): ``region_size[e]``, the share of test images the epoch-``e``
      network assigns to ``label``; ``jaccard[e]``, the overlap of the images predicted ``label`` with the
      true-``label`` images, ``#(both) / #(either)`` ("the area ... coincide[s] with the correctly labeled data points");
      ``confidence[e]``, the mean probability of ``label`` on the true-``label`` images; ``attacked_kept[e]``,
      the share of true-``label`` images still predicted ``label`` after PGD against the epoch-``e`` network.

    Also returned for the figure: the final network's features (``Z_clean``, ``Z_attacked``) and
    predictions (``pred_clean``, ``pred_attacked``) of the mapped images, and per snapshot, for all of
    ``X``, the probability of ``label`` on the clean images (``p_label``) and the prediction on the
    true-``label`` images attacked at that epoch (``pred_attacked_at``, -1 for the other images, which
    are not attacked per epoch).
    """
    X = check_array("X", X, ndim=2)
    y = np.asarray(y)
    label = check_int("label", label, low=0, high=9)
    k = check_int("k", k, low=1)
    if len(y) != len(X):
        raise ValueError(f"y must have one label per row of X ({len(X)}); got {len(y)}")
    if not np.any(y == label):
        raise ValueError(f"y must contain the label {label}")
    n = check_int("map_points", len(X) if map_points is None else map_points, low=k + 1, high=len(X))
    attack = {"eps": eps, "step": step, "steps": steps}
    Xm, ym = X[:n], y[:n]
    Xa = cnn.pgd_attack(final, Xm, ym, **attack)
    pred_clean, pred_attacked = cnn.predict(final, Xm), cnn.predict(final, Xa)
    Z_clean, Z_attacked = cnn.features(final, Xm), cnn.features(final, Xa)
    out = {"clean_error": float(np.mean(pred_clean != ym)), "attacked_error": float(np.mean(pred_attacked != ym)),
           "clean_in_region": float(np.mean(neighbour_labels(Z_clean, pred_clean, Z_clean, k=k, exclude_self=True)
                                            == ym)),
           "attacked_in_region": float(np.mean(neighbour_labels(Z_clean, pred_clean, Z_attacked, k=k) == ym)),
           "Z_clean": Z_clean, "Z_attacked": Z_attacked, "pred_clean": pred_clean, "pred_attacked": pred_attacked,
           "region_size": {}, "jaccard": {}, "confidence": {}, "attacked_kept": {}, "p_label": {},
           "pred_attacked_at": {}}
    true = y == label
    for epoch, net in sorted(snapshots.items()):
        prob = cnn.probabilities(net, X)
        predicted = prob.argmax(axis=1) == label
        at = np.full(len(y), -1)                     # only the true-label images are attacked per epoch
        at[true] = cnn.predict(net, cnn.pgd_attack(net, X[true], y[true], **attack))
        out["region_size"][epoch] = float(np.mean(predicted))
        out["jaccard"][epoch] = float(np.sum(predicted & true) / np.sum(predicted | true))
        out["confidence"][epoch] = float(np.mean(prob[true, label]))
        out["attacked_kept"][epoch] = float(np.mean(at[true] == label))
        out["p_label"][epoch], out["pred_attacked_at"][epoch] = prob[:, label], at
    return out
