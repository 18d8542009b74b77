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


def check_real(name: str, value, *, low: float | None = None, high: float | None = None,
               open_low: bool = False, open_high: bool = False) -> float:
    """Return ``value`` as a finite ``float`` in the interval ``low .. high`` (ends optionally open)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number{_interval_text(low, high, open_low, open_high)}; "
                         f"got {value!r}")
    value = float(value)
    too_low = low is not None and (value <= low if open_low else value < low)
    too_high = high is not None and (value >= high if open_high else value > high)
    if too_low or too_high:
        raise ValueError(f"{name} must be a finite number{_interval_text(low, high, open_low, open_high)}; "
                         f"got {value}")
    return value


def check_counts(name: str, value, *, high: int | None = None, min_ndim: int = 0) -> np.ndarray:
    """Return ``value`` as an int64 array of whole non-negative counts (at most ``high``).

    Floats are accepted only when every entry is a whole number; booleans, strings and
    fractional values are refused instead of being truncated silently.
    """
    text = f"whole counts in [0, {high}]" if high is not None else "whole counts >= 0"
    arr = np.asarray(value)
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise ValueError(f"{name} must hold {text}; got {_short(value)} (dtype {arr.dtype})")
    if arr.ndim < min_ndim or (min_ndim and arr.size == 0):
        raise ValueError(f"{name} must be a non-empty array of {text} with at least {min_ndim} "
                         f"dimension(s); got shape {arr.shape}")
    if np.issubdtype(arr.dtype, np.floating):
        if not np.all(np.isfinite(arr)) or np.any(arr % 1 != 0):
            raise ValueError(f"{name} must hold {text}; got non-whole values such as "
                             f"{arr[~np.isfinite(arr) | (arr % 1 != 0)].flat[0]!r}")
        arr = arr.astype(np.int64)
    else:
        arr = arr.astype(np.int64)
    if np.any(arr < 0) or (high is not None and np.any(arr > high)):
        raise ValueError(f"{name} must hold {text}; got values outside it")
    return arr


def check_size(name: str, value) -> int | tuple[int, ...]:
    """Return an array size: an integer >= 1 or a tuple of integers >= 1."""
    if isinstance(value, tuple):
        if not value:
            raise ValueError(f"{name} must be an integer >= 1 or a non-empty tuple of them; got ()")
        return tuple(check_int(f"{name}[{i}]", v, low=1) for i, v in enumerate(value))
    return check_int(name, value, low=1)


def check_callable(name: str, value):
    """Insist on a callable (a function of an array of points)."""
    if not callable(value):
        raise ValueError(f"{name} must be a function of an array of points; got {type(value).__name__}")
    return value


def check_grid(name: str, value, *, min_points: int = 2, low: float | None = None,
               high: float | None = None, strictly_increasing: bool = False) -> np.ndarray:
    """Return a finite 1-D float array of at least ``min_points`` values in ``[low, high]``."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a 1-D array of numbers; got {_short(value)}") from None
    if arr.ndim != 1 or arr.size < min_points:
        raise ValueError(f"{name} must be a 1-D array of at least {min_points} numbers; got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers")
    if (low is not None and arr.min() < low) or (high is not None and arr.max() > high):
        raise ValueError(f"{name} must lie in [{low}, {high}]; got values in [{arr.min()}, {arr.max()}]")
    if strictly_increasing and np.any(np.diff(arr) <= 0):
        raise ValueError(f"{name} must be strictly increasing")
    return arr


def _interval_text(low, high, open_low: bool, open_high: bool) -> str:
    if low is None and high is None:
        return ""
    if high is None:
        return f" {'>' if open_low else '>='} {low:g}"
    if low is None:
        return f" {'<' if open_high else '<='} {high:g}"
    return f" in {'(' if open_low else '['}{low:g}, {high:g}{')' if open_high else ']'}"


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_fraction(name: str, value, *, open_low: bool = False, open_high: bool = False) -> np.ndarray:
    """:func:`check_probability` that also names the parameter for non-numeric input (``'a'``, None)."""
    try:
        np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        lo = "(" if open_low else "["
        hi = ")" if open_high else "]"
        raise ValueError(f"{name} must lie in {lo}0, 1{hi}; got {_short(value)}") from None
    return check_probability(name, value, open_low=open_low, open_high=open_high)
