"""Exercise round trip (course design §3): the solutions notebook reports every exercise of
its chapter correct; the student version reports every one not attempted; the committed
student version is exactly what the generator makes (no drift). Outputs are read from the
stored notebooks, which nbval re-executes and compares in the same test run."""

import re

import nbformat
import pytest

from mgcourse import REPO_ROOT
from mgcourse.checks import all_exercises
from mgcourse.tools.exercises import is_up_to_date, student_path

SOLUTIONS = sorted((REPO_ROOT / "exercises" / "solutions").glob("[0-9][0-9]_*_solutions.ipynb"))
STATUS_RE = re.compile(r"^(✅|⏳|❌|📝) \[([^\]]+)\] (correct|not attempted yet|not yet|submitted)", re.M)


def _statuses(path):
    nb = nbformat.read(path, as_version=4)
    found = {}
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        for o in c.outputs:
            text = o.get("data", {}).get("text/plain", "") if "data" in o else o.get("text", "")
            for _, ex_id, status in STATUS_RE.findall(text):
                found.setdefault(ex_id, []).append(status)
    return found


def _chapter_ids(path):
    prefix = path.name[:2] + "."
    return {i for i in all_exercises() if i.startswith(prefix)}


def test_there_are_solution_notebooks():
    assert SOLUTIONS


@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_solutions_report_every_exercise_correct(path):
    ids = _chapter_ids(path)
    assert ids, f"no exercises registered for {path.name[:2]}"
    found = _statuses(path)
    assert set(found) >= ids, f"exercises never checked: {sorted(ids - set(found))}"
    exercises = all_exercises()
    # autograded exercises are correct; explain answers are never marked correct, the model answer is "submitted"
    wrong = {i: s for i, s in found.items() if i in ids
             and any(x != ("submitted" if exercises[i].kind == "explain" else "correct") for x in s)}
    assert not wrong, f"not correct (autograded) or not submitted (explain) in the solutions: {wrong}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_student_version_reports_not_attempted(path):
    student = student_path(path)
    found = _statuses(student)
    ids = _chapter_ids(path)
    assert set(found) >= ids, f"exercises never checked in the student version: {sorted(ids - set(found))}"
    bad = {i: s for i, s in found.items() if any(x != "not attempted yet" for x in s)}
    assert not bad, f"the student version should start 'not attempted yet': {bad}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_committed_student_version_is_up_to_date(path):
    ok, why = is_up_to_date(path)
    assert ok, why + " (run: python -m mgcourse.tools.exercises build)"


def test_every_chapter_with_exercises_has_6_to_8_or_is_the_welcome():
    by_chapter = {}
    for i in all_exercises():
        if re.match(r"^\d\d\.", i):
            by_chapter.setdefault(i[:2], []).append(i)
    for chapter, ids in by_chapter.items():
        if chapter != "00":
            assert 6 <= len(ids) <= 8, f"chapter {chapter} has {len(ids)} exercises (6-8 wanted)"
