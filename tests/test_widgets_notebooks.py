"""Issue 14, items 3 and 8: each panel stores its own static view; no duplicate static figure right above a live
one; no saved widget state in committed notebooks (a text edit gives a text-sized diff)."""

import json
import re

import nbformat
import pytest

from mgcourse import REPO_ROOT
from mgcourse.tools import merge_static_panels, runner

CHAPTERS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
STATIC = re.compile(r'widgets\.static\("([^"]+)"')
PANEL = re.compile(r'widgets\.panel\("([^"]+)"')


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_no_saved_widget_state_and_no_static_twin(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in nb["metadata"], f"{path.name}: saved widget state is committed"
    code = [("".join(c["source"]), i) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]
    for (src, i), (nxt, j) in zip(code, code[1:]):
        s, p = STATIC.search(src), PANEL.search(nxt)
        between = [nb["cells"][k]["cell_type"] for k in range(i + 1, j)]
        if s and p and s.group(1) == p.group(1) and all(t == "markdown" for t in between) and len(between) <= 1:
            pytest.fail(f"{path.name}: widgets.static({s.group(1)!r}) right above its live panel (figure stored twice)")


def _nb(*sources, tags=None):
    nb = nbformat.v4.new_notebook()
    for s in sources:
        cell = nbformat.v4.new_markdown_cell(s[3:]) if s.startswith("md:") else nbformat.v4.new_code_cell(s)
        if tags and "panel(" in s:
            cell.metadata["tags"] = list(tags)
        nb.cells.append(cell)
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


def test_merge_static_panels_merges_keeps_tags_and_is_idempotent(tmp_path):
    path = tmp_path / "nb.ipynb"
    nbformat.write(_nb('widgets.static("04.explorer", years=5)', "md:**Figure 4.1.** caption",
                       'widgets.panel("04.explorer")', 'widgets.static("07.confounding")', "x = 1",
                       'widgets.panel("07.confounding")', 'widgets.panel("04.phase_plane")',
                       tags=["nbval-ignore-output"]), path)
    changes = merge_static_panels.edit(path)
    nb = nbformat.read(path, as_version=4)
    sources = [c.source for c in nb.cells]
    assert sources[0] == 'widgets.panel("04.explorer", years=5)' and nb.cells[0].metadata["tags"] == ["nbval-ignore-output"]
    assert 'widgets.panel("04.explorer")' not in sources  # the later panel cell is gone
    assert 'widgets.panel("07.confounding", preview="note")' in sources  # static kept far above: a note
    assert 'widgets.panel("04.phase_plane", preview="note")' in sources  # figure shown elsewhere in the chapter
    assert "widgets" not in nb.metadata
    assert len(changes) == 3
    assert merge_static_panels.edit(path) == []  # a second run changes nothing


def test_runner_write_drops_saved_widget_state(tmp_path):
    nb = _nb("1 + 1")
    runner.write(nb, tmp_path / "out.ipynb")
    assert "widgets" not in json.loads((tmp_path / "out.ipynb").read_text())["metadata"]


def test_runner_write_gives_widget_views_stable_ids(tmp_path):
    """A re-run that changes nothing else leaves the file unchanged: the views' random model ids are replaced by ids
    from the cell's id and place (no widget state is saved, so no id refers to a model anyway)."""
    import uuid

    def written(name):
        nb = _nb("md:text", 'widgets.panel("04.phase_plane")', 'widgets.panel("07.confounding")')
        for k, cell in enumerate(nb.cells):
            cell.id = f"cell-{k}"  # fixed cell ids, as a committed notebook has
        for cell in nb.cells[1:]:
            cell.outputs = [nbformat.v4.new_output("display_data", data={
                runner.WIDGET_VIEW: {"model_id": uuid.uuid4().hex, "version_major": 2, "version_minor": 0},
                "text/plain": "[Interactive panel]"})]
        runner.write(nb, tmp_path / name)
        return (tmp_path / name).read_text(encoding="utf-8")

    first, second = written("a.ipynb"), written("b.ipynb")
    assert first == second
    ids = re.findall(r'"model_id": "([0-9a-f]{32})"', first)
    assert len(ids) == 2 and ids[0] != ids[1]


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_committed_widget_views_have_stable_ids(path):
    nb = nbformat.read(path, as_version=4)
    before = json.dumps(nb, sort_keys=True)
    runner.stable_widget_ids(nb)
    assert json.dumps(nb, sort_keys=True) == before, f"{path.name}: a widget view's model id is not the stable one"
