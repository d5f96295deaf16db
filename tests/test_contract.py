"""The input contract of the learner-facing library (issue #15), tested property-based.

For every public function of the science modules (registry: ``tests/contract_domains.py``):

* valid input (drawn by hypothesis from each parameter's documented domain) gives
  finite output (no NaN/inf anywhere in numbers, arrays, dataclasses, dicts or
  numeric table columns) and, where the function returns amounts, fluxes or
  concentrations, no negative number;
* each hostile value in place of each parameter (NaN, ±inf, 1e308, 10**400, a
  boolean, None, a string, empty / wrong-length / ragged / object arrays, values
  just outside the range) raises ValueError or TypeError whose message names
  the parameter.

The regression cases of the issue are listed explicitly at the end.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
from numbers import Number

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import contract_domains as cd

FAST_EXAMPLES = 12
SLOW_EXAMPLES = 1


def _public_functions():
    out = {}
    for modname in cd.MODULES:
        mod = importlib.import_module(f"mgcourse.{modname}")
        for name, obj in vars(mod).items():
            if name.startswith("_") or not inspect.isfunction(obj) or obj.__module__ != mod.__name__:
                continue
            if inspect.signature(obj).parameters:
                out[f"{modname}.{name}"] = obj
    return out


FUNCTIONS = _public_functions()
TESTED = sorted(cd.DOMAINS)


def test_registry_covers_every_public_function():
    missing = sorted(set(FUNCTIONS) - set(cd.DOMAINS) - set(cd.NOT_TESTED))
    assert not missing, f"public functions with no domain in tests/contract_domains.py: {missing}"
    stale = sorted((set(cd.DOMAINS) | set(cd.NOT_TESTED)) - set(FUNCTIONS))
    assert not stale, f"registry entries for functions that do not exist: {stale}"
    for qual, spec in cd.DOMAINS.items():
        params = inspect.signature(FUNCTIONS[qual]).parameters
        named = {k for k, p in params.items() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
        unknown = set(spec.params) - named
        assert not unknown, f"{qual}: registry names parameters it does not have: {unknown}"
        required = {k for k, p in params.items() if p.default is p.empty and k in named}
        assert required <= set(spec.params), f"{qual}: required parameters without a domain: {required - set(spec.params)}"


# ----------------------------------------------------------------------------- output checks
def _numbers(obj, path="result"):
    """Yield (path, number) for every number inside a result."""
    if obj is None or isinstance(obj, (str, bytes, bool, np.bool_)):
        return
    if isinstance(obj, Number):
        yield path, float(obj) if not isinstance(obj, int) or abs(obj) < 1e300 else math.inf
    elif isinstance(obj, np.ndarray):
        if obj.dtype.kind in "iuf":
            for i, v in enumerate(obj.ravel()):
                yield f"{path}[{i}]", float(v)
        elif obj.dtype.kind == "O":
            for i, v in enumerate(obj.ravel()):
                yield from _numbers(v, f"{path}[{i}]")
    elif isinstance(obj, pd.DataFrame):
        for col in obj.columns:
            if pd.api.types.is_numeric_dtype(obj[col]) and not pd.api.types.is_bool_dtype(obj[col]):
                yield from _numbers(obj[col].to_numpy(dtype=float), f"{path}[{col!r}]")
    elif isinstance(obj, pd.Series):
        if pd.api.types.is_numeric_dtype(obj) and not pd.api.types.is_bool_dtype(obj):
            yield from _numbers(obj.to_numpy(dtype=float), path)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from _numbers(getattr(obj, f.name), f"{path}.{f.name}")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _numbers(v, f"{path}[{k!r}]")
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            yield from _numbers(v, f"{path}[{i}]")


def _check_output(qual, spec, kwargs, result):
    if spec.check_output:
        nums = list(_numbers(result))
        bad = [(p, v) for p, v in nums if not math.isfinite(v)]
        assert not bad, f"{qual}({kwargs}) returned non-finite numbers: {bad[:5]}"
        if spec.nonneg:
            neg = [(p, v) for p, v in nums if v < 0]
            assert not neg, f"{qual}({kwargs}) returned negative amounts: {neg[:5]}"
    if spec.output_check is not None:
        assert spec.output_check(kwargs, result), f"{qual}({kwargs}) returned an inadmissible result {result!r}"


def _call(qual, kwargs):
    spec = cd.DOMAINS[qual]
    try:
        return FUNCTIONS[qual](**kwargs, **spec.fixed)
    finally:
        plt.close("all")


# ----------------------------------------------------------------------------- valid input
@pytest.mark.parametrize("qual", TESTED)
def test_valid_input_gives_admissible_output(qual):
    spec = cd.DOMAINS[qual]
    strategy = st.fixed_dictionaries({k: s.valid() for k, s in spec.params.items()})

    @settings(max_examples=SLOW_EXAMPLES if spec.slow else FAST_EXAMPLES, deadline=None, derandomize=True,
              database=None, suppress_health_check=list(HealthCheck))
    @given(kwargs=strategy)
    def check(kwargs):
        _check_output(qual, spec, kwargs, _call(qual, kwargs))

    check()


# ----------------------------------------------------------------------------- invalid input
def _short(v):
    r = repr(v)
    return r if len(r) < 40 else r[:37] + "..."


@pytest.mark.parametrize("qual", TESTED)
def test_invalid_input_is_refused_naming_the_parameter(qual):
    spec = cd.DOMAINS[qual]
    base = {k: s.base() for k, s in spec.params.items()}
    problems = []
    for name, s in spec.params.items():
        for bad in s.invalid():
            kwargs = dict(base, **{name: bad})
            try:
                result = _call(qual, kwargs)
            except (ValueError, TypeError) as exc:
                if name not in str(exc):
                    problems.append(f"{name}={_short(bad)}: {type(exc).__name__} does not name {name!r}: {exc}")
            except Exception as exc:  # noqa: BLE001 - any other type breaks the contract
                problems.append(f"{name}={_short(bad)}: {type(exc).__name__}: {exc}")
            else:
                problems.append(f"{name}={_short(bad)}: accepted, returned {_short(result)}")
    assert not problems, f"{qual}:\n  " + "\n  ".join(problems)
