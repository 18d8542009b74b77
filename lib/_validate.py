"""Input checks shared by the library.

Each check raises a :class:`ValueError` that names the offending parameter and
the accepted range, so a reader who passes a bad value sees what to change
instead of a traceback from deep inside NumPy.
"""

from __future__ import annotations

import numbers

import numpy as np


def check_int(name: str, value, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an ``int`` if it is an integer in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer{_range_text(low, high)}; got {value!r}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be an integer{_range_text(low, high)}; got {value}")
    return value


def check_probability(name: str, value, *, open_low: bool = False, open_high: bool = False) -> np.ndarray:
    """Return ``value`` as a float array whose entries lie in [0, 1] (ends optionally open)."""
    arr = np.asarray(value, dtype=float)
    lo = "(" if open_low else "["
    hi = ")" if open_high else "]"
    bad = ~np.isfinite(arr) | (arr < 0) | (arr > 1)
    if open_low:
        bad |= arr == 0
    if open_high:
        bad |= arr == 1
    if np.any(bad):
        first = arr[bad].flat[0] if arr.ndim else float(arr)
        raise ValueError(f"{name} must lie in {lo}0, 1{hi}; got {first!r}")
    return arr


def check_vector(name: str, value, *, dim: int | None = None, nonzero: bool = True) -> np.ndarray:
    """Return ``value`` as a finite 1-D float array (of length ``dim`` if given)."""
    arr = np.asarray(value, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D vector; got shape {arr.shape}")
    if dim is not None and arr.size != dim:
        raise ValueError(f"{name} must have length {dim}; got length {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers")
    if nonzero and not np.any(arr):
        raise ValueError(f"{name} must not be the zero vector")
    return arr


def check_generator(name: str, value) -> np.random.Generator:
    """Insist on a :class:`numpy.random.Generator` so that every draw is seeded by the caller."""
    if not isinstance(value, np.random.Generator):
        raise ValueError(
            f"{name} must be a numpy.random.Generator (e.g. numpy.random.default_rng(seed)); "
            f"got {type(value).__name__}"
        )
    return value


def _range_text(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f" in [{low}, {high}]"
    if low is not None:
        return f" >= {low}"
    if high is not None:
        return f" <= {high}"
    return ""


def check_positive(name: str, value) -> float:
    """Return ``value`` as a float if it is a finite real number ``> 0``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a finite number > 0; got {value!r}")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0; got {value}")
    return value


def check_choice(name: str, value, choices: tuple):
    """Return ``value`` if it is one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {choices}; got {value!r}")
    return value


# --- appended for chapters 6-8 (g-apps) ----------------------------------------------------
def check_float(name: str, value, *, low: float | None = None, high: float | None = None,
                open_low: bool = False, open_high: bool = False) -> float:
    """Return ``value`` as a finite ``float`` in the interval ``low .. high`` (ends optionally open)."""
    lo = "-inf" if low is None else f"{low:g}"
    hi = "inf" if high is None else f"{high:g}"
    text = f" in {'(' if open_low or low is None else '['}{lo}, {hi}{')' if open_high or high is None else ']'}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number{text}; got {value!r}")
    value = float(value)
    if low is not None and (value <= low if open_low else value < low):
        raise ValueError(f"{name} must be a number{text}; got {value}")
    if high is not None and (value >= high if open_high else value > high):
        raise ValueError(f"{name} must be a number{text}; got {value}")
    return value


def check_array(name: str, value, *, ndim: int | tuple[int, ...] | None = None, finite: bool = True,
                allow_nan: bool = False) -> np.ndarray:
    """Return ``value`` as a non-empty float array with ``ndim`` axes (one of them, if a tuple)."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers; got {type(value).__name__}") from None
    dims = (ndim,) if isinstance(ndim, int) else ndim
    if dims is not None and arr.ndim not in dims:
        raise ValueError(f"{name} must have {' or '.join(map(str, dims))} axes; got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {arr.shape}")
    if finite:
        bad = ~np.isfinite(arr) & ~(np.isnan(arr) if allow_nan else False)
        if np.any(bad):
            raise ValueError(f"{name} must contain only finite numbers{' (or nan)' if allow_nan else ''}")
    return arr
