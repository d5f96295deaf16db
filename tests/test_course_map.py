"""One table of timings: every stated chapter time comes from mgcourse.course_map.CHAPTERS.

The README's course map, INSTRUCTORS.md's table and per-chapter timing, each chapter's badge row, its
estimated-time line and its one-line promise, and chapter 00's stored course map all state the same
minutes for the same chapter. Fix a failure with ``python -m mgcourse.tools.course_map write`` (then
re-execute chapter 00 if its map changed).
"""

import json
import re

import pytest

from mgcourse import REPO_ROOT
from mgcourse.course_map import CHAPTERS, N_CHAPTERS, badge_number, badge_time, chapter, estimated_time_line
from mgcourse.tools import course_map as tool
from mgcourse.welcome import COURSE_MAP, course_map_markdown

ON_DISK = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
HINT = "run python -m mgcourse.tools.course_map write"


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _src(cell):
    return "".join(cell["source"])


def test_table_is_complete_and_ordered():
    numbers = [c.number for c in CHAPTERS]
    assert numbers == [f"{i:02d}" for i in range(N_CHAPTERS)]
    for c in CHAPTERS:
        assert c.notebook.startswith(c.number + "_") and c.notebook.endswith(".ipynb")
        assert isinstance(c.chapter_min, int) and 10 <= c.chapter_min <= 150, c
        assert isinstance(c.exercises_min, int) and 0 < c.exercises_min <= 90, c
    in_table = {c.notebook for c in CHAPTERS}
    assert {p.name for p in ON_DISK} <= in_table, "a notebook in notebooks/ is missing from the course table"
    assert {nb for _, nb, _, _ in COURSE_MAP} == in_table


def test_chapter_lookup_rejects_unknown_numbers():
    assert chapter(4).notebook == "04_vicious_cycle.ipynb"
    assert chapter("01").number == "01"
    with pytest.raises(ValueError, match="number=42"):
        chapter(42)


def test_generated_files_are_up_to_date():
    stale = [str(p.relative_to(REPO_ROOT)) for p in tool.plan()]
    assert not stale, f"{stale} disagree with mgcourse/course_map.py: {HINT}"


def test_readme_map_states_each_chapter_time():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for c in CHAPTERS:
        rows = [ln for ln in readme.splitlines() if ln.startswith(f"| {c.number} | ")]
        assert len(rows) == 1, f"README course map: {len(rows)} rows for chapter {c.number}"
        assert rows[0].endswith(f"| {c.time_text} |"), rows[0]
        linked = f"[`{c.stem}`](notebooks/{c.notebook})" in rows[0]
        assert linked == (REPO_ROOT / "notebooks" / c.notebook).exists(), rows[0]


def test_instructors_guide_states_each_chapter_time():
    guide = (REPO_ROOT / "INSTRUCTORS.md").read_text(encoding="utf-8")
    for c in CHAPTERS:
        assert f"| {c.number} | `{c.stem}` | {c.time_text} |" in guide, f"INSTRUCTORS.md table: chapter {c.number}"
        section = re.search(rf"^## Chapter {c.number} ·.*?(?=^## |\Z)", guide, re.M | re.S)
        if section:  # a chapter with its own section states its timing there, the same way
            times = re.findall(r"\*\*Timing\.\*\* Self-paced: (\d+) \+ (\d+) minutes", section.group(0))
            assert times == [(str(c.chapter_min), str(c.exercises_min))], f"INSTRUCTORS.md chapter {c.number}: {times}"


@pytest.mark.parametrize("path", ON_DISK, ids=lambda p: p.stem)
def test_chapter_states_its_time_everywhere(path):
    c = chapter(path.name[:2])
    cells = [cl for cl in _cells(path) if cl["cell_type"] == "markdown"]
    head = _src(cells[0])
    assert f"`{badge_number(c)}` · `{badge_time(c)}`" in head, f"{path.name} badge row: {HINT}"
    allowed = {c.chapter_min, c.exercises_min, c.total_min}
    for line in head.splitlines():
        if "promise" in line.lower():
            stated = {int(m) for m in re.findall(r"(\d+) minutes", line)}
            assert stated <= allowed, f"{path.name} promise states {stated} minutes; the table says {allowed}"
    estimated = [ln for cl in cells for ln in _src(cl).splitlines() if "Estimated time" in ln]
    assert len(estimated) == 1 and estimated_time_line(c) in estimated[0], f"{path.name}: {estimated}"


def test_chapter_00_stored_map_is_the_table():
    path = REPO_ROOT / "notebooks" / "00_welcome.ipynb"
    cells = [c for c in _cells(path) if c["cell_type"] == "code" and "course_map_markdown()" in _src(c)]
    assert len(cells) == 1
    shown = ["".join(o["data"]["text/markdown"]) for o in cells[0]["outputs"] if "text/markdown" in o.get("data", {})]
    assert shown == [course_map_markdown()], ("chapter 00's stored course map is stale: re-execute it "
                                              "(python -m mgcourse.tools.notebooks refresh notebooks/00_welcome.ipynb)")


def test_writer_rewrites_stale_times_in_every_format():
    c = chapter("04")
    nb = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# 04\n\n`Chapter 3 of 8` · `about 120 minutes` · `x`"},
        {"cell_type": "markdown", "metadata": {},
         "source": "## Prerequisites\n\n**Estimated time:** about 90 minutes for the chapter, plus 10 minutes for the exercises."},
        {"cell_type": "code", "metadata": {}, "source": "x = 1  # `about 5 minutes` in code stays", "outputs": [],
         "execution_count": 1}]}
    out = tool.render_notebook_sources(nb, "04")
    head, pre, code_cell = ("".join(cl["source"]) for cl in out["cells"])
    assert f"`{badge_number(c)}` · `{badge_time(c)}` · `x`" in head
    assert estimated_time_line(c) + "." in pre
    assert code_cell == "x = 1  # `about 5 minutes` in code stays"
    guide = (f"| 04 | `{c.stem}` | 1 + 2 min | class |\n\n## Chapter 04 · The vicious cycle\n\n"
             "**Timing.** Self-paced: 1 + 2 minutes. More.\n\n## Chapter 05 · Food\n\n"
             "**Timing.** Self-paced: 9 + 9 minutes.\n")
    new = tool.render_instructors(guide)
    assert f"| 04 | `{c.stem}` | {c.time_text} | class |" in new
    assert f"**Timing.** Self-paced: {c.chapter_min} + {c.exercises_min} minutes. More." in new
    f = chapter("05")
    assert f"**Timing.** Self-paced: {f.chapter_min} + {f.exercises_min} minutes." in new
    with pytest.raises(ValueError, match="course-map block"):
        tool.render_readme("# README without markers\n")
