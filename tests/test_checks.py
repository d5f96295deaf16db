"""The exercise-feedback framework: states, tiered hints, never leaking answers, never raising."""

import numpy as np
import pytest

from mgcourse.checks import (CORRECT, NOT_ATTEMPTED, NOT_YET, SUBMITTED, Checker, all_exercises, choice, exercise,
                             explanation, function, value)

HINTS = ("nudge text", "concept text", "worked step text")


@pytest.fixture(autouse=True)
def _private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv("MGCOURSE_PROGRESS", str(tmp_path / "progress.jsonl"))


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
    fb = checker("test.value", None)  # a forgotten return is not "not attempted"
    assert fb.status == NOT_YET and "forget `return`" in fb.message
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
    assert fb.status == SUBMITTED and not fb.correct  # free text is recorded, never marked correct
    assert "compare with the model answer" in repr(fb) and "Numbers need units" in repr(fb)
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


# --------------------------------------------------------------------------- issue 12: tiers, precision, inputs
def test_format_errors_keep_the_hint_tier(checker):
    assert checker("test.value", 1.0).hint_level == 1          # a substantive wrong answer: tier 1
    for bad in ("abc", None, [1, 2], "1,234", 3.0):            # format errors (3.0 is too coarse at 3 s.f.)
        fb = checker("test.value", bad)
        assert fb.status == NOT_YET and fb.hint_level == 1, (bad, fb)
    assert checker("test.value", 2.0).hint_level == 2           # the next substantive wrong answer advances


def test_precision_accepts_any_value_that_rounds_to_the_reference():
    g = value(3.14159, sig=2)
    for ok in (3.1, 3.14, 3.1416, 3.12, "3,1", "3.14", np.float32(3.1)):
        assert [r.passed for r in g(ok)] == [True], ok
    for wrong in (3.2, 3.0, 2.9, "3,2"):
        assert [r.passed for r in g(wrong)] == [False], wrong
    assert "give 2 significant figures" in g(3.0)[0].detail and g(3.0)[0].format
    pct = value(95.39, sig=2)  # "about 95 %"
    assert pct(95)[0].passed and pct(95.4)[0].passed and not pct(96)[0].passed
    whole = value(159.0, decimals=0)
    assert whole(159)[0].passed and whole(158.6)[0].passed and not whole(158)[0].passed


def test_tolerance_never_prints_as_zero_percent():
    for g in (value(3.14159, rtol=1e-4), value(2603.0, sig=3), value(0.0735, sig=2)):
        detail = g(1e6)[0].detail
        assert "0.0%" not in detail and "significant figure" in detail


def test_decimal_comma_and_ambiguous_thousands():
    g = value(5.5, sig=2)
    assert g("5,5")[0].passed
    r = g("1,234")[0]
    assert not r.passed and r.format and "ambiguous" in r.detail


def test_unbounded_inputs_are_refused_quickly(checker):
    import itertools

    for answer in (itertools.count(), (x for x in range(10**12)), iter(range(10**12)), np.zeros(10**6)):
        fb = checker("test.value", answer)
        assert fb.status == NOT_YET and fb.hint_level == 0
    endless = itertools.count()
    fb = Checker()("09.plan", endless)
    assert fb.status == NOT_YET and "iterator" in fb.message
    assert next(endless) == 0, "the check must refuse an iterator without reading it"


def test_function_returning_none_is_named(checker):
    def forgot(x):
        x ** 2

    fb = checker.t_func(forgot)
    assert fb.status == NOT_YET and "forget `return`" in fb.message and fb.hint_level == 0


# --------------------------------------------------------------------------- progress that persists
def test_progress_is_appended_and_summarised(tmp_path, monkeypatch, checker):
    import json

    from mgcourse.checks import progress_summary, read_progress

    path = tmp_path / "p" / "progress.jsonl"
    monkeypatch.setenv("MGCOURSE_PROGRESS", str(path))
    c = Checker()
    c("00.glucose-mmol", 1.0)
    c("00.ul-scope", "B")
    c("00.why-units", "The same glucose has different numbers in mg/dL and in mmol/L, so a bare number "
                      "can be read in the wrong unit and the mistake would go unnoticed in a result.")
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    assert [x["status"] for x in lines] == [NOT_YET, CORRECT, SUBMITTED]
    assert "mg/dL" in lines[2]["answer"]  # the explain answer is recorded
    assert len(read_progress()) == 3
    table = progress_summary()
    row = table.loc["00"]
    assert row["attempted"] == 3 and row["correct"].startswith("1 of") and row["explain answers submitted"] == 1
    assert table.loc["02", "attempted"] == 0


def test_progress_file_unwritable_or_off_never_fails(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("MGCOURSE_PROGRESS", str(blocker / "sub" / "progress.jsonl"))  # a file in the way
    assert Checker()("00.ul-scope", "B").status == CORRECT
    monkeypatch.setenv("MGCOURSE_PROGRESS", "off")
    assert Checker()("00.ul-scope", "B").status == CORRECT
    from mgcourse.checks import progress_summary

    assert progress_summary().loc["00", "attempted"] == 0


def test_exercise_specs_are_machine_readable():
    import json

    from mgcourse.checks import exercise_specs

    specs = exercise_specs()
    json.dumps(specs)  # JSON-friendly
    by_id = {s["id"]: s for s in specs}
    assert by_id["02.homa-lab"]["precision"]["sig"] == 2 and by_id["02.homa-lab"]["autograded"]
    assert by_id["02.homa-site"]["kind"] == "explain" and by_id["02.homa-site"]["rubric"]
    assert not by_id["02.homa-site"]["autograded"] and by_id["02.homa-site"]["model_answer"]
    assert by_id["02.quicki"]["library"] == ["mgcourse.indices:quicki"]
    assert all(s["points"] >= 1 for s in specs)
    for ex in all_exercises().values():
        if ex.kind == "compute" and hasattr(ex.grader, "expected"):
            assert ex.precision is not None and ex.reference() == ex.grader.expected
            assert ex.grade(ex.reference())[0] == 1.0 and ex.grade(None)[0] == 0.0


def test_every_numeric_compute_exercise_states_its_precision():
    for ex in all_exercises().values():
        if ex.kind == "compute" and not ex.id.startswith("test.") and hasattr(ex.grader, "expected"):
            assert ex.precision is not None, ex.id
