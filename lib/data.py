"""Inputs of Chapters 7-8: binary message images drawn by code, and two shipped photographs.

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
