"""Small argument checks shared by the library.

Every public function of the course checks its arguments and raises
``ValueError`` with a message that names the parameter, the value it got and
what is allowed, so that a learner (or a widget) sees a sentence, not a
traceback.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np


def _fmt(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=4, threshold=6)
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value)


def as_float(name: str, value: Any) -> float:
    """Return ``value`` as a finite float, or raise a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (Real, np.floating, np.integer)):
        raise ValueError(f"{name} must be a number, got {_fmt(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {_fmt(value)}")
    return value


def as_array(name: str, value: Any) -> np.ndarray:
    """Return ``value`` as a float array with only finite entries."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers, got {_fmt(value)}") from None
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers, got {_fmt(value)}")
    return arr


def in_range(name: str, value: Any, low: float | None = None, high: float | None = None,
             *, low_inclusive: bool = True, high_inclusive: bool = True, unit: str = "") -> float:
    """Check that a scalar lies in a range; return it as float.

    The message names the parameter, the value and the allowed range, e.g.
    ``"age_years must be between 0 and 120 years, got -3"``.
    """
    x = as_float(name, value)
    u = f" {unit}" if unit else ""
    ok_low = low is None or (x >= low if low_inclusive else x > low)
    ok_high = high is None or (x <= high if high_inclusive else x < high)
    if not (ok_low and ok_high):
        raise ValueError(f"{name} must be {describe_range(low, high, low_inclusive, high_inclusive)}{u}, got {x:g}{u}")
    return x


def describe_range(low, high, low_inclusive=True, high_inclusive=True) -> str:
    """English description of an interval, e.g. 'between 0 and 120' or 'greater than 0'."""
    if low is not None and high is not None:
        if low_inclusive and high_inclusive:
            return f"between {low:g} and {high:g}"
        lo = "≥" if low_inclusive else ">"
        hi = "≤" if high_inclusive else "<"
        return f"{lo} {low:g} and {hi} {high:g}"
    if low is not None:
        return f"at least {low:g}" if low_inclusive else f"greater than {low:g}"
    if high is not None:
        return f"at most {high:g}" if high_inclusive else f"less than {high:g}"
    return "any finite number"


def positive_array(name: str, value: Any, unit: str = "") -> np.ndarray:
    """A finite array whose entries are all > 0."""
    arr = as_array(name, value)
    if np.any(arr <= 0):
        u = f" {unit}" if unit else ""
        raise ValueError(f"{name} must be greater than 0{u}, got {_fmt(value)}")
    return arr


def choice(name: str, value: Any, allowed) -> Any:
    """Check that ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


def scalar_or_array(arr: np.ndarray, *inputs: Any):
    """Return a Python float if every input was a scalar, else the array."""
    return float(arr) if all(np.ndim(x) == 0 for x in inputs) else arr
