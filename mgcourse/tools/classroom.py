"""Grade a class with nbgrader: generate an nbgrader course from the single exercise source.

``python -m mgcourse.tools.classroom generate --course-dir DIR [--chapters 02 05 ...] [--capstone-seed N]``

writes ``DIR/nbgrader_config.py``, ``DIR/source/<NN_topic>/<NN_topic>.ipynb`` for each chapter and
``DIR/rubrics/<NN_topic>.md`` (model answers and rubrics, for the instructor beside formgrader). Then the
normal nbgrader cycle runs in ``DIR`` (INSTRUCTORS.md, "Grading a class with nbgrader").

From each ``exercises/solutions/NN_*_solutions.ipynb`` (the single source):

* a **compute, implement or explore** exercise becomes an *autograded answer* cell (``solution: true``; the
  ``### BEGIN SOLUTION`` / ``### END SOLUTION`` block is what nbgrader replaces by a stub) followed by a
  locked *autograder test* cell (``grade: true``, ``points``) whose test lies between ``### BEGIN HIDDEN TESTS``
  and ``### END HIDDEN TESTS``: students never see it; it calls the exercise's grader and asserts correctness;
* an **explain** exercise becomes a *manually graded* Markdown answer cell (``grade: true, solution: true``)
  whose source version holds the model answer and the rubric (nbgrader replaces the whole cell on release);
* ``solutions-only`` cells are kept out of the student version (their Markdown goes into the rubric file);
* the **capstone** (chapter 09) is rewritten for an *instructor-only case* built from ``--capstone-seed``:
  its numbers and the hidden tests' expected values are computed by the library when you generate, and
  live only in ``DIR`` (never in the repository). Without a seed, a random seed is drawn and printed.

Hidden tests import this module at autograding time, so the autograding environment needs the course
library (``pip install -r requirements-instructor.txt``).
"""

from __future__ import annotations

import argparse
import copy
import math
import re
import secrets
import sys
from pathlib import Path

import nbformat

from .. import REPO_ROOT

SOLUTIONS_DIR = REPO_ROOT / "exercises" / "solutions"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_TESTS, END_TESTS = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
#: Points per exercise kind (explain answers are graded by hand, out of these points).
POINTS = {"compute": 1, "implement": 2, "explore": 1, "explain": 2}
#: Points of an ungraded-by-the-bank written answer (a Markdown ``solution`` cell, e.g. "write two sentences").
WRITTEN_POINTS = 1
COURSE_ID = "mgcourse"
_STUB_RE = re.compile(r"^(\s*)# STUB: ?(.*)$")
_CHECK_RE = re.compile(r"""^\s*check\(\s*["']([^"']+)["']\s*,\s*(.+)\)\s*$""")
_CHECK_NAME_RE = re.compile(r"^\s*check\.(\w+)\((.+)\)\s*$")
_TEXT_RE = re.compile(r'(\w+)\s*=\s*"""(.*?)"""', re.S)


# =========================================================================== the adapter to the checks
def _passed(outcome) -> tuple[bool, str]:
    """Read a grader's outcome: an object with ``correct``, a bool, or an iterable of results with ``passed``.

    The one place that knows the shape of a grader's return value (adapt here if ``mgcourse.checks`` changes).
    """
    if isinstance(outcome, bool):
        return outcome, ""
    if hasattr(outcome, "correct"):
        return bool(outcome.correct), str(getattr(outcome, "message", ""))
    results = list(outcome)
    failed = [r for r in results if not getattr(r, "passed", getattr(r, "correct", False))]
    if not results:
        return False, "no check ran"
    if failed:
        r = failed[0]
        return False, f"{getattr(r, 'what', 'a check')}: {getattr(r, 'detail', '')}".rstrip(": ")
    return True, ""


def grade(exercise_id: str, answer) -> tuple[bool, str]:
    """Run exercise ``exercise_id``'s grader on ``answer``: (correct?, the first failing check in words)."""
    from mgcourse.checks import NotAttempted, all_exercises

    ex = all_exercises()[exercise_id]
    try:
        return _passed(ex.grader(answer))
    except NotAttempted:
        return False, "not attempted"
    except NotImplementedError:
        return False, "not attempted"


def assert_correct(exercise_id: str, answer) -> None:
    """The hidden test of an autograded exercise: raises AssertionError (no expected value) unless correct."""
    ok, why = grade(exercise_id, answer)
    assert ok, f"[{exercise_id}] not correct: {why}"


def assert_close(answer, expected: float, *, rtol: float, what: str) -> None:
    """Hidden test for a number of the instructor's capstone case (the expected value is in the source only)."""
    if isinstance(answer, bool):
        raise AssertionError(f"{what}: expected a number, got a bool")
    x = float(answer)
    assert math.isfinite(x) and abs(x - expected) <= rtol * abs(expected), f"{what} is not correct"


# =========================================================================== the instructor's capstone case
#: Food-log lines known to be valid SR28 entries (NDB, amount, unit, meal), drawn from the committed cases.
def _log_pool():
    from mgcourse import capstone

    seen, pool = set(), []
    for c in capstone.CASES.values():
        for e in c.food_log:
            if (e.ndb_no, e.unit) not in seen:
                seen.add((e.ndb_no, e.unit))
                pool.append(e)
    return pool


_MEALS = ("breakfast", "lunch", "snack", "dinner")
_SUPPLEMENTS = (  # (label template, form_id, basis, amounts_mg)
    ("'Magnesium oxide {a:g} mg' per tablet (MgO)", "oxide", "salt", (250.0, 400.0, 500.0)),
    ("'Magnesium citrate {a:g} mg' per tablet; ingredient list: trimagnesium dicitrate, anhydrous, Mg3(C6H5O7)2",
     "trimagnesium_dicitrate_anhydrous", "salt", (300.0, 500.0, 750.0)),
    ("'Magnesium {a:g} mg (as magnesium bisglycinate)' per capsule", "bisglycinate", "elemental", (100.0, 120.0, 200.0)),
)


def generate_case(seed: int):
    """A plausible fictional capstone case from ``seed`` (physiological ranges; validated by ``capstone.Case``).

    The lab values keep mixed units as in the committed cases; the food log is 9–13 lines drawn from the
    committed cases' valid entries with new amounts; the supplement is one of three label types.
    """
    import numpy as np

    from mgcourse import capstone
    from mgcourse.units import convert

    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    rng = np.random.default_rng(seed)
    age = int(rng.integers(25, 76))
    sex = str(rng.choice(["male", "female"]))
    glucose_mmol_l = round(float(rng.uniform(4.4, 9.5)), 1)
    insulin_uU_ml = round(float(rng.uniform(3.0, 30.0)), 1)
    serum_mmol_l = round(float(rng.uniform(0.62, 0.98)), 2)
    g_unit, i_unit, m_unit = (str(rng.choice(u)) for u in (("mg/dL", "mmol/L"), ("pmol/L", "mU/L"), ("mmol/L", "mg/dL")))
    glucose = (round(convert(glucose_mmol_l, "mmol/L", g_unit, substance="glucose"), 0 if g_unit == "mg/dL" else 1), g_unit)
    insulin = (round(convert(insulin_uU_ml, "µU/mL", i_unit, substance="insulin"), 0 if i_unit == "pmol/L" else 1), i_unit)
    serum = (round(convert(serum_mmol_l, "mmol/L", m_unit, substance="magnesium"), 2 if m_unit == "mmol/L" else 1), m_unit)
    pool = _log_pool()
    picks = rng.choice(len(pool), size=int(rng.integers(9, 14)), replace=False)
    log = tuple(capstone.FoodLogEntry(pool[k].ndb_no, float(pool[k].amount * rng.choice([0.5, 1.0, 1.0, 1.5, 2.0])),
                                      pool[k].unit, _MEALS[j * len(_MEALS) // len(picks)])
                for j, k in enumerate(sorted(picks)))
    text, form_id, basis, amounts = _SUPPLEMENTS[int(rng.integers(len(_SUPPLEMENTS)))]
    amount = float(rng.choice(amounts))
    units = int(rng.integers(1, 3))
    label = capstone.SupplementLabel(
        label_text=text.format(a=amount) + f"; taken {units} a day.",
        form_id=form_id, amount_mg=amount, basis=basis, units_per_day=units, portions_per_day=units)
    who = "man" if sex == "male" else "woman"
    return capstone.Case(
        case_id="X", title=f"a {age}-year-old {who} (the class case)", age_years=age, sex=sex, pregnant=False,
        story=(f"The class case (fictional) is a {age}-year-old {who}. A health check measured fasting glucose, insulin "
               "and serum magnesium; the report's units are as printed. They take a magnesium supplement as the label "
               "below says. Kidney function is not on the report."),
        diet="omnivore", conditions=("none reported",), medications=(), glucose=glucose, insulin=insulin,
        serum_mg=serum, food_log=log, swaps=(), exclude_from_plan=(), supplement=label)


def reference_answers(case) -> dict:
    """The graded numbers of the chapter 09 exercises for ``case`` (instructor tooling: not in the student API)."""
    from mgcourse import capstone, intakes

    idx = capstone.indices_report(case)
    total = capstone.food_log_total_mg(case.food_log)
    rda = intakes.rda(case.age_years, case.sex, pregnant=case.pregnant)
    rep = capstone.supplement_report(case)
    pool = capstone.run_scenario("current food log", total).mg_pool
    letters = {"replete": "A", "mildly depleted": "B", "clearly depleted": "C", "collapsed": "D"}
    ul = "C" if rep and rep.ul.above_us_ul else ("B" if rep and rep.ul.above_eu_ul else "A")
    return {"homa": idx.homa_ir, "quicki": idx.quicki, "food_total_mg": total, "rda_mg": rda,
            "gap_to_rda_mg": rda - total, "elemental_mg_per_day": rep.elemental_mg_per_day if rep else 0.0,
            "above_us_ul": bool(rep and rep.ul.above_us_ul), "above_eu_ul": bool(rep and rep.ul.above_eu_ul),
            "current_pool": pool, "ul_letter": ul,
            "model_letter": next(v for k, v in letters.items() if capstone.pool_category(pool).startswith(k))}


def _plan_for(ref: dict) -> list:
    """A food plan (pumpkin seeds, in whole ounces) that closes the class case's gap to the RDA."""
    ounces = max(1, math.ceil(max(ref["gap_to_rda_mg"], 0.0) / 150.0))
    return [("12016", ounces, "oz")]


def _capstone_tests(ref: dict) -> dict:
    """Hidden tests of chapter 09 for the class case (expected values computed now, written to DIR only)."""
    r = {k: (round(v, 6) if isinstance(v, float) else v) for k, v in ref.items()}
    return {
        "09.homa": f"assert_close(homa, {r['homa']!r}, rtol=5e-3, what='HOMA-IR')",
        "09.gap": f"assert_close(gap_to_rda_mg, {r['gap_to_rda_mg']!r}, rtol=5e-3, what='the gap to the RDA')",
        "09.elemental": f"assert_close(elemental_mg_per_day, {r['elemental_mg_per_day']!r}, rtol=5e-3, "
                        "what='elemental Mg per day')",
        "09.ul": f"assert str(ul_answer).strip().upper() == {r['ul_letter']!r}, 'the UL placement is not correct'",
        "09.model": f"assert str(model_answer).strip().upper() == {r['model_letter']!r}, 'the model category is not correct'",
        "09.food-log": ("assert_correct('09.food-log', food_log_mg)\n"
                        f"assert_close(food_log_mg(case_log), {r['food_total_mg']!r}, rtol=1e-6, "
                        "what='the total of your case log')"),
        "09.plan": ("_t = capstone.food_log_table(list(additions))\n"
                    "assert len(_t) <= 6 and (_t['grams'] <= 400).all() and _t['energy_kcal'].sum() <= 800, "
                    "'the plan breaks a limit (6 foods, 400 g each, 800 kcal)'\n"
                    f"assert {r['food_total_mg']!r} + _t['magnesium_mg'].sum() >= {r['rda_mg']!r} - 0.5, "
                    "'the plan does not reach the RDA'"),
    }


def _case_cell_source(case) -> str:
    return ("# Your case (fictional), generated for this class by your instructor. Run this cell first.\n"
            "from mgcourse.capstone import Case, FoodLogEntry, SupplementLabel\n\n"
            f"case = {case!r}\n\n"
            "print(case.fictional_label)\n"
            "display(Markdown(case.story))\n"
            'print("lab report: glucose", case.glucose, "| insulin", case.insulin, "| serum Mg", case.serum_mg)\n'
            'print("supplement label:", case.supplement.label_text)\n'
            'print("food log (NDB, amount, unit):")\n'
            "for e in case.food_log:\n"
            '    print(f"  {e.meal:10s} {e.ndb_no}  {e.amount:g} {e.unit}")')


# =========================================================================== building one source notebook
def _meta(grade_id: str, *, solution: bool, grade: bool, points: float = 0, locked: bool = False) -> dict:
    m = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
         "task": False}
    if grade:
        m["points"] = points
    return m


def _exercise_of(line: str, by_name: dict) -> tuple[str, str] | None:
    if m := _CHECK_RE.match(line):
        return m.group(1), m.group(2).strip()
    if (m := _CHECK_NAME_RE.match(line)) and m.group(1) in by_name:
        return by_name[m.group(1)], m.group(2).strip()
    return None


def _split(source: str):
    """(lines before the block, STUB lines, solution lines, lines after) of a solution cell."""
    lines = source.splitlines()
    b = next(i for i, l in enumerate(lines) if l.strip() == BEGIN)
    e = next(i for i, l in enumerate(lines) if l.strip() == END)
    block = lines[b + 1:e]
    stubs = [l for l in block if _STUB_RE.match(l)]
    return lines[:b + 1], stubs, [l for l in block if not _STUB_RE.match(l)], lines[e:]


def _answer_source(source: str, *, keep_check: bool, check_line: str | None) -> str:
    head, stubs, body, tail = _split(source)
    hints = [(m.group(1) + "# Your answer: " + m.group(2).lstrip("# ")) for s in stubs if (m := _STUB_RE.match(s))]
    out = head[:-1] + hints + [head[-1]] + body + [l for l in tail if keep_check or l != check_line]
    return "\n".join(out).rstrip()


def _md(source: str, **meta):
    cell = nbformat.v4.new_markdown_cell(source)
    if meta:
        cell.metadata["nbgrader"] = _meta(**meta)
    return cell


def build_source(solution_path: Path, *, capstone_case=None) -> tuple[nbformat.NotebookNode, str]:
    """The nbgrader source notebook of one solutions notebook, and its rubric (Markdown)."""
    from mgcourse.checks import all_exercises

    exercises = all_exercises()
    by_name = {ex.name: ex.id for ex in exercises.values()}
    nb = nbformat.read(solution_path, as_version=4)
    chapter = Path(solution_path).name[:2]
    ref = reference_answers(capstone_case) if capstone_case is not None else None
    tests = _capstone_tests(ref) if ref else {}
    cells, rubric = [], [f"# Rubric and model answers: {Path(solution_path).stem.replace('_solutions', '')}", ""]
    if ref:
        rubric += ["## The class case (instructor only)", "", "```", repr(capstone_case), "```", "",
                   "| quantity | value |", "|---|---|"] + [f"| {k} | {v:.4g} |" if isinstance(v, float) else
                                                             f"| {k} | {v} |" for k, v in ref.items()] + [""]
    last_title, written = "", 0
    pending_explain = None  # the manually graded cell waiting for a following model answer
    for i, cell in enumerate(nb.cells):
        tags = list(cell.metadata.get("tags", []))
        where = f"{Path(solution_path).name}, cell {i + 1}"
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("#"):
            last_title = cell.source.lstrip().splitlines()[0].lstrip("# ").strip()
        if "solutions-only" in tags:
            if cell.cell_type == "markdown":
                rubric += [f"## {last_title}", "", cell.source, ""]
                if pending_explain is not None:
                    pending_explain.source += "\n\n" + cell.source
            continue
        new = copy.deepcopy(cell)
        new.pop("id", None)
        if new.cell_type == "code":
            new.outputs, new.execution_count = [], None
        new.metadata.pop("nbgrader", None)
        if ref and new.cell_type == "code" and new.source.lstrip().startswith("CASE ="):
            new.source = _case_cell_source(capstone_case)
            new.metadata["tags"] = ["setup"]
            new.metadata["nbgrader"] = _meta(f"case-{chapter}", solution=False, grade=False, locked=True)
            cells.append(new)
            continue
        if ref and new.cell_type == "code" and "case_id=CASE" in new.source:
            if "09.case_summary" in new.source:
                continue  # the summary widget shows the worked case only
            new.source = new.source.replace(", case_id=CASE", "")
        if "hint" in tags and new.cell_type == "markdown" and not new.source.lstrip().startswith("<details"):
            body = new.source.strip()
            first, _, rest = body.partition("\n")
            title = "💡 " + first.strip("*: ") if first.startswith("**Hint") and rest else "💡 Hint"
            new.source = f"<details>\n<summary>{title}</summary>\n\n{(rest if rest else body).strip()}\n\n</details>"
        if "solution" not in tags:
            cells.append(new)
            continue
        pending_explain = None
        if new.cell_type == "markdown":  # a written answer that no bank check grades: graded by hand
            written += 1
            gid = f"written-{chapter}-{written}"
            model = re.sub(r"<!--.*?-->", "", new.source, flags=re.S).strip()
            note = (f"**Model answer ({'worked case B; adapt to the class case' if ref else 'source only'}).** "
                    f"{model}")
            cells.append(_md(note, grade_id=gid, solution=True, grade=True, points=WRITTEN_POINTS))
            rubric += [f"## {last_title}: written answer `{gid}` ({WRITTEN_POINTS} point)", "", model, ""]
            continue
        if BEGIN not in new.source:
            raise ValueError(f"{where}: a solution cell needs {BEGIN} / {END}")
        found = [(line, m) for line in new.source.splitlines() if (m := _exercise_of(line, by_name))]
        if not found:  # an optional part without a check: an ungraded answer cell
            new.source = _answer_source(new.source, keep_check=True, check_line=None)
            new.metadata["nbgrader"] = _meta(f"answer-{chapter}-{i}", solution=True, grade=False)
            cells.append(new)
            continue
        check_line, (ex_id, answer_expr) = found[-1]
        ex = exercises[ex_id]
        slug = re.sub(r"[^A-Za-z0-9_-]", "-", ex_id)
        if ex.kind == "explain":
            body = "\n".join(_split(new.source)[2])
            m = _TEXT_RE.search(body)
            model = m.group(2).strip() if m else body
            cells.append(_md(f"*Write your answer to **{ex.title}** in the cell below; your instructor grades it "
                             f"({POINTS['explain']} points).*", grade_id=f"{slug}-prompt", solution=False,
                             grade=False, locked=True))
            answer = _md(f"**Model answer (source only).** {model}", grade_id=slug, solution=True, grade=True,
                         points=POINTS["explain"])
            cells.append(answer)
            pending_explain = answer
            rubric += [f"## {ex_id}: {ex.title} ({POINTS['explain']} points)", "", "**Model answer.** " + model, "",
                       "**Ideas to look for** (hint tiers of the check): " + " / ".join(ex.hints), ""]
            continue
        keep_check = not ref  # the bank's checks grade the committed cases, not the class case
        new.source = _answer_source(new.source, keep_check=keep_check, check_line=check_line)
        if ref and ex_id in ("09.ul", "09.model"):
            var = answer_expr
            letter = ref["ul_letter" if ex_id == "09.ul" else "model_letter"]
            head, stubs, _, tail = _split(cell.source)
            new.source = _answer_source("\n".join(head + stubs + [f'{var} = "{letter}"'] + tail),
                                        keep_check=False, check_line=check_line)
        if ref and ex_id == "09.plan":
            head, stubs, _, tail = _split(cell.source)
            new.source = _answer_source("\n".join(head + stubs + [f"additions = {_plan_for(ref)!r}"] + tail),
                                        keep_check=False, check_line=check_line)
        new.metadata["nbgrader"] = _meta(f"{slug}-answer", solution=True, grade=False)
        cells.append(new)
        test_body = tests.get(ex_id, f"assert_correct({ex_id!r}, {answer_expr})")
        points = POINTS[ex.kind]
        test = nbformat.v4.new_code_cell(
            f"# Autograder test for {ex_id} ({points} point{'s' if points != 1 else ''}), hidden until grading."
            + ("\n" if ref else " The check(...) line in the cell above gives feedback while you work.\n")
            + f"{BEGIN_TESTS}\nfrom mgcourse.tools.classroom import assert_close, assert_correct\n{test_body}\n{END_TESTS}")
        test.metadata["nbgrader"] = _meta(f"{slug}-test", solution=False, grade=True, points=points, locked=True)
        cells.append(test)
    for k, c in enumerate(cells):
        c["id"] = f"cell-{k:03d}"
        tags = [t for t in c.metadata.get("tags", []) if t != "solution"]  # nbgrader's metadata says it now
        if tags:
            c.metadata["tags"] = tags
        else:
            c.metadata.pop("tags", None)
    meta = copy.deepcopy(nb.metadata)
    meta.pop("widgets", None)
    meta["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    out = nbformat.v4.new_notebook(cells=cells, metadata=meta)
    if out.cells and out.cells[0].cell_type == "markdown":
        out.cells[0].source = out.cells[0].source.replace("(solutions)", "(class assignment)")
    if ref:
        note = _md("> **Class version.** You work **the class case** below, made for this class by your instructor "
                   "(not case A, B or C), so the `check(...)` feedback of the self-paced notebook does not apply: "
                   "your answers are graded after you submit. Ignore the instructions to choose `CASE`.",
                   grade_id="class-case-note", solution=False, grade=False, locked=True)
        out.cells.insert(1, note)
        for k, c in enumerate(out.cells):
            c["id"] = f"cell-{k:03d}"
    nbformat.validate(out)
    return out, "\n".join(rubric)


# =========================================================================== the course directory
CONFIG = '''\
# nbgrader configuration written by `python -m mgcourse.tools.classroom generate` (edit freely).
c = get_config()  # noqa: F821

c.CourseDirectory.course_id = "{course_id}"
c.CourseDirectory.assignment_id = ""
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]
# Hidden tests call the course library; give slow chapters (data loading, fitting) time to run.
c.Execute.timeout = 300
c.ExecutePreprocessor.timeout = 300
# Students see a stub in place of each solution block.
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# On a JupyterHub the exchange is a shared directory (default /srv/nbgrader/exchange); on one machine set
# c.Exchange.root = "/some/writable/dir" or skip release/collect (INSTRUCTORS.md).
'''


def chapter_sources(chapters=None) -> list[Path]:
    paths = sorted(SOLUTIONS_DIR.glob("[0-9][0-9]_*_solutions.ipynb"))
    if chapters:
        want = {f"{int(c):02d}" if str(c).isdigit() else str(c) for c in chapters}
        unknown = want - {p.name[:2] for p in paths}
        if unknown:
            raise ValueError(f"chapters: unknown chapter number(s) {sorted(unknown)}; known: "
                             f"{', '.join(p.name[:2] for p in paths)}")
        paths = [p for p in paths if p.name[:2] in want]
    return paths


def assignment_name(solution_path: Path) -> str:
    return Path(solution_path).name.replace("_solutions.ipynb", "")


def generate(course_dir: Path, chapters=None, capstone_seed: int | None = None) -> list[Path]:
    """Write the nbgrader course into ``course_dir``; returns the source notebooks written."""
    course_dir = Path(course_dir)
    (course_dir / "source").mkdir(parents=True, exist_ok=True)
    (course_dir / "rubrics").mkdir(exist_ok=True)
    cfg = course_dir / "nbgrader_config.py"
    if not cfg.exists():
        cfg.write_text(CONFIG.format(course_id=COURSE_ID), encoding="utf-8")
    written = []
    for path in chapter_sources(chapters):
        name = assignment_name(path)
        case = None
        if name.startswith("09_"):
            case = generate_case(capstone_seed)
        nb, rubric = build_source(path, capstone_case=case)
        target = course_dir / "source" / name / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        (course_dir / "rubrics" / f"{name}.md").write_text(rubric + "\n", encoding="utf-8")
        written.append(target)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mgcourse.tools.classroom", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="write an nbgrader course directory from exercises/solutions/")
    g.add_argument("--course-dir", type=Path, required=True)
    g.add_argument("--chapters", nargs="*", help="chapter numbers (default: all), e.g. 02 05 09")
    g.add_argument("--capstone-seed", type=int, default=None,
                   help="seed of the instructor-only capstone case (default: a random seed, printed)")
    args = parser.parse_args(argv)
    seed = args.capstone_seed
    if seed is None:
        seed = secrets.randbelow(10**6)
    try:
        paths = generate(args.course_dir, args.chapters, seed)
    except ValueError as exc:
        parser.error(str(exc))
    for p in paths:
        print(f"wrote {p}")
    if any(p.name.startswith("09_") for p in paths):
        print(f"capstone class case from seed {seed} (keep it private; rubric in "
              f"{Path(args.course_dir) / 'rubrics' / '09_capstone.md'})")
    print(f"next: cd {args.course_dir} && nbgrader generate_assignment <assignment> (see INSTRUCTORS.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
