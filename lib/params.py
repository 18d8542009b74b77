"""Checks on a chapter's parameters, run in the cell right after the ``parameters`` cell.

Papermill injects ``-p name value`` as plain assignments and only *warns* about a name the
notebook does not declare, so a typo (``-p sead 5``) would run silently with the default
seed, and a wrong type (``-p seed abc``) or an impossible value (``-p k 1``) would fail
seconds later deep inside NumPy. Every chapter therefore calls :func:`check` first::

    from lib import params
    params.check(globals(), {
        "seed": params.Int(low=0),
        "k": params.Int(low=2),
        "n": params.Int(low=2),
        "theta0": params.Float(low=0.0, high=1.0, open_low=True),
        "sampler": params.Choice(("faithful", "fast", "joint")),
        "alphas": params.Seq(params.Float(low=0.0, open_low=True), min_len=1, contains=(100,)),
        "allow_long": params.Bool(),
    }, constraints=[("n >= k", lambda p: p["n"] >= p["k"])],
       cost_seconds=lambda p: 1e-6 * p["n"] * p["k"], max_seconds=900)

:func:`check` raises :class:`ParameterError` naming the parameter and what it accepts for

* a name in the namespace that the spec does not declare (an unknown ``-p`` name),
* a declared name that is missing,
* a value of the wrong type or outside its range,
* a broken cross-parameter constraint,
* a run whose estimated cost exceeds ``max_seconds`` unless ``allow_long`` is true.

Examples
--------
>>> ns = {"seed": 0, "k": 1}
>>> check(ns, {"seed": Int(low=0), "k": Int(low=2)})
Traceback (most recent call last):
...
lib.params.ParameterError: parameter 'k' must be an integer >= 2; got 1
>>> check({"seed": 0, "sead": 5}, {"seed": Int(low=0)})
Traceback (most recent call last):
...
lib.params.ParameterError: unknown parameter 'sead'; this chapter's parameters are: seed
"""

from __future__ import annotations

import math
import numbers
import re
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

#: Names that IPython puts into a kernel's namespace; never parameters.
_KERNEL_NAMES = frozenset({"In", "Out", "get_ipython", "exit", "quit", "open"})


class ParameterError(ValueError):
    """A chapter parameter is unknown, missing, of the wrong type or out of range."""


@dataclass(frozen=True)
class Int:
    """An integer (``bool`` excluded) in ``[low, high]``."""

    low: int | None = None
    high: int | None = None

    def validate(self, name: str, value):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise ParameterError(f"parameter {name!r} must be an integer{_range(self.low, self.high)}; "
                                 f"got {value!r} ({type(value).__name__})")
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            raise ParameterError(f"parameter {name!r} must be an integer{_range(self.low, self.high)}; got {value}")
        return int(value)

    def describe(self) -> str:
        return f"integer{_range(self.low, self.high)}"


@dataclass(frozen=True)
class Float:
    """A finite real number (integers accepted) in ``[low, high]``, ends optionally open."""

    low: float | None = None
    high: float | None = None
    open_low: bool = False
    open_high: bool = False

    def validate(self, name: str, value):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise ParameterError(f"parameter {name!r} must be a finite number{self._text()}; "
                                 f"got {value!r} ({type(value).__name__})")
        too_low = self.low is not None and (value <= self.low if self.open_low else value < self.low)
        too_high = self.high is not None and (value >= self.high if self.open_high else value > self.high)
        if too_low or too_high:
            raise ParameterError(f"parameter {name!r} must be a number{self._text()}; got {value}")
        return float(value)

    def _text(self) -> str:
        if self.low is None and self.high is None:
            return ""
        lo = "-inf" if self.low is None else f"{self.low:g}"
        hi = "inf" if self.high is None else f"{self.high:g}"
        left = "(" if self.open_low or self.low is None else "["
        right = ")" if self.open_high or self.high is None else "]"
        return f" in {left}{lo}, {hi}{right}"

    def describe(self) -> str:
        return f"number{self._text()}"


@dataclass(frozen=True)
class Bool:
    """``True`` or ``False`` (not 0/1, not a string)."""

    def validate(self, name: str, value):
        if not isinstance(value, bool):
            raise ParameterError(f"parameter {name!r} must be True or False; got {value!r}")
        return value

    def describe(self) -> str:
        return "True or False"


@dataclass(frozen=True)
class Choice:
    """One of a fixed set of values."""

    choices: tuple

    def validate(self, name: str, value):
        if value not in self.choices:
            raise ParameterError(f"parameter {name!r} must be one of {self.choices}; got {value!r}")
        return value

    def describe(self) -> str:
        return f"one of {self.choices}"


@dataclass(frozen=True)
class Seq:
    """A list or tuple whose items each pass ``item``; length at least ``min_len``, at most
    ``max_len``; optionally required to contain given values, or to be strictly increasing."""

    item: object
    min_len: int = 1
    max_len: int | None = None
    contains: tuple = ()
    increasing: bool = False

    def validate(self, name: str, value):
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            raise ParameterError(f"parameter {name!r} must be a list of {self.item.describe()} values; "
                                 f"got {value!r} ({type(value).__name__})")
        if len(value) < self.min_len or (self.max_len is not None and len(value) > self.max_len):
            raise ParameterError(f"parameter {name!r} must have {_range(self.min_len, self.max_len)[1:]} items; "
                                 f"got {len(value)}")
        items = [self.item.validate(f"{name}[{i}]", v) for i, v in enumerate(value)]
        missing = [c for c in self.contains if c not in items]
        if missing:
            raise ParameterError(f"parameter {name!r} must contain {list(self.contains)} (the verdict reads "
                                 f"these entries); {missing} missing from {list(value)}")
        if self.increasing and any(b <= a for a, b in zip(items, items[1:])):
            raise ParameterError(f"parameter {name!r} must be strictly increasing; got {list(value)}")
        return type(value)(items)

    def describe(self) -> str:
        return f"list of {self.item.describe()}"


def check(namespace: Mapping, spec: Mapping[str, object], *,
          constraints: Iterable[tuple[str, Callable[[dict], bool]]] = (),
          cost_seconds: Callable[[dict], float] | None = None, max_seconds: float = 900.0) -> dict:
    """Validate a chapter's parameters; return them as a ``name -> value`` dict.

    Parameters
    ----------
    namespace : mapping
        The notebook's ``globals()`` right after the parameters (and papermill's injected)
        cell. Every public, non-module name in it must be declared in ``spec``.
    spec : mapping of name to Int, Float, Bool, Choice or Seq
    constraints : iterable of (text, predicate)
        Cross-parameter rules; ``text`` (e.g. ``"n >= k"``) is quoted when ``predicate`` fails.
    cost_seconds : callable, optional
        Rough run time in seconds for these values; above ``max_seconds`` the run is refused
        unless the spec's ``allow_long`` parameter is True.
    """
    spec = dict(spec)
    given = {name: value for name, value in namespace.items()
             if not name.startswith("_") and name not in _KERNEL_NAMES
             and not isinstance(value, (types.ModuleType, types.FunctionType, type))}
    unknown = sorted(set(given) - set(spec))
    if unknown:
        names = ", ".join(sorted(spec))
        raise ParameterError(f"unknown parameter {unknown[0]!r}; this chapter's parameters are: {names}"
                             + (f" (also unknown: {', '.join(unknown[1:])})" if len(unknown) > 1 else ""))
    missing = sorted(set(spec) - set(given))
    if missing:
        raise ParameterError(f"parameter {missing[0]!r} is declared in the spec but not set in the parameters cell")
    values = {name: rule.validate(name, given[name]) for name, rule in spec.items()}
    for text, predicate in constraints:
        if not predicate(values):
            shown = ", ".join(f"{n} = {values[n]!r}" for n in spec if re.search(rf"\b{re.escape(n)}\b", text))
            raise ParameterError(f"parameters must satisfy {text}; got {shown}")
    if cost_seconds is not None:
        if "allow_long" not in spec:
            raise ParameterError("a chapter with a cost estimate must declare the parameter 'allow_long'")
        seconds = float(cost_seconds(values))
        if seconds > max_seconds and not values["allow_long"]:
            raise ParameterError(f"these parameters would take about {_duration(seconds)} on a 2-core machine "
                                 f"(limit {_duration(max_seconds)}); pass -p allow_long True to run anyway")
    return values


def _range(low, high) -> str:
    if low is not None and high is not None:
        return f" in [{low}, {high}]"
    if low is not None:
        return f" >= {low}"
    if high is not None:
        return f" <= {high}"
    return ""


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} hours"
    if seconds >= 60:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds:.0f} s"
