"""Small argument checks shared by the library (the input contract).

Every public function of the course checks its arguments and raises
``ValueError`` or ``TypeError`` with a message that names the parameter, the
value it got and what is allowed, so that a learner (or a widget) sees a
sentence, not a traceback. The rules:

* booleans are not numbers (``homa_ir(True, 9)`` is refused);
* NaN and ±inf are refused; an integer too large for a float (``10**400``)
  gets the same message as any other out-of-range value, never an
  ``OverflowError``;
* arrays are checked for dtype (numbers only: no object, string or boolean
  arrays), emptiness, dimensions and length;
* strings and choices are checked against the allowed set;
* object parameters are type-checked, and ``None`` is accepted only where a
  function documents it (tested with ``is None``, never by truthiness).

A wrong *type* raises :class:`ArgumentTypeError`, which is both a
``TypeError`` and a ``ValueError``, so code (and widget panels) that catch
``ValueError`` still turn it into a message.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

import numpy as np


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type (a ``TypeError`` that is also a ``ValueError``)."""


def _fmt(value: Any) -> str:
    """A short, safe description of a value for an error message."""
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, Integral):
        v = int(value)
        if abs(v) >= 10 ** 15:
            digits = len(str(abs(v))) if abs(v) < 10 ** 4000 else None
            if digits is None:
                return "an integer too large to show"
            return f"{'-' if v < 0 else ''}1e+{digits - 1} (an integer of {digits} digits)"
        return repr(v)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, np.ndarray):
        try:
            return np.array2string(value, precision=4, threshold=6)
        except Exception:  # noqa: BLE001 - a message must never fail
            return f"an array of shape {value.shape}"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001
        text = f"a {type(value).__name__}"
    return text if len(text) <= 80 else text[:77] + "..."


def _type_name(value: Any) -> str:
    return "None" if value is None else type(value).__name__


def _to_number(name: str, value: Any) -> float:
    """``value`` as a float (±inf for integers too large for a float); wrong types raise."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        value = value.item()
    if isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(f"{name} must be a number, not a boolean; got {value!r}")
    if not isinstance(value, (Real, np.floating, np.integer)):
        raise ArgumentTypeError(f"{name} must be a number, got {_fmt(value)} ({_type_name(value)})")
    try:
        return float(value)
    except OverflowError:  # an int beyond the float range, e.g. 10**400
        return math.inf if value > 0 else -math.inf


def as_float(name: str, value: Any) -> float:
    """Return ``value`` as a finite float, or raise naming ``name``."""
    x = _to_number(name, value)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number, got {_fmt(value)}")
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


def _range_ok(x, low, high, low_inclusive, high_inclusive) -> bool:
    ok_low = low is None or (x >= low if low_inclusive else x > low)
    ok_high = high is None or (x <= high if high_inclusive else x < high)
    return bool(ok_low and ok_high)


def in_range(name: str, value: Any, low: float | None = None, high: float | None = None,
             *, low_inclusive: bool = True, high_inclusive: bool = True, unit: str = "") -> float:
    """Check that a scalar lies in a range; return it as float.

    The message names the parameter, the value and the allowed range, e.g.
    ``"age_years must be between 0 and 120 years, got -3"``. An integer too
    large for a float is reported the same way.
    """
    x = _to_number(name, value)
    u = f" {unit}" if unit else ""
    if math.isnan(x):
        raise ValueError(f"{name} must be a finite number{_also(low, high, low_inclusive, high_inclusive, u)}, got nan")
    if not (math.isfinite(x) and _range_ok(x, low, high, low_inclusive, high_inclusive)):
        shown = _fmt(value) if isinstance(value, Integral) else f"{x:g}"
        if low is None and high is None:
            raise ValueError(f"{name} must be a finite number, got {shown}")
        raise ValueError(f"{name} must be {describe_range(low, high, low_inclusive, high_inclusive)}{u}, got {shown}{u}")
    return x


def _also(low, high, low_inclusive, high_inclusive, u) -> str:
    if low is None and high is None:
        return ""
    return f" {describe_range(low, high, low_inclusive, high_inclusive)}{u}"


def positive(name: str, value: Any, unit: str = "", high: float | None = None) -> float:
    """A finite number > 0 (and ≤ ``high`` if given)."""
    return in_range(name, value, 0, high, low_inclusive=False, unit=unit)


def as_int(name: str, value: Any, low: int | None = None, high: int | None = None, *, unit: str = "") -> int:
    """An integer (a whole-number float such as ``3.0`` is accepted) in ``[low, high]``."""
    x = in_range(name, value, low, high, unit=unit)
    if not float(x).is_integer():
        raise ValueError(f"{name} must be a whole number, got {_fmt(value)}")
    return int(value) if isinstance(value, (Integral, np.integer)) else int(x)


def as_array(name: str, value: Any, *, low: float | None = None, high: float | None = None,
             low_inclusive: bool = True, high_inclusive: bool = True, ndim: int | None = None,
             length: int | None = None, min_length: int = 1, unit: str = "") -> np.ndarray:
    """Return ``value`` as a float array of finite numbers, checked for shape and range.

    Refused with a message naming ``name``: ``None``, strings, booleans,
    object/string/boolean arrays, ragged lists, empty arrays (fewer than
    ``min_length`` entries), a wrong number of dimensions or length, NaN/±inf
    and entries outside ``[low, high]``.
    """
    if value is None or isinstance(value, (str, bytes, bool, np.bool_, dict, set)):
        raise ArgumentTypeError(f"{name} must be a number or an array of numbers, got {_fmt(value)} ({_type_name(value)})")
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError, OverflowError):
        raise ArgumentTypeError(f"{name} must be a number or an array of numbers (equal-length rows), got {_fmt(value)}") from None
    if raw.dtype.kind == "O":
        # a list holding huge integers is a range problem; anything else is a type problem
        flat = list(raw.ravel()) if raw.ndim else [raw.item()]
        if flat and all(isinstance(v, Integral) and not isinstance(v, bool) for v in flat):
            raise ValueError(f"{name} must contain only finite numbers"
                             f"{_also(low, high, low_inclusive, high_inclusive, ' ' + unit if unit else '')}, "
                             f"got {_fmt(value)}")
        raise ArgumentTypeError(f"{name} must be an array of numbers, got an array of objects: {_fmt(value)}")
    if raw.dtype.kind not in "iuf":
        kind = {"b": "booleans", "U": "strings", "S": "bytes", "c": "complex numbers"}.get(raw.dtype.kind, str(raw.dtype))
        raise ArgumentTypeError(f"{name} must be a number or an array of numbers, got {kind}: {_fmt(value)}")
    arr = raw.astype(float)
    if ndim is not None and arr.ndim != ndim:
        what = {0: "a single number", 1: "a 1-D array", 2: "a 2-D array"}.get(ndim, f"a {ndim}-D array")
        raise ValueError(f"{name} must be {what}, got shape {arr.shape}")
    if arr.size < min_length:
        if arr.size == 0:
            raise ValueError(f"{name} must not be empty")
        raise ValueError(f"{name} must have at least {min_length} values, got {arr.size}")
    if length is not None and (arr.ndim != 1 or arr.size != length):
        raise ValueError(f"{name} must have exactly {length} values, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers, got {_fmt(value)}")
    bad = ~_range_ok_array(arr, low, high, low_inclusive, high_inclusive)
    if np.any(bad):
        u = f" {unit}" if unit else ""
        first = float(arr[bad].ravel()[0])
        raise ValueError(f"{name} must be {describe_range(low, high, low_inclusive, high_inclusive)}{u}, "
                         f"got {first:g}{u}" + (f" in {_fmt(value)}" if arr.ndim else ""))
    return arr


def _range_ok_array(arr, low, high, low_inclusive, high_inclusive):
    ok = np.ones(arr.shape, dtype=bool)
    if low is not None:
        ok &= (arr >= low) if low_inclusive else (arr > low)
    if high is not None:
        ok &= (arr <= high) if high_inclusive else (arr < high)
    return ok


def positive_array(name: str, value: Any, unit: str = "") -> np.ndarray:
    """A finite array whose entries are all > 0."""
    return as_array(name, value, low=0, low_inclusive=False, unit=unit)


def choice(name: str, value: Any, allowed) -> Any:
    """Check that ``value`` is one of ``allowed`` (unhashable or odd values give the same message)."""
    allowed = tuple(allowed)
    ok = any(_same(value, a) for a in allowed)
    if not ok:
        exc = ArgumentTypeError if allowed and all(isinstance(a, str) for a in allowed) and not isinstance(value, str) \
            else ValueError
        raise exc(f"{name} must be one of {', '.join(map(repr, allowed))}; got {_fmt(value)}")
    return value


def _same(value, allowed_value) -> bool:
    if isinstance(value, (bool, np.bool_)) != isinstance(allowed_value, (bool, np.bool_)):
        return False
    if isinstance(value, np.ndarray):
        return False
    try:
        return bool(value == allowed_value)
    except Exception:  # noqa: BLE001 - odd objects never match
        return False


def as_str(name: str, value: Any, *, allow_empty: bool = True, max_length: int | None = None) -> str:
    """A string (not None, not a number)."""
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{name} must be a string, got {_fmt(value)} ({_type_name(value)})")
    if not allow_empty and not value.strip():
        raise ValueError(f"{name} must not be empty")
    if max_length is not None and len(value) > max_length:
        raise ValueError(f"{name} must be at most {max_length} characters long, got {len(value)}")
    return value


def as_bool(name: str, value: Any) -> bool:
    """A boolean (``True``/``False``); numbers and strings are refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(f"{name} must be True or False, got {_fmt(value)} ({_type_name(value)})")
    return bool(value)


def instance_of(name: str, value: Any, cls, *, what: str | None = None, none_ok: bool = False):
    """Check that ``value`` is an instance of ``cls`` (``None`` only if ``none_ok``)."""
    if value is None and none_ok:
        return None
    if not isinstance(value, cls):
        kind = what or (cls.__name__ if isinstance(cls, type) else " or ".join(c.__name__ for c in cls))
        extra = " (or None for the default)" if none_ok else ""
        raise ArgumentTypeError(f"{name} must be a {kind}{extra}, got {_fmt(value)} ({_type_name(value)})")
    return value


def scalar_or_array(arr: np.ndarray, *inputs: Any):
    """Return a Python float if every input was a scalar, else the array."""
    return float(arr) if all(np.ndim(x) == 0 for x in inputs) else arr


def finite_result(name: str, value, *, inputs: str = "these inputs"):
    """Raise a ValueError if a computed result is NaN/±inf (an overflow of valid-looking input)."""
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} cannot be computed for {inputs}: the result is not a finite number "
                         "(the inputs are too large)")
    return value
