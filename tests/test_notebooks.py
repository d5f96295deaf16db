"""Notebook hygiene (course design §5 and §2), read from the stored JSON: no kernel needed.

nbval (strict, in the same test run) re-executes every notebook and compares
outputs; these tests check what nbval does not: kernel name, execution order,
no stored errors, and the parts of the notebook anatomy every chapter must have.
"""

from pathlib import Path

import nbformat
import pytest

from mgcourse import REPO_ROOT

CHAPTERS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EXERCISES = sorted((REPO_ROOT / "exercises").glob("[0-9][0-9]_*_exercises.ipynb")) + sorted(
    (REPO_ROOT / "exercises" / "solutions").glob("[0-9][0-9]_*_solutions.ipynb"))
ALL = CHAPTERS + EXERCISES


def _ids(paths):
    return [str(p.relative_to(REPO_ROOT)) for p in paths]


def test_welcome_notebook_exists():
    assert (REPO_ROOT / "notebooks" / "00_welcome.ipynb") in CHAPTERS


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_stored_executed_cleanly(path: Path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    assert counts == list(range(1, len(counts) + 1)), "re-execute with python -m mgcourse.tools.notebooks refresh"
    for c in nb.cells:
        if c.cell_type == "code":
            for o in c.outputs:
                assert o.output_type != "error", f"stored error: {o.get('ename')}"
                assert not (o.output_type == "stream" and o.name == "stderr" and "Traceback" in o.text)


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_chapter_anatomy(path: Path):
    nb = nbformat.read(path, as_version=4)
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for heading in ("Learning objectives", "Key points", "References"):
        assert f"## {heading}" in md, f"missing section '## {heading}'"
    assert "Think!" in md or path.name.startswith("00_"), "no Think! question"
    assert "<details>" in md, "no folded answer"
    assert "Interactive demo" in md or path.name.startswith("09_"), "no interactive demo"


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_every_figure_has_a_description(path: Path):
    """Every figure is an ``<img>`` with its description in ``alt`` (so JupyterLab and the site read it out),
    stored once (no ``image/png`` copy), and is followed by a '**Figure' sentence or carries ``[Figure] …``."""
    from mgcourse.tools.site import html_figure

    nb = nbformat.read(path, as_version=4)
    cells = nb.cells
    n_figures = 0
    for k, c in enumerate(cells):
        if c.cell_type != "code":
            continue
        shown = [o for o in c.outputs if o.output_type in ("display_data", "execute_result")]
        bare = [o for o in shown if "image/png" in o.data]
        assert not bare, (f"cell {k + 1}: a figure stored as image/png, whose description cannot reach the HTML alt "
                          "in JupyterLab: show it with style.show(fig, alt=...) or plt.show() after style.apply()")
        images = [(o, html_figure(o.data)) for o in shown if "<img" in str(o.data.get("text/html", ""))]
        if not images or "nbval-ignore-output" in c.metadata.get("tags", []):
            continue
        n_figures += len(images)
        for o, parsed in images:
            assert parsed is not None, f"cell {k + 1}: an <img> output that is not a course figure (style.figure_html)"
            assert parsed[1].strip(), f"cell {k + 1}: a figure with an empty alt"
        described = all(o.data.get("text/plain", "").startswith("[Figure]") for o, _ in images)
        nxt = next((d for d in cells[k + 1:] if d.cell_type == "markdown"), None)
        followed = nxt is not None and nxt.source.lstrip().startswith("**Figure")
        assert described or followed, f"cell {k + 1}: a figure without a one-sentence description"
    if any("style.show(" in c.source or "plt.show(" in c.source for c in cells if c.cell_type == "code"):
        assert n_figures, "the notebook shows figures but none is stored: re-execute it"


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_widget_cells_are_ignored_by_nbval(path: Path):
    nb = nbformat.read(path, as_version=4)
    for k, c in enumerate(nb.cells):
        if c.cell_type == "code" and "panel(" in c.source:
            assert "nbval-ignore-output" in c.metadata.get("tags", []), f"cell {k + 1} shows a widget"
