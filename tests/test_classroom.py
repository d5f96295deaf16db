"""The classroom pipeline (course design §9.7): nbgrader's real cycle, offline, on synthetic submissions.

``python -m mgcourse.tools.classroom generate`` writes an nbgrader course; this test then runs nbgrader itself
(generate_assignment, release_assignment to a local exchange, collect simulated by placing three submissions per
assignment in ``submitted/``, autograde, a manual grade of the explain answers through the gradebook, export) and
checks the exported CSV. Needs ``requirements-instructor.txt``; skipped without nbgrader, except under CI=true.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from mgcourse import REPO_ROOT, capstone
from mgcourse.tools import classroom

try:
    import nbgrader  # noqa: F401

    HAVE_NBGRADER = True
except ImportError:  # pragma: no cover - depends on the install
    HAVE_NBGRADER = False

needs_nbgrader = pytest.mark.skipif(
    not HAVE_NBGRADER and os.environ.get("CI", "").lower() != "true",
    reason="nbgrader is not installed (pip install -r requirements-instructor.txt)")

CHAPTERS = ("00", "07")  # two small chapters: the cycle stays well under two minutes
STUDENTS = {"blank": 0.0, "half": 0.5, "full": 1.0}  # share of answer cells filled with the model solution


def _nbgrader(course: Path, *args: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout + proc.stderr


def _nbgrader_cells(nb, key: str):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get(key)]


def _submission(source_nb, released_nb, share: float):
    """The released notebook with the first ``share`` of its answer cells replaced by the source's solution."""
    solutions = {c.metadata["nbgrader"]["grade_id"]: c.source for c in _nbgrader_cells(source_nb, "solution")}
    answer_ids = [c.metadata["nbgrader"]["grade_id"] for c in _nbgrader_cells(released_nb, "solution")]
    filled = set(answer_ids[: round(share * len(answer_ids))])
    nb = nbformat.from_dict(released_nb)
    for c in nb.cells:
        if c.metadata.get("nbgrader", {}).get("grade_id") in filled:
            c.source = solutions[c.metadata["nbgrader"]["grade_id"]]
    return nb


def _solution_lines(source_nb) -> list[str]:
    """Substantive lines of every solution block and every hidden test of a source notebook."""
    out = []
    for c in source_nb.cells:
        meta = c.metadata.get("nbgrader", {})
        if c.cell_type == "markdown" and meta.get("solution"):
            out += [l.strip() for l in c.source.splitlines() if len(l.strip()) > 20]
            continue
        for begin, end in ((classroom.BEGIN, classroom.END), (classroom.BEGIN_TESTS, classroom.END_TESTS)):
            for block in re.findall(re.escape(begin) + r"(.*?)" + re.escape(end), c.source, re.S):
                out += [l.strip() for l in block.splitlines()
                        if len(l.strip()) > 12 and not l.strip().startswith(("# Your answer:", "#"))]
    return out


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    if not HAVE_NBGRADER:
        pytest.fail("CI=true but nbgrader is not installed: pip install -r requirements-instructor.txt")
    root = tmp_path_factory.mktemp("course")
    paths = classroom.generate(root, CHAPTERS)
    names = [p.parent.name for p in paths]
    _nbgrader(root, "generate_assignment", "*", "--force")  # every assignment in one run
    for name in names:
        _nbgrader(root, "release_assignment", name, "--force", f"--Exchange.root={root / 'exchange'}",
                  f"--CourseDirectory.course_id={classroom.COURSE_ID}")
    for name in names:  # collect, simulated: what `nbgrader collect` (or zip_collect) leaves in submitted/
        source = nbformat.read(root / "source" / name / f"{name}.ipynb", as_version=4)
        released = nbformat.read(root / "release" / name / f"{name}.ipynb", as_version=4)
        for student, share in STUDENTS.items():
            target = root / "submitted" / student / name
            target.mkdir(parents=True)
            nbformat.write(_submission(source, released, share), target / f"{name}.ipynb")
            (target / "timestamp.txt").write_text("2026-12-01 09:00:00.000000 UTC")
    _nbgrader(root, "autograde", "*", "--create")
    # Grade the explain answers by hand, as formgrader does: full marks for the model answers of "full".
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for name in names:
            sub = gb.find_submission(name, "full")
            for nb in sub.notebooks:
                for g in nb.grades:
                    if g.auto_score is None:
                        g.manual_score = g.max_score
            gb.db.commit()
    _nbgrader(root, "export", "--to", str(root / "grades.csv"))
    with open(root / "grades.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {"root": root, "names": names, "rows": rows}


@needs_nbgrader
def test_exported_scores_are_zero_partial_and_full(course):
    by = {(r["assignment"], r["student_id"]): r for r in course["rows"]}
    assert set(by) == {(n, s) for n in course["names"] for s in STUDENTS}
    for name in course["names"]:
        blank, half, full = (float(by[name, s]["score"]) for s in STUDENTS)
        max_score = float(by[name, "full"]["max_score"])
        assert max_score > 0
        assert blank == 0.0, f"{name}: the blank submission scored {blank}"
        assert 0.0 < half < max_score, f"{name}: the half-right submission scored {half} of {max_score}"
        assert full == max_score, f"{name}: the all-right submission scored {full} of {max_score}"


@needs_nbgrader
def test_released_notebooks_hold_no_test_code_or_answer(course):
    root = course["root"]
    for name in course["names"]:
        source = nbformat.read(root / "source" / name / f"{name}.ipynb", as_version=4)
        hidden = _solution_lines(source)
        assert hidden, f"{name}: found no solution or test lines to look for"
        for released in (root / "release" / name / f"{name}.ipynb",
                         root / "exchange" / classroom.COURSE_ID / "outbound" / name / f"{name}.ipynb"):
            text = released.read_text(encoding="utf-8")
            nb = nbformat.reads(text, as_version=4)
            body = "\n".join(c.source for c in nb.cells)
            for marker in (classroom.BEGIN_TESTS, "assert_correct", "assert_close", classroom.BEGIN,
                           "Model answer", "Rubric"):
                assert marker not in body, f"{released.name}: contains {marker!r}"
            leaked = [line for line in hidden if line in body]
            assert not leaked, f"{released.name}: solution or test lines visible to students: {leaked[:3]}"
            # each graded exercise has a locked, pointed test cell and an answer cell
            tests = _nbgrader_cells(nb, "grade")
            assert tests and all(c.metadata["nbgrader"]["points"] > 0 for c in tests)


# --------------------------------------------------------------------------- without nbgrader: the source itself
def test_instructor_requirements_pin_nbgrader_on_top_of_the_learners():
    lines = [ln.split("#")[0].strip() for ln in (REPO_ROOT / "requirements-instructor.txt").read_text().splitlines()]
    lines = [ln for ln in lines if ln]
    assert "-r requirements.txt" in lines
    pins = [ln for ln in lines if ln.startswith("nbgrader")]
    assert len(pins) == 1 and re.fullmatch(r"nbgrader==0\.9\.\d+", pins[0]), pins
    learner = [ln.split("#")[0].strip() for ln in (REPO_ROOT / "requirements.txt").read_text().splitlines()]
    assert not any(ln.lower().startswith("nbgrader") for ln in learner)  # learners do not need it



def test_source_notebook_structure():
    from mgcourse.checks import all_exercises

    path = classroom.chapter_sources(["00"])[0]
    nb, rubric = classroom.build_source(path)
    kinds = {ex.id: ex.kind for ex in all_exercises().values() if ex.id.startswith("00.")}
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
    manual = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "markdown"]
    auto_ids = {k for k, v in kinds.items() if v != "explain"}
    assert {re.search(r"for (\S+) \(", c.source).group(1) for c in tests} == auto_ids
    for c in tests:
        assert c.metadata["nbgrader"]["locked"] and classroom.BEGIN_TESTS in c.source
    assert len(manual) == sum(v == "explain" for v in kinds.values())
    assert all(c.metadata["nbgrader"]["solution"] for c in manual)
    assert "Model answer" in rubric
    assert not any("solutions-only" in c.metadata.get("tags", []) for c in nb.cells)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_hidden_test_adapter_grades_right_and_wrong():
    classroom.assert_correct("00.ul-scope", "B")
    with pytest.raises(AssertionError) as exc:
        classroom.assert_correct("00.ul-scope", "A")
    assert "00.ul-scope" in str(exc.value)
    with pytest.raises(AssertionError):
        classroom.assert_correct("00.mg-to-meq", ...)


def test_capstone_class_case_is_new_plausible_and_reproducible():
    a, b = classroom.generate_case(11), classroom.generate_case(11)
    assert a == b
    assert classroom.generate_case(12) != a
    committed = {classroom.reference_answers(c)["homa"] for c in capstone.CASES.values()}
    for seed in range(6):
        case = classroom.generate_case(seed)
        ref = classroom.reference_answers(case)
        assert ref["homa"] not in committed
        assert 0.2 < ref["homa"] < 30 and 50 < ref["food_total_mg"] < 1500
        assert ref["ul_letter"] in "ABC" and ref["model_letter"] in "ABCD"
    with pytest.raises(ValueError, match="seed"):
        classroom.generate_case(-1)


def test_capstone_source_holds_class_case_tests_and_no_committed_case():
    path = classroom.chapter_sources(["09"])[0]
    case = classroom.generate_case(2024)
    ref = classroom.reference_answers(case)
    nb, rubric = classroom.build_source(path, capstone_case=case)
    text = "\n".join(c.source for c in nb.cells)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert repr(round(ref["homa"], 6)) in text  # the expected value is in the instructor's source only
    assert 'CASE = "' not in code and "select_case" not in code
    assert "09.case_summary" not in code
    assert f'"{ref["ul_letter"]}"' in text
    assert repr(case) in rubric
