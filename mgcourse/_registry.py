"""Registries that learner-facing modules fill and the course tooling reads.

``register_benchmark`` marks a zero-argument function for ``python -m mgcourse.tools.bench``; keeping the
registry here means the science modules never import the tooling sub-package.
"""

from __future__ import annotations

from typing import Callable

#: name -> zero-argument function timed by the bench.
BENCHMARKS: dict[str, Callable[[], object]] = {}


def register_benchmark(name: str):
    """Decorator: time a zero-argument function under ``name`` (e.g. ``"04.simulate_3_years"``)."""

    def deco(func):
        BENCHMARKS[name] = func
        return func

    return deco
