"""Tests of lib.data: message images, shipped photographs, the IDX reader and MNIST loader.
"""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from lib import data


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


# ---------------------------------------------------------------- shipped MNIST (Chapter 10)
import hashlib  # noqa: E402

from lib import paths  # noqa: E402


@pytest.mark.parametrize("name", sorted(data.MNIST_SHA256))
def test_shipped_mnist_raw_checksums(name):
    """The committed gzip files decompress to the original IDX files (SHA-256 from issue 13)."""
    raw = gzip.decompress((paths.DATA_DIR / "mnist" / (name + ".gz")).read_bytes())
    assert hashlib.sha256(raw).hexdigest() == data.MNIST_SHA256[name]


def test_shipped_mnist_loads_with_standard_shapes():
    Xtr, ytr, Xte, yte = data.load_mnist(max_train=100, max_test=50, rng=np.random.default_rng(0))
    assert Xtr.shape == (100, 784) and Xte.shape == (50, 784)
    assert 0.0 <= Xtr.min() and Xtr.max() <= 1.0 and set(np.unique(yte)) <= set(range(10))
    full = data.read_idx(paths.DATA_DIR / "mnist" / "t10k-labels.idx1-ubyte.gz")
    assert full.shape == (10_000,) and np.bincount(full).tolist()[:2] == [980, 1135]


def _copy_shipped(tmp_path):
    for name in data.MNIST_SHA256:
        (tmp_path / (name + ".gz")).write_bytes((paths.DATA_DIR / "mnist" / (name + ".gz")).read_bytes())


def test_corrupt_shipped_file_names_file_and_checksum(tmp_path):
    _copy_shipped(tmp_path)
    target = tmp_path / "t10k-labels.idx1-ubyte.gz"
    raw = bytearray(gzip.decompress(target.read_bytes()))
    raw[100] = (raw[100] + 1) % 10  # a flipped label: still a valid IDX file
    target.write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(ValueError, match="t10k-labels.idx1-ubyte.gz.*expected " + data.MNIST_SHA256["t10k-labels.idx1-ubyte"]):
        data.load_mnist(tmp_path)


def test_truncated_shipped_gzip_names_file_and_checksum(tmp_path):
    _copy_shipped(tmp_path)
    target = tmp_path / "t10k-labels.idx1-ubyte.gz"
    target.write_bytes(target.read_bytes()[:2000])
    with pytest.raises(ValueError, match="t10k-labels.idx1-ubyte.gz: truncated or corrupt gzip.*"
                                         + data.MNIST_SHA256["t10k-labels.idx1-ubyte"]):
        data.load_mnist(tmp_path)


def test_read_idx_missing_directory_and_truncated(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothere.idx does not exist"):
        data.read_idx(tmp_path / "nothere.idx")
    with pytest.raises(IsADirectoryError, match="is a directory"):
        data.read_idx(tmp_path)
    data.write_idx(tmp_path / "a.idx", np.arange(20, dtype=np.uint8).reshape(4, 5))
    full = (tmp_path / "a.idx").read_bytes()
    (tmp_path / "short.idx").write_bytes(full[:-3])
    with pytest.raises(ValueError, match="short.idx: header promises 20 values"):
        data.read_idx(tmp_path / "short.idx")
    (tmp_path / "short.idx.gz").write_bytes(gzip.compress(full)[:-6])
    with pytest.raises(ValueError, match="short.idx.gz: truncated or corrupt gzip"):
        data.read_idx(tmp_path / "short.idx.gz")
    (tmp_path / "head.idx").write_bytes(full[:6])
    with pytest.raises(ValueError, match="head.idx: truncated IDX header"):
        data.read_idx(tmp_path / "head.idx")


@pytest.mark.parametrize("kwargs,match", [
    ({"max_train": -1}, r"max_train must be an integer in \[1, 60000\]; got -1"),
    ({"max_train": 2.5}, r"max_train must be an integer in \[1, 60000\]; got 2.5"),
    ({"max_test": 0}, r"max_test must be an integer in \[1, 10000\]; got 0"),
    ({"max_test": "3"}, r"max_test must be an integer in \[1, 10000\]; got '3'"),
    ({"max_train": 5, "rng": None}, "rng must be"),
])
def test_load_mnist_bad_limits_name_parameter_and_range(kwargs, match):
    kwargs.setdefault("rng", np.random.default_rng(0))
    with pytest.raises(ValueError, match=match):
        data.load_mnist(**kwargs)


# ---------------------------------------------------------------- CIFAR-10 binary format (not shipped)
def _cifar_records(rng, n):
    labels = rng.integers(0, 10, n).astype(np.uint8)
    pixels = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
    return labels, pixels, np.column_stack([labels, pixels]).tobytes()


def test_cifar10_reader_on_tiny_generated_batches(tmp_path):
    rng = np.random.default_rng(3)
    labels, pixels, blob = _cifar_records(rng, 4)
    (tmp_path / "data_batch_1.bin").write_bytes(blob)
    _, _, blob2 = _cifar_records(rng, 3)
    (tmp_path / "data_batch_2.bin").write_bytes(blob2)
    test_labels, test_pixels, test_blob = _cifar_records(rng, 2)
    (tmp_path / "test_batch.bin").write_bytes(gzip.compress(test_blob))
    images, lab = data.read_cifar10_batch(tmp_path / "data_batch_1.bin")
    np.testing.assert_array_equal(lab, labels)
    # channel-major layout: the first 1024 bytes after the label are the red plane, row by row
    np.testing.assert_array_equal(images[1, 0].ravel(), pixels[1, :1024])
    np.testing.assert_array_equal(images[2, 2, 31], pixels[2, 3072 - 32:])
    Xtr, ytr, Xte, yte = data.load_cifar10(tmp_path)
    assert Xtr.shape == (7, 3, 32, 32) and Xte.shape == (2, 3, 32, 32) and Xtr.max() <= 1.0
    np.testing.assert_array_equal(yte, test_labels)
    Xs, ys, _, _ = data.load_cifar10(tmp_path, np.random.default_rng(0), max_train=5)
    assert Xs.shape == (5, 3, 32, 32)


def test_cifar10_errors_name_file_and_format(tmp_path):
    with pytest.raises(FileNotFoundError, match="place the files of cifar-10-binary.tar.gz there"):
        data.load_cifar10(tmp_path)
    (tmp_path / "data_batch_1.bin").write_bytes(b"\x01" * 3000)
    with pytest.raises(ValueError, match="data_batch_1.bin: 3000 bytes is not a whole number of CIFAR-10 records"):
        data.read_cifar10_batch(tmp_path / "data_batch_1.bin")
    with pytest.raises(ValueError, match=r"max_train must be an integer in \[1, 50000\]"):
        data.load_cifar10(tmp_path, np.random.default_rng(0), max_train=0)
