"""Inputs of Chapters 7-10: message images drawn by code, shipped photographs and digits, MNIST (shipped) and CIFAR-10 files.

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
import hashlib
import zlib
from pathlib import Path as FilePath

import numpy as np
from matplotlib.path import Path

from lib import paths
from lib._validate import check_generator, check_int

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


#: SHA-256 of the four raw (uncompressed) MNIST IDX files shipped in ``data/mnist/`` (gzip-compressed).
MNIST_SHA256 = {
    "train-images.idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels.idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images.idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels.idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
MNIST_SIZES = {"train": 60_000, "test": 10_000}
CIFAR10_SIZES = {"train": 50_000, "test": 10_000}
_CIFAR10_RECORD = 1 + 3 * 32 * 32


def _read_file(path, expected_sha256: str | None = None) -> bytes:
    """Bytes of ``path``, gunzipped if it starts with the gzip magic; checked against ``expected_sha256``."""
    path = FilePath(path)
    hint = f" (expected raw SHA-256 {expected_sha256})" if expected_sha256 else ""
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a directory; expected a data file{hint}")
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist; expected a data file{hint}")
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            raise ValueError(f"{path}: truncated or corrupt gzip file ({exc}){hint}") from None
    if expected_sha256 is not None:
        got = hashlib.sha256(raw).hexdigest()
        if got != expected_sha256:
            raise ValueError(f"{path}: corrupt or wrong file: raw SHA-256 {got}, expected {expected_sha256} "
                             f"(see data/README.md)")
    return raw


def read_idx(path, expected_sha256: str | None = None) -> np.ndarray:
    """Read an IDX file (the MNIST format), optionally gzip-compressed.

    The header is two zero bytes, a type code (0x08 unsigned byte, 0x09 signed byte,
    0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions, then one
    big-endian uint32 per dimension; the data follow in C order, big-endian. With
    ``expected_sha256`` the uncompressed bytes must have that SHA-256. A missing file, a
    directory, a truncated gzip stream or a short file raise an error naming the file.
    """
    path = FilePath(path)
    raw = _read_file(path, expected_sha256)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError(f"{path.name} is not an IDX file (bad magic number)")
    dtypes = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
    if raw[2] not in dtypes:
        raise ValueError(f"{path.name}: unknown IDX type code 0x{raw[2]:02X}")
    ndim = raw[3]
    if len(raw) < 4 + 4 * ndim:
        raise ValueError(f"{path.name}: truncated IDX header ({len(raw)} bytes for {ndim} dimensions)")
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    itemsize = np.dtype(dtypes[raw[2]]).itemsize
    body = len(raw) - 4 - 4 * ndim
    if body != int(np.prod(shape)) * itemsize:
        raise ValueError(f"{path.name}: header promises {int(np.prod(shape))} values, file holds "
                         f"{body / itemsize:g} (truncated or corrupt)")
    data = np.frombuffer(raw, dtype=dtypes[raw[2]], offset=4 + 4 * ndim)
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


def _check_limit(name: str, value, high: int) -> int | None:
    if value is None:
        return None
    return check_int(name, value, low=1, high=high)


def _subset(rng, X, y, limit):
    if limit is not None and limit < len(y):
        keep = np.sort(rng.choice(len(y), size=limit, replace=False))
        X, y = X[keep], y[keep]
    return X, y


def load_mnist(directory=None, rng: np.random.Generator | None = None, *, max_train: int | None = None,
               max_test: int | None = None):
    """MNIST from the four IDX files in ``directory`` (default ``data/mnist``), scaled to [0, 1].

    Looks for ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``
    and ``t10k-labels-idx1-ubyte`` (also spelled ``train-images.idx3-ubyte`` etc., as in the
    shipped copy), each ``.gz`` or not. Files under the shipped (dotted) names are checked
    against :data:`MNIST_SHA256`; a reader's own files under the standard names are not.
    Images are flattened to 784 values. ``max_train`` (1..60000) and ``max_test`` (1..10000)
    keep a seeded random subset (``rng`` required then).
    Returns ``(X_train, y_train, X_test, y_test)``.
    """
    max_train = _check_limit("max_train", max_train, MNIST_SIZES["train"])
    max_test = _check_limit("max_test", max_test, MNIST_SIZES["test"])
    if (max_train is not None or max_test is not None):
        rng = check_generator("rng", rng)
    directory = FilePath(paths.DATA_DIR / "mnist" if directory in (None, "") else directory)

    def find(prefix: str, kind: str) -> tuple[FilePath, str | None]:
        for stem in (f"{prefix}-{kind}", f"{prefix}.{kind}"):
            for name in (stem, stem + ".gz"):
                if (directory / name).exists():  # only the shipped spelling is checksummed
                    return directory / name, MNIST_SHA256.get(stem)
        raise FileNotFoundError(f"{prefix}-{kind}[.gz] not found in {directory}; place the MNIST IDX files there")

    parts = []
    for split, limit in (("train", max_train), ("t10k", max_test)):
        (img_path, img_sum), (lab_path, lab_sum) = find(f"{split}-images", "idx3-ubyte"), find(f"{split}-labels", "idx1-ubyte")
        pixels = read_idx(img_path, img_sum)
        y = read_idx(lab_path, lab_sum).astype(np.int64)
        if len(pixels) != len(y):
            raise ValueError(f"{img_path.name} holds {len(pixels)} images but {lab_path.name} holds {len(y)} labels")
        X, y = _subset(rng, pixels.reshape(len(pixels), -1), y, limit)  # subset first, then scale
        parts += [X / 255.0, y]
    return tuple(parts)


def read_cifar10_batch(path) -> tuple[np.ndarray, np.ndarray]:
    """One CIFAR-10 binary batch file (``data_batch_N.bin``/``test_batch.bin``, optionally gzipped).

    Each record is 1 label byte (0-9) then 3072 pixel bytes (1024 red, 1024 green, 1024 blue,
    rows of 32). Returns ``(images, labels)`` with images as uint8 of shape ``(n, 3, 32, 32)``.
    """
    path = FilePath(path)
    raw = _read_file(path)
    if len(raw) == 0 or len(raw) % _CIFAR10_RECORD:
        raise ValueError(f"{path.name}: {len(raw)} bytes is not a whole number of CIFAR-10 records "
                         f"({_CIFAR10_RECORD} bytes each); truncated or not a CIFAR-10 binary batch")
    records = np.frombuffer(raw, dtype=np.uint8).reshape(-1, _CIFAR10_RECORD)
    labels = records[:, 0].astype(np.int64)
    if labels.max() > 9:
        raise ValueError(f"{path.name}: label byte {labels.max()} outside 0..9; not a CIFAR-10 binary batch")
    return records[:, 1:].reshape(-1, 3, 32, 32).copy(), labels


def load_cifar10(directory=None, rng: np.random.Generator | None = None, *, max_train: int | None = None,
                 max_test: int | None = None):
    """CIFAR-10 from its binary version (``data_batch_1.bin`` .. ``data_batch_5.bin``, ``test_batch.bin``).

    The book does not ship CIFAR-10 (no installable package carries it here; see data/README.md);
    a reader places the files of ``cifar-10-binary.tar.gz`` in ``directory`` (default
    ``data/cifar10``). Pixels are scaled to [0, 1], shape ``(n, 3, 32, 32)``. ``max_train``
    (1..50000) and ``max_test`` (1..10000) keep a seeded random subset.
    Returns ``(X_train, y_train, X_test, y_test)``.
    """
    max_train = _check_limit("max_train", max_train, CIFAR10_SIZES["train"])
    max_test = _check_limit("max_test", max_test, CIFAR10_SIZES["test"])
    if (max_train is not None or max_test is not None):
        rng = check_generator("rng", rng)
    directory = FilePath(paths.DATA_DIR / "cifar10" if directory in (None, "") else directory)
    train_files = sorted(directory.glob("data_batch_*.bin*"))
    test_file = next(iter(sorted(directory.glob("test_batch.bin*"))), None)
    if not train_files or test_file is None:
        raise FileNotFoundError(f"CIFAR-10 binary batches (data_batch_1.bin .. data_batch_5.bin, test_batch.bin) "
                                f"not found in {directory}; place the files of cifar-10-binary.tar.gz there")
    train = [read_cifar10_batch(f) for f in train_files]
    X_train, y_train = np.concatenate([t[0] for t in train]) / 255.0, np.concatenate([t[1] for t in train])
    X_test, y_test = read_cifar10_batch(test_file)
    return (*_subset(rng, X_train, y_train, max_train), *_subset(rng, X_test / 255.0, y_test, max_test))


def _split(rng: np.random.Generator, X: np.ndarray, y: np.ndarray, test_fraction: float):
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must lie in (0, 1); got {test_fraction}")
    order = rng.permutation(len(y))
    n_test = int(round(test_fraction * len(y)))
    test, train = order[:n_test], order[n_test:]
    return X[train], y[train], X[test], y[test]
