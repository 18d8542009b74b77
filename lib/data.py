"""Inputs of Chapters 7-9: message images drawn by code, shipped photographs and digits, MNIST files.

Nothing is downloaded. The five 50 x 50 binary messages (in the spirit of the main paper's
Fig. 7) are filled polygons and ellipses rasterised here; the two grayscale photographs
that play "Panda" (the message) and "Gibbon" (the unrelated image) of Fig. 8 are
scikit-learn's bundled sample images ``china.jpg`` and ``flower.jpg``, converted to
luminance, centre-cropped to a square, block-averaged to 50 x 50 and scaled to [0, 1].
Provenance and preprocessing are recorded in ``data/README.md``.

Examples
--------
>>> from lib import data
>>> img = data.message_image("cross")
>>> img.shape, img.dtype, sorted(set(img.ravel().tolist()))
((50, 50), dtype('uint8'), [0, 1])
"""

from __future__ import annotations

import gzip
from pathlib import Path as FilePath

import numpy as np
from matplotlib.path import Path

SIZE = 50
MESSAGES = ("dog", "laptop", "airplane", "cross", "fish")
PHOTOGRAPHS = {"panda": "china.jpg", "gibbon": "flower.jpg"}

# Shapes as (kind, parameters) in a 0..50 coordinate frame, x to the right and y downwards.
_SHAPES = {
    "cross": [("poly", [(20, 6), (30, 6), (30, 20), (44, 20), (44, 30), (30, 30), (30, 44), (20, 44), (20, 30),
                        (6, 30), (6, 20), (20, 20)])],
    "fish": [("ellipse", (22, 25, 15, 9)), ("poly", [(35, 25), (46, 14), (46, 36)]),
             ("hole", (14, 22, 2, 2))],
    "airplane": [("ellipse", (25, 25, 21, 3.5)), ("poly", [(22, 24), (30, 24), (20, 5), (16, 5)]),
                 ("poly", [(22, 26), (30, 26), (20, 45), (16, 45)]), ("poly", [(6, 24), (10, 24), (5, 15), (3, 15)]),
                 ("poly", [(6, 26), (10, 26), (5, 35), (3, 35)])],
    "laptop": [("poly", [(12, 8), (38, 8), (38, 28), (12, 28)]), ("holepoly", [(15, 11), (35, 11), (35, 25), (15, 25)]),
               ("poly", [(10, 30), (40, 30), (46, 40), (4, 40)])],
    "dog": [("ellipse", (24, 27, 13, 7)), ("ellipse", (38, 17, 6, 5.5)), ("poly", [(33, 13), (36, 6), (39, 13)]),
            ("poly", [(41, 16), (48, 19), (42, 21)]), ("poly", [(13, 30), (17, 30), (17, 44), (13, 44)]),
            ("poly", [(30, 30), (34, 30), (34, 44), (30, 44)]), ("poly", [(11, 24), (4, 14), (7, 12), (13, 22)])],
}


def message_image(name: str) -> np.ndarray:
    """A 50 x 50 binary (0/1, uint8) picture of ``name``, one of ``MESSAGES``."""
    if name not in _SHAPES:
        raise ValueError(f"name must be one of {MESSAGES}; got {name!r}")
    yy, xx = np.mgrid[0:SIZE, 0:SIZE] + 0.5  # pixel centres
    points = np.column_stack([xx.ravel(), yy.ravel()])
    img = np.zeros(SIZE * SIZE, dtype=bool)
    for kind, params in _SHAPES[name]:
        if kind in ("poly", "holepoly"):
            inside = Path(params).contains_points(points)
        else:
            cx, cy, rx, ry = params
            inside = ((points[:, 0] - cx) / rx) ** 2 + ((points[:, 1] - cy) / ry) ** 2 <= 1.0
        img = img & ~inside if kind.startswith("hole") else img | inside
    return img.reshape(SIZE, SIZE).astype(np.uint8)


def photograph(role: str) -> np.ndarray:
    """The 50 x 50 grayscale photograph playing ``role`` ("panda" or "gibbon"), values in [0, 1].

    Luminance ``0.299 R + 0.587 G + 0.114 B`` of scikit-learn's bundled sample image, centre
    crop to a square, block average down to 50 x 50, then min-max scaling to [0, 1].
    """
    if role not in PHOTOGRAPHS:
        raise ValueError(f"role must be one of {tuple(PHOTOGRAPHS)}; got {role!r}")
    from sklearn.datasets import load_sample_image  # only these chapters need scikit-learn

    rgb = load_sample_image(PHOTOGRAPHS[role]).astype(float)
    gray = rgb @ np.array([0.299, 0.587, 0.114])
    side = min(gray.shape)
    top, left = (gray.shape[0] - side) // 2, (gray.shape[1] - side) // 2
    block = side // SIZE
    square = gray[top: top + block * SIZE, left: left + block * SIZE]
    small = square.reshape(SIZE, block, SIZE, block).mean(axis=(1, 3))
    return (small - small.min()) / (small.max() - small.min())


def check_image(name: str, image, *, binary: bool = False) -> np.ndarray:
    """Validate a 50 x 50 image (or its flattened 2500-vector); return it as a flat float array."""
    arr = np.asarray(image)
    if arr.shape not in ((SIZE, SIZE), (SIZE * SIZE,)):
        raise ValueError(f"{name} must be a {SIZE} x {SIZE} image or a vector of length {SIZE * SIZE}; "
                         f"got shape {arr.shape}")
    flat = arr.astype(float).ravel()
    if not np.all(np.isfinite(flat)):
        raise ValueError(f"{name} must contain only finite values")
    if binary and not np.all((flat == 0) | (flat == 1)):
        raise ValueError(f"{name} must be binary (only 0 and 1)")
    return flat


def load_digits_dataset(rng: np.random.Generator, test_fraction: float = 0.3):
    """scikit-learn's bundled handwritten digits (8 x 8, 1797 images), scaled to [0, 1].

    Pixel values 0..16 are divided by 16. Returns ``(X_train, y_train, X_test, y_test)``
    after a seeded shuffle and split.
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    X, y = digits.data / 16.0, digits.target.astype(np.int64)
    return _split(rng, X, y, test_fraction)


def read_idx(path) -> np.ndarray:
    """Read an IDX file (the MNIST format), optionally gzip-compressed.

    The header is two zero bytes, a type code (0x08 unsigned byte, 0x09 signed byte,
    0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions, then one
    big-endian uint32 per dimension; the data follow in C order, big-endian.
    """
    path = FilePath(path)
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError(f"{path.name} is not an IDX file (bad magic number)")
    dtypes = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
    if raw[2] not in dtypes:
        raise ValueError(f"{path.name}: unknown IDX type code 0x{raw[2]:02X}")
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(raw, dtype=dtypes[raw[2]], offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{path.name}: header promises {int(np.prod(shape))} values, file holds {data.size}")
    return data.reshape(shape).astype(dtypes[raw[2]][1:])


def write_idx(path, array) -> None:
    """Write ``array`` as an (uncompressed) IDX file; used by the tests to make tiny MNIST files."""
    array = np.asarray(array)
    codes = {"uint8": 0x08, "int8": 0x09, "int16": 0x0B, "int32": 0x0C, "float32": 0x0D, "float64": 0x0E}
    if array.dtype.name not in codes:
        raise ValueError(f"array dtype must be one of {tuple(codes)}; got {array.dtype}")
    header = bytes([0, 0, codes[array.dtype.name], array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape)
    FilePath(path).write_bytes(header + array.astype(array.dtype.newbyteorder(">")).tobytes())


def load_mnist(directory, rng: np.random.Generator, *, max_train: int | None = None, max_test: int | None = None):
    """MNIST from the four standard IDX files in ``directory`` (``.gz`` or not), scaled to [0, 1].

    Looks for ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``
    and ``t10k-labels-idx1-ubyte``. Images are flattened to 784 values. ``max_train`` and
    ``max_test`` keep a seeded random subset. Returns ``(X_train, y_train, X_test, y_test)``.
    """
    directory = FilePath(directory)

    def find(stem: str) -> FilePath:
        for name in (stem, stem + ".gz"):
            if (directory / name).exists():
                return directory / name
        raise FileNotFoundError(f"{stem}[.gz] not found in {directory}; place the MNIST IDX files there")

    parts = []
    for images, labels, limit in (("train-images-idx3-ubyte", "train-labels-idx1-ubyte", max_train),
                                  ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", max_test)):
        pixels = read_idx(find(images))
        X = pixels.reshape(len(pixels), -1) / 255.0
        y = read_idx(find(labels)).astype(np.int64)
        if len(X) != len(y):
            raise ValueError(f"{images} holds {len(X)} images but {labels} holds {len(y)} labels")
        if limit is not None and limit < len(y):
            keep = np.sort(rng.choice(len(y), size=limit, replace=False))
            X, y = X[keep], y[keep]
        parts += [X, y]
    return tuple(parts)


def _split(rng: np.random.Generator, X: np.ndarray, y: np.ndarray, test_fraction: float):
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must lie in (0, 1); got {test_fraction}")
    order = rng.permutation(len(y))
    n_test = int(round(test_fraction * len(y)))
    test, train = order[:n_test], order[n_test:]
    return X[train], y[train], X[test], y[test]
