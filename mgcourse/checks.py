"""Exercise feedback (course design, section 3).

Usage in an exercise notebook::

    from mgcourse.checks import check
    check("02.homa-lab-report", homa_value)      # a value
    check.quicki(quicki)                           # a function, by the exercise's short name

Every call returns a :class:`Feedback` that says one of:

* **not attempted yet**: the stub is untouched (``...``, ``None``, or a function that
  raises ``NotImplementedError``);
* **not yet**: which check failed (never the expected value) and the next tiered
  hint: 1 nudge → 2 concept → 3 worked step;
* **correct**, with the number of checks that ran.

A check never raises because an answer is wrong, so a student notebook runs top
to bottom without errors. Exercises are defined in ``mgcourse/exercise_bank/chNN.py``
with :func:`exercise` and the grader helpers :func:`value`, :func:`function`,
:func:`choice` and :func:`explanation`.
"""

from __future__ import annotations

import functools
import importlib
import math
import pkgutil
from dataclasses import dataclass
from numbers import Real
from typing import Any, Callable, Iterable

import numpy as np

from mgcourse.data import DataFileError, DataUnavailable

NOT_ATTEMPTED = "not attempted yet"
NOT_YET = "not yet"
CORRECT = "correct"
CANNOT_CHECK = "cannot be checked"
_TIER_NAMES = ("nudge", "concept", "worked step")


class NotAttempted(Exception):
    """Raised by a grader when the answer is still the stub."""


@dataclass(frozen=True)
class Result:
    """One sub-check: did it pass, and what did it check (in words, without the answer)."""

    passed: bool
    what: str
    detail: str = ""


@dataclass
class Feedback:
    exercise_id: str
    status: str
    checks_run: int = 0
    checks_passed: int = 0
    message: str = ""
    hint: str = ""
    hint_level: int = 0

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def _lines(self) -> list[str]:
        if self.status == CORRECT:
            n = "the 1 check" if self.checks_run == 1 else f"all {self.checks_run} checks"
            head = f"✅ [{self.exercise_id}] correct: {n} passed."
        elif self.status == CANNOT_CHECK:
            head = f"⚠️ [{self.exercise_id}] cannot be checked right now: the course data it needs is not available."
        elif self.status == NOT_ATTEMPTED:
            head = f"⏳ [{self.exercise_id}] not attempted yet: replace the `...` / `NotImplementedError` stub, then run this cell again."
        else:
            head = f"❌ [{self.exercise_id}] not yet: {self.checks_passed} of {self.checks_run} checks passed."
        lines = [head]
        if self.message:
            lines.append(self.message)
        if self.hint:
            lines.append(f"Hint {self.hint_level} of 3 ({_TIER_NAMES[self.hint_level - 1]}): {self.hint}")
        return lines

    def __repr__(self) -> str:
        return "\n".join(self._lines())

    def _repr_markdown_(self) -> str:
        return "\n\n".join(self._lines())


@dataclass
class Exercise:
    id: str
    name: str
    title: str
    kind: str  # compute | implement | explore | explain
    grader: Callable[[Any], Iterable[Result]]
    hints: tuple[str, str, str]

    @property
    def secrets(self) -> tuple:
        """Values that must never appear in feedback (used by tests); computed on first use."""
        return tuple(getattr(self.grader, "secrets", ()))


class lazy_secrets:
    """Secrets computed on first use, for exercises whose reference values need the data files.

    ``grade.secrets = lazy_secrets(lambda: (...))``: importing the exercise bank reads no data.
    """

    def __init__(self, compute: Callable[[], Iterable]):
        self._compute = compute
        self._values: tuple | None = None

    def __iter__(self):
        if self._values is None:
            self._values = tuple(self._compute())
        return iter(self._values)


_EXERCISES: dict[str, Exercise] = {}
_KINDS = ("compute", "implement", "explore", "explain")


def exercise(id: str, *, name: str, title: str, kind: str, grader, hints: tuple[str, str, str]) -> Exercise:
    """Register an exercise. ``hints`` = (nudge, concept, worked step); none may contain the answer."""
    if kind not in _KINDS:
        raise ValueError(f"exercise {id!r}: kind must be one of {_KINDS}, got {kind!r}")
    if len(hints) != 3 or not all(isinstance(h, str) and h.strip() for h in hints):
        raise ValueError(f"exercise {id!r}: hints must be three non-empty strings (nudge, concept, worked step)")
    if not name.isidentifier():
        raise ValueError(f"exercise {id!r}: name {name!r} must be a Python identifier (it is check.<name>)")
    ex = Exercise(id, name, title, kind, grader, tuple(hints))
    _EXERCISES[id] = ex
    return ex


def _load_bank() -> dict[str, Exercise]:
    import mgcourse.exercise_bank as bank

    for mod in pkgutil.iter_modules(bank.__path__, "mgcourse.exercise_bank."):
        importlib.import_module(mod.name)
    return _EXERCISES


def all_exercises() -> dict[str, Exercise]:
    """Every registered exercise, by id."""
    return dict(_load_bank())


# --------------------------------------------------------------------------- stub detection
def is_stub(answer: Any) -> bool:
    """True for an untouched stub: ``...``, ``None``, an empty string or an empty container."""
    if answer is Ellipsis or answer is None:
        return True
    if isinstance(answer, str) and answer.strip() in ("", "...", "Write your answer here."):
        return True
    if isinstance(answer, (list, tuple, dict, set)) and len(answer) == 0:
        return True
    return False


def _number(answer: Any) -> float:
    if isinstance(answer, bool) or not isinstance(answer, (Real, np.floating, np.integer)):
        if isinstance(answer, np.ndarray) and answer.size == 1:
            return float(answer.ravel()[0])
        raise TypeError(f"expected a single number, got {type(answer).__name__}")
    return float(answer)


def _close(a: float, b: float, rtol: float, atol: float) -> bool:
    return math.isfinite(a) and abs(a - b) <= atol + rtol * abs(b)


# --------------------------------------------------------------------------- graders
def value(expected: float | Callable[[], float], *, rtol: float = 1e-3, atol: float = 0.0,
          what: str = "your value", mistakes: dict[float, str] | None = None):
    """Grader for a single number. ``mistakes`` maps a typical wrong value to a targeted message.

    ``expected`` must be a finite number (a NaN or infinite expected value would build a
    grader that can never pass), or a function of no arguments that returns one (called once, on the
    first check) when the reference value needs the data files, so that importing the exercise bank
    reads no data. ``rtol`` and ``atol`` are finite and ≥ 0.
    """
    from ._validate import as_float, in_range, instance_of

    rtol = in_range("rtol", rtol, 0, 1)
    atol = in_range("atol", atol, 0, None)
    mistakes = {} if mistakes is None else dict(instance_of("mistakes", mistakes, dict, none_ok=True))
    if callable(expected):
        compute = functools.cache(lambda: as_float("expected", expected()))
    else:
        expected = as_float("expected", expected)
        compute = lambda: expected  # noqa: E731

    def grade(answer):
        if is_stub(answer):
            raise NotAttempted
        want = compute()
        try:
            x = _number(answer)
        except TypeError as exc:
            return [Result(False, what, f"{exc}.")]
        if not math.isfinite(x):
            return [Result(False, what, "your answer is not a finite number.")]
        if _close(x, want, rtol, atol):
            return [Result(True, what)]
        for wrong, msg in mistakes.items():
            if _close(x, wrong, max(rtol, 1e-3), atol):
                return [Result(False, what, msg)]
        direction = "too high" if x > want else "too low"
        return [Result(False, what, f"{what} is {direction} (tolerance {rtol:.1%} relative).")]

    grade.secrets = lazy_secrets(lambda: (compute(),))
    return grade


def function(reference: Callable, cases: list[tuple], *, rtol: float = 1e-6, atol: float = 0.0,
             raises: list[tuple[tuple, type]] = (), describe: Callable[[tuple], str] | None = None):
    """Grader for a learner's function: compared with ``reference`` on every case.

    ``cases`` are argument tuples; ``raises`` are ``(args, ExceptionType)`` edge cases
    the function must reject. Outputs may be numbers or arrays (compared element-wise).
    """
    describe = describe or (lambda args: "input (" + ", ".join(f"{a!r}" for a in args) + ")")

    def grade(func):
        if is_stub(func):
            raise NotAttempted
        if not callable(func):
            return [Result(False, "your answer", f"expected a function, got {type(func).__name__}.")]
        results = []
        for args in cases:
            what = describe(args)
            try:
                got = func(*args)
            except NotImplementedError:
                raise NotAttempted from None
            except Exception as exc:  # the learner's code failed: report, do not raise
                results.append(Result(False, what, f"your function raised {type(exc).__name__}: {exc}"))
                continue
            want = reference(*args)
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
            except Exception as exc:
                results.append(Result(False, what, f"it raised {type(exc).__name__} instead."))
                continue
            results.append(Result(False, what, "it returned a value instead of rejecting the input."))
        return results

    grade.case_descriptions = tuple(describe(a) for a in cases)
    grade.secrets = tuple(
        float(np.asarray(reference(*a), dtype=float).ravel()[0]) for a in cases
        if np.asarray(reference(*a)).size >= 1 and np.issubdtype(np.asarray(reference(*a)).dtype, np.number)
    )
    return grade


def choice(correct: str, options: Iterable[str], *, feedback: dict[str, str] | None = None):
    """Grader for a multiple-choice answer (a letter such as ``"B"``). ``feedback`` explains wrong options."""
    options = tuple(o.upper() for o in options)
    correct = correct.upper()
    feedback = {k.upper(): v for k, v in (feedback or {}).items()}

    def grade(answer):
        if is_stub(answer):
            raise NotAttempted
        a = str(answer).strip().upper().rstrip(").")
        if a not in options:
            return [Result(False, "your choice", f"answer with one of {', '.join(options)} (as a string).")]
        if a == correct:
            return [Result(True, "your choice")]
        return [Result(False, "your choice", feedback.get(a, "that option does not fit what the widget shows."))]

    grade.secrets = ()  # the letter is short; tests check that it is not echoed
    grade.correct_option = correct
    return grade


def explanation(concepts: dict[str, tuple[str, ...]], *, min_words: int = 25, need: int | None = None):
    """Grader for free text. ``concepts`` maps a concept to words that show it (any one counts).

    The answer passes with at least ``min_words`` words that touch ``need`` of the
    concepts (default: all). Missing concepts are named by their topic, not by the
    words that would satisfy them; the model answer is in the solutions notebook.
    """
    need = len(concepts) if need is None else need

    def grade(answer):
        if is_stub(answer):
            raise NotAttempted
        if not isinstance(answer, str):
            return [Result(False, "your explanation", "write your explanation as a string.")]
        text = answer.lower()
        n_words = len(text.split())
        results = [Result(n_words >= min_words, f"length (at least {min_words} words)",
                          "" if n_words >= min_words else f"it has {n_words} words; say a little more.")]
        hits = [c for c, words in concepts.items() if any(w.lower() in text for w in words)]
        missing = [c for c in concepts if c not in hits]
        ok = len(hits) >= need
        results.append(Result(ok, "key ideas", "" if ok else "it does not yet address: " + "; ".join(missing) + "."))
        return results

    grade.secrets = ()
    return grade


# --------------------------------------------------------------------------- the checker
class Checker:
    """``check("id", answer)`` or ``check.<name>(answer)``; keeps the hint tier per exercise."""

    def __init__(self):
        self._attempts: dict[str, int] = {}
        self._status: dict[str, str] = {}

    def __call__(self, exercise_id: str, answer: Any = Ellipsis) -> Feedback:
        exercises = _load_bank()
        if exercise_id not in exercises:
            raise ValueError(f"unknown exercise id {exercise_id!r}; known ids: {', '.join(sorted(exercises))}")
        ex = exercises[exercise_id]
        try:
            results = list(ex.grader(answer))
        except NotAttempted:
            self._status[exercise_id] = NOT_ATTEMPTED
            return Feedback(exercise_id, NOT_ATTEMPTED)
        except (DataUnavailable, DataFileError) as exc:  # a fault of the data files, not of the answer
            self._status[exercise_id] = CANNOT_CHECK
            return Feedback(exercise_id, CANNOT_CHECK, message=str(exc))
        except Exception as exc:  # never raise on an answer
            results = [Result(False, "your answer", f"checking it raised {type(exc).__name__}: {exc}")]
        n_pass = sum(r.passed for r in results)
        if results and n_pass == len(results):
            self._status[exercise_id] = CORRECT
            return Feedback(exercise_id, CORRECT, len(results), n_pass)
        self._attempts[exercise_id] = self._attempts.get(exercise_id, 0) + 1
        tier = min(self._attempts[exercise_id], 3)
        failed = next(r for r in results if not r.passed)
        msg = f"First failing check: {failed.what}" + (f": {failed.detail}" if failed.detail else ".")
        self._status[exercise_id] = NOT_YET
        return Feedback(exercise_id, NOT_YET, len(results), n_pass, msg, ex.hints[tier - 1], tier)

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

__all__ = ["check", "exercise", "value", "function", "choice", "explanation", "Feedback", "Result",
           "Checker", "NotAttempted", "all_exercises", "is_stub", "lazy_secrets", "CORRECT", "NOT_YET", "NOT_ATTEMPTED",
           "CANNOT_CHECK"]
