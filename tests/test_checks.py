"""The exercise-feedback framework: states, tiered hints, never leaking answers, never raising."""

import numpy as np
import pytest

from mgcourse.checks import (CORRECT, NOT_ATTEMPTED, NOT_YET, Checker, all_exercises, choice, exercise, explanation,
                             function, value)

HINTS = ("nudge text", "concept text", "worked step text")


@pytest.fixture()
def checker():
    exercise("test.value", name="t_value", title="t", kind="compute",
             grader=value(3.14159, rtol=1e-3, mistakes={6.28318: "you doubled it."}), hints=HINTS)
    exercise("test.func", name="t_func", title="t", kind="implement",
             grader=function(lambda x: x ** 2, [(2.0,), (3.0,)], raises=[((-1.0,), ValueError)]), hints=HINTS)
    exercise("test.choice", name="t_choice", title="t", kind="explore", grader=choice("B", "ABC"), hints=HINTS)
    exercise("test.text", name="t_text", title="t", kind="explain",
             grader=explanation({"units": ("unit",), "errors": ("error", "mistake")}, min_words=5), hints=HINTS)
    return Checker()


def test_three_states(checker):
    assert checker("test.value", ...).status == NOT_ATTEMPTED
    assert checker("test.value", None).status == NOT_ATTEMPTED
    assert checker("test.value", 2.0).status == NOT_YET
    fb = checker("test.value", 3.1416)
    assert fb.status == CORRECT and fb.checks_run == 1 and "correct" in repr(fb)


def test_hints_escalate_and_stay_at_worked_step(checker):
    tiers = [checker("test.value", 1.0).hint for _ in range(4)]
    assert tiers == ["nudge text", "concept text", "worked step text", "worked step text"]
    checker.reset()
    assert checker("test.value", 1.0).hint_level == 1


def test_expected_value_never_printed(checker):
    for wrong in (0.0, 1.0, 3.0, 3.2, 100.0, -3.14159, "pi", [1, 2], float("nan")):
        text = repr(checker("test.value", wrong)) + checker("test.value", wrong)._repr_markdown_()
        assert "3.14" not in text
    assert "doubled" in checker("test.value", 6.2832).message


def test_function_grader(checker):
    def not_started(x):
        raise NotImplementedError

    assert checker.t_func(not_started).status == NOT_ATTEMPTED
    assert checker.t_func(lambda x: x * 2).status == NOT_YET

    def no_check(x):
        return x ** 2

    fb = checker.t_func(no_check)
    assert fb.status == NOT_YET and "should raise ValueError" in fb.message

    def good(x):
        if x < 0:
            raise ValueError("x must be >= 0")
        return x ** 2

    fb = checker.t_func(good)
    assert fb.status == CORRECT and fb.checks_run == 3

    def crashes(x):
        raise ZeroDivisionError("oops")

    fb = checker.t_func(crashes)  # the learner's exception is reported, not raised
    assert fb.status == NOT_YET and "ZeroDivisionError" in fb.message


def test_function_grader_compares_arrays_and_shapes():
    g = function(lambda x: np.array([x, 2 * x]), [(1.0,)])
    assert [r.passed for r in g(lambda x: np.array([x, 2 * x]))] == [True]
    assert [r.passed for r in g(lambda x: np.array([x]))] == [False]
    assert [r.passed for r in g(lambda x: "text")] == [False]


def test_choice_and_explanation(checker):
    assert checker.t_choice("b").status == CORRECT
    assert checker.t_choice("A").status == NOT_YET
    assert "one of" in checker.t_choice("Z").message
    assert checker.t_text("...").status == NOT_ATTEMPTED
    fb = checker.t_text("Numbers need units or an error follows.")
    assert fb.status == CORRECT
    fb = checker.t_text("Short.")
    assert fb.status == NOT_YET and "words" in fb.message


def test_unknown_id_is_an_authoring_error(checker):
    with pytest.raises(ValueError, match="unknown exercise id"):
        checker("nope", 1)
    with pytest.raises(AttributeError):
        checker.no_such_name


def test_bad_registration():
    with pytest.raises(ValueError, match="kind"):
        exercise("x", name="x", title="x", kind="quiz", grader=value(1), hints=HINTS)
    with pytest.raises(ValueError, match="three"):
        exercise("x", name="x", title="x", kind="compute", grader=value(1), hints=("a", "b"))


def test_every_course_exercise_is_well_formed():
    exercises = {k: v for k, v in all_exercises().items() if not k.startswith("test.")}
    assert exercises, "no exercises registered"
    names = [e.name for e in exercises.values()]
    assert len(names) == len(set(names)), "short names must be unique (check.<name>)"
    for ex in exercises.values():
        fb = Checker()(ex.id, ...)
        assert fb.status == NOT_ATTEMPTED, ex.id
        if ex.kind != "compute":
            continue
        for secret in ex.secrets:  # a compute exercise's hints never contain its answer
            shown = f"{secret:.3g}"
            if len(shown.strip("-0.")) >= 2:
                for h in ex.hints:
                    assert shown not in h, (ex.id, h)


def test_course_value_exercises_do_not_leak_on_wrong_answers():
    for ex in all_exercises().values():
        if ex.id.startswith("test.") or not ex.secrets:
            continue
        c = Checker()
        for secret in ex.secrets:
            if not np.isfinite(secret) or abs(secret) < 0.01:
                continue
            shown = f"{secret:.4g}"
            inputs = " ".join(getattr(ex.grader, "case_descriptions", ()))
            if len(shown.strip("-0.")) < 2 or shown in inputs:  # a reference output equal to an input is no secret
                continue
            answers = (secret * 1.37 + 0.5, -secret, 0.0) if ex.kind == "compute" else (lambda *a: -1.0,)
            for wrong in answers:
                fb = c(ex.id, wrong)
                assert fb.status != CORRECT, ex.id
                assert shown not in repr(fb), (ex.id, repr(fb))
