"""The gaming student (issue 12): keyword salads, false keyword-laden answers, the library's own
functions passed, wrapped or called inside a stub, and hints that would give the answer away."""

import functools
import importlib
import re

import nbformat
import numpy as np
import pytest

from mgcourse import REPO_ROOT, capstone
from mgcourse.checks import CORRECT, NOT_YET, SUBMITTED, Checker, all_exercises, mentions

EXERCISES = {k: v for k, v in all_exercises().items() if not k.startswith("test.")}
EXPLAIN = sorted(i for i, e in EXERCISES.items() if e.kind == "explain")
IMPLEMENT = sorted(i for i, e in EXERCISES.items() if e.kind == "implement")
#: Implement exercises for which the library has no function of the same job (documented, not silently skipped).
NO_LIBRARY_VERSION = {
    "03.serum-units": "the exercise allows mgcourse.units.convert; the task is the unit dispatch and the guards",
    "04.unstable-directions": "the library has no eigenvalue-counting function",
    "01.labelled-figure": "the library has no function that plots intake series; the check inspects the learner's "
                          "own Figure (labels with units, legend, the arrays passed in)",
}
SOLUTIONS = sorted((REPO_ROOT / "exercises" / "solutions").glob("[0-9][0-9]_*_solutions.ipynb"))


@pytest.fixture(autouse=True)
def _private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv("MGCOURSE_PROGRESS", str(tmp_path / "progress.jsonl"))
    capstone.select_case("A")


# --------------------------------------------------------------------------- explain
def _terms(ex):
    return [t for terms in ex.grader.concepts.values() for t in terms]


@pytest.mark.parametrize("ex_id", EXPLAIN)
def test_keyword_salad_is_not_even_a_substantive_attempt(ex_id):
    ex = EXERCISES[ex_id]
    terms = [t.strip() for t in _terms(ex) if t.strip()]
    salad = " ".join((terms * 20)[: max(ex.grader.min_words + 5, 2 * len(terms))])
    for answer in (salad, " ".join(["banana"] * 100), salad.replace(" ", ", ")):
        fb = Checker()(ex_id, answer)
        assert fb.status == NOT_YET, (ex_id, answer[:60], repr(fb))
        assert "Model answer" not in repr(fb) and not fb.model_answer


@pytest.mark.parametrize("ex_id", EXPLAIN)
def test_false_keyword_laden_answer_is_never_correct(ex_id):
    ex = EXERCISES[ex_id]
    terms = ", ".join(t.strip() for t in _terms(ex)[:12])
    false = (f"This is a claim that is wrong on purpose. The words {terms} are all here, but the answer says that "
             "none of them matters and that the opposite of what the course shows is true. It is because the moon "
             "is made of cheese and the data were invented, so every number means nothing at all and the "
             "question has no answer that anyone could check. Besides, my cousin read somewhere online that "
             "magnesium turns into gold overnight when you leave it beside a window, which proves that every "
             "study was faked by people who wanted to sell books. Nobody should trust a laboratory, a doctor or "
             "a table of numbers, since opinions are just as good as measurements whenever someone feels strongly.")
    fb = Checker()(ex_id, false)
    assert fb.status != CORRECT and "✅" not in repr(fb)
    assert fb.status == SUBMITTED  # recorded and compared with the model answer, graded by a person
    assert "compare with the model answer" in repr(fb) and fb.model_answer and fb.rubric


@pytest.mark.parametrize("ex_id", EXPLAIN)
def test_model_answer_is_submitted_never_correct(ex_id):
    ex = EXERCISES[ex_id]
    assert ex.model_answer, f"{ex_id} has no model answer"
    fb = Checker()(ex_id, ex.model_answer)
    assert fb.status == SUBMITTED and fb.answer_text


def test_concepts_match_whole_words_not_substrings():
    assert not mentions("it could usually be so", ["ul"])
    assert mentions("above the UL of 350 mg", ["ul"])
    assert mentions("renal excretion falls", ["excret"])       # a stem of 4+ letters
    assert not mentions("community and opportunity", ["unit"])  # a term never matches inside a word
    assert mentions("several different studies agree", ["different stud"])
    assert mentions("cells and tissue", ["cell"])


# --------------------------------------------------------------------------- implement: the library refused
def _library_functions(ex):
    for target in ex.library:
        mod, _, attr = target.partition(":")
        yield target, importlib.import_module(mod), attr


def test_every_implement_exercise_names_its_library_version_or_why_none():
    for ex_id in IMPLEMENT:
        assert EXERCISES[ex_id].library or ex_id in NO_LIBRARY_VERSION, ex_id


@pytest.mark.parametrize("ex_id", [i for i in IMPLEMENT if i not in NO_LIBRARY_VERSION])
def test_library_passed_wrapped_or_called_in_a_stub_is_refused(ex_id):
    ex = EXERCISES[ex_id]
    for target, module, attr in _library_functions(ex):
        lib = getattr(module, attr)
        ns = {attr: lib}
        exec(f"def from_import_stub(*args):\n    return {attr}(*args)", ns)  # `from module import f` in a notebook

        def module_stub(*args, _m=module, _a=attr):  # `module.f(...)` inside the learner's function
            return getattr(_m, _a)(*args)

        def swallowing_stub(*args, _m=module, _a=attr):  # tries to hide the call
            try:
                return getattr(_m, _a)(*args)
            except Exception:  # noqa: BLE001
                return 0.0

        def default_arg_stub(*args, _f=lib):  # the library function smuggled in as a keyword-only default
            return _f(*args)

        ns2 = {"lib": lib}
        exec("def positional_default_stub(a, b=None, c=None, d=None, _f=lib):\n"
             "    return _f(*[x for x in (a, b, c, d) if x is not None])", ns2)

        class CallableHolder:  # ... or as an attribute of a callable object
            def __init__(self):
                self.f = lib

            def __call__(self, *args):
                return self.f(*args)

        closure_lib = lib
        candidates = {
            "a default argument": default_arg_stub,
            "a positional default": ns2["positional_default_stub"],
            "a callable object": CallableHolder(),
            "a partial of a wrapper": functools.partial(lambda fn, *a: fn(*a), lib),
            "the function itself": lib,
            "a lambda": lambda *a: closure_lib(*a),
            "functools.partial": functools.partial(lib),
            "a from-import stub": ns["from_import_stub"],
            "a module stub": module_stub,
            "a stub that swallows errors": swallowing_stub,
        }
        for how, candidate in candidates.items():
            fb = Checker()(ex_id, candidate)
            assert fb.status != CORRECT, (ex_id, target, how)
            assert "write this yourself" in fb.message and "library's version" in fb.message, (ex_id, target, how,
                                                                                                repr(fb))
            assert fb.hint_level == 0, "a refused library call must not advance the hint tier"
        assert getattr(module, attr) is lib, "the library function must be restored after the check"


def test_refusal_restores_the_library_even_when_the_learner_crashes():
    from mgcourse import indices

    original = indices.quicki

    def crashes(g, i):
        raise RuntimeError("boom")

    Checker()("02.quicki", crashes)
    assert indices.quicki is original
    assert indices.quicki(90.0, 5.0) > 0


# --------------------------------------------------------------------------- hints never give the answer away
def _positional(x, sig):
    """``x`` rounded to ``sig`` significant figures, written without an exponent (1990.58, 3 -> "1990")."""
    if x == 0 or not np.isfinite(x):
        return str(x)
    digits = sig - 1 - int(np.floor(np.log10(abs(x))))
    return np.format_float_positional(round(x, digits), trim="-")


def _renderings(v, precision, extra=(3, 4)):
    out = set()
    sigs = set(extra)
    if precision is not None and precision.sig:
        sigs |= {precision.sig, precision.sig + 1}
    for s in sigs:
        out.add(_positional(v, s))
    if precision is not None and precision.decimals is not None:
        out.add(f"{v:.{max(precision.decimals, 0)}f}")
    if float(v).is_integer():
        out.add(str(int(v)))
    # a rendering with fewer than two significant digits would match ordinary numbers in any text
    return {r for r in out if len(r.lstrip("-").replace(".", "").strip("0")) >= 2}


def _contains_number(text, rendering):
    return re.search(r"(?<![\d.])" + re.escape(rendering) + r"(?![\d])", text.replace("−", "-")) is not None


def _solution_lines():
    """Code lines of each exercise's solution block, by exercise id (STUB lines and trivial lines left out)."""
    names = {e.name: i for i, e in EXERCISES.items()}
    out = {}
    for path in SOLUTIONS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code" or "solution" not in cell.metadata.get("tags", []):
                continue
            ids = set(re.findall(r'check\("([^"]+)"', cell.source))
            ids |= {names[n] for n in re.findall(r"check\.(\w+)\(", cell.source) if n in names}
            block = re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S)
            lines = [" ".join(line.split()) for b in block for line in b.splitlines()]
            lines = [ln for ln in lines if len(ln) >= 16 and not ln.startswith("#") and '"""' not in ln]
            for i in ids:
                out.setdefault(i, []).extend(lines)
    return out


def _notebook_hints():
    """Hint cells of the solutions notebooks, by the exercises whose check cells are nearest before and after."""
    names = {e.name: i for i, e in EXERCISES.items()}
    out = {}
    for path in SOLUTIONS:
        cells = nbformat.read(path, as_version=4).cells
        owner = []
        for cell in cells:
            m = None
            if cell.cell_type == "code":
                m = re.search(r'check\("([^"]+)"', cell.source) or re.search(r"check\.(\w+)\(", cell.source)
            owner.append((m.group(1) if m.group(1) in EXERCISES else names.get(m.group(1))) if m else None)
        for k, cell in enumerate(cells):
            if "hint" not in cell.metadata.get("tags", []):
                continue
            before = next((o for o in reversed(owner[:k]) if o), None)
            after = next((o for o in owner[k + 1:] if o), None)
            for ex_id in {before, after} - {None}:
                out.setdefault(ex_id, []).append(cell.source)
    return out


def _secrets(ex):
    values = list(ex.secrets)
    ref = ex.reference() if ex.kind == "compute" else None
    if isinstance(ref, (int, float)):
        values.append(float(ref))
    return [v for v in values if np.isfinite(v) and abs(v) >= 0.01]


@pytest.mark.parametrize("ex_id", sorted(EXERCISES))
def test_no_hint_contains_the_expected_value_or_a_solution_line(ex_id):
    ex = EXERCISES[ex_id]
    texts = list(ex.hints) + _notebook_hints().get(ex_id, [])
    inputs = " ".join(getattr(ex.grader, "case_descriptions", ()))
    for v in _secrets(ex):
        for r in _renderings(v, ex.precision):
            if ex.kind == "implement" and _contains_number(inputs, r):
                continue  # a reference output equal to an input is no secret
            for h in texts:
                assert not _contains_number(h, r), (ex_id, r, h)
    for line in _solution_lines().get(ex_id, []):
        for h in texts:
            assert not _leaks_line(h, line), (ex_id, line, h)


def _squash(text):
    return re.sub(r"\s+|`", "", text)


def _leaks_line(hint, line):
    """A solution line (whitespace ignored, a leading `return` or assignment target dropped) inside a hint."""
    body = re.sub(r"^(return\s+|[A-Za-z_][\w.\[\]]*\s*=\s*)", "", line)
    body = _squash(body)
    return len(body) >= 14 and body in _squash(hint)


def test_the_scanner_catches_known_leaks():
    """The leaks of issue 12, replayed against the scanner helpers."""
    assert _contains_number("should give the ODS value of about 156 mg", "156")
    assert "156" in _renderings(550 * 28.35 / 100, None)
    assert _leaks_line("then return 1 / (np.log10(insulin_uU_ml) + np.log10(glucose_mg_dl)).",
                       "return 1 / (np.log10(insulin_uU_ml) + np.log10(glucose_mg_dl))")
    assert _leaks_line("b = fit['mg_per_100']; the answer is 100 * (np.exp(b) - 1).",
                       "adjusted_pct = 100 * (np.exp(b) - 1)")
    assert not _contains_number("GFR 180 L/day", "18")


@pytest.mark.parametrize("ex_id", sorted(i for i, e in EXERCISES.items() if e.kind == "compute" and _secrets(e)))
def test_messages_on_wrong_answers_and_mistakes_never_show_the_value(ex_id):
    ex = EXERCISES[ex_id]
    c = Checker()
    for v in _secrets(ex):
        wrongs = [v * 1.37 + 0.5, -v, 0.0, v * 10, v / 10, "abc", None, [v, v]]
        wrongs += list(getattr(ex.grader, "mistake_values", ()))
        for wrong in wrongs:
            text = repr(c(ex_id, wrong))
            for r in _renderings(v, ex.precision):
                assert not _contains_number(text, r), (ex_id, wrong, r, text)


def test_all_three_tiers_are_never_printed_up_front():
    """A notebook may fold one hint per exercise; it must not print the three tiers (the check gives them)."""
    for path in SOLUTIONS:
        nb = nbformat.read(path, as_version=4)
        run = 0
        for cell in nb.cells:
            if "hint" in cell.metadata.get("tags", []):
                run += 1
                assert run < 2, f"{path.name}: several hint cells in a row print the tiers up front"
            else:
                run = 0
        for ex in EXERCISES.values():
            if ex.chapter == path.name[:2]:
                for cell in nb.cells:
                    assert ex.hints[2] not in cell.source, (path.name, ex.id, "prints the last tier")


CHAPTERS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
#: Chapter 09's case values are held back by the classroom work (issue 12 item 6), not by this test.
CHAPTERS_HANDLED_ELSEWHERE = {"09"}


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_no_chapter_solves_an_exercise(path):
    """No chapter cell calls a check that passes, and no chapter shows a compute answer at the precision asked."""
    chapter = path.name[:2]
    if chapter in CHAPTERS_HANDLED_ELSEWHERE:
        pytest.skip("chapter 09 case values: issue 12 item 6")
    texts = []
    for cell in nbformat.read(path, as_version=4).cells:
        texts.append(cell.source)
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            texts.append(data.get("text/plain", "") + data.get("text/markdown", "") + out.get("text", ""))
    blob = "\n".join(texts)
    assert "✅ [" not in blob, f"{path.name}: a check reports correct in the chapter"
    for ex in EXERCISES.values():
        if ex.chapter != chapter or ex.kind != "compute" or ex.precision is None:
            continue
        for v in _secrets(ex):
            for r in _renderings(v, ex.precision, extra=()):
                if len(r.lstrip("-").replace(".", "").strip("0")) < 3:
                    continue  # two digits (e.g. "3.1", "23") occur in any chapter (section numbers, tables)
                if r.isdigit() and 1900 <= int(r) <= 2030:
                    continue  # looks like a publication year in the reference list
                assert not _contains_number(blob, r), (ex.id, r)
