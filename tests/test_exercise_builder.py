"""The student-notebook generator: markers, stubs, hints, dropped cells, drift detection."""

import nbformat
import pytest

from mgcourse.tools import exercises
from mgcourse.tools.exercises import _stub_code, generate


def _nb(tmp_path, cells):
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    path = tmp_path / "99_demo_solutions.ipynb"
    nbformat.write(nb, path)
    return path


def _tagged(cell, *tags):
    cell.metadata["tags"] = list(tags)
    return cell


def test_block_replaced_by_stub_lines():
    src = "x = None\n### BEGIN SOLUTION\n# STUB: x = ...  # your value\nx = 42\n### END SOLUTION\ncheck('a', x)"
    assert _stub_code(src, "t") == "x = None\nx = ...  # your value\ncheck('a', x)"


def test_indented_block_without_stub_raises_not_implemented():
    src = "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION"
    out = _stub_code(src, "t")
    assert out.startswith("def f(x):\n    raise NotImplementedError(")
    assert "2 * x" not in out


@pytest.mark.parametrize("src, msg", [
    ("### BEGIN SOLUTION\nx = 1", "without ### END"),
    ("x = 1\n### END SOLUTION", "without ### BEGIN"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "nested"),
])
def test_malformed_markers_are_reported_with_location(src, msg):
    with pytest.raises(ValueError, match=msg):
        _stub_code(src, "demo.ipynb, cell 3")


def test_generate_transforms_every_tag(tmp_path):
    path = _nb(tmp_path, [
        nbformat.v4.new_markdown_cell("# Chapter 99 (solutions)"),
        _tagged(nbformat.v4.new_code_cell("### BEGIN SOLUTION\n# STUB: y = ...\ny = 1\n### END SOLUTION"), "solution"),
        _tagged(nbformat.v4.new_markdown_cell("The model answer is long."), "solution"),
        _tagged(nbformat.v4.new_markdown_cell("Instructor note"), "solutions-only"),
        _tagged(nbformat.v4.new_markdown_cell("**Hint 1**\nThink about units."), "hint"),
        _tagged(nbformat.v4.new_code_cell("z = 2\n# STUB: z = ..."), "solution"),
    ])
    student = generate(path)
    sources = [c.source for c in student.cells]
    assert sources[0] == "# Chapter 99 (exercises)"
    assert "Student version" in sources[1]
    assert sources[2] == "y = ..."
    assert "model answer" not in "\n".join(sources)
    assert "Instructor note" not in "\n".join(sources)
    assert sources[4].startswith("<details>") and "Think about units." in sources[4] and "Hint 1" in sources[4]
    assert sources[5] == "z = ..."
    assert all("solution" not in c.metadata.get("tags", []) for c in student.cells)
    assert student.metadata["kernelspec"]["name"] == "python3"


def test_drift_detection(tmp_path, monkeypatch):
    path = _nb(tmp_path, [nbformat.v4.new_markdown_cell("# T"), nbformat.v4.new_code_cell("x = 1")])
    monkeypatch.setattr(exercises, "STUDENT_DIR", tmp_path)
    ok, why = exercises.is_up_to_date(path)
    assert not ok and "missing" in why
    exercises.build(path, run=False)
    assert exercises.is_up_to_date(path) == (True, "")
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].source = "x = 2"
    nbformat.write(nb, path)
    ok, why = exercises.is_up_to_date(path)
    assert not ok and "differs" in why


def test_solution_name_required(tmp_path):
    with pytest.raises(ValueError, match="_solutions.ipynb"):
        exercises.student_path(tmp_path / "notes.ipynb")


def test_relative_links_are_rewritten_for_the_student_folder():
    from mgcourse.tools.exercises import _relink

    assert _relink("see [ch 2](../../notebooks/01_x.ipynb) and [sol](01_x_solutions.ipynb)") == \
        "see [ch 2](../notebooks/01_x.ipynb) and [sol](solutions/01_x_solutions.ipynb)"
    assert _relink("[web](https://example.org/a) [anchor](#top)") == "[web](https://example.org/a) [anchor](#top)"
