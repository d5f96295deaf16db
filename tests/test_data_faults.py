"""Faults in data/ degrade to clear messages (issue 15, item 3).

A copy of ``data/`` in a temporary folder (``MGCOURSE_DATA_DIR`` points the loaders at it) is damaged five
ways: the last line truncated, one digit edited, a non-UTF-8 byte, a file deleted, the folder unreadable.
Each gives an error that names the file and the reason. With no data at all, every module imports without
reading a data file (the exercise banks compute references from data on first use) and every bank registers its
exercises; checks of answers that need no data still work, a data-dependent answer gets "cannot be checked",
widgets say the data is missing, and chapter 00 with its exercises runs without an error.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

from mgcourse import DATA_DIR, REPO_ROOT, data
from mgcourse.data import DataFileError, DataUnavailable

LOADERS = {
    "foods.csv": data.load_foods,
    "intakes.csv": data.load_intakes,
    "ods_food_table.csv": data.load_ods_food_table,
    "supplement_forms.csv": data.load_supplement_forms,
    "nhanes_2017_2018.csv": importlib.import_module("mgcourse.nhanes").load_extract,
}


@pytest.fixture
def data_copy(tmp_path, monkeypatch) -> Path:
    """A pristine copy of data/ that the loaders read instead of the repository's."""
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    monkeypatch.setenv(data.DATA_DIR_ENV, str(folder))
    return folder


def test_the_copy_loads_and_the_environment_variable_is_honoured(data_copy):
    assert data.data_dir() == data_copy
    for name, load in LOADERS.items():
        assert len(load()) > 0, name


# --------------------------------------------------------------------------- five faults


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_truncated_last_line_is_caught(data_copy, name):
    path = data_copy / name
    raw = path.read_bytes()
    path.write_bytes(raw[:-4])  # the last line loses its last three characters and its newline
    with pytest.raises(DataFileError) as info:
        LOADERS[name]()
    message = str(info.value)
    assert message.startswith(f"{name}")
    assert ("shorter (truncated?)" in message and f"got {len(raw) - 4} bytes" in message) or ", line " in message


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_one_edited_digit_is_caught_by_the_checksum(data_copy, name):
    path = data_copy / name
    text = path.read_text(encoding="utf-8")
    i = max(i for i, ch in enumerate(text) if ch in "12345678")  # the file's last digit 1-8: stays a valid value
    path.write_text(text[:i] + str(int(text[i]) + 1) + text[i + 1:], encoding="utf-8", newline="")
    assert path.stat().st_size == len(text.encode("utf-8"))  # same size: only the checksum can tell
    with pytest.raises(DataFileError) as info:
        LOADERS[name]()
    assert str(info.value).startswith(f"{name}: sha256 checksum differs from the manifest data/README.md")


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_non_utf8_byte_names_file_and_line(data_copy, name):
    path = data_copy / name
    lines = path.read_bytes().split(b"\n")
    lines[2] = b"\xff" + lines[2][1:]  # line 3 starts with a byte that is never UTF-8
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(DataFileError) as info:
        LOADERS[name]()
    assert str(info.value).startswith(f"{name}, line 3: not valid UTF-8 (got byte ff at column 1;")


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_deleted_file_gives_one_clear_message(data_copy, name):
    (data_copy / name).unlink()
    with pytest.raises(DataUnavailable) as info:
        LOADERS[name]()
    message = str(info.value)
    assert isinstance(info.value, OSError)
    assert message.startswith(f"The course data file {name} cannot be read (No such file or directory")
    assert "restore it" in message and "Traceback" not in message


def test_missing_folder_gives_one_clear_message(data_copy):
    shutil.rmtree(data_copy)
    for name, load in LOADERS.items():
        with pytest.raises(DataUnavailable, match=r"^The course data folder data/ is missing or cannot be read"):
            load()


def test_folder_that_is_a_file_gives_one_clear_message(data_copy):
    shutil.rmtree(data_copy)
    data_copy.write_text("not a folder\n")
    with pytest.raises(DataUnavailable, match=r"data/ is missing or cannot be read \(Not a directory"):
        data.load_foods()


def test_unreadable_folder_gives_one_clear_message(data_copy):
    os.chmod(data_copy, 0)
    try:
        if os.access(data_copy / "foods.csv", os.R_OK):
            pytest.skip("running as root: permissions do not stop reading (the file-instead-of-folder test covers it)")
        with pytest.raises(DataUnavailable, match=r"cannot be read \(Permission denied"):
            data.load_foods()
    finally:
        os.chmod(data_copy, 0o755)


def test_unreadable_file_gives_one_clear_message(data_copy, monkeypatch):
    real = Path.read_bytes

    def denied(self):
        if self.name == "intakes.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(DataUnavailable, match=r"^The course data file intakes.csv cannot be read \(Permission denied"):
        data.load_intakes()


def test_unlisted_file_in_the_data_folder_is_rejected(data_copy):
    shutil.copy(data_copy / "intakes.csv", data_copy / "extra.csv")
    with pytest.raises(DataFileError, match=r"^extra.csv: not listed in the checksum table of data/README.md"):
        data.load_intakes(data_copy / "extra.csv")


def test_a_repaired_file_loads_again(data_copy):
    path = data_copy / "intakes.csv"
    good = path.read_bytes()
    path.write_bytes(good[:-4])
    with pytest.raises(DataFileError):
        data.load_intakes()
    path.write_bytes(good)
    assert len(data.load_intakes()) > 0


# --------------------------------------------------------------------------- no data at all


#: One data-dependent exercise of every bank that needs data (its answer and, for the capstone, a second one).
DATA_ANSWERS = {"01.food-log-mmol": 12.5, "02.fit-fsigt": 5.0, "05.spinach-cups": 6.5,
                "05.top-density": ["12014"] * 10, "08.median-women": 12.5, "09.homa": 2.0, "09.gap": 100.0}
#: Exercises of the same banks that need no data: their reference answer is still marked correct.
DATA_FREE = ("02.homa-lab", "05.percent-dv", "00.glucose-mmol")

NO_DATA_SCRIPT = textwrap.dedent("""
    import importlib, json, pkgutil, sys
    import mgcourse
    from mgcourse import data
    from mgcourse.data import DataFileError, DataUnavailable
    real_data_dir, importing, data_reads = data.data_dir, [None], set()

    def spy():  # every loader asks data_dir() where data/ is: record which module's import asked
        data_reads.add(importing[-1])
        return real_data_dir()

    data.data_dir = spy
    failed, data_faults = [], []
    for mod in pkgutil.walk_packages(mgcourse.__path__, "mgcourse."):
        importing.append(mod.name)
        try:
            importlib.import_module(mod.name)
        except (DataUnavailable, DataFileError):
            data_faults.append(mod.name)
        except Exception as exc:
            failed.append(f"{mod.name}: {type(exc).__name__}: {exc}")
        importing.pop()
    data.data_dir = real_data_dir
    from mgcourse.checks import CANNOT_CHECK, CORRECT, NOT_ATTEMPTED, all_exercises, check
    from mgcourse import widgets
    from mgcourse.widgets import safe_call
    from mgcourse import diet
    exercises = all_exercises()
    ch00 = {i: (check(i).status, check(i, 12345.0).status) for i in exercises if i.startswith("00.")}
    answers = json.loads(sys.argv[1])
    needs_data = {i: (check(i).status, check(i, a).status, check(i, a).message) for i, a in answers.items()}
    food_log = check("09.food-log", lambda entries: 0.0).status
    data_free = {i: check(i, exercises[i].reference()).status for i in json.loads(sys.argv[2])}
    view = safe_call(lambda: diet.spinach_cups(1.0))
    print(json.dumps({"failed": failed, "data_faults": data_faults, "data_reads": sorted(data_reads),
                      "ids": sorted(exercises), "ch00": ch00, "needs_data": needs_data, "food_log": food_log,
                      "data_free": data_free, "view": [view.error, view.text],
                      "statuses": [CANNOT_CHECK, CORRECT, NOT_ATTEMPTED]}))
""")


def _run_without_data(tmp_path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), MPLBACKEND="Agg", MGCOURSE_PROGRESS="off")
    env[data.DATA_DIR_ENV] = str(tmp_path / "no-data-here")
    done = subprocess.run([sys.executable, "-c", NO_DATA_SCRIPT, json.dumps(DATA_ANSWERS), json.dumps(DATA_FREE)],
                          env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_without_data_everything_imports_and_checks_answer(tmp_path):
    out = _run_without_data(tmp_path)
    cannot, correct, not_attempted = out["statuses"]
    assert out["failed"] == []  # no module fails to import for any reason
    assert out["data_faults"] == []  # ... nor for missing data: no bank reads data when imported
    assert out["data_reads"] == []  # no module even looks for data/ while it is imported
    from mgcourse.checks import all_exercises

    course = sorted(i for i in all_exercises() if not i.startswith("test."))  # other tests register test.*
    assert out["ids"] == course  # every bank registers every exercise, data or not
    assert {i[:2] for i in DATA_ANSWERS} <= {i[:2] for i in course}
    # a data-dependent exercise: the stub is "not attempted", an answer "cannot be checked" with the data message
    for i, (stub, answered, message) in out["needs_data"].items():
        assert (stub, answered) == (not_attempted, cannot), (i, stub, answered)
        assert message.startswith("The course data folder no-data-here/ is missing"), (i, message)
    assert out["food_log"] == cannot  # an implement exercise whose reference cases read foods.csv
    assert out["data_free"] == {i: correct for i in DATA_FREE}  # the rest of a data chapter still works
    assert out["ch00"] and all(stub == not_attempted and wrong not in (cannot, correct)
                                for stub, wrong in out["ch00"].values()), out["ch00"]
    error, text = out["view"]
    assert error and text.startswith("⚠️ **Course data problem:** The course data folder no-data-here/ is missing")
    assert "Traceback" not in text


def test_widget_shows_a_damaged_file_as_a_message(data_copy):
    from mgcourse.widgets import safe_call

    path = data_copy / "intakes.csv"
    path.write_bytes(path.read_bytes()[:-4])
    view = safe_call(lambda: data.load_intakes())
    assert view.error and view.text.startswith("⚠️ **Course data problem:** intakes.csv: file is shorter")


def _notebook_module():
    return importlib.import_module("mgcourse.tools.runner")


@pytest.mark.parametrize("relpath", ["notebooks/00_welcome.ipynb", "exercises/00_welcome_exercises.ipynb"])
def test_chapter_00_runs_without_data(tmp_path, monkeypatch, relpath):
    runner = _notebook_module()
    monkeypatch.setenv(data.DATA_DIR_ENV, str(tmp_path / "no-data-here"))  # the kernel inherits it
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))
    path = REPO_ROOT / relpath
    nb = runner.execute(nbformat.read(path, as_version=4), path.parent)  # raises on any cell error
    problems = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
                if out.output_type == "error" or (out.output_type == "stream" and out.name == "stderr")]
    assert problems == []


@pytest.mark.parametrize("relpath", ["notebooks/05_food_sources.ipynb", "notebooks/08_real_survey_data.ipynb"])
def test_data_chapter_without_data_shows_one_message_not_tracebacks(tmp_path, monkeypatch, relpath):
    """Issue 15: with data/ removed, a chapter that needs data stops at its setup cell with one clear line
    (``Course data problem: …``), not a traceback, and no later cell runs (Run All stops at the first error)."""
    from nbclient.exceptions import CellExecutionError

    runner = _notebook_module()
    monkeypatch.setenv(data.DATA_DIR_ENV, str(tmp_path / "no-data-here"))
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))
    path = REPO_ROOT / relpath
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:  # start from a notebook that has never run
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    with pytest.raises(CellExecutionError):
        runner.execute(nb, path.parent)
    errors = [(i, out) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
              for out in cell.get("outputs", []) if out.output_type == "error"]
    assert len(errors) == 1, f"expected one error output, got {len(errors)}"
    index, err = errors[0]
    assert "setup" in nb.cells[index].metadata.get("tags", []), "the message must come from the setup cell"
    shown = "\n".join(err.traceback)
    assert err.traceback and shown.startswith("Course data problem:"), shown[:300]
    assert "Traceback" not in shown and "File " not in shown, "a traceback was shown instead of a message"
    assert "data" in shown and "restore" in shown
    later = [c for c in nb.cells[index + 1:] if c.cell_type == "code" and c.get("outputs")]
    assert later == [], "cells after the setup cell must not have run"
