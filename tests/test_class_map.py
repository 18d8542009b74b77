"""Tests of lib.class_map: Fig. 1 of Zhang & Meng (regions, attacked points, class 8 over epochs)."""

from __future__ import annotations

import numpy as np
import pytest

from lib import class_map, cnn


def test_neighbour_labels_majority_and_self_exclusion():
    Z = np.array([[0.0], [0.1], [0.2], [5.0], [5.1]])
    labels = np.array([1, 1, 2, 2, 2])
    assert class_map.neighbour_labels(Z, labels, np.array([[0.05], [4.9]]), k=3).tolist() == [1, 2]
    # Without itself, point 2 (label 2) sits among the two 1s: its region is 1.
    assert class_map.neighbour_labels(Z, labels, Z, k=2, exclude_self=True).tolist() == [1, 1, 1, 2, 2]
    # A tie between labels goes to the smaller label.
    assert class_map.neighbour_labels(Z, labels, np.array([[0.15]]), k=2).tolist() == [1]
    assert class_map.neighbour_labels(Z, np.array([3, 3, 1, 1, 1]), np.array([[0.15]]), k=4).tolist() == [1]


def test_neighbour_labels_chunks_agree_with_one_pass():
    rng = np.random.default_rng(0)
    Z, labels = rng.normal(size=(60, 5)), rng.integers(0, 4, 60)
    one = class_map.neighbour_labels(Z, labels, Z, k=5, exclude_self=True, chunk=1000)
    assert np.array_equal(one, class_map.neighbour_labels(Z, labels, Z, k=5, exclude_self=True, chunk=7))


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"k": 0}, "k must be an integer in"), ({"k": 6}, "k must be an integer in"),
    ({"labels": np.array([0, 1])}, "labels must be 5 non-negative integers"),
    ({"Z_query": np.zeros((1, 3))}, "Z_query must have 1 columns"),
])
def test_neighbour_labels_rejects_bad_input(kwargs, match):
    args = {"Z_ref": np.arange(5.0)[:, None], "labels": np.arange(5), "Z_query": np.zeros((1, 1)), "k": 2, **kwargs}
    with pytest.raises(ValueError, match=match):
        class_map.neighbour_labels(args.pop("Z_ref"), args.pop("labels"), args.pop("Z_query"), **args)


def test_region_grid_takes_the_value_of_the_nearby_cluster():
    E = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 10.0], [10.0, 11.0]])
    extent, grid = class_map.region_grid(E, np.array([0.0, 0.0, 1.0, 1.0]), k=2, resolution=11, margin=0.0)
    assert extent == (0.0, 10.0, 0.0, 11.0) and grid.shape == (11, 11)
    assert grid[0, 0] == 0.0 and grid[-1, -1] == 1.0        # rows run from y0 (bottom) to y1 (top)
    _, votes = class_map.region_grid(E, np.eye(2)[[0, 0, 1, 1]], k=2, resolution=5)
    assert votes.shape == (5, 5, 2) and np.allclose(votes.sum(axis=-1), 1)
    with pytest.raises(ValueError, match="E must have 2 columns"):
        class_map.region_grid(np.zeros((4, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="values must have one row per point of E"):
        class_map.region_grid(E, np.zeros(3))


def test_embed_is_seeded_and_two_dimensional():
    rng = np.random.default_rng(1)
    Z = np.vstack([rng.normal(0, 1, (15, 8)), rng.normal(6, 1, (15, 8))])
    E1 = class_map.embed(Z, np.random.default_rng(5), perplexity=5)
    E2 = class_map.embed(Z, np.random.default_rng(5), perplexity=5)
    assert E1.shape == (30, 2) and np.array_equal(E1, E2)
    # The two clusters stay apart in the map: every point's nearest neighbour is in its own cluster.
    d = np.linalg.norm(E1[:, None] - E1[None], axis=-1) + np.eye(30) * 1e9
    assert np.all((d.argmin(axis=1) < 15) == (np.arange(30) < 15))
    with pytest.raises(ValueError, match="perplexity must be < the number of points"):
        class_map.embed(Z[:5], np.random.default_rng(0), perplexity=5)


def test_measurements_on_a_small_network():
    rng = np.random.default_rng(2)
    X = rng.uniform(0, 1, (40, 784))
    y = np.arange(40) % 10
    net = cnn.init_params(rng)
    opt = cnn.make_optimizer(net, 1e-2)
    first = {k: v.detach().clone() for k, v in net.items()}
    for _ in range(3):
        cnn.train_epoch(net, opt, X, y, rng, batch_size=10)
    m = class_map.measurements(net, {1: first, 3: net}, X, y, eps=0.1, step=0.025, steps=2, label=8, k=3)
    assert m["clean_error"] == pytest.approx(1 - cnn.accuracy(net, X, y))
    for key in ("clean_error", "attacked_error", "clean_in_region", "attacked_in_region"):
        assert 0.0 <= m[key] <= 1.0, key
    assert sorted(m["jaccard"]) == [1, 3] and m["Z_clean"].shape == (40, 2304)
    # The epoch-3 snapshot is the final network: its label share is the final network's.
    pred = cnn.predict(net, X)
    assert m["region_size"][3] == pytest.approx(np.mean(pred == 8))
    true8, pred8 = y == 8, pred == 8
    assert m["jaccard"][3] == pytest.approx(np.sum(true8 & pred8) / np.sum(true8 | pred8))
    assert np.all(m["pred_attacked_at"][3][~true8] == -1)
    with pytest.raises(ValueError, match="y must contain the label 8"):
        class_map.measurements(net, {}, X[:8], y[:8], eps=0.1, step=0.025, steps=1)
