"""Exercise feedback (course design, section 3).

Usage in an exercise notebook::

    from mgcourse.checks import check
    check("02.homa-lab", homa_value)      # a value
    check.quicki(quicki)                  # a function, by the exercise's short name

Every call returns a :class:`Feedback` that says one of:

* **not attempted yet**: the stub is untouched (``...``, an empty string, or a
  function that raises ``NotImplementedError``);
* **not yet**: which check failed (never the expected value) and, after a substantive
  wrong answer, the next tiered hint: 1 nudge → 2 concept → 3 partial step. A format
  error (a string where a number is wanted, ``None`` from a forgotten ``return``, a
  too coarsely rounded number, the library's own function) gets a format message and
  keeps the hint tier;
* **correct**, with the number of checks that ran (compute, implement, explore);
* **submitted** (explain exercises only): a free-text answer is never marked correct.
  It is recorded; the learner gets the ideas not yet mentioned and, after a substantive
  attempt, the model answer and the rubric to compare with.

A check never raises because an answer is wrong, so a student notebook runs top
to bottom without errors. Every check appends one JSON line to the learner's progress
file (``~/.mgcourse/progress.jsonl``, or the path in the environment variable
``MGCOURSE_PROGRESS``; ``off`` disables it); :func:`progress_summary` reads it back.

Exercises are defined in ``mgcourse/exercise_bank/chNN.py`` with :func:`exercise` and
the grader helpers :func:`value` (:func:`deferred` when the reference comes from data files),
:func:`function`, :func:`choice` and :func:`explanation`. :func:`exercise_specs` lists them in
machine-readable form (kind, points, precision, reference answer, rubric, model answer) for a classroom build.
"""

from __future__ import annotations

import collections.abc
import contextlib
import datetime as _dt
import functools
import importlib
import json
import math
import os
import pkgutil
import re
import sys
import types
from dataclasses import dataclass
from numbers import Real
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from mgcourse.data import DataFileError, DataUnavailable

NOT_ATTEMPTED = "not attempted yet"
NOT_YET = "not yet"
CORRECT = "correct"
SUBMITTED = "submitted"
#: The data files an exercise needs are missing or damaged: a fault of the course copy, not of the answer.
CANNOT_CHECK = "cannot be checked"
_TIER_NAMES = ("nudge", "concept", "partial step")

#: Inputs larger than this are refused without being looked at element by element.
MAX_ANSWER_ITEMS = 10_000
#: Explain answers are stored up to this many characters in the progress file.
MAX_RECORDED_CHARS = 5_000


class NotAttempted(Exception):
    """Raised by a grader when the answer is still the stub."""


class _LibraryUsed(BaseException):
    """Raised by the sentinel that replaces a library function while an implement check runs.

    A ``BaseException`` so that a learner's ``except Exception`` cannot swallow it."""


@dataclass(frozen=True)
class Result:
    """One sub-check: did it pass, and what did it check (in words, without the answer).

    ``format`` marks a failure of form (wrong type, unparsable, ``None``, too coarse,
    the library's own function): it gets a message but does not advance the hint tier.
    """

    passed: bool
    what: str
    detail: str = ""
    format: bool = False


@dataclass
class Feedback:
    exercise_id: str
    status: str
    checks_run: int = 0
    checks_passed: int = 0
    message: str = ""
    hint: str = ""
    hint_level: int = 0
    answer_text: str = ""      # explain: the recorded answer
    model_answer: str = ""     # explain: shown after a substantive attempt
    rubric: tuple = ()

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def _lines(self) -> list[str]:
        if self.status == CORRECT:
            n = "the 1 check" if self.checks_run == 1 else f"all {self.checks_run} checks"
            head = f"✅ [{self.exercise_id}] correct: {n} passed."
        elif self.status == NOT_ATTEMPTED:
            head = (f"⏳ [{self.exercise_id}] not attempted yet: replace the `...` / `NotImplementedError` stub, "
                    "then run this cell again.")
        elif self.status == CANNOT_CHECK:
            head = f"⚠️ [{self.exercise_id}] cannot be checked here: the course's data files are missing or damaged."
        elif self.status == SUBMITTED:
            head = (f"📝 [{self.exercise_id}] submitted: compare with the model answer. Your answer is recorded; "
                    "free text is not marked correct by a program (in a class, a person grades it).")
        else:
            head = f"❌ [{self.exercise_id}] not yet: {self.checks_passed} of {self.checks_run} checks passed."
        lines = [head]
        if self.answer_text:
            lines.append("Your answer (recorded): " + _quote(self.answer_text))
        if self.message:
            lines.append(self.message)
        if self.hint:
            lines.append(f"Hint {self.hint_level} of 3 ({_TIER_NAMES[self.hint_level - 1]}): {self.hint}")
        if self.model_answer:
            lines.append("Model answer: " + self.model_answer)
        if self.rubric:
            lines.append("Rubric (a good answer):\n" + "\n".join(f"- {r}" for r in self.rubric))
        return lines

    def __repr__(self) -> str:
        return "\n".join(self._lines())

    def _repr_markdown_(self) -> str:
        return "\n\n".join(self._lines())


def _quote(text: str, limit: int = 600) -> str:
    text = " ".join(str(text).split())
    return "“" + (text if len(text) <= limit else text[:limit] + " …") + "”"


# --------------------------------------------------------------------------- precision
@dataclass(frozen=True)
class Precision:
    """The precision a compute question asks for: ``sig`` significant figures or ``decimals`` places."""

    sig: int | None = None
    decimals: int | None = None

    def __post_init__(self):
        if (self.sig is None) == (self.decimals is None):
            raise ValueError("give exactly one of sig (significant figures) or decimals (decimal places)")
        if self.sig is not None and not (isinstance(self.sig, int) and 1 <= self.sig <= 8):
            raise ValueError(f"sig must be a whole number 1-8, got {self.sig!r}")
        if self.decimals is not None and not (isinstance(self.decimals, int) and -3 <= self.decimals <= 8):
            raise ValueError(f"decimals must be a whole number -3..8, got {self.decimals!r}")

    def round(self, x: float, coarser: int = 0) -> float:
        """``x`` rounded at this precision (``coarser`` digits fewer)."""
        if not math.isfinite(x) or x == 0:
            return x
        if self.sig is not None:
            digits = self.sig - coarser - 1 - math.floor(math.log10(abs(x)))
        else:
            digits = self.decimals - coarser
        return round(x, digits)

    def same(self, x: float, ref: float) -> bool:
        a, b = self.round(x), self.round(ref)
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)

    def describe(self) -> str:
        if self.sig is not None:
            return f"{self.sig} significant figure{'s' if self.sig != 1 else ''}"
        if self.decimals == 0:
            return "a whole number"
        if self.decimals < 0:
            return f"the nearest {10 ** -self.decimals:g}"
        return f"{self.decimals} decimal place{'s' if self.decimals != 1 else ''}"

    def as_dict(self) -> dict:
        return {"sig": self.sig, "decimals": self.decimals, "text": self.describe()}


def _precision_from_rtol(rtol: float) -> Precision:
    return Precision(sig=int(min(6, max(2, math.ceil(-math.log10(max(rtol, 1e-9)))))))


# --------------------------------------------------------------------------- exercises
@dataclass
class Exercise:
    id: str
    name: str
    title: str
    kind: str  # compute | implement | explore | explain
    grader: Callable[[Any], Iterable[Result]]
    hints: tuple[str, str, str]
    precision: Precision | None = None
    points: int = 1
    model_answer: str = ""
    rubric: tuple[str, ...] = ()
    library: tuple[str, ...] = ()  # "module:attr" of library functions an implement exercise must not use

    @property
    def secrets(self) -> tuple:
        """Values that must never appear in feedback (used by tests); read from the grader when asked, so a
        :func:`deferred` grader computes them (and reads data) only then."""
        return tuple(getattr(self.grader, "secrets", ()))

    @property
    def chapter(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def autograded(self) -> bool:
        return self.kind != "explain"

    def reference(self):
        """The reference answer in machine-readable form (``None`` when the grader is a custom rule).

        compute: the number; explore: the option letter; implement: ``{"function": ..., "cases": ...}``;
        explain: the model answer. Capstone exercises depend on the selected case: call
        ``mgcourse.capstone.select_case`` first.
        """
        g = self.grader
        if self.kind == "explain":
            return self.model_answer
        for attr in ("expected", "correct_option"):
            if hasattr(g, attr):
                return getattr(g, attr)
        if hasattr(g, "reference_function"):
            return {"function": g.reference_function, "cases": g.cases, "raises": g.raises_cases}
        if hasattr(g, "current_reference"):
            return g.current_reference()
        return None

    def grade(self, answer) -> tuple[float, list[Result]]:
        """Score in [0, 1] and the results, without hints or progress (for a classroom autograder)."""
        if self.kind == "explain":
            return 0.0, []
        guard = _guard(answer)
        if guard is not None:
            return 0.0, [guard]
        try:
            with _library_refused(self):
                results = list(self.grader(answer))
        except NotAttempted:
            return 0.0, []
        except Exception as exc:  # noqa: BLE001
            return 0.0, [Result(False, "your answer", f"checking it raised {type(exc).__name__}")]
        ok = bool(results) and all(r.passed for r in results)
        return (1.0 if ok else 0.0), results

    def spec(self) -> dict:
        """Everything a classroom build needs, JSON-friendly except ``reference`` for implement exercises."""
        return {"id": self.id, "name": self.name, "chapter": self.chapter, "title": self.title, "kind": self.kind,
                "points": self.points, "autograded": self.autograded,
                "precision": self.precision.as_dict() if self.precision else None,
                "hints": list(self.hints), "rubric": list(self.rubric), "model_answer": self.model_answer,
                "library": list(self.library)}


_EXERCISES: dict[str, Exercise] = {}
_KINDS = ("compute", "implement", "explore", "explain")


def exercise(id: str, *, name: str, title: str, kind: str, grader, hints: tuple[str, str, str],
             points: int | None = None, model_answer: str = "", rubric: Iterable[str] | None = None,
             library: Iterable[str] = ()) -> Exercise:
    """Register an exercise.

    ``hints`` = (nudge, concept, partial step); none may contain the answer or a solution line.
    ``points`` (default: 1 for explore, 2 for compute and explain, 3 for implement) are for a classroom build.
    ``model_answer`` and ``rubric`` (explain) are shown after a substantive attempt; the rubric defaults to
    the grader's concepts. ``library`` names (``"package.module:function"``) the library functions an
    implement exercise must not use (passed, wrapped or called inside the learner's function).
    """
    if kind not in _KINDS:
        raise ValueError(f"exercise {id!r}: kind must be one of {_KINDS}, got {kind!r}")
    if len(hints) != 3 or not all(isinstance(h, str) and h.strip() for h in hints):
        raise ValueError(f"exercise {id!r}: hints must be three non-empty strings (nudge, concept, partial step)")
    if not name.isidentifier():
        raise ValueError(f"exercise {id!r}: name {name!r} must be a Python identifier (it is check.<name>)")
    precision = getattr(grader, "precision", None)
    if points is None:
        points = {"explore": 1, "compute": 2, "explain": 2, "implement": 3}[kind]
    if rubric is None:
        rubric = tuple(f"addresses {c}" for c in getattr(grader, "concepts", {}))
    library = tuple(library)
    for target in library:
        if ":" not in target:
            raise ValueError(f"exercise {id!r}: library entries look like 'mgcourse.indices:quicki', got {target!r}")
    ex = Exercise(id, name, title, kind, grader, tuple(hints), precision,
                  int(points), model_answer.strip(), tuple(rubric), library)
    _EXERCISES[id] = ex
    return ex


def _load_bank() -> dict[str, Exercise]:
    """Import every chapter's bank. No bank reads data when imported (tests/test_data_faults.py); should one ever
    do so and find data missing or damaged, it is left out (its chapter's checks say "cannot be checked") and
    the other chapters are unaffected."""
    import mgcourse.exercise_bank as bank

    for mod in pkgutil.iter_modules(bank.__path__, "mgcourse.exercise_bank."):
        with contextlib.suppress(DataUnavailable, DataFileError):
            importlib.import_module(mod.name)
    return _EXERCISES


def _load_chapter(exercise_id: str) -> None:
    """Import only the bank module of ``exercise_id``'s chapter (``"05.x"`` → ``exercise_bank.ch05``).

    Checking a chapter-00 answer therefore never reads a data file that chapter 05 needs: a missing or
    damaged ``data/`` only affects the exercises that use it.
    """
    import importlib.util

    chapter = exercise_id.split(".", 1)[0]
    if re.fullmatch(r"\d\d", chapter):
        name = f"mgcourse.exercise_bank.ch{chapter}"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


def all_exercises() -> dict[str, Exercise]:
    """Every registered exercise, by id."""
    return dict(_load_bank())


def exercise_specs(prefix: str = "") -> list[dict]:
    """Machine-readable definitions of the course exercises (ids starting with ``prefix``), in id order."""
    return [ex.spec() for i, ex in sorted(_load_bank().items()) if i.startswith(prefix) and not i.startswith("test.")]


# --------------------------------------------------------------------------- stub detection and input guards
def is_stub(answer: Any) -> bool:
    """True for an untouched stub: ``...``, an empty string or an empty container (``None`` is not a stub)."""
    if answer is Ellipsis:
        return True
    if isinstance(answer, str) and answer.strip() in ("", "...", "Write your answer here."):
        return True
    if isinstance(answer, (list, tuple, dict, set)) and len(answer) == 0:
        return True
    return False


NONE_MESSAGE = "your code produced None: did a function forget `return`?"


def _guard(answer: Any) -> Result | None:
    """A format failure for an answer that must not be looked into (None, iterators, huge containers)."""
    if answer is None:
        return Result(False, "your answer", NONE_MESSAGE, format=True)
    if isinstance(answer, (types.GeneratorType, collections.abc.Iterator)) and not isinstance(answer, (str, bytes)):
        return Result(False, "your answer", "it is an iterator or generator; give a value (for a short sequence, "
                                            "a list: list(...)).", format=True)
    if isinstance(answer, np.ndarray) and answer.size > MAX_ANSWER_ITEMS:
        return Result(False, "your answer", f"it is an array of {answer.size:,} values; that is far more than this "
                                            "exercise asks for.", format=True)
    if isinstance(answer, (str, bytes)) and len(answer) > 20 * MAX_RECORDED_CHARS:
        return Result(False, "your answer", "it is a very long text; keep it to a few paragraphs.", format=True)
    if isinstance(answer, collections.abc.Sized) and not isinstance(answer, (str, bytes, np.ndarray)):
        try:
            n = len(answer)
        except Exception:  # noqa: BLE001 - e.g. OverflowError for range(10**20): far too many items
            n = MAX_ANSWER_ITEMS + 1
        if n > MAX_ANSWER_ITEMS:
            return Result(False, "your answer", f"it holds {n:,} items; that is far more than this exercise asks for.",
                          format=True)
    return None


def parse_number(text: Any, name: str = "your answer") -> float:
    """A number typed by a learner: ``"5,5"`` is 5.5 (decimal comma); ``"1,234"`` is ambiguous (ValueError)."""
    from .units import parse_number as _parse

    return _parse(text, name)


def _number(answer: Any) -> float:
    if isinstance(answer, str):
        return parse_number(answer)
    if isinstance(answer, bool) or not isinstance(answer, (Real, np.floating, np.integer)):
        if isinstance(answer, np.ndarray) and answer.size == 1:
            return float(answer.ravel()[0])
        kind = type(answer).__name__
        if isinstance(answer, np.ndarray):
            kind = f"an array of {answer.size} values"
        raise TypeError(f"expected a single number, got {kind}")
    return float(answer)


def _close(a: float, b: float, rtol: float, atol: float) -> bool:
    return math.isfinite(a) and abs(a - b) <= atol + rtol * abs(b)


# --------------------------------------------------------------------------- graders
def value(expected: float, *, sig: int | None = None, decimals: int | None = None, rtol: float | None = None,
          atol: float = 0.0, what: str = "your value", mistakes: dict[float, str] | None = None):
    """Grader for a single number, asked at a stated precision.

    ``sig`` (significant figures) or ``decimals`` (decimal places) is the precision the question states;
    any answer that rounds to the reference at that precision is accepted, and a correct but more coarsely
    rounded answer gets "give N significant figures". Without either, the precision is derived from ``rtol``
    (old definitions). ``rtol``/``atol``, when given, also accept values within that tolerance.
    ``mistakes`` maps a typical wrong value to a targeted message. A string such as ``"5,5"`` is read
    with a decimal comma.
    """
    if sig is None and decimals is None:
        precision = _precision_from_rtol(rtol if rtol is not None else 1e-3)
    else:
        precision = Precision(sig=sig, decimals=decimals)
    from ._validate import as_float, in_range, instance_of

    expected = as_float("expected", expected)  # NaN/inf would build a grader that can never pass
    if rtol is not None:
        rtol = in_range("rtol", rtol, 0, 1)
    tol = rtol if rtol is not None else 0.0
    atol = in_range("atol", atol, 0, None)
    mistakes = {} if mistakes is None else dict(instance_of("mistakes", mistakes, dict, none_ok=True))

    def grade(answer):
        if is_stub(answer):
            raise NotAttempted
        try:
            x = _number(answer)
        except (TypeError, ValueError) as exc:
            return [Result(False, what, f"{exc}.".replace("..", "."), format=True)]
        if not math.isfinite(x):
            return [Result(False, what, "your answer is not a finite number.", format=True)]
        if precision.same(x, expected) or (tol and _close(x, expected, tol, atol)):
            return [Result(True, what)]
        for wrong, msg in mistakes.items():
            if precision.same(x, wrong) or _close(x, wrong, 1e-3, atol):
                return [Result(False, what, msg)]
        for k in range(1, 4):
            coarse = precision.round(expected, coarser=k)
            if coarse != 0 and math.isclose(x, coarse, rel_tol=1e-9):
                return [Result(False, what, f"that is rounded too much: give {precision.describe()}.", format=True)]
        direction = "too high" if x > expected else "too low"
        return [Result(False, what, f"{what} is {direction} (give {precision.describe()}).")]

    grade.secrets = (expected,)
    grade.expected = expected
    grade.mistake_values = tuple(mistakes)
    grade.precision = precision
    return grade


class deferred:
    """A :func:`value` grader whose reference is computed on first use, never when the bank is imported.

    ``build()`` returns the keyword arguments of :func:`value` (``expected`` and, e.g., ``mistakes`` and
    ``what``) and may read data files; the precision (``sig`` or ``decimals``) is stated here, so the exercise
    states it without reading anything. ``expected``, ``secrets`` and ``mistake_values`` build the grader when
    asked; an untouched stub is "not attempted" without building. A missing data file surfaces when the
    learner checks an answer (the checker reports "cannot be checked").
    """

    def __init__(self, build: Callable[[], dict], *, sig: int | None = None, decimals: int | None = None):
        self.precision = Precision(sig=sig, decimals=decimals)
        self._build = build
        self._grader = None

    def built(self):
        """The real :func:`value` grader (built on the first call)."""
        if self._grader is None:
            self._grader = value(sig=self.precision.sig, decimals=self.precision.decimals, **self._build())
        return self._grader

    def __call__(self, answer):
        if is_stub(answer):
            raise NotAttempted
        return self.built()(answer)

    expected = property(lambda self: self.built().expected)
    secrets = property(lambda self: self.built().secrets)
    mistake_values = property(lambda self: self.built().mistake_values)


def _originals(targets: Iterable[str]) -> list[tuple[str, Any]]:
    out = []
    for target in targets:
        mod_name, _, attr = target.partition(":")
        try:
            obj = getattr(importlib.import_module(mod_name), attr)
        except (ImportError, AttributeError):
            continue
        out.append((f"{mod_name.rsplit('.', 1)[-1]}.{attr}", obj))
    return out


def _unwrap_all(func: Any, depth: int = 0):
    """``func`` and what it wraps (functools.partial, decorators with __wrapped__, bound methods)."""
    if depth > 10:
        return
    yield func
    if isinstance(func, functools.partial):
        yield from _unwrap_all(func.func, depth + 1)
        for arg in tuple(func.args) + tuple(func.keywords.values()):
            if callable(arg):
                yield from _unwrap_all(arg, depth + 1)
    for attr in ("__wrapped__", "__func__"):
        inner = getattr(func, attr, None)
        if inner is not None:
            yield from _unwrap_all(inner, depth + 1)


class _Refusal:
    def __init__(self):
        self.used: list[str] = []

    @property
    def message(self) -> str:
        return f"write this yourself: `{self.used[0]}` is the library's version."


_ACTIVE_LIBRARY: list[tuple[str, ...]] = [()]


@contextlib.contextmanager
def _library_refused(ex: Exercise | None):
    _ACTIVE_LIBRARY.append(ex.library if ex is not None else ())
    try:
        yield
    finally:
        _ACTIVE_LIBRARY.pop()


@contextlib.contextmanager
def refusing_library(func: Any, targets: Iterable[str] | None = None):
    """While active, every library function in ``targets`` (default: the running exercise's) is replaced,
    in every loaded module and in the learner's function globals, by a sentinel; a direct pass (the library
    function itself, a functools.partial of it) is recognised by identity. Yields a :class:`_Refusal`."""
    targets = tuple(_ACTIVE_LIBRARY[-1] if targets is None else targets)
    refusal = _Refusal()
    originals = _originals(targets)
    for label, obj in originals:
        if any(f is obj for f in _unwrap_all(func)):
            refusal.used.append(label)
    patched: list[tuple[dict, str, Any]] = []
    if originals and not refusal.used:
        by_id = {}
        for label, obj in originals:
            def sentinel(*args, _label=label, **kwargs):
                refusal.used.append(_label)
                raise _LibraryUsed(_label)
            by_id[id(obj)] = (obj, sentinel)
        spaces = [getattr(m, "__dict__", None) for m in list(sys.modules.values())]
        for f in _unwrap_all(func):
            spaces.append(getattr(f, "__globals__", None))
            spaces.append(getattr(f, "__dict__", None))  # a callable object holding the function as an attribute
            spaces.append(getattr(f, "__kwdefaults__", None))  # keyword-only defaults (a dict)
            defaults = getattr(f, "__defaults__", None)
            if defaults and any(id(d) in by_id for d in defaults):
                patched.append((f, "__defaults__", defaults))
                f.__defaults__ = tuple(by_id[id(d)][1] if id(d) in by_id else d for d in defaults)
            for cell in getattr(f, "__closure__", None) or ():
                with contextlib.suppress(ValueError):
                    if id(cell.cell_contents) in by_id:
                        obj, sentinel = by_id[id(cell.cell_contents)]
                        patched.append((cell, None, obj))
                        cell.cell_contents = sentinel
        seen = set()
        for ns in spaces:
            if not isinstance(ns, dict) or id(ns) in seen:
                continue
            seen.add(id(ns))
            for k, v in list(ns.items()):
                hit = by_id.get(id(v))
                if hit is not None and hit[0] is v:
                    ns[k] = hit[1]
                    patched.append((ns, k, v))
    try:
        yield refusal
    finally:
        for ns, k, v in reversed(patched):
            if k is None:
                ns.cell_contents = v
            elif k == "__defaults__" and not isinstance(ns, dict):
                ns.__defaults__ = v
            else:
                ns[k] = v


def function(reference: Callable, cases: list[tuple], *, rtol: float = 1e-6, atol: float = 0.0,
             raises: list[tuple[tuple, type]] = (), describe: Callable[[tuple], str] | None = None):
    """Grader for a learner's function: compared with ``reference`` on every case.

    ``cases`` are argument tuples; ``raises`` are ``(args, ExceptionType)`` edge cases
    the function must reject. Outputs may be numbers or arrays (compared element-wise).
    The reference outputs are computed first; the learner's function then runs with the
    exercise's library functions replaced by a sentinel (see :func:`refusing_library`).
    """
    describe = describe or (lambda args: "input (" + ", ".join(f"{a!r}" for a in args) + ")")

    def grade(func):
        if is_stub(func):
            raise NotAttempted
        if not callable(func):
            return [Result(False, "your answer", f"expected a function, got {type(func).__name__}.", format=True)]
        wants = []
        for args in cases:
            wants.append(reference(*args))
        results = []
        with refusing_library(func) as refusal:
            if not refusal.used:
                try:
                    results = _run_cases(func, cases, wants, raises, describe, rtol, atol)
                except _LibraryUsed:
                    pass
        if refusal.used:
            return [Result(False, "your own implementation", refusal.message, format=True)]
        return results

    grade.case_descriptions = tuple(describe(a) for a in cases)
    grade.reference_function = reference
    grade.cases = tuple(cases)
    grade.raises_cases = tuple(raises)
    grade.secrets = tuple(
        float(np.asarray(reference(*a), dtype=float).ravel()[0]) for a in cases
        if np.asarray(reference(*a)).size >= 1 and np.issubdtype(np.asarray(reference(*a)).dtype, np.number)
    )
    return grade


def _run_cases(func, cases, wants, raises, describe, rtol, atol) -> list[Result]:
    results = []
    for args, want in zip(cases, wants):
        what = describe(args)
        try:
            got = func(*args)
        except NotImplementedError:
            raise NotAttempted from None
        except Exception as exc:  # the learner's code failed: report, do not raise
            results.append(Result(False, what, f"your function raised {type(exc).__name__}: {exc}"))
            continue
        if got is None and want is not None:
            results.append(Result(False, what, "your function returned None: did it forget `return`?", format=True))
            continue
        guard = _guard(got)
        if guard is not None:
            results.append(Result(False, what, guard.detail, format=True))
            continue
        try:
            ok = bool(np.allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float),
                                  rtol=rtol, atol=atol) and np.shape(got) == np.shape(want))
        except (TypeError, ValueError):
            ok = False
        results.append(Result(ok, what, "" if ok else "the result does not match the reference."))
    for args, exc_type in raises:
        what = f"{describe(args)} should raise {exc_type.__name__}"
        try:
            func(*args)
        except NotImplementedError:
            raise NotAttempted from None
        except exc_type:
            results.append(Result(True, what))
            continue
        except Exception as exc:  # noqa: BLE001
            results.append(Result(False, what, f"it raised {type(exc).__name__} instead."))
            continue
        results.append(Result(False, what, "it returned a value instead of rejecting the input."))
    return results


def choice(correct: str, options: Iterable[str], *, feedback: dict[str, str] | None = None):
    """Grader for a multiple-choice answer (a letter such as ``"B"``). ``feedback`` explains wrong options."""
    options = tuple(o.upper() for o in options)
    correct = correct.upper()
    feedback = {k.upper(): v for k, v in (feedback or {}).items()}

    def grade(answer):
        if is_stub(answer):
            raise NotAttempted
        a = str(answer).strip().upper().rstrip(").") if isinstance(answer, str) else None
        if a not in options:
            return [Result(False, "your choice", f"answer with one of {', '.join(options)} (as a string).",
                           format=True)]
        if a == correct:
            return [Result(True, "your choice")]
        return [Result(False, "your choice", feedback.get(a, "that option does not fit what the widget shows."))]

    grade.secrets = ()  # the letter is short; tests check that it is not echoed
    grade.correct_option = correct
    return grade


# --------------------------------------------------------------------------- free text
_WORD_RE = re.compile(r"[A-Za-zÀ-ÿ0-9µ²⁺'’-]+")
#: Function words: real sentences contain many of them; a keyword list does not.
_FUNCTION_WORDS = frozenset("""
a an the of to in on at by for from with without into onto than then that this these those it its is are was were
be been being am has have had do does did can cannot could will would may might must should shall not no nor and
or but so because since if when while which who whom whose what where why how as also only more less most least
very there their they them he she we you i our your his her one both each other same such all any some""".split())
#: Verbs (and auxiliaries) that a sentence of explanation almost always contains.
_VERBS = frozenset("""
is are was were be been being has have had do does did can cannot could will would may might must should shall
means mean shows show showed gives give gave makes make made takes take took goes go keeps keep holds hold tells tell
reflects reflect depends depend measures measure lowers lower raises raise falls fall rises rise changes change
causes cause leads lead affects affect becomes become stays stay remains remain needs need uses use says say
explains explain prevents prevent buffers buffer releases release compares compare differs differ matters matter
happens happen drops drop varies vary contains contain comes come looks look seems seem appear appears""".split())


def _words(text: str) -> list[str]:
    return [w.lower().strip("'’-") for w in _WORD_RE.findall(text) if w.strip("'’-")]


def _term_pattern(term: str) -> re.Pattern:
    """Whole word or phrase, case-insensitive; a term of 4+ letters ending in a letter also matches as a stem
    ("excret" matches "excretion"); a term ending in ``*`` is always a stem."""
    t = term.strip()
    stem = t.endswith("*")
    t = t.rstrip("*").strip()
    body = r"\s+".join(re.escape(part) for part in t.split())
    if stem or (len(t) >= 4 and t[-1].isalpha()):
        body += r"\w*"
    lead = r"(?<!\w)" if t[:1].isalnum() else ""
    return re.compile(lead + body + r"(?!\w)", re.IGNORECASE)


def mentions(text: str, terms: Iterable[str]) -> bool:
    """True if ``text`` contains one of ``terms`` as a whole word or phrase (stems allowed, see above)."""
    return any(_term_pattern(t).search(text) for t in terms)


def assess_text(text: str, *, min_words: int = 25) -> list[str]:
    """Why a free-text answer is not (yet) a substantive attempt; an empty list if it is."""
    words = _words(text)
    n = len(words)
    problems = []
    if n < min_words:
        problems.append(f"it has {n} words; write at least {min_words}, in sentences.")
        return problems
    content = [w for w in words if w not in _FUNCTION_WORDS]
    if content:
        top, count = collections.Counter(content).most_common(1)[0]
        if count >= 4 and count > 0.2 * n:
            problems.append("one word is repeated many times; explain in your own sentences.")
    if len(set(words)) < 0.4 * n:
        problems.append("it repeats itself a lot; explain in your own sentences.")
    share = sum(w in _FUNCTION_WORDS for w in words) / n
    if share < 0.18 or not any(w in _VERBS or w.endswith("ed") for w in words):
        problems.append("it reads like a list of keywords; write full sentences that say how the ideas connect.")
    return problems


def explanation(concepts: dict[str, tuple[str, ...]], *, min_words: int = 25, need: int | None = None):
    """Grader for free text (explain exercises). Never marks an answer correct.

    ``concepts`` maps an idea (named as a topic, shown to the learner when missing) to words or phrases that
    show it (whole words; stems of 4+ letters allowed). An answer is *substantive* when it has ``min_words``
    words in sentences (function words and verbs present, no heavy repetition). ``need`` is kept for old
    definitions and ignored: explain answers are graded by a person.
    """
    del need

    def grade(answer):
        if is_stub(answer):
            raise NotAttempted
        if not isinstance(answer, str):
            return [Result(False, "your explanation", "write your explanation as a string.", format=True)]
        problems = assess_text(answer, min_words=min_words)
        return [Result(not problems, "a substantive attempt", " ".join(problems), format=bool(problems))]

    def missing(answer: str) -> list[str]:
        return [c for c, terms in concepts.items() if not mentions(answer, terms)]

    grade.secrets = ()
    grade.concepts = dict(concepts)
    grade.missing = missing
    grade.min_words = min_words
    return grade


# --------------------------------------------------------------------------- progress file
def progress_path() -> Path | None:
    """The learner's progress file (``MGCOURSE_PROGRESS``, default ``~/.mgcourse/progress.jsonl``); None if off."""
    env = os.environ.get("MGCOURSE_PROGRESS")
    if env is not None:
        if env.strip().lower() in ("", "off", "0", "none"):
            return None
        return Path(env).expanduser()
    return Path.home() / ".mgcourse" / "progress.jsonl"


def _answer_record(ex: Exercise, answer: Any) -> str:
    if isinstance(answer, str):
        return answer[:MAX_RECORDED_CHARS if ex.kind == "explain" else 200]
    if callable(answer):
        return f"<function {getattr(answer, '__name__', type(answer).__name__)}>"
    if isinstance(answer, (Real, np.floating, np.integer)):
        return repr(float(answer))
    return f"<{type(answer).__name__}>"


def _record(ex: Exercise, fb: Feedback, answer: Any) -> None:
    """Append one JSON line; never fails (an unwritable file is skipped silently)."""
    try:
        path = progress_path()
        if path is None:
            return
        line = {"time": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"), "exercise": ex.id,
                "chapter": ex.chapter, "kind": ex.kind, "status": fb.status, "checks_run": fb.checks_run,
                "checks_passed": fb.checks_passed, "hint_level": fb.hint_level,
                "answer": _answer_record(ex, answer)}
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    except Exception:  # noqa: BLE001 - progress is a convenience, never an error
        return


def read_progress(path: str | Path | None = None) -> list[dict]:
    """Every readable line of the progress file (malformed lines are skipped)."""
    path = Path(path) if path is not None else progress_path()
    if path is None or not path.exists():
        return []
    out = []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                with contextlib.suppress(ValueError):
                    rec = json.loads(line)
                    if isinstance(rec, dict) and "exercise" in rec:
                        out.append(rec)
    except OSError:
        return []
    return out


def progress_summary(path: str | Path | None = None):
    """Your progress across chapters, from the progress file: per chapter, how many exercises there are,
    how many you attempted, how many are correct (autograded) and how many explain answers you submitted."""
    import pandas as pd

    records = read_progress(path)
    best: dict[str, str] = {}
    rank = {NOT_ATTEMPTED: 0, NOT_YET: 1, SUBMITTED: 2, CORRECT: 3}
    for r in records:
        s = r.get("status", "")
        if rank.get(s, -1) > rank.get(best.get(r["exercise"], ""), -1):
            best[r["exercise"]] = s
    rows = []
    exercises = _load_bank()
    for chapter in sorted({e.chapter for e in exercises.values() if e.chapter.isdigit()}):
        ids = [i for i, e in exercises.items() if e.chapter == chapter]
        auto = [i for i in ids if exercises[i].autograded]
        rows.append({"chapter": chapter, "exercises": len(ids),
                     "attempted": sum(best.get(i, NOT_ATTEMPTED) != NOT_ATTEMPTED for i in ids),
                     "correct": f"{sum(best.get(i) == CORRECT for i in auto)} of {len(auto)}",
                     "explain answers submitted": sum(best.get(i) == SUBMITTED for i in ids)})
    return pd.DataFrame(rows).set_index("chapter")


# --------------------------------------------------------------------------- the checker
class Checker:
    """``check("id", answer)`` or ``check.<name>(answer)``; keeps the hint tier per exercise."""

    def __init__(self):
        self._attempts: dict[str, int] = {}
        self._status: dict[str, str] = {}

    def __call__(self, exercise_id: str, answer: Any = Ellipsis) -> Feedback:
        if not isinstance(exercise_id, str):
            raise TypeError(f"exercise_id must be a string such as '02.quicki', got {type(exercise_id).__name__}")
        if exercise_id not in _EXERCISES:
            try:
                _load_chapter(exercise_id)
            except (DataUnavailable, DataFileError) as exc:  # the chapter's bank needs data that is not there
                self._status[exercise_id] = CANNOT_CHECK
                return Feedback(exercise_id, CANNOT_CHECK, message=str(exc))
        if exercise_id not in _EXERCISES:
            exercises = _load_bank()
            if exercise_id not in exercises:
                raise ValueError(f"unknown exercise id {exercise_id!r}; known ids: {', '.join(sorted(exercises))}")
        ex = _EXERCISES[exercise_id]
        fb = self._feedback(ex, answer)
        self._status[exercise_id] = fb.status
        _record(ex, fb, answer)
        return fb

    def _feedback(self, ex: Exercise, answer: Any) -> Feedback:
        guard = _guard(answer)
        if guard is not None:
            tier = min(self._attempts.get(ex.id, 0), 3)
            return Feedback(ex.id, NOT_YET, 1, 0, f"First failing check: {guard.what}: {guard.detail}",
                            ex.hints[tier - 1] if tier else "", tier)
        try:
            with _library_refused(ex):
                results = list(ex.grader(answer))
        except NotAttempted:
            return Feedback(ex.id, NOT_ATTEMPTED)
        except (DataUnavailable, DataFileError) as exc:  # a fault of the data files, not of the answer
            return Feedback(ex.id, CANNOT_CHECK, message=str(exc))
        except Exception as exc:  # noqa: BLE001 - never raise on an answer
            results = [Result(False, "your answer", f"checking it raised {type(exc).__name__}: {exc}", format=True)]
        if ex.kind == "explain":
            return self._explain_feedback(ex, answer, results)
        n_pass = sum(r.passed for r in results)
        if results and n_pass == len(results):
            return Feedback(ex.id, CORRECT, len(results), n_pass)
        failed = next((r for r in results if not r.passed), Result(False, "your answer", "no checks ran."))
        msg = f"First failing check: {failed.what}" + (f": {failed.detail}" if failed.detail else ".")
        substantive = not any(r.format for r in results if not r.passed)
        if substantive:
            self._attempts[ex.id] = self._attempts.get(ex.id, 0) + 1
        tier = min(self._attempts.get(ex.id, 0), 3)
        return Feedback(ex.id, NOT_YET, len(results), n_pass, msg, ex.hints[tier - 1] if tier else "", tier)

    def _explain_feedback(self, ex: Exercise, answer: Any, results: list[Result]) -> Feedback:
        text = answer if isinstance(answer, str) else ""
        missing_fn = getattr(ex.grader, "missing", None)
        missing = missing_fn(text) if (missing_fn and text) else []
        ideas = ("Ideas you have not mentioned yet: " + "; ".join(missing) + "." if missing else
                 "You touch every idea the rubric lists; now compare how you connect them with the model answer.")
        problems = [r for r in results if not r.passed]
        if problems or not results:
            detail = problems[0].detail if problems else "write your explanation as a string."
            msg = f"Not yet a substantive attempt: {detail}" + ("\n" + ideas if text and missing else "")
            return Feedback(ex.id, NOT_YET, 1, 0, msg, ex.hints[0], 1, answer_text=text)
        model = ex.model_answer or "see the solutions notebook of this chapter."
        return Feedback(ex.id, SUBMITTED, 1, 1, ideas, "", 0, answer_text=text, model_answer=model,
                        rubric=ex.rubric)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        for ex in _load_bank().values():
            if ex.name == name:
                return lambda answer=Ellipsis: self(ex.id, answer)
        raise AttributeError(f"no exercise with the short name {name!r}")

    def reset(self) -> None:
        """Forget attempts (hints start again at the nudge)."""
        self._attempts.clear()
        self._status.clear()

    def progress(self, prefix: str = ""):
        """A table of this session's exercises whose id starts with ``prefix``, with their status."""
        import pandas as pd

        rows = [(ex.id, ex.title, ex.kind, self._status.get(ex.id, "not checked yet"))
                for ex in _load_bank().values() if ex.id.startswith(prefix)]
        return pd.DataFrame(rows, columns=["exercise", "title", "kind", "status"]).set_index("exercise")


#: The checker every notebook imports.
check = Checker()

__all__ = ["check", "exercise", "value", "deferred", "function", "choice", "explanation", "Feedback", "Result", "Precision",
           "Checker", "NotAttempted", "all_exercises", "exercise_specs", "is_stub", "mentions", "assess_text",
           "parse_number", "progress_summary", "read_progress", "progress_path", "refusing_library",
           "CORRECT", "NOT_YET", "NOT_ATTEMPTED", "SUBMITTED", "CANNOT_CHECK"]
