"""Tests of lib.data: message images, shipped photographs, the IDX reader and MNIST loader.
"""

from __future__ import annotations

import numpy as np
import pytest

from lib import adversarial as adv
from lib import convergence as cv
from lib import data
from lib import maxlikelihood as ml
from lib import reconciliation as rc


import gzip


@pytest.mark.parametrize("name", data.MESSAGES)
def test_message_images_are_binary_50x50_and_not_trivial(name):
    img = data.message_image(name)
    assert img.shape == (50, 50) and set(np.unique(img)) == {0, 1}
    assert 0.05 < img.mean() < 0.6  # a drawn object, not an empty or full frame


def test_message_images_are_distinct():
    images = [data.message_image(n).ravel() for n in data.MESSAGES]
    for i in range(len(images)):
        for j in range(i + 1, len(images)):
            assert np.mean(images[i] != images[j]) > 0.05


@pytest.mark.parametrize("role", ["panda", "gibbon"])
def test_photographs_are_grayscale_in_unit_range(role):
    img = data.photograph(role)
    assert img.shape == (50, 50) and img.min() == 0.0 and img.max() == 1.0
    assert img.std() > 0.1


def test_photographs_are_deterministic():
    np.testing.assert_array_equal(data.photograph("panda"), data.photograph("panda"))


@pytest.mark.parametrize("call,match", [
    (lambda: data.message_image("cat"), "name must be one of"),
    (lambda: data.photograph("koala"), "role must be one of"),
])
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("compress", [False, True])
def test_idx_round_trip_and_mnist_loader(tmp_path, compress):
    rng = np.random.default_rng(6)
    images = rng.integers(0, 256, (7, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 7).astype(np.uint8)
    names = {"train-images-idx3-ubyte": images, "train-labels-idx1-ubyte": labels,
             "t10k-images-idx3-ubyte": images[:3], "t10k-labels-idx1-ubyte": labels[:3]}
    for name, arr in names.items():
        data.write_idx(tmp_path / name, arr)
        if compress:
            (tmp_path / (name + ".gz")).write_bytes(gzip.compress((tmp_path / name).read_bytes()))
            (tmp_path / name).unlink()
    np.testing.assert_array_equal(data.read_idx(next(tmp_path.glob("train-images*"))), images)
    Xtr, ytr, Xte, yte = data.load_mnist(tmp_path, np.random.default_rng(0), max_train=5)
    assert Xtr.shape == (5, 784) and Xte.shape == (3, 784) and Xtr.max() <= 1.0
    np.testing.assert_array_equal(yte, labels[:3])


def test_idx_float_round_trip(tmp_path):
    arr = np.arange(12, dtype=np.float64).reshape(3, 4) / 7
    data.write_idx(tmp_path / "f.idx", arr)
    np.testing.assert_array_equal(data.read_idx(tmp_path / "f.idx"), arr)


def test_read_idx_rejects_other_files(tmp_path):
    (tmp_path / "x").write_bytes(b"PK\x03\x04rest")
    with pytest.raises(ValueError, match="not an IDX file"):
        data.read_idx(tmp_path / "x")


@pytest.mark.parametrize("call,match", [
    (lambda: data.load_mnist("/nonexistent-dir", np.random.default_rng(0)), None),
])
def test_loader_bad_input(call, match):
    if match is None:
        with pytest.raises(FileNotFoundError, match="place the MNIST IDX files there"):
            call()
    else:
        with pytest.raises(ValueError, match=match):
            call()
